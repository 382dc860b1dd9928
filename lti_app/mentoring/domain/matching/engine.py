"""The matching engine: hard rules, a vectorised score, the whole-cohort optimum, explanations.

    propose_pairs(mentors, mentees, settings) -> Proposal
    rank_mentors_for(mentee, mentors, settings) -> tuple[RankedMentor, ...]   (self-select mode)

Pure: plain data in, plain data out; numpy and scipy only. Same input, same output: both sides are
sorted by id before anything else, so the order they arrive in changes nothing. (While the profiles
are encoded, one helper thread has the kernel map the memory of the assignment's cost matrix, the
largest array; it changes no number, only when that work happens.)

Pinned pairs are kept as they are, even below the minimum score, and take a place of the mentor's
capacity and of the mentee's limit. A pinned pair the engine cannot keep (an unknown id, a hard rule
it breaks, more pins than a capacity or limit allows) raises `PinnedPairError` (a ValueError) naming
the pair and the reason: the engine never breaks a rule that is on, and an instructor who means it
switches that rule off for the cohort. Forbidden pairs are never made.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from lti_app.mentoring.domain.matching.explain import Explainer, Labels, PairsView, Viewer
from lti_app.mentoring.domain.matching.cohort import Cohort, Counts, ScoreMatrix, fill, full_matrix, score_matrix
from lti_app.mentoring.domain.matching.quiet import quiet_engine
from lti_app.mentoring.domain.matching.reasons import reasons_for, rule_words
from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.domain.matching.solver import Pairs, Problem, SlotCosts, solve, touched_zeros
from lti_app.mentoring.domain.matching.types import (
    Contribution,
    PinnedPairError,
    Profile,
    Proposal,
    ProposedPair,
    RankedMentor,
    Totals,
    Unmatched,
)
from lti_app.mentoring.domain.texts import _

__all__ = ["propose_pairs", "rank_mentors_for", "explain_pair", "score_matrix", "unmatched_of", "ScoreMatrix"]


def _pins(cohort: Cohort, settings: MatchSettings) -> Pairs:
    """Rows and columns of the pinned pairs, after checking the engine can keep every one."""
    mentor_row = {p.id: i for i, p in enumerate(cohort.mentors)}
    mentee_col = {p.id: j for j, p in enumerate(cohort.mentees)}
    cells = []
    for mentor_id, mentee_id in sorted(settings.pinned):
        ids = {"mentor": mentor_id, "mentee": mentee_id}
        if mentor_id not in mentor_row or mentee_id not in mentee_col:
            raise PinnedPairError(_("pinned pair (mentor %(mentor)s, mentee %(mentee)s): that mentor or mentee is "
                                    "not among the people being matched", **ids))
        i, j = mentor_row[mentor_id], mentee_col[mentee_id]
        failures = cohort.rules.failures(np.array([i]), np.array([j]))
        if broken := [rule_words(name) for name, f in failures.items() if f[0, 0]]:
            raise PinnedPairError(_("pinned pair (mentor %(mentor)s, mentee %(mentee)s) breaks a hard rule "
                                    "(%(rules)s): unpin it, or switch the rule off for the cohort",
                                    rules="; ".join(broken), **ids))
        cells.append((i, j))
    rows = np.array([i for i, _j in cells], dtype=np.int64)
    cols = np.array([j for _i, j in cells], dtype=np.int64)
    per_mentor = np.bincount(rows, minlength=len(cohort.mentors))
    if settings.rules.capacity and (over := np.flatnonzero(per_mentor > cohort.arrays[0].capacity)).size:
        raise PinnedPairError(_("mentor %(mentor)s has more pinned mentees than capacity",
                                mentor=cohort.mentors[over[0]].id))
    if (over := np.flatnonzero(np.bincount(cols, minlength=len(cohort.mentees)) > settings.mentors_per_mentee)).size:
        raise PinnedPairError(_("mentee %(mentee)s has more pinned mentors than the per-mentee limit",
                                mentee=cohort.mentees[over[0]].id))
    return rows, cols


def _usual(settings: MatchSettings) -> bool:
    """One mentor per mentee, capacities, no fairness: only the assignment's cost matrix is needed."""
    return settings.rules.capacity and settings.mentors_per_mentee == 1 and not settings.fairness


