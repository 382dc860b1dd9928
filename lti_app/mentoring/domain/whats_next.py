"""What is due for one learner, across all their cohorts of a course: the "What's next" list of the learner home.

Pure: the service hands in plain facts (one ``PairFacts`` per active pair, one ``ReflectionFacts`` per assignment
the learner is asked to write, one ``ChoosingFacts`` per cohort where they choose or rank) and the learner's own
day (``learner_today``: "today" in the learner's time zone, summer time included). Each ``Item`` names its page
(a name the web layer turns into a link) and the day it is due, or has been overdue since.

Extension point: ``whats_next(..., extra=...)`` takes items built elsewhere (a survey due, from the surveys
module) and sorts them in with the rest; a source only has to produce ``Item`` values.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from lti_app.mentoring.domain.pair_feedback import current_round, round_due_on
from lti_app.mentoring.domain.pair_progress import first_meeting_day, next_meeting_due
from lti_app.mentoring.domain.reflections import zone_of
from lti_app.mentoring.domain.texts import _, ngettext

REFLECTION_WARNING_DAYS = 14  # a reflection shows in the list this many days before it is due


def learner_today(now: datetime, time_zone: str | None) -> date:
    """The calendar day it is for the learner at ``now`` (aware, or naive UTC) in their IANA zone (UTC if unknown)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(zone_of(time_zone)).date()


@dataclass(frozen=True)
class PairFacts:
    """One active pair as the learner sees it."""

    pair_id: int
    cohort_name: str
    role: str  # the learner's role: "mentor" or "mentee"
    partner_name: str
    partner_active: bool  # False once the partner withdrew from the cohort
    starts_on: date
    ends_on: date
    published_on: date | None
    cadence_days: int
    last_meeting_on: date | None
    agreement_signed_by_me: bool
    feedback_interval_days: int
    feedback_rounds_given: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ReflectionFacts:
    """A reflection the learner is asked to write."""

    assignment_id: int
    cohort_name: str
    title: str
    opens_on: date
    due_on: date
    submitted: bool
    accept_late: bool = False


@dataclass(frozen=True)
class ChoosingFacts:
    """A cohort where the learner picks partners: mentees' requests waiting for them, or rankings to submit."""

    cohort_id: int
    cohort_name: str
    requests_waiting: int = 0  # mentees' requests waiting for this mentor's answer
    ranking_open: bool = False
    ranking_submitted: bool = False


@dataclass(frozen=True)
class Item:
    """One line of "What's next"."""

    kind: str  # agreement, meeting, feedback, reflection, requests, ranking (and e.g. survey from other modules)
    label: str
    page: str  # agreement, meeting, feedback, reflection, requests, ranking: the web layer links it
    ids: dict[str, int] = field(default_factory=dict, compare=False)  # pair_id, cohort_id or assignment_id
    due_on: date | None = None
    overdue: bool = False


def _pair_items(p: PairFacts, today: date) -> list[Item]:
    if not p.partner_active or today > p.ends_on:
        return []  # a withdrawn partner or a finished programme asks for nothing more
    where = {"partner": p.partner_name, "cohort": p.cohort_name}
    ids = {"pair_id": p.pair_id}
    items: list[Item] = []
    anchor = first_meeting_day(p.starts_on, p.published_on)
    if not p.agreement_signed_by_me:
        items.append(Item("agreement", _("Sign your mentoring agreement with %(partner)s (%(cohort)s)", **where), "agreement", ids, anchor,
                          today > anchor))
    due = next_meeting_due(anchor, p.last_meeting_on, p.cadence_days, p.ends_on)
    if due is not None:
        if today > due:
            items.append(Item("meeting", _("A meeting is overdue with %(partner)s (%(cohort)s)", **where), "meeting", ids, due, True))
        else:
            items.append(Item("meeting", _("Your next meeting with %(partner)s (%(cohort)s)", **where), "meeting", ids, due, False))
    if p.published_on is not None and today >= anchor:
        number = current_round(anchor, p.feedback_interval_days, today)
        if number >= 1 and number not in p.feedback_rounds_given:
            items.append(Item("feedback", _("Give feedback, round %(round)d with %(partner)s (%(cohort)s)", round=number, **where), "feedback", ids,
                              round_due_on(anchor, p.feedback_interval_days, number), False))
    return items


def _reflection_item(r: ReflectionFacts, today: date) -> Item | None:
    if r.submitted or today < r.opens_on or today < r.due_on - timedelta(days=REFLECTION_WARNING_DAYS):
        return None
    if today > r.due_on and not r.accept_late:
        return None  # closed: nothing the learner can still do
    return Item("reflection", _("Write your reflection “%(title)s” (%(cohort)s)", title=r.title, cohort=r.cohort_name), "reflection",
                {"assignment_id": r.assignment_id}, r.due_on, today > r.due_on)


def _choosing_items(c: ChoosingFacts) -> list[Item]:
    ids = {"cohort_id": c.cohort_id}
    items = []
    if c.requests_waiting:
        items.append(Item("requests", ngettext("%(num)d mentee's request waits for your answer (%(cohort)s)",
                                               "%(num)d mentees' requests wait for your answer (%(cohort)s)",
                                               c.requests_waiting, cohort=c.cohort_name), "requests", ids))
    if c.ranking_open and not c.ranking_submitted:
        items.append(Item("ranking", _("Rank the people you would like to be paired with (%(cohort)s)", cohort=c.cohort_name),
                          "ranking", ids))
    return items


def whats_next(pairs: Iterable[PairFacts], reflections: Iterable[ReflectionFacts], choosing: Iterable[ChoosingFacts],
               today: date, extra: Iterable[Item] = ()) -> list[Item]:
    """Everything due for the learner on ``today`` (their own day): overdue first, then by date; undated last."""
    items: list[Item] = []
    for p in pairs:
        items += _pair_items(p, today)
    items += [i for r in reflections if (i := _reflection_item(r, today)) is not None]
    for c in choosing:
        items += _choosing_items(c)
    items += list(extra)
    return sorted(items, key=lambda i: (not i.overdue, i.due_on is None, i.due_on or date.max, i.kind, i.label))
