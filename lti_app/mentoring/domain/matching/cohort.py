"""A cohort as matrices: every mentor against every mentee, both sides sorted by id.

`fill` walks the cohort in blocks of mentees so that the intermediate arrays stay in cache: a block's
scores are a matrix product of the criteria embeddings (see `scoring`; made several blocks at a time), its
eligibility the dense rules of `RuleBook` with the sparse rules' cells struck out, its solver weights
the score where the pair is eligible and reaches the minimum (at least FLOOR; 0 elsewhere). Each block
goes to the sinks that need it: the engine's usual path keeps only the assignment's cost matrix, and the
per-person counts behind the unmatched reasons; `FullMatrices` keeps everything (fairness, several
mentors per mentee, `score_matrix`). `sub_block` recomputes any small part later. Scores are float32.

Large buffers are allocated with np.zeros: zero pages are mapped lazily and cheaply, whereas on Linux
numpy's empty() asks for transparent huge pages, whose first touch can stall on memory compaction.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from lti_app.mentoring.domain.matching.arrays import SideArrays, encode, taught
from lti_app.mentoring.domain.matching.rules import RuleBook
from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.domain.matching.solver import FLOOR
from lti_app.mentoring.domain.matching.types import Profile
from lti_app.mentoring.domain.matching.scoring import Halves, embed, joined, pair_shares

BLOCK = 64  # mentees per block (at most 255): a block's temporaries stay in the processor's cache
PRODUCT_BYTES = 1 << 24  # at most this much of scores per matrix product (8 blocks of 5,000 mentors fit)
Sink = Callable[[slice, np.ndarray, np.ndarray, np.ndarray], None]  # (mentees, scores, eligible, weights)


def ordered(people: Sequence[Profile], side: str) -> tuple[Profile, ...]:
    """People sorted by id; two profiles with one id on the same side are an error."""
    result = tuple(sorted(people, key=lambda p: p.id))
    if dupes := sorted({a.id for a, b in zip(result, result[1:]) if a.id == b.id}):
        raise ValueError(f"{side} ids appear more than once: {dupes}")
    return result


@dataclass(frozen=True)
class Cohort:
    """Both sides encoded, the rules and the criteria embeddings: everything before the matrices."""

    mentors: tuple[Profile, ...]
    mentees: tuple[Profile, ...]
    arrays: tuple[SideArrays, SideArrays]
    rules: RuleBook
    parts: dict[str, Halves]  # criterion -> (mentor rows, mentee rows): products are its points
    joined: Halves  # every criterion side by side: one product gives the whole score

    @classmethod
    def prepare(cls, mentors: Sequence[Profile], mentees: Sequence[Profile], settings: MatchSettings) -> Cohort:
        """Sort, encode, collect the rules and embed the criteria."""
        mentors, mentees = ordered(mentors, "mentor"), ordered(mentees, "mentee")
        m, e = encode(mentors, mentees)
        parts = embed(m, e, settings)
        rules = RuleBook.build(mentors, mentees, m, e, settings)
        return cls(mentors, mentees, (m, e), rules, parts, joined(parts, len(mentors), len(mentees)))

    def shares(self, rows: np.ndarray, cols: np.ndarray) -> dict[str, np.ndarray]:
        """Points of each criterion for (mentor row, mentee column) pairs, float64: they add up to the score."""
        return pair_shares(self.parts, rows, cols)

    def taught(self, rows: np.ndarray, cols: np.ndarray) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
        """For (mentor row, mentee column) pairs: (skills the mentor can teach the mentee, and the reverse)."""
        m, e = self.arrays[0].skills, self.arrays[1].skills
        return zip(taught(m, e, rows, cols), taught(e, m, cols, rows))

    def sub_block(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores, eligible) of mentor rows x mentee cols, computed afresh."""
        left, right = self.joined
        scores = np.maximum(left[rows] @ right[cols].T, 0)
        broken = np.zeros((len(rows), len(cols)), dtype=bool)
        for failures in self.rules.failures(rows, cols).values():
            broken |= failures
        return scores, ~broken


@dataclass(frozen=True)
class Counts:
    """Per person of one side: partners passing the rules, and those also reaching the minimum score."""

    eligible: np.ndarray
    good: np.ndarray


def _sparse_by_mentee(rules: RuleBook) -> tuple[np.ndarray, np.ndarray]:
    """Every sparse rule's cells as (mentee, mentor), sorted by mentee."""
    rows = np.concatenate([np.zeros(0, np.int64), *(cells[0] for cells in rules.sparse.values())])
    cols = np.concatenate([np.zeros(0, np.int64), *(cells[1] for cells in rules.sparse.values())])
    order = np.argsort(cols, kind="stable")
    return cols[order], rows[order]


class Tally:
    """Per-person counts of flagged pairs, added block by block (bools summed as bytes: no conversion copy)."""

    def __init__(self, n_mentors: int, n_mentees: int) -> None:
        self.per_mentor = np.zeros(n_mentors, np.int64)
        self.per_mentee = np.zeros(n_mentees, np.int64)

    def add(self, block: slice, flags: np.ndarray) -> None:
        """Count one block's flags (a block has at most 255 mentees: a byte holds a column's count)."""
        as_bytes = flags.view(np.uint8)
        self.per_mentor += as_bytes.sum(axis=0, dtype=np.uint8)
        for start in range(0, as_bytes.shape[1], 65_535):  # two bytes hold the count of 65,535 columns
            self.per_mentee[block] += as_bytes[:, start:start + 65_535].sum(axis=1, dtype=np.uint16)


