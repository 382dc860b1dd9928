"""Whole-cohort assignment: the set of pairs with the highest total score under capacities and limits.

A pair is *allowed* when it is eligible, scores at least the minimum and is not already pinned; its
weight is its score (an allowed pair scoring exactly 0 gets FLOOR, so that it still beats no pair), and
a pair that is not allowed has weight 0.

* One mentor per mentee (the usual case): `linear_sum_assignment` on a (mentees x mentor slots) cost
  matrix, each mentor's column repeated by its remaining capacity, cost = -weight. No dummy columns and
  no infinities: with non-negative weights, a maximum-weight matching that may leave people out has the
  same value as a full assignment of the matrix in which a 0 cell means "not paired" (any partial
  matching extends to a full one through 0 cells). So the solver works on exactly (mentees x slots), a
  0 cell chosen by the solver is simply dropped, and a pair that is not allowed can never come out.
  The matrix is written block by block while the scores are computed (`SlotCosts`), in the layout scipy
  solves without a copy: C-contiguous float64 costs, mentees as rows (scipy transposes internally only
  when there are fewer slots than mentees).
* Several mentors per mentee: a mentor must not fill two slots of one mentee, which slot copies cannot
  express, so the same problem goes to HiGHS (`scipy.optimize.milp`) as a bipartite b-matching over the
  allowed pairs only (its constraint matrix is totally unimodular: the optimum is the LP optimum).
* Capacity rule off: mentees do not compete, each takes its best allowed mentors.
* Fairness: first the plain optimum (N pairs, worst pair w). Then the highest threshold t >= w at which
  pairs scoring >= t can still match N people, by binary search over the distinct scores, each step a
  maximum flow (scipy `maximum_flow`). Last, among pairs >= t, the assignment with the most pairs, then
  the highest total (a per-pair bonus larger than any total score, or a cardinality constraint).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import maximum_flow

FLOOR = np.float32(1e-6)  # points: the weight of an allowed pair that scores 0
Pairs = tuple[np.ndarray, np.ndarray]  # (mentor rows, mentee columns)


@dataclass(frozen=True)
class Problem:
    """What the solver sees: weights (0 = not allowed), remaining capacities and limits."""

    weights: np.ndarray  # (mentors, mentees) float32
    capacity: np.ndarray  # (mentors,) remaining mentees each mentor may take
    limit: np.ndarray  # (mentees,) remaining mentors each mentee may take
    capacitated: bool = True  # False: the capacity rule is off

    def above(self, threshold: float) -> Problem:
        """The same problem without the pairs scoring below a threshold."""
        return Problem(np.where(self.weights >= threshold, self.weights, 0), self.capacity, self.limit, self.capacitated)


def _empty() -> Pairs:
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)


def _sorted(rows: np.ndarray, cols: np.ndarray) -> Pairs:
    order = np.lexsort((rows, cols))
    return rows[order].astype(np.int64), cols[order].astype(np.int64)


def _blocks(n: int, size: int = 256):
    return (slice(start, min(start + size, n)) for start in range(0, n, size))


class SlotCosts:
    """The (mentees x mentor slots) float64 costs (-weight; 0 = not allowed) that linear_sum_assignment
    solves, written block by block (a sink for `matching_cohort.fill`).

    Slot columns come in rounds: every mentor with room for one mentee, then those with room for two,
    and so on; the first round is usually every mentor and is written without any gather.
    """

    wants_scores = False  # only the weights

    def __init__(self, capacity: np.ndarray, n_mentees: int, buffer: np.ndarray | None = None) -> None:
        self.rounds = [np.flatnonzero(capacity > k) for k in range(int(capacity.max(initial=0)))]
        self.slots = np.concatenate([np.zeros(0, np.int64), *self.rounds])  # slot -> mentor row
        self.n_mentors = len(capacity)
        shape = (n_mentees, len(self.slots))
        self.cost = buffer if buffer is not None and buffer.shape == shape else np.zeros(shape)
        self._taken = np.empty(0, dtype=np.float32)  # reused for the columns of the later rounds

    def __call__(self, block: slice, scores: object, eligible: object, weights: np.ndarray) -> None:
        """Write the costs of one block of mentees from their (mentees, mentors) weights."""
        start = 0
        for mentors in self.rounds:
            if len(mentors) == self.n_mentors:
                taken = weights
            else:  # gathered into a reused contiguous buffer: no allocation, no bounds check
                if self._taken.size < weights.shape[0] * len(mentors) or self._taken.dtype != weights.dtype:
                    self._taken = np.empty(weights.shape[0] * self.n_mentors, dtype=weights.dtype)
                taken = self._taken[:weights.shape[0] * len(mentors)].reshape(weights.shape[0], len(mentors))
                np.take(weights, mentors, axis=1, out=taken, mode="clip")
            np.negative(taken, out=self.cost[block, start:start + len(mentors)])
            start += len(mentors)

    def solve(self, limit: np.ndarray) -> Pairs:
        """The optimum; mentees whose limit is used up (by pins) take no slot."""
        self.cost[limit <= 0] = 0
        if not self.cost.size:
            return _empty()
        mentee_idx, slot_idx = linear_sum_assignment(self.cost)
        keep = self.cost[mentee_idx, slot_idx] < 0
        return _sorted(self.slots[slot_idx[keep]], mentee_idx[keep])


def touched_zeros(shape: tuple[int, int]) -> np.ndarray:
    """A float64 zero matrix whose memory the kernel has already mapped (one write per 4 KB page).

    Run on a second core while the profiles are encoded, so that mapping the assignment's largest
    array (hundreds of MB for thousands of people) no longer waits on the critical path.
    """
    matrix = np.zeros(shape)
    matrix.reshape(-1)[::512] = 0.0  # numpy releases the GIL for this loop
    return matrix


def slot_costs(weights_by_mentee: np.ndarray, capacity: np.ndarray) -> SlotCosts:
    """The cost matrix of (mentees, mentors) weights, mentors repeated by capacity."""
    costs = SlotCosts(capacity, weights_by_mentee.shape[0])
    for block in _blocks(weights_by_mentee.shape[0]):
        costs(block, None, None, weights_by_mentee[block])
    return costs


def assign_one_each(weights_by_mentee: np.ndarray, capacity: np.ndarray, limit: np.ndarray,
                    bonus: float = 0.0) -> Pairs:
    """The optimum (of weight + bonus per pair) with one mentor per mentee, by linear_sum_assignment."""
    if bonus:
        weights_by_mentee = np.where(weights_by_mentee > 0, weights_by_mentee.astype(np.float64) + bonus, 0.0)
    return slot_costs(weights_by_mentee, capacity).solve(limit)


def assign_by_milp(problem: Problem, min_pairs: int = 0) -> Pairs:
    """Maximum total weight as a b-matching over allowed cells, with at least min_pairs pairs."""
    rows, cols = np.nonzero(problem.weights)
    if not len(rows):
        return _empty()
    n_edges, ones = len(rows), np.ones(len(rows))
    per_mentee = coo_matrix((ones, (cols, np.arange(n_edges))), shape=(problem.weights.shape[1], n_edges))
    constraints = [LinearConstraint(per_mentee.tocsr(), -np.inf, problem.limit)]
    if problem.capacitated:
        per_mentor = coo_matrix((ones, (rows, np.arange(n_edges))), shape=(problem.weights.shape[0], n_edges))
        constraints.append(LinearConstraint(per_mentor.tocsr(), -np.inf, problem.capacity))
    if min_pairs:
        constraints.append(LinearConstraint(ones[None, :], min_pairs, np.inf))
    result = milp(-problem.weights[rows, cols].astype(np.float64), integrality=ones, bounds=Bounds(0, 1),
                  constraints=constraints, options={"mip_rel_gap": 0.0})
    if result.x is None:
        raise RuntimeError(f"the assignment solver failed: {result.message}")
    chosen = result.x > 0.5
    return _sorted(rows[chosen], cols[chosen])


def assign_uncapacitated(problem: Problem) -> Pairs:
    """Each mentee takes its best allowed mentors (ties: lower row first); mentors have no limit."""
    if not problem.weights.size:
        return _empty()
    weights = problem.weights.copy()
    picked_rows, picked_cols = [], []
    all_cols = np.arange(weights.shape[1])
    for round_ in range(int(problem.limit.max(initial=0))):
        best = np.argmax(weights, axis=0)
        ok = (weights[best, all_cols] > 0) & (problem.limit > round_)
        picked_rows.append(best[ok])
        picked_cols.append(all_cols[ok])
        weights[best, all_cols] = 0
    if not picked_rows:
        return _empty()
    return _sorted(np.concatenate(picked_rows), np.concatenate(picked_cols))


def max_pairs(problem: Problem) -> int:
    """Largest number of pairs the allowed cells can form (a maximum flow)."""
    n_m, n_e = problem.weights.shape
    rows, cols = np.nonzero(problem.weights)
    sink = n_e + n_m + 1
    capacity = problem.capacity if problem.capacitated else np.full(n_m, n_e)
    tail = np.concatenate([np.zeros(n_e, np.int64), 1 + cols, 1 + n_e + np.arange(n_m)])
    head = np.concatenate([1 + np.arange(n_e), 1 + n_e + rows, np.full(n_m, sink)])
    cap = np.concatenate([np.maximum(problem.limit, 0), np.ones(len(rows), np.int64), np.maximum(capacity, 0)])
    graph = csr_matrix((cap.astype(np.int32), (tail, head)), shape=(sink + 1, sink + 1))
    return int(maximum_flow(graph, 0, sink).flow_value)


def _plain(problem: Problem) -> Pairs:
    if not problem.capacitated:
        return assign_uncapacitated(problem)
    if problem.limit.max(initial=0) <= 1:
        return assign_one_each(problem.weights.T, problem.capacity, problem.limit)
    return assign_by_milp(problem)


def fairness_threshold(problem: Problem, needed: int, worst: float) -> float:
    """The highest score t >= worst such that the pairs scoring >= t can still form `needed` pairs."""
    thresholds = np.unique(problem.weights[problem.weights >= worst])
    low, high = 0, len(thresholds) - 1  # thresholds[0] == worst keeps `needed` pairs possible
    while low < high:
        mid = (low + high + 1) // 2
        if max_pairs(problem.above(thresholds[mid])) >= needed:
            low = mid
        else:
            high = mid - 1
    return float(thresholds[low])


def fair(problem: Problem, plain: Pairs) -> Pairs:
    """Lift the worst pair of a plain optimum as far as the same number of pairs allows, then maximise."""
    if not problem.capacitated or not len(plain[0]):
        return plain  # without capacities every mentee already has its best mentors
    threshold = fairness_threshold(problem, len(plain[0]), float(problem.weights[plain].min()))
    lifted = problem.above(threshold)
    if problem.limit.max(initial=0) <= 1:
        # worth more than any difference in total score (at most 100 points a pair): most pairs first
        return assign_one_each(lifted.weights.T, lifted.capacity, lifted.limit, bonus=100.0 * (len(problem.limit) + 1))
    return assign_by_milp(lifted, min_pairs=max_pairs(lifted))


def solve(problem: Problem, fairness: bool = False) -> Pairs:
    """Pairs (mentor rows, mentee columns), sorted by mentee then mentor."""
    plain = _plain(problem)
    return fair(problem, plain) if fairness else plain
