"""Plain data in and out of the matching engine: profiles, proposals, explanations."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from lti_app.mentoring.domain.matching.words import Phrase


@dataclass(frozen=True)
class Profile:
    """One enrolment as the engine sees it (availability already in UTC hour-of-week slots 0..167)."""

    id: int
    key: str
    manager_key: str | None
    seniority_years: float
    career_stage: int
    department: str | None
    generation: str | None
    languages: frozenset[str]
    availability: frozenset[int]
    channels: frozenset[str]
    interests: frozenset[str]
    goals: str
    skills_offered: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    skills_wanted: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    capacity: int = 1
    past_partners: frozenset[int] = frozenset()


class Role(StrEnum):
    """The side of the programme a person is on."""

    MENTOR = "mentor"
    MENTEE = "mentee"


class UnmatchedReason(StrEnum):
    """Why a person has no partner in a proposal."""

    NO_ELIGIBLE_PARTNER = "no_eligible_partner"  # every partner breaks a hard rule
    BELOW_MIN_SCORE = "below_min_score"  # some pass the rules, none reaches the minimum score
    PARTNERS_TAKEN = "partners_taken"  # the eligible partners are full with better-fitting people
    FAIRNESS = "fairness"  # left out so that the worst pair could be lifted
    LEFT_OPEN = "left_open"  # a partner is still free: the draft was edited by hand since the run


@dataclass(frozen=True, slots=True)
class Contribution:
    """One criterion's part of a pair's score: points (shares add up to the score) and a sentence, written in the
    language of the moment it was made; ``phrase`` keeps it language-neutral (to store, and to write it again in
    another reader's language)."""

    criterion: str
    share: float
    sentence: str
    phrase: Phrase | None = None


@dataclass(frozen=True, slots=True)
class ProposedPair:
    """A proposed mentor-mentee pair with its score (0-100) and why it was made."""

    mentor_id: int
    mentee_id: int
    score: float
    explanation: tuple[Contribution, ...]
    pinned: bool = False


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A person the proposal leaves without a partner, and why: ``phrase`` language-neutral (it is kept in the shared
    cache), ``message`` in the language of whoever reads it now."""

    person_id: int
    role: Role
    reason: UnmatchedReason
    rule: str | None
    phrase: Phrase

    @property
    def message(self) -> str:
        """Why, in the reader's language."""
        return self.phrase.text()


@dataclass(frozen=True)
class Totals:
    """Headline figures of a proposal."""

    total_score: float
    pairs: int
    matched_mentors: int
    matched_mentees: int
    unmatched_mentors: int
    unmatched_mentees: int
    mean_pair_score: float | None
    min_pair_score: float | None


@dataclass(frozen=True)
class Proposal:
    """The engine's answer: pairs (sorted by mentee, then mentor), unmatched people, totals."""

    pairs: tuple[ProposedPair, ...]
    unmatched: tuple[Unmatched, ...]
    totals: Totals


@dataclass(frozen=True, slots=True)
class RankedMentor:
    """A mentor a mentee may choose in self-select mode, with the score and explanation."""

    mentor_id: int
    score: float
    explanation: tuple[Contribution, ...]


class PinnedPairError(ValueError):
    """A pinned pair the engine cannot keep (unknown person, broken hard rule, over a limit)."""