def _scored_blocks(cohort: Cohort, clipped: bool) -> Iterator[tuple[slice, np.ndarray]]:
    """Each block of mentees with its (block, every mentor) float32 scores, clipped at 0 if asked.

    The products are made up to 8 blocks at a time: the BLAS splits each call between its threads, which
    wait for each other at the end of every call (a long wait when another program has a core)."""
    n_m, n_e = len(cohort.mentors), len(cohort.mentees)
    left, right = cohort.joined
    left_t = np.ascontiguousarray(left.T)
    step = BLOCK * max(1, min(8, PRODUCT_BYTES // (4 * BLOCK * max(n_m, 1))))
    buffer = np.zeros((min(step, n_e), n_m), dtype=np.float32)  # reused
    for first in range(0, n_e, step):
        rows = slice(first, min(first + step, n_e))
        scores = buffer[:rows.stop - first]
        np.matmul(right[rows], left_t, out=scores)
        if clipped:
            np.maximum(scores, 0, out=scores)  # "different" is 1 - cosine: no rounding below 0
        for start in range(first, rows.stop, BLOCK):
            block = slice(start, min(start + BLOCK, rows.stop))
            yield block, scores[start - first:block.stop - first]


def fill(cohort: Cohort, min_score: float, *sinks: Sink) -> tuple[Counts, Counts]:
    """Score, check and weigh every pair block by block; (mentor counts, mentee counts).

    The scores a sink sees are clipped at 0 unless every sink says `wants_scores = False`; the weights are
    max(score, FLOOR) where the pair is good, in one clip (FLOOR > 0: clipping at 0 first changes nothing).
    """
    n_m, n_e = len(cohort.mentors), len(cohort.mentees)
    struck_e, struck_m = _sparse_by_mentee(cohort.rules)
    minimum = np.float32(min_score)
    eligible = Tally(n_m, n_e)
    good_ones = eligible if minimum <= 0 else Tally(n_m, n_e)  # every eligible pair reaches a minimum of 0
    weights_buffer = np.empty((BLOCK, n_m), dtype=np.float32)  # reused: every block stays in cache
    for block, scores in _scored_blocks(cohort, any(getattr(sink, "wants_scores", True) for sink in sinks)):
        weights = weights_buffer[:block.stop - block.start]
        ok = cohort.rules.ok_block(block)
        lo, hi = np.searchsorted(struck_e, [block.start, block.stop])
        ok[struck_e[lo:hi] - block.start, struck_m[lo:hi]] = False
        good = ok if minimum <= 0 else ok & (scores >= minimum)
        np.clip(scores, FLOOR, np.float32(np.inf), out=weights)
        np.multiply(weights, good, out=weights)
        eligible.add(block, ok)
        if good is not ok:
            good_ones.add(block, good)
        for sink in sinks:
            sink(block, scores, ok, weights)
    return (Counts(eligible.per_mentor, good_ones.per_mentor), Counts(eligible.per_mentee, good_ones.per_mentee))


class FullMatrices:
    """Sink keeping every block: (mentees, mentors) scores, eligibility and solver weights."""

    def __init__(self, n_mentees: int, n_mentors: int) -> None:
        self.values = np.zeros((n_mentees, n_mentors), dtype=np.float32)
        self.eligible = np.zeros((n_mentees, n_mentors), dtype=bool)
        self.weights = np.zeros((n_mentees, n_mentors), dtype=np.float32)

    def __call__(self, block: slice, scores: np.ndarray, eligible: np.ndarray, weights: np.ndarray) -> None:
        """Keep one block."""
        self.values[block], self.eligible[block], self.weights[block] = scores, eligible, weights


@dataclass(frozen=True)
class ScoreMatrix:
    """Scores, eligibility and solver weights of every pair; `values[i, j]` is mentor i with mentee j."""

    cohort: Cohort
    full: FullMatrices
    counts: tuple[Counts, Counts]  # (mentors, mentees)

    @property
    def mentors(self) -> tuple[Profile, ...]:
        """Mentors in row order (by id)."""
        return self.cohort.mentors

    @property
    def mentees(self) -> tuple[Profile, ...]:
        """Mentees in column order (by id)."""
        return self.cohort.mentees

    @property
    def values(self) -> np.ndarray:
        """(mentors, mentees) scores in points, 0..100 (a transposed view)."""
        return self.full.values.T

    @property
    def eligible(self) -> np.ndarray:
        """(mentors, mentees): breaks no hard rule that is on (a transposed view)."""
        return self.full.eligible.T

    @property
    def weights(self) -> np.ndarray:
        """(mentors, mentees) solver weights: the score where eligible and at or above the minimum (at
        least FLOOR), 0 elsewhere (a transposed view)."""
        return self.full.weights.T


def full_matrix(cohort: Cohort, min_score: float) -> ScoreMatrix:
    """Every matrix of a prepared cohort."""
    full = FullMatrices(len(cohort.mentees), len(cohort.mentors))
    return ScoreMatrix(cohort, full, fill(cohort, min_score, full))


def score_matrix(mentors: Sequence[Profile], mentees: Sequence[Profile], settings: MatchSettings) -> ScoreMatrix:
    """Hard-rule mask, scores and solver weights of every mentor against every mentee, vectorised."""
    return full_matrix(Cohort.prepare(mentors, mentees, settings), settings.min_score)
