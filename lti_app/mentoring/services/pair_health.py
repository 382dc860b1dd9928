"""How a cohort's pairs are doing, for the instructor: one row per published pair, the ones needing attention first.

Only facts the pair did not write (dates, counts, signed or not, who gave feedback, fit-check answers addressed
to the instructor) are here; what the pair wrote is in ``pair_privacy``, behind the cohort's privacy setting.
The list costs a fixed number of queries however many pairs: the pairs, their partners' names, the activity
(``activity_of_pairs``), the feedback and the fit checks. Nothing here writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from lti_app.extensions import db
from lti_app.mentoring.errors import NotFound
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.feedback import FitCheck, PairEnding
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services import feedback as feedback_service
from lti_app.mentoring.services.fit_checks import fit_checks_of
from lti_app.mentoring.services.pair_activity import PairActivity, activity_of_pairs
from lti_app.mentoring.services.paging import Page, page_of_list
from lti_app.mentoring.services.participants import name_shown, search_text
from lti_app.mentoring.services.pairs import VISIBLE_TO_PARTNERS, pair_in_course
from lti_app.mentoring.domain.texts import N_, _


# labels are msgids: translate them where they are shown
PAIR_STATES = {"active": N_("Active"), "ended": N_("Ended")}
ATTENTION = {"at_risk": N_("Flagged or overdue"), "flagged": N_("Flagged"), "overdue": N_("Overdue for a meeting")}


@dataclass(frozen=True)
class PairFilter:
    """What the instructor narrows the pairs to: a key of ``PAIR_STATES``, of ``ATTENTION`` (None: any), a name."""

    status: str | None = None
    attention: str | None = None
    search: str = ""


@dataclass(frozen=True)
class PairRow:
    """One pair's health: who, what they did, this round's feedback, fit-check answers."""

    pair: Pair
    activity: PairActivity
    feedback_round: int  # the round open today (0: none due yet)
    feedback_by: frozenset[int]  # enrolment ids that gave this round's feedback
    fit_checks: tuple[FitCheck, ...]
    last_feedback_at: datetime | None = None
    mentor_name: str = ""
    mentee_name: str = ""
    searched: str = ""  # both partners' names and e-mails, casefolded, for the search

    @property
    def ended(self) -> bool:
        """The instructor (or the cohort's close) ended the pair."""
        return self.pair.status is PairStatus.ENDED

    @property
    def flags(self) -> tuple[FitCheck, ...]:
        """Requests for help or a new partner the instructor has not handled yet."""
        return tuple(f for f in self.fit_checks if f.is_open_flag)

    @property
    def flagged(self) -> bool:
        """An active pair with a request for help or a new partner not handled yet."""
        return not self.ended and bool(self.flags)

    @property
    def overdue(self) -> bool:
        """An active pair whose next meeting is overdue."""
        return not self.ended and self.activity.overdue

    @property
    def last_activity_at(self) -> datetime | None:
        """The latest of the workspace's activity, a feedback given and a fit check answered."""
        moments = [m for m in (self.activity.last_activity_at, self.last_feedback_at,
                               *(f.created_at for f in self.fit_checks)) if m is not None]
        return max(moments, default=None)

    def gave_feedback(self, enrolment: Enrolment) -> bool:
        """Whether this partner gave the current round's feedback."""
        return enrolment.id in self.feedback_by

    def fit_check_by(self, enrolment: Enrolment) -> FitCheck | None:
        """This partner's fit check, if answered."""
        return next((f for f in self.fit_checks if f.author_enrolment_id == enrolment.id), None)

    def matches(self, where: PairFilter) -> bool:
        """Whether the row passes the filter (the search looks at both partners)."""
        if where.status is not None and self.ended != (where.status == "ended"):
            return False
        attention = {"at_risk": self.flagged or self.overdue, "flagged": self.flagged, "overdue": self.overdue}
        if where.attention is not None and not attention[where.attention]:
            return False
        return not where.search or where.search.casefold() in self.searched

    @property
    def sort_key(self) -> tuple:
        """Flagged, then overdue, then the others; ended pairs last; by mentee name within each."""
        return (self.ended, not self.flagged, not self.overdue, self.mentee_name.casefold(), self.pair.id)


@dataclass(frozen=True)
class HealthCounts:
    """The headline figures over a cohort's published pairs."""

    active: int
    ended: int
    flagged: int
    overdue: int
    signed: int
    feedback_complete: int  # active pairs where both partners gave this round's feedback (of those with a round due)
    feedback_due: int


@dataclass(frozen=True)
class CohortHealth:
    """A cohort's pairs, the ones needing attention first, and the counts on top (over all its pairs)."""

    cohort: Cohort
    rows: list[PairRow]
    counts: HealthCounts
    page: Page[PairRow] | None = None  # the page shown, when the rows were filtered and paged


def published_pairs(cohort: Cohort) -> list[Pair]:
    """The cohort's active and ended pairs (their people: ``with_people`` for the rows shown)."""
    return list(db.session.scalars(select(Pair).where(
        Pair.cohort_id == cohort.id, Pair.status.in_(VISIBLE_TO_PARTNERS)).order_by(Pair.id)))


@dataclass(frozen=True)
class _Partners:
    mentor: str
    mentee: str
    searched: str


def _partners(parts: tuple) -> _Partners:
    # a person's columns, not a whole Person per row (which costs ten times more)
    mentor, mentee = (SimpleNamespace(name=n, given_name=g, family_name=f, email=e) for n, g, f, e in (parts[:4], parts[4:]))
    return _Partners(name_shown(mentor), name_shown(mentee), search_text(mentor, mentee))


def _names(pairs: list[Pair]) -> dict[int, _Partners]:
    """Pair id → both partners' names, read as columns (whole people cost most of a 5,000-person list's time)."""
    if not pairs:
        return {}
    mentor, mentee = aliased(Enrolment), aliased(Enrolment)
    mentor_person, mentee_person = aliased(Person), aliased(Person)
    columns = [c for p in (mentor_person, mentee_person) for c in (p.name, p.given_name, p.family_name, p.email)]
    rows = db.session.execute(
        select(Pair.id, *columns).join(mentor, Pair.mentor_enrolment_id == mentor.id)
        .join(mentor_person, mentor.person_id == mentor_person.id).join(mentee, Pair.mentee_enrolment_id == mentee.id)
        .join(mentee_person, mentee.person_id == mentee_person.id).where(Pair.id.in_([p.id for p in pairs])))
    return {row[0]: _partners(tuple(row[1:])) for row in rows}


def with_people(rows: list[PairRow]) -> list[PairRow]:
    """Load both partners (and their people) of these rows in one query, so showing them asks nothing more."""
    pairs = [r.pair for r in rows]
    wanted = {e_id for p in pairs for e_id in (p.mentor_enrolment_id, p.mentee_enrolment_id)}
    found = {e.id: e for e in db.session.scalars(
        select(Enrolment).options(joinedload(Enrolment.person)).where(Enrolment.id.in_(wanted)))} if wanted else {}
    for pair in pairs:  # held by the pair itself: the session alone would let them go before the page renders
        set_committed_value(pair, "mentor", found[pair.mentor_enrolment_id])
        set_committed_value(pair, "mentee", found[pair.mentee_enrolment_id])
    return rows


def rows_of(pairs: list[Pair], today: date) -> list[PairRow]:
    """Health rows of these pairs (of one cohort), the ones needing attention first."""
    activity = activity_of_pairs(pairs, today)
    rounds = {p.id: feedback_service.round_now(p, today) for p in pairs}
    given = feedback_service.round_facts(rounds)
    checks = fit_checks_of([p.id for p in pairs])
    names = _names(pairs)
    rows = [PairRow(p, activity[p.id], rounds[p.id], given[p.id].authors, tuple(checks[p.id]), given[p.id].last_given_at,
                    names[p.id].mentor, names[p.id].mentee, names[p.id].searched) for p in pairs]
    return sorted(rows, key=lambda r: r.sort_key)


def _counts(rows: list[PairRow]) -> HealthCounts:
    live = [r for r in rows if not r.ended]
    due = [r for r in live if r.feedback_round > 0]
    return HealthCounts(
        active=len(live), ended=len(rows) - len(live), flagged=sum(r.flagged for r in live),
        overdue=sum(r.overdue for r in live), signed=sum(r.activity.agreement_signed for r in live),
        feedback_complete=sum(len(r.feedback_by) == 2 for r in due), feedback_due=len(due),
    )


def cohort_health(cohort: Cohort, today: date) -> CohortHealth:
    """Every published pair of the cohort with its health, and the counts over them."""
    rows = rows_of(published_pairs(cohort), today)
    return CohortHealth(cohort, rows, _counts(rows))


def health_page(cohort: Cohort, today: date, where: PairFilter, number: int | None) -> CohortHealth:
    """The cohort's health with one page of the rows that pass the filter; the counts stay those of every pair."""
    health = cohort_health(cohort, today)
    page = page_of_list([r for r in health.rows if r.matches(where)], number)
    return CohortHealth(cohort, health.rows, health.counts, Page(with_people(page.items), page.total, page.number, page.size))


def pair_of_cohort(cohort: Cohort, pair_id: int) -> Pair:
    """A published pair of this cohort (through its course); NotFound for any other id."""
    pair = pair_in_course(cohort.course_id, pair_id)
    if pair.cohort_id != cohort.id:
        raise NotFound(_("There is no such pair in this cohort."))
    return pair


def pair_row(pair: Pair, today: date) -> PairRow:
    """One pair's health row, its partners loaded."""
    return with_people(rows_of([pair], today))[0]


def ending_of(pair: Pair) -> PairEnding | None:
    """Why and when the instructor ended the pair, if they did."""
    return db.session.scalar(select(PairEnding).where(PairEnding.pair_id == pair.id))