def _cost_buffer(mentors: Sequence[Profile], mentees: Sequence[Profile], settings: MatchSettings,
                 pool: ThreadPoolExecutor) -> Future | None:
    """Start mapping the cost matrix's memory on another core (mentees x remaining mentor places)."""
    if not _usual(settings):
        return None
    pinned = Counter(mentor_id for mentor_id, _ in settings.pinned)
    return pool.submit(touched_zeros, (len(mentees), sum(max(p.capacity - pinned[p.id], 0) for p in mentors)))


def _solve(cohort: Cohort, settings: MatchSettings, pins: Pairs,
           buffer: Future | None = None) -> tuple[tuple[Counts, Counts], Pairs]:
    """(mentor counts, mentee counts) and the optimum around the pinned pairs."""
    capacity = cohort.arrays[0].capacity - np.bincount(pins[0], minlength=len(cohort.mentors))
    limit = settings.mentors_per_mentee - np.bincount(pins[1], minlength=len(cohort.mentees))
    if _usual(settings):  # only the cost matrix is kept
        costs = SlotCosts(capacity, len(cohort.mentees), buffer.result() if buffer else None)
        counts = fill(cohort, settings.min_score, costs)
        return counts, costs.solve(limit)  # a pinned mentee's limit is used up: its row takes no slot
    matrix = full_matrix(cohort, settings.min_score)
    weights = matrix.weights
    weights[pins] = 0  # kept as they are, not chosen again
    return matrix.counts, solve(Problem(weights, capacity, limit, settings.rules.capacity), settings.fairness)


def explained_pairs(cohort: Cohort, rows: np.ndarray, cols: np.ndarray,
                    explainer: Explainer) -> list[tuple[float, tuple[Contribution, ...]]]:
    """(score, explanation) per pair: the score is the sum of the criteria's shares."""
    return list(zip(*_explained(cohort, rows, cols, explainer)))


def _explained(cohort: Cohort, rows: np.ndarray, cols: np.ndarray,
               explainer: Explainer) -> tuple[list[float], list[tuple[Contribution, ...]]]:
    """`explained_pairs` as (scores, explanations)."""
    parts = {name: np.maximum(values, 0.0).tolist() for name, values in cohort.shares(rows, cols).items()}
    pairs = PairsView(cohort.mentors, cohort.mentees, rows.tolist(), cols.tolist(), cohort.arrays[0].goal_words,
                      cohort.arrays[1].goal_words, lambda which: cohort.taught(rows[which], cols[which]))
    return explainer.explain_columns(pairs, parts)


def totals_of(pairs: Sequence[ProposedPair], n_mentors: int, n_mentees: int) -> Totals:
    """Headline figures."""
    pair_scores = [p.score for p in pairs]
    mentors, mentees = len({p.mentor_id for p in pairs}), len({p.mentee_id for p in pairs})
    return Totals(
        total_score=float(sum(pair_scores)), pairs=len(pairs),
        matched_mentors=mentors, matched_mentees=mentees,
        unmatched_mentors=n_mentors - mentors, unmatched_mentees=n_mentees - mentees,
        mean_pair_score=float(np.mean(pair_scores)) if pairs else None,
        min_pair_score=min(pair_scores) if pairs else None,
    )


def propose_pairs(mentors: Sequence[Profile], mentees: Sequence[Profile], settings: MatchSettings | None = None, *,
                  names: Mapping[int, str] | None = None, labels: Labels | None = None,
                  viewer: Viewer = "mentee") -> Proposal:
    """The best pairs for the whole cohort under the settings, each explained to ``viewer`` (default: the mentee)."""
    with quiet_engine():  # one BLAS thread, no garbage collection: see matching_quiet
        return _propose(mentors, mentees, settings or MatchSettings(), names, labels, viewer)


