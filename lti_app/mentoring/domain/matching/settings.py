"""Matching settings of a cohort: mode, hard rules, criteria (weight and direction), threshold, fairness, pins.

`MatchSettings.from_dict` / `to_dict` round-trip through plain JSON so a cohort can store them; settings stored
before a key existed (such as `mode`) load with that key's default.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Direction(StrEnum):
    """How a criterion scores a pair: what one offers the other wants, alike, or unalike."""

    COMPLEMENTARY = "complementary"
    SIMILAR = "similar"
    DIFFERENT = "different"


class MatchMode(StrEnum):
    """How a cohort's pairs are made: by the engine, by mentees choosing, or from both sides' rankings."""

    OPTIMAL = "optimal"
    SELF_SELECT = "self_select"
    MUTUAL = "mutual"


CRITERIA = ("skills", "channels", "interests", "goals", "department", "generation")
# "complementary" needs an offer and a want; only skills have both.
ALLOWED_DIRECTIONS = {name: frozenset({Direction.SIMILAR, Direction.DIFFERENT}) for name in CRITERIA}
ALLOWED_DIRECTIONS["skills"] = frozenset(Direction)


@dataclass(frozen=True)
class Criterion:
    """One scoring criterion: a weight (0 switches it off) and a direction."""

    weight: float
    direction: Direction

    def __post_init__(self) -> None:
        if not (isinstance(self.weight, int | float) and math.isfinite(self.weight) and self.weight >= 0):
            raise ValueError(f"a criterion weight must be a finite number >= 0, not {self.weight!r}")
        object.__setattr__(self, "direction", Direction(self.direction))


DEFAULT_CRITERIA = MappingProxyType({
    "skills": Criterion(3.0, Direction.COMPLEMENTARY),
    "channels": Criterion(1.0, Direction.SIMILAR),
    "interests": Criterion(1.0, Direction.SIMILAR),
    "goals": Criterion(1.0, Direction.SIMILAR),
    "department": Criterion(1.0, Direction.DIFFERENT),
    "generation": Criterion(1.0, Direction.DIFFERENT),
})


@dataclass(frozen=True)
class Rules:
    """Hard rules, each switchable per cohort; a pair that breaks one that is on is never proposed."""

    reverse_seniority: bool = True
    reporting_line: bool = True
    past_partners: bool = True
    shared_language: bool = True
    availability_overlap: bool = True
    min_overlap_hours: int = 1
    capacity: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.min_overlap_hours, int) or not 0 <= self.min_overlap_hours <= 168:
            raise ValueError("min_overlap_hours must be a whole number of hours between 0 and 168")


PairSet = frozenset[tuple[int, int]]


def _pair_set(pairs: Iterable[Iterable[int]]) -> PairSet:
    """Normalise (mentor_id, mentee_id) pairs from tuples or JSON lists."""
    result = set()
    for pair in pairs:
        mentor_id, mentee_id = pair
        result.add((int(mentor_id), int(mentee_id)))
    return frozenset(result)


@dataclass(frozen=True)
class MatchSettings:
    """Everything a cohort decides about matching; scores run from 0 to 100 points."""

    rules: Rules = Rules()
    mentors_per_mentee: int = 1
    criteria: Mapping[str, Criterion] = field(default_factory=lambda: DEFAULT_CRITERIA)
    min_score: float = 0.0
    fairness: bool = False
    pinned: PairSet = frozenset()
    forbidden: PairSet = frozenset()
    mode: MatchMode = MatchMode.OPTIMAL

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", MatchMode(self.mode))
        merged = dict(DEFAULT_CRITERIA) | dict(self.criteria)
        for name, criterion in merged.items():
            if name not in ALLOWED_DIRECTIONS:
                raise ValueError(f"unknown criterion {name!r}; known: {', '.join(CRITERIA)}")
            if criterion.direction not in ALLOWED_DIRECTIONS[name]:
                raise ValueError(f"criterion {name!r} cannot be {criterion.direction.value!r}")
        object.__setattr__(self, "criteria", MappingProxyType({name: merged[name] for name in CRITERIA}))
        object.__setattr__(self, "pinned", _pair_set(self.pinned))
        object.__setattr__(self, "forbidden", _pair_set(self.forbidden))
        if not isinstance(self.mentors_per_mentee, int) or self.mentors_per_mentee < 1:
            raise ValueError("mentors_per_mentee must be a whole number >= 1")
        if not (math.isfinite(self.min_score) and 0 <= self.min_score <= 100):
            raise ValueError("min_score must be between 0 and 100 points")
        if both := self.pinned & self.forbidden:
            raise ValueError(f"pairs both pinned and forbidden: {sorted(both)}")

    @property
    def total_weight(self) -> float:
        """Sum of the criteria weights (0 when every criterion is off)."""
        return float(sum(c.weight for c in self.criteria.values()))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MatchSettings:
        """Build settings from their JSON form; missing keys take defaults, unknown keys are an error."""
        known = {f.name for f in fields(cls)}
        if unknown := set(data) - known:
            raise ValueError(f"unknown matching settings: {sorted(unknown)}")
        rules = dict(data.get("rules", {}))
        if unknown := set(rules) - {f.name for f in fields(Rules)}:
            raise ValueError(f"unknown matching rules: {sorted(unknown)}")
        criteria = {
            name: Criterion(float(spec["weight"]), Direction(spec["direction"]))
            for name, spec in dict(data.get("criteria", {})).items()
        }
        kwargs: dict[str, Any] = {k: v for k, v in data.items() if k not in ("rules", "criteria")}
        if "min_score" in kwargs:
            kwargs["min_score"] = float(kwargs["min_score"])
        return cls(rules=Rules(**rules), criteria=criteria, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of these settings (pairs as sorted [mentor_id, mentee_id] lists)."""
        return {
            "rules": {f.name: getattr(self.rules, f.name) for f in fields(Rules)},
            "mentors_per_mentee": self.mentors_per_mentee,
            "criteria": {n: {"weight": c.weight, "direction": c.direction.value} for n, c in self.criteria.items()},
            "min_score": self.min_score,
            "fairness": self.fairness,
            "pinned": [list(p) for p in sorted(self.pinned)],
            "forbidden": [list(p) for p in sorted(self.forbidden)],
            "mode": self.mode.value,
        }
