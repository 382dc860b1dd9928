"""The services that write e-mail notices for events, in the event's own transaction (see ``mail_outbox``).

Each reads what its pure "what is due" function needs (``domain.mail_notices``) in a fixed number of queries and
writes the outbox rows. Called where the event happens: ``note_pairs_published`` by ``matching.publish_pairs`` and
``rotation.publish_round``, ``note_agreement_signed`` by ``agreements.sign_agreement``, ``note_grade_posted`` by
``grading.grade_submission``.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import aliased

from lti_app.mentoring.domain import texts
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.mail_notices import (
    PairSide, PublishedPair, agreement_waits_notice, grade_posted_notice, pairs_published_notices,
)
from lti_app.mentoring.domain.scheduled_notices import (
    QuietPair, held_digest_notices, instructor_digest_notices, meeting_overdue_notices, quiet_pair_notices,
    quiet_warning_notices,
)
from lti_app.extensions import db
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.mail_outbox import MailOutbox
from lti_app.mentoring.models.course import Membership
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.reflection import Submission
from lti_app.mentoring.models.workspace import Agreement
from lti_app.mentoring.services import mail_outbox

if TYPE_CHECKING:  # annotations only: pairs is imported by the services that call these
    from lti_app.mentoring.services.pairs import PairSeat


def _side(enrolment: Enrolment, person: Person, role: str) -> PairSide:
    return PairSide(person.id, person.display_name, role, active=enrolment.is_active)


def note_pairs_published(pairs: Sequence[Pair]) -> list[MailOutbox]:
    """Tell both partners of each of these newly published pairs who, why and the first step (flushes)."""
    ids = [p.id for p in pairs]
    if not ids:
        return []
    mentor, mentee = aliased(Enrolment), aliased(Enrolment)
    mentor_person, mentee_person = aliased(Person), aliased(Person)
    rows = db.session.execute(
        select(Pair, Cohort, mentor, mentor_person, mentee, mentee_person)
        .join(Cohort, Cohort.id == Pair.cohort_id)
        .join(mentor, mentor.id == Pair.mentor_enrolment_id).join(mentor_person, mentor_person.id == mentor.person_id)
        .join(mentee, mentee.id == Pair.mentee_enrolment_id).join(mentee_person, mentee_person.id == mentee.person_id)
        .where(Pair.id.in_(ids)).order_by(Pair.id)).all()
    facts = [PublishedPair(pair.id, pair.round or 1, cohort.course_id, cohort.name,
                           _side(m, mp, "mentor"), _side(e, ep, "mentee"),
                           tuple(part.get("phrase") or str(part["sentence"]) for part in (pair.explanation or [])
                                 if part.get("phrase") or part.get("sentence")),
                           programme_over=cohort.state is CohortState.FINISHED)
             for pair, cohort, m, mp, e, ep in rows]
    languages = {person.id: texts.reader_language(person.language, person.locale)
                 for *_, mp, _e, ep in rows for person in (mp, ep)}
    return mail_outbox.note_notices(pairs_published_notices(facts, languages))


def note_agreement_signed(seat: PairSeat, agreement: Agreement) -> list[MailOutbox]:
    """After the person of ``seat`` signed, tell their partner who has not signed yet (flushes)."""
    signed_at = agreement.signed_at(seat.role)
    if signed_at is None:
        return []
    partner_role = "mentee" if seat.is_mentor else "mentor"
    reader = seat.partner.person
    notice = agreement_waits_notice(
        pair_id=seat.pair.id, agreement_id=agreement.id, course_id=seat.pair.cohort.course_id,
        signer_name=seat.me.person.display_name,
        partner=PairSide(seat.partner.person_id, reader.display_name, partner_role, active=seat.partner.is_active),
        partner_signed=agreement.signed_at(partner_role) is not None, signed_at=signed_at,
        language=texts.reader_language(reader.language, reader.locale))
    return mail_outbox.note_notices([notice] if notice else [])


def note_grade_posted(submission: Submission) -> list[MailOutbox]:
    """Tell the writer of a graded reflection their grade (flushes)."""
    assignment = submission.assignment
    if submission.score is None or submission.graded_at is None:
        return []
    writer = submission.enrolment.person
    notice = grade_posted_notice(person_id=submission.enrolment.person_id, submission_id=submission.id,
                                 course_id=assignment.cohort.course_id, title=assignment.title,
                                 score=submission.score, points=assignment.points, graded_at=submission.graded_at,
                                 active=submission.enrolment.is_active,
                                 language=texts.reader_language(writer.language, writer.locale))
    return mail_outbox.note_notices([notice] if notice else [])


def _quiet_facts(now: datetime, today: date) -> list[QuietPair]:
    """Every active pair of a matched or running cohort, with its activity, its course's instructors and its
    quiet-pair warning when due on ``today`` (``quiet_pairs.warned_pairs``), in a fixed number of queries
    (``activity_of_pairs``, ``warned_pairs`` and three more)."""
    from lti_app.mentoring.services.pair_activity import activity_of_pairs
    from lti_app.mentoring.services.quiet_pairs import warned_pairs

    pairs = list(db.session.scalars(
        select(Pair).join(Cohort, Cohort.id == Pair.cohort_id)
        .where(Pair.status == PairStatus.ACTIVE, Cohort.state.in_((CohortState.MATCHED, CohortState.RUNNING)))
        .order_by(Pair.id)))
    if not pairs:
        return []
    activity = activity_of_pairs(pairs, now.date())
    mentor, mentee = aliased(Enrolment), aliased(Enrolment)
    mentor_person, mentee_person = aliased(Person), aliased(Person)
    people = {row[0]: row[1:] for row in db.session.execute(
        select(Pair.id, Cohort, mentor, mentor_person, mentee, mentee_person)
        .join(Cohort, Cohort.id == Pair.cohort_id)
        .join(mentor, mentor.id == Pair.mentor_enrolment_id).join(mentor_person, mentor_person.id == mentor.person_id)
        .join(mentee, mentee.id == Pair.mentee_enrolment_id).join(mentee_person, mentee_person.id == mentee.person_id)
        .where(Pair.id.in_([p.id for p in pairs])))}
    warned = warned_pairs(pairs, today)  # after the cohorts are loaded above: reading ``pair.cohort`` asks nothing
    course_ids = {cohort.course_id for cohort, *_ in people.values()}
    staff: dict[int, list[int]] = {}
    for course_id, person_id, role in db.session.execute(
            select(Membership.course_id, Membership.person_id, Membership.role)
            .where(Membership.course_id.in_(course_ids)).order_by(Membership.id)):
        if role.is_staff:
            staff.setdefault(course_id, []).append(person_id)
    facts = []
    for pair in pairs:
        cohort, m, mp, e, ep = people[pair.id]
        seen = activity[pair.id]
        since = seen.last_activity_at or pair.published_at or pair.created_at
        facts.append(QuietPair(pair.id, cohort.course_id, cohort.name, cohort.starts_on, cohort.ends_on, since,
                               _side(m, mp, "mentor"), _side(e, ep, "mentee"), tuple(staff.get(cohort.course_id, ())),
                               seen.next_meeting_due if seen.overdue else None, seen.overdue,
                               warning=warned.get(pair.id), inactivity_days=cohort.inactivity_days))
    return facts


def note_due(now: datetime, *, inactivity_days: int, grace_days: int, zone: str = "UTC") -> list[MailOutbox]:
    """What has become due by ``now`` (for cron): inactivity nudges and alerts, overdue meetings, quiet-pair warnings,
    the instructors' weekly digest, then the weekly digest of those who chose it (flushes). Days are those of
    ``zone``. ``inactivity_days`` is the tool's default (``MAIL_INACTIVITY_DAYS``): a cohort's own
    ``inactivity_days`` wins for its pairs.

    A person who chose the weekly digest gets no single notice: each is written as a skipped row ("not wanted"). The
    first run of each ISO week (the instructors' digest rule) mails each of them one digest gathering the rows kept
    back in the week before (since their last digest's week); nobody with nothing kept back gets one, and the
    occasion (the ISO week) makes it once a week. Held notices are gathered rather than the "What's next" lines:
    they are exactly what the person would have been mailed, already worded, and cost one query."""
    today = now.astimezone(ZoneInfo(zone)).date()
    facts = _quiet_facts(now, today)
    held = mail_outbox.held_for_digest(now, zone)
    # each notice in its reader's language: one query for everyone this run may write to
    languages = mail_outbox.languages_of(
        [i for f in facts for i in (f.mentor.person_id, f.mentee.person_id, *f.instructor_ids)]
        + [h.person_id for h in held])
    notices = (quiet_pair_notices(facts, now, inactivity_days, zone, languages)
               + meeting_overdue_notices(facts, today, grace_days, languages)
               + quiet_warning_notices(facts, today, languages)
               + instructor_digest_notices(facts, now, inactivity_days, zone, languages))
    written = mail_outbox.note_notices(notices, now=now)
    return written + mail_outbox.note_notices(held_digest_notices(held, now, zone, languages), now=now)