def _propose(mentors: Sequence[Profile], mentees: Sequence[Profile], settings: MatchSettings,
             names: Mapping[int, str] | None, labels: Labels | None, viewer: Viewer) -> Proposal:
    """`propose_pairs`, once quiet."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        buffer = _cost_buffer(mentors, mentees, settings, pool)
        cohort = Cohort.prepare(mentors, mentees, settings)
        pins = _pins(cohort, settings)
        counts, (rows, cols) = _solve(cohort, settings, pins, buffer)
    rows, cols = np.concatenate([pins[0], rows]), np.concatenate([pins[1], cols])
    order = np.lexsort((rows, cols))
    rows, cols, pinned = rows[order], cols[order], order < len(pins[0])
    scores, explanations = _explained(cohort, rows, cols, Explainer(settings, viewer, names, labels))
    pairs = tuple(
        ProposedPair(cohort.mentors[i].id, cohort.mentees[j].id, score, explanation, bool(pin))
        for i, j, pin, score, explanation in zip(rows.tolist(), cols.tolist(), pinned, scores, explanations)
    )
    unmatched = reasons_for(cohort, counts, rows, cols, settings)
    return Proposal(pairs, unmatched, totals_of(pairs, len(cohort.mentors), len(cohort.mentees)))


def unmatched_of(mentors: Sequence[Profile], mentees: Sequence[Profile], settings: MatchSettings,
                 pairs: Iterable[tuple[int, int]]) -> tuple[Unmatched, ...]:
    """Why each person with no pair among ``pairs`` (mentor id, mentee id; others ignored) has none.

    Only the per-person counts are kept while the cohort is scored, never its full matrices: a draft page at
    5,000 x 5,000 needs the reasons, not 300 MB of scores."""
    cohort = Cohort.prepare(mentors, mentees, settings)
    row = {p.id: i for i, p in enumerate(cohort.mentors)}
    col = {p.id: j for j, p in enumerate(cohort.mentees)}
    kept = [(row[m], col[e]) for m, e in pairs if m in row and e in col]
    rows = np.array([i for i, _ in kept], dtype=np.int64)
    cols = np.array([j for _, j in kept], dtype=np.int64)
    return reasons_for(cohort, fill(cohort, settings.min_score), rows, cols, settings)


def rank_mentors_for(mentee: Profile, mentors: Sequence[Profile], settings: MatchSettings | None = None, *,
                     taken: Mapping[int, int] | None = None, names: Mapping[int, str] | None = None,
                     labels: Labels | None = None, exclude: Collection[int] = (),
                     explain: slice | None = None) -> tuple[RankedMentor, ...]:
    """Mentors this mentee may choose: those passing every rule with room left, best score first.

    `taken` counts the mentees each mentor already has; a mentor at capacity is not offered. Pairs
    below the cohort's minimum score are not offered either, nor the mentors in `exclude`. Ties go to the
    lower mentor id. With `explain`, only the ranks in that slice get their explanation (a page of a long
    list: explaining thousands of mentors nobody reads is most of the cost); the others get none.
    """
    settings = settings or MatchSettings()
    matrix = score_matrix(mentors, [mentee], settings)
    cohort = matrix.cohort
    ok, values = matrix.eligible[:, 0].copy(), matrix.values[:, 0]
    ok &= values >= settings.min_score
    if settings.rules.capacity and taken:
        room = cohort.arrays[0].capacity - np.array([taken.get(p.id, 0) for p in cohort.mentors], dtype=np.int64)
        ok &= room > 0
    if exclude:
        ok &= ~np.isin(np.array([p.id for p in cohort.mentors], dtype=np.int64), np.array(list(exclude), dtype=np.int64))
    rows = np.flatnonzero(ok)
    ids = np.array([cohort.mentors[i].id for i in rows], dtype=np.int64)
    rows = rows[np.lexsort((ids, -values[rows]))]  # best score first, ties to the lower mentor id
    shown = rows[explain] if explain is not None else rows
    explained = explained_pairs(cohort, shown, np.zeros_like(shown), Explainer(settings, "mentee", names, labels))
    reasons = dict(zip(shown.tolist(), explained))
    return tuple(RankedMentor(cohort.mentors[i].id, *reasons.get(i, (float(values[i]), ()))) for i in rows.tolist())


def explain_pair(mentor: Profile, mentee: Profile, settings: MatchSettings | None = None, *,
                 viewer: Viewer = "mentee", names: Mapping[int, str] | None = None,
                 labels: Labels | None = None) -> tuple[float, tuple[Contribution, ...]]:
    """(score, explanation) of any one pair, worded for the mentee, the mentor or the instructor."""
    settings = settings or MatchSettings()
    cohort = Cohort.prepare([mentor], [mentee], settings)
    zero = np.zeros(1, dtype=np.int64)
    return explained_pairs(cohort, zero, zero, Explainer(settings, viewer, names, labels))[0]
