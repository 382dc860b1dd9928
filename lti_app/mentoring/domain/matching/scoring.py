"""The pair score: a weighted sum of criteria, each in [0, 1], scaled to 0-100 points.

Directions: *complementary* (skills: what one offers at a level above the other's baseline, both ways,
weighted by the level gap), *similar* (cosine of the two sets, or equal category), *different* (one minus
the cosine, or unequal category). Missing data scores 0 in every direction: no evidence, no points.

Every criterion is written as an inner product of a mentor vector and a mentee vector (its points
folded into the mentor side): the cosine is a product of rows scaled by 1/sqrt(size), "different" adds a
known-on-both-sides column and subtracts the cosine, an equal category is a product of one-hot rows, the
level gap sum is a product of step encodings. So the whole score matrix is one float32 matrix product,
and a pair's share of each criterion is the same product restricted to that criterion's columns.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lti_app.mentoring.domain.matching.arrays import GAP_STEPS, SideArrays
from lti_app.mentoring.domain.matching.settings import Direction, MatchSettings

# The mentor teaching the mentee is the programme's purpose; the return leg (the senior mentee teaching
# the junior mentor) counts half as much.
FORWARD_SHARE = 2.0 / 3.0
MAX_GAP = float(len(GAP_STEPS))
Halves = tuple[np.ndarray, np.ndarray]  # (mentor side, mentee side), float32, same number of columns


def _unit_rows(sets: np.ndarray, sizes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Rows scaled to unit length (a product of two is their cosine) and whether each set is non-empty."""
    sizes = sets.sum(axis=1, dtype=np.float64) if sizes is None else sizes
    known = sizes > 0
    scale = np.divide(1.0, np.sqrt(sizes), out=np.zeros_like(sizes), where=known)
    return (sets * scale[:, None]).astype(np.float32), known.astype(np.float32)[:, None]


def set_halves(a: np.ndarray, b: np.ndarray, direction: Direction, points: float,
               size_a: np.ndarray | None = None, size_b: np.ndarray | None = None) -> Halves:
    """Similar: points * cosine; different: points * (1 - cosine) when both sets are non-empty."""
    unit_a, known_a = _unit_rows(a, size_a)
    unit_b, known_b = _unit_rows(b, size_b)
    if direction is Direction.SIMILAR:
        return points * unit_a, unit_b
    return np.hstack([points * known_a, -points * unit_a]), np.hstack([known_b, unit_b])


def category_halves(a: np.ndarray, b: np.ndarray, direction: Direction, points: float) -> Halves:
    """Similar: points when equal; different: points when unequal (both known in either case)."""
    size = int(max(a.max(initial=-1), b.max(initial=-1))) + 1
    one_hot_a = (a[:, None] == np.arange(size)[None, :]).astype(np.float32)
    one_hot_b = (b[:, None] == np.arange(size)[None, :]).astype(np.float32)
    if direction is Direction.SIMILAR:
        return points * one_hot_a, one_hot_b
    known_a, known_b = (a >= 0).astype(np.float32)[:, None], (b >= 0).astype(np.float32)[:, None]
    return np.hstack([points * known_a, -points * one_hot_a]), np.hstack([known_b, one_hot_b])


def skills_halves(m: SideArrays, e: SideArrays, direction: Direction, points: float) -> Halves:
    """Complementary: level gaps over the learner's wanted skills, mentor to mentee and back."""
    if direction is not Direction.COMPLEMENTARY:
        return set_halves(m.skills.skill_set, e.skills.skill_set, direction, points)
    per_wanted_e = 1.0 / (MAX_GAP * np.maximum(e.skills.wanted_count, 1.0))
    per_wanted_m = 1.0 / (MAX_GAP * np.maximum(m.skills.wanted_count, 1.0))
    forward = (points * FORWARD_SHARE * m.skills.can_teach, e.skills.wants_step * per_wanted_e[:, None])
    backward = ((points * (1 - FORWARD_SHARE)) * m.skills.wants_step * per_wanted_m[:, None], e.skills.can_teach)
    return (np.hstack([forward[0], backward[0]]).astype(np.float32),
            np.hstack([forward[1], backward[1]]).astype(np.float32))


HALVES: dict[str, Callable[[SideArrays, SideArrays, Direction, float], Halves]] = {
    "skills": skills_halves,
    "channels": lambda m, e, d, p: set_halves(m.channels, e.channels, d, p),
    "interests": lambda m, e, d, p: set_halves(m.interests, e.interests, d, p),
    "goals": lambda m, e, d, p: set_halves(m.goals, e.goals, d, p, m.goal_count, e.goal_count),
    "department": lambda m, e, d, p: category_halves(m.department, e.department, d, p),
    "generation": lambda m, e, d, p: category_halves(m.generation, e.generation, d, p),
}


def points_per_unit(settings: MatchSettings) -> dict[str, float]:
    """Points a criterion adds at full strength (its weight's share of 100); only criteria that are on."""
    total = settings.total_weight
    if total <= 0:
        return {}
    return {name: 100.0 * c.weight / total for name, c in settings.criteria.items() if c.weight > 0}


def embed(m: SideArrays, e: SideArrays, settings: MatchSettings) -> dict[str, Halves]:
    """Each criterion that is on as (mentor rows, mentee rows) whose products are its points."""
    return {name: HALVES[name](m, e, settings.criteria[name].direction, points)
            for name, points in points_per_unit(settings).items()}


def joined(parts: dict[str, Halves], n_mentors: int, n_mentees: int) -> Halves:
    """All criteria side by side, without columns that are zero on either side: one product, the score."""
    useful = [left.any(axis=0) & right.any(axis=0) for left, right in parts.values()]
    left = np.hstack([np.zeros((n_mentors, 0), np.float32), *(p[0][:, u] for p, u in zip(parts.values(), useful))])
    right = np.hstack([np.zeros((n_mentees, 0), np.float32), *(p[1][:, u] for p, u in zip(parts.values(), useful))])
    return np.ascontiguousarray(left, dtype=np.float32), np.ascontiguousarray(right, dtype=np.float32)


def pair_shares(parts: dict[str, Halves], rows: np.ndarray, cols: np.ndarray) -> dict[str, np.ndarray]:
    """Points of each criterion for the given (mentor row, mentee column) pairs, in float64."""
    return {name: np.einsum("ij,ij->i", left[rows].astype(np.float64), right[cols].astype(np.float64))
            for name, (left, right) in parts.items()}
