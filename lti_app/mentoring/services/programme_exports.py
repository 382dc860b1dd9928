"""Raw data of a cohort for CSV: participants, pairs, meetings, goals with ratings, reflections, completion and
survey answers.

Each export is a header and a generator of rows over one query read in batches (``yield_per``), so a 5,000-person
cohort is never held in memory. Only facts the pair did not write are exported (no meeting notes, no goal texts,
no reflection bodies): what a pair wrote stays behind the cohort's privacy setting. Survey answers follow the
anonymity rule of the surveys' results page (``survey_answers``). Nothing here writes.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from lti_app.extensions import db
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.completion import Completion
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.domain import surveys as survey_domain
from lti_app.mentoring.domain.texts import N_, _, ngettext
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission
from lti_app.mentoring.models.survey import Survey, SurveyAnswer, SurveyQuestion, SurveyRound, SurveyVersion
from lti_app.mentoring.models.workspace import Goal, Meeting
from lti_app.mentoring.services import surveys
from lti_app.mentoring.services.pairs import VISIBLE_TO_PARTNERS

BATCH = 500


@dataclass(frozen=True)
class Export:
    """A CSV of raw data: its name, title and header (marked in English, read in the reader's language) and a
    function giving its rows for a cohort."""

    name: str
    english_title: str
    english_header: tuple[str, ...]
    rows: Callable[[Cohort], Iterator[tuple[Any, ...]]]

    @property
    def title(self) -> str:
        return _(self.english_title)

    @property
    def header(self) -> tuple[str, ...]:
        """The header row in the reader's language, the columns in the same order."""
        return tuple(_(column) for column in self.english_header)


def _stream(query) -> Iterator[Any]:
    yield from db.session.execute(query.execution_options(yield_per=BATCH))


def _name(given: str | None, family: str | None, name: str | None, email: str | None) -> str:
    full = " ".join(p for p in (given, family) if p)
    return name or full or email or _("Participant")


def participants(cohort: Cohort) -> Iterator[tuple[Any, ...]]:
    query = (select(Enrolment.id, Person.given_name, Person.family_name, Person.name, Person.email, Enrolment.role_wanted,
                    Enrolment.status, Enrolment.department, Enrolment.enrolled_at, Enrolment.withdrawn_at,
                    Completion.completed_at)
             .join(Person, Enrolment.person_id == Person.id).outerjoin(Completion, Completion.enrolment_id == Enrolment.id)
             .where(Enrolment.cohort_id == cohort.id).order_by(Enrolment.id))
    for e_id, given, family, name, email, role, status, department, enrolled, withdrawn, completed in _stream(query):
        yield (e_id, _name(given, family, name, email), email or "", role.value, status.value, department or "",
               enrolled, withdrawn, completed)


def pairs(cohort: Cohort) -> Iterator[tuple[Any, ...]]:
    mentor, mentee = aliased(Enrolment), aliased(Enrolment)
    mentor_person, mentee_person = aliased(Person), aliased(Person)
    meetings = (select(Meeting.pair_id, func.count(Meeting.id).label("n"), func.max(Meeting.held_on).label("last"))
                .group_by(Meeting.pair_id).subquery())
    query = (select(Pair.id, Pair.round, Pair.status, Pair.score, Pair.pinned,
                    mentor_person.given_name, mentor_person.family_name, mentor_person.name, mentor_person.email,
                    mentee_person.given_name, mentee_person.family_name, mentee_person.name, mentee_person.email,
                    Pair.published_at, Pair.ended_at, meetings.c.n, meetings.c.last)
             .join(mentor, Pair.mentor_enrolment_id == mentor.id).join(mentor_person, mentor.person_id == mentor_person.id)
             .join(mentee, Pair.mentee_enrolment_id == mentee.id).join(mentee_person, mentee.person_id == mentee_person.id)
             .outerjoin(meetings, meetings.c.pair_id == Pair.id)
             .where(Pair.cohort_id == cohort.id, Pair.status.in_(VISIBLE_TO_PARTNERS)).order_by(Pair.id))
    for row in _stream(query):
        yield (row[0], row[1], row[2].value, round(row[3] or 0.0, 3), "yes" if row[4] else "no",
               _name(*row[5:9]), _name(*row[9:13]), row[13], row[14], row[15] or 0, row[16])


def meetings(cohort: Cohort) -> Iterator[tuple[Any, ...]]:
    query = (select(Meeting.id, Meeting.pair_id, Meeting.held_on, Meeting.duration_minutes, Meeting.channel)
             .join(Pair, Meeting.pair_id == Pair.id)
             .where(Pair.cohort_id == cohort.id, Pair.status.in_(VISIBLE_TO_PARTNERS)).order_by(Meeting.held_on, Meeting.id))
    for m_id, pair_id, held_on, minutes, channel in _stream(query):
        yield m_id, pair_id, held_on, minutes, channel.value


def goals(cohort: Cohort) -> Iterator[tuple[Any, ...]]:
    query = (select(Goal.id, Goal.pair_id, Goal.owner_enrolment_id, Pair.mentor_enrolment_id, Goal.baseline_rating,
                    Goal.target_rating, Goal.current_rating, Goal.end_rating_owner, Goal.end_rating_partner,
                    Goal.target_on)
             .join(Pair, Goal.pair_id == Pair.id)
             .where(Pair.cohort_id == cohort.id, Pair.status.in_(VISIBLE_TO_PARTNERS)).order_by(Goal.id))
    for g_id, pair_id, owner, mentor_id, baseline, target, current, end_owner, end_partner, target_on in _stream(query):
        reached = end_owner if end_owner is not None else current
        yield (g_id, pair_id, owner, "mentor" if owner == mentor_id else "mentee", baseline, target, current,
               end_owner, end_partner, target_on, "" if reached is None else ("yes" if reached >= target else "no"))


def reflections(cohort: Cohort) -> Iterator[tuple[Any, ...]]:
    query = (select(ReflectionAssignment.id, ReflectionAssignment.title, Submission.enrolment_id, Person.given_name,
                    Person.family_name, Person.name, Person.email, Submission.status, Submission.submitted_at,
                    Submission.late, Submission.score, ReflectionAssignment.points, Submission.graded_at)
             .join(Submission, Submission.assignment_id == ReflectionAssignment.id)
             .join(Enrolment, Submission.enrolment_id == Enrolment.id).join(Person, Enrolment.person_id == Person.id)
             .where(ReflectionAssignment.cohort_id == cohort.id).order_by(ReflectionAssignment.id, Submission.id))
    for row in _stream(query):
        yield (row[0], row[1], row[2], _name(*row[3:7]), row[7].value, row[8], "yes" if row[9] else "no", row[10],
               row[11], row[12])


def completion(cohort: Cohort) -> Iterator[tuple[Any, ...]]:
    query = (select(Completion.enrolment_id, Person.given_name, Person.family_name, Person.name, Person.email,
                    Enrolment.role_wanted, Completion.completed_at)
             .join(Enrolment, Completion.enrolment_id == Enrolment.id).join(Person, Enrolment.person_id == Person.id)
             .where(Completion.cohort_id == cohort.id).order_by(Completion.completed_at, Completion.id))
    for e_id, given, family, name, email, role, completed in _stream(query):
        yield e_id, _name(given, family, name, email), role.value, completed


SURVEY_ANSWERS_HEADER = (N_("survey"), N_("round"), N_("round opened on"), N_("questions version"), N_("response"),
                         N_("role"), N_("late"), N_("enrolment id"), N_("name"), N_("question code"), N_("question"),
                         N_("answer"))


def survey_answers_header() -> tuple[str, ...]:
    """``SURVEY_ANSWERS_HEADER`` in the reader's language."""
    return tuple(_(column) for column in SURVEY_ANSWERS_HEADER)


def withheld(threshold: int) -> str:
    """What the survey answers export says in place of a round's answers under the anonymity threshold."""
    return ngettext("fewer than %(num)d answered this round with these questions: answers not shown",
                    "fewer than %(num)d answered this round with these questions: answers not shown", threshold)


def survey_answers(cohort: Cohort, *, named: bool = False) -> Iterator[tuple[Any, ...]]:
    """One row per answer per question answered, oldest round first.

    Anonymous (``named=False``, the ``data.csv`` download): a round's answers to one version of the questions are
    shown only where at least the cohort's anonymity threshold answered it (as the results page shows a version's
    figures and free text); below it the group is one row saying so, with no values. No enrolment id, no name, no
    time of answering; free text as written, without names. ``response`` numbers the answers of a round, so the
    answers one person gave can be read together. ``named=True`` (only after ``survey_admin.log_names_download``)
    fills in the enrolment id and name of every answer, whatever the threshold, as the named answers page does.
    Four queries whatever the cohort's size: the threshold, the questions, the group sizes, the answers (streamed).
    """
    threshold = surveys.current_settings(cohort.id).anonymity_threshold
    questions: dict[int, list[tuple[str, str]]] = {}
    for version_id, code, text in db.session.execute(
            select(SurveyQuestion.version_id, SurveyQuestion.code, SurveyQuestion.text).join(SurveyVersion)
            .join(Survey).where(Survey.cohort_id == cohort.id).order_by(SurveyQuestion.version_id, SurveyQuestion.position)):
        questions.setdefault(version_id, []).append((code, text))
    sizes = dict(((r, v), n) for r, v, n in db.session.execute(
        select(SurveyAnswer.round_id, SurveyAnswer.version_id, func.count(SurveyAnswer.id)).join(SurveyRound)
        .join(Survey).where(Survey.cohort_id == cohort.id).group_by(SurveyAnswer.round_id, SurveyAnswer.version_id)))
    query = (select(Survey.kind, SurveyRound.id, SurveyRound.number, SurveyRound.opens_at, SurveyRound.pair_id,
                    SurveyVersion.id, SurveyVersion.number, SurveyAnswer.role, SurveyAnswer.late, SurveyAnswer.values,
                    SurveyAnswer.enrolment_id, Person.given_name, Person.family_name, Person.name, Person.email)
             .join(SurveyRound, SurveyRound.survey_id == Survey.id).join(SurveyAnswer, SurveyAnswer.round_id == SurveyRound.id)
             .join(SurveyVersion, SurveyVersion.id == SurveyAnswer.version_id)
             .join(Enrolment, Enrolment.id == SurveyAnswer.enrolment_id).join(Person, Enrolment.person_id == Person.id)
             .where(Survey.cohort_id == cohort.id)
             .order_by(Survey.kind, SurveyRound.opens_at, SurveyRound.id, SurveyVersion.number, SurveyAnswer.id))
    responses: dict[int, int] = {}
    said: set[tuple[int, int]] = set()
    for kind, round_id, number, opens_at, pair_id, version_id, version, role, late, values, e_id, *name in _stream(query):
        survey = (_("Pulse survey (a pair ended early)") if kind.value == "pulse" else
                  _("Exit survey (a pair ended early)")) if pair_id else kind.label
        where = (survey, number, opens_at.date(), version)
        if not named and survey_domain.below_threshold(sizes.get((round_id, version_id), 0), threshold):
            if (round_id, version_id) not in said:
                said.add((round_id, version_id))
                yield (*where, "", "", "", "", "", "", "", withheld(threshold))
            continue
        responses[round_id] = response = responses.get(round_id, 0) + 1
        who = (e_id, _name(*name)) if named else ("", "")
        for code, text in questions.get(version_id, []):
            value = (values or {}).get(code)
            if value not in (None, ""):
                yield (*where, response, role, "yes" if late else "no", *who, code, text, value)


EXPORTS = {e.name: e for e in (
    Export("participants", N_("Participants"), (
        N_("enrolment id"), N_("name"), N_("email"), N_("role wanted"), N_("status"), N_("department"),
        N_("enrolled at"), N_("withdrawn at"), N_("completed at")), participants),
    Export("pairs", N_("Pairs"), (
        N_("pair id"), N_("round"), N_("status"), N_("score"), N_("made or kept by hand"), N_("mentor"), N_("mentee"),
        N_("published at"), N_("ended at"), N_("meetings"), N_("last meeting on")), pairs),
    Export("meetings", N_("Meetings"), (N_("meeting id"), N_("pair id"), N_("held on"), N_("minutes"), N_("channel")),
           meetings),
    Export("goals", N_("Goals with ratings"), (
        N_("goal id"), N_("pair id"), N_("owner enrolment id"), N_("owner role"), N_("baseline"), N_("target"),
        N_("current"), N_("end (owner)"), N_("end (partner)"), N_("target on"), N_("reached target")), goals),
    Export("reflections", N_("Reflections"), (
        N_("assignment id"), N_("assignment"), N_("enrolment id"), N_("name"), N_("status"), N_("submitted at"),
        N_("late"), N_("score"), N_("points"), N_("graded at")), reflections),
    Export("completion", N_("Completion"), (N_("enrolment id"), N_("name"), N_("role wanted"), N_("completed at")),
           completion),
    Export("survey_answers", N_("Survey answers (anonymous)"), SURVEY_ANSWERS_HEADER, survey_answers),
)}
