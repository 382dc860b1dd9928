"""The facts a programme's figures are made from, as plain data: who takes part, the pairs, meetings, goals and
reflections of a cohort, and the date range event figures are counted over.

``services/programme_dashboard`` reads them from the database in a fixed number of queries; ``programme_metrics``
turns them into the dashboard's figures.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from lti_app.mentoring.domain.surveys import DEFAULT_ANONYMITY_THRESHOLD
from lti_app.mentoring.domain.texts import _


def ratio(part: float | None, whole: float | None) -> float | None:
    """``part`` of ``whole`` as a share, or None where either is missing or the whole is nothing."""
    return None if part is None or not whole else part / whole


class BadPeriod(ValueError):
    """A date range that cannot be read or ends before it starts."""


@dataclass(frozen=True)
class Period:
    """The date range event figures are counted over (both ends included); None at an end: open."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise BadPeriod(_("The end of the date range is before its start."))

    def holds(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    @property
    def is_open(self) -> bool:
        return self.start is None and self.end is None

    @classmethod
    def parse(cls, start: str | None, end: str | None) -> Period:
        """From ISO dates as typed in a form (empty: open); ``BadPeriod`` for anything else."""
        def one(text: str | None) -> date | None:
            text = (text or "").strip()
            if not text:
                return None
            try:
                return date.fromisoformat(text)
            except ValueError as error:
                raise BadPeriod(_("“%(text)s” is not a date such as 2026-03-01.", text=text[:40])) from error
        return cls(one(start), one(end))


@dataclass(frozen=True)
class ParticipantFact:
    enrolment_id: int
    role_wanted: str  # "mentor", "mentee" or "either"
    withdrawn: bool = False
    capacity: int | None = None  # mentees this person can take as a mentor


@dataclass(frozen=True)
class PairFact:
    id: int
    mentor_id: int
    mentee_id: int
    active: bool  # published and not ended (ended pairs count for the funnel, not for "now")
    score: float = 0.0  # the matching's score, 0-1
    by_hand: bool = False  # pinned or made by the instructor
    published_on: date | None = None
    cadence_days: int = 14


@dataclass(frozen=True)
class MeetingFact:
    pair_id: int
    held_on: date
    minutes: int = 0


@dataclass(frozen=True)
class GoalFact:
    owner_id: int
    baseline: int
    target: int
    end: int | None = None  # the owner's end rating, else the latest rating, else None
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReflectionFact:
    """One reflection a participant was asked for: submitted or not, and its grade if graded."""

    enrolment_id: int
    submitted: bool
    score: float | None = None
    points: float = 0.0


@dataclass(frozen=True)
class ProgrammeFacts:
    today: date
    starts_on: date
    ends_on: date
    cadence_days: int
    participants: Sequence[ParticipantFact] = ()
    pairs: Sequence[PairFact] = ()
    meetings: Sequence[MeetingFact] = ()
    goals: Sequence[GoalFact] = ()
    reflections: Sequence[ReflectionFact] = ()
    completed: frozenset[int] = frozenset()  # enrolment ids
    new_partner_asked: frozenset[int] = frozenset()  # pair ids with an open fit check asking for a new partner
    roster_size: int | None = None  # learners on the course roster; None: the LMS shares no roster
    skill_labels: dict[str, str] = field(default_factory=dict)
    low_pulse: frozenset[int] = frozenset()  # enrolment ids whose latest pulse answer is low (surveys.is_low_pulse)
    pulse_answered: int = 0  # people who answered the pulse at all
    anonymity_threshold: int = DEFAULT_ANONYMITY_THRESHOLD

    @cached_property
    def roles(self) -> dict[int, str]:
        """Enrolment id → the side the person takes (``role_of``), worked out once for all the figures."""
        return role_of(self.participants, self.pairs)


def role_of(people: Sequence[ParticipantFact], pairs: Sequence[PairFact]) -> dict[int, str]:
    """Enrolment id → the side the person takes: their side in a pair, else the role they asked for."""
    found = {p.enrolment_id: p.role_wanted for p in people}
    for pair in pairs:
        found[pair.mentor_id], found[pair.mentee_id] = "mentor", "mentee"
    return found
