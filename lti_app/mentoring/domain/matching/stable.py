"""Mutual ranking: both sides rank each other, and a stable matching is computed.

Mentee-proposing deferred acceptance (Gale-Shapley; hospitals/residents with mentor capacities, and
several mentors per mentee when the cohort allows it): each mentee proposes down its list until it holds
as many mentors as it may have; each mentor keeps the mentees it ranks best, up to capacity. A pair is
possible only when each side ranked the other (and, in `mutual_match`, when it passes the hard rules).
The result has no blocking pair: no mentor and mentee who both would rather be together than with
(one of) their partners or an empty place. Among stable matchings it is the best one for the mentees.
The minimum score does not apply: participants chose.
"""
from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lti_app.mentoring.domain.matching.explain import Explainer, Labels
from lti_app.mentoring.domain.matching.engine import explained_pairs, totals_of
from lti_app.mentoring.domain.matching.cohort import Cohort, full_matrix
from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.domain.matching.types import Profile, Proposal, ProposedPair, Role, Unmatched, UnmatchedReason
from lti_app.mentoring.domain.matching.words import phrase
from lti_app.mentoring.domain.texts import N_

Rankings = Mapping[int, Sequence[int]]  # person id -> ids of the other side, best first


@dataclass(frozen=True)
class StableMatch:
    """Pairs (mentor_id, mentee_id), sorted by mentee then mentor."""

    pairs: tuple[tuple[int, int], ...]


def _acceptable(mentee_prefs: Rankings, mentor_prefs: Rankings) -> tuple[dict[int, list[int]], dict[int, dict[int, int]]]:
    """Each mentee's list cut to the mentors who ranked it; each mentor's rank of each mentee."""
    rank = {m: {} for m in mentor_prefs}
    for mentor, prefs in mentor_prefs.items():
        for position, mentee in enumerate(prefs):
            rank[mentor].setdefault(mentee, position)
    lists = {}
    for mentee in sorted(mentee_prefs):
        seen: dict[int, None] = {}
        for mentor in mentee_prefs[mentee]:
            if mentee in rank.get(mentor, {}):
                seen.setdefault(mentor, None)
        lists[mentee] = list(seen)
    return lists, rank


def stable_match(mentee_prefs: Rankings, mentor_prefs: Rankings, capacity: Mapping[int, int],
                 mentors_per_mentee: int = 1) -> StableMatch:
    """Mentee-proposing deferred acceptance with mentor capacities (pairwise stable, mentee-optimal)."""
    lists, rank = _acceptable(mentee_prefs, mentor_prefs)
    held: dict[int, list[tuple[int, int]]] = {m: [] for m in mentor_prefs}  # (rank, mentee), best first
    partners: dict[int, set[int]] = {e: set() for e in lists}
    next_choice = dict.fromkeys(lists, 0)
    waiting = deque(lists)
    while waiting:
        mentee = waiting.popleft()
        while len(partners[mentee]) < mentors_per_mentee and next_choice[mentee] < len(lists[mentee]):
            mentor = lists[mentee][next_choice[mentee]]
            next_choice[mentee] += 1
            if capacity.get(mentor, 0) <= 0:
                continue
            bisect.insort(held[mentor], (rank[mentor][mentee], mentee))
            partners[mentee].add(mentor)
            if len(held[mentor]) > capacity[mentor]:
                _, dropped = held[mentor].pop()
                partners[dropped].discard(mentor)
                if dropped != mentee:
                    waiting.append(dropped)
    pairs = sorted(((m, e) for e, ms in partners.items() for m in ms), key=lambda p: (p[1], p[0]))
    return StableMatch(tuple(pairs))


def blocking_pairs(match: StableMatch, mentee_prefs: Rankings, mentor_prefs: Rankings, capacity: Mapping[int, int],
                   mentors_per_mentee: int = 1) -> list[tuple[int, int]]:
    """Pairs (mentor_id, mentee_id) that would both rather be together: empty when the matching is stable."""
    lists, rank = _acceptable(mentee_prefs, mentor_prefs)
    of_mentee: dict[int, set[int]] = {e: set() for e in lists}
    of_mentor: dict[int, set[int]] = {m: set() for m in mentor_prefs}
    for mentor, mentee in match.pairs:
        of_mentee[mentee].add(mentor)
        of_mentor[mentor].add(mentee)
    blocking = []
    for mentee, prefs in lists.items():
        mentee_worst = max((prefs.index(m) for m in of_mentee[mentee]), default=-1)
        mentee_wants = len(of_mentee[mentee]) < mentors_per_mentee
        for position, mentor in enumerate(prefs):
            if mentor in of_mentee[mentee] or capacity.get(mentor, 0) <= 0:
                continue
            mentor_worst = max((rank[mentor][e] for e in of_mentor[mentor]), default=-1)
            mentor_wants = len(of_mentor[mentor]) < capacity[mentor] or rank[mentor][mentee] < mentor_worst
            if (mentee_wants or position < mentee_worst) and mentor_wants:
                blocking.append((mentor, mentee))
    return blocking


def mutual_match(mentors: Sequence[Profile], mentees: Sequence[Profile], mentee_rankings: Rankings,
                 mentor_rankings: Rankings, settings: MatchSettings | None = None, *,
                 names: Mapping[int, str] | None = None, labels: Labels | None = None) -> Proposal:
    """The stable matching of the rankings, among pairs that pass the hard rules, explained to the mentee."""
    settings = settings or MatchSettings()
    matrix = full_matrix(Cohort.prepare(mentors, mentees, settings), 0.0)
    cohort = matrix.cohort
    mentor_ids, mentee_ids = [p.id for p in cohort.mentors], [p.id for p in cohort.mentees]
    row, col = {m: i for i, m in enumerate(mentor_ids)}, {e: j for j, e in enumerate(mentee_ids)}
    ok = matrix.eligible

    def allowed(a: int, b: int) -> bool:
        return a in row and b in col and bool(ok[row[a], col[b]])

    mentee_prefs = {e: [m for m in mentee_rankings.get(e, ()) if allowed(m, e)] for e in mentee_ids}
    mentor_prefs = {m: [e for e in mentor_rankings.get(m, ()) if allowed(m, e)] for m in mentor_ids}
    capacity = {p.id: (p.capacity if settings.rules.capacity else len(mentee_ids)) for p in cohort.mentors}
    match = stable_match(mentee_prefs, mentor_prefs, capacity, settings.mentors_per_mentee)
    rows = np.array([row[m] for m, _ in match.pairs], dtype=np.int64)
    cols = np.array([col[e] for _, e in match.pairs], dtype=np.int64)
    explained = explained_pairs(cohort, rows, cols, Explainer(settings, "mentee", names, labels))
    pairs = tuple(ProposedPair(m, e, score, explanation) for (m, e), (score, explanation) in zip(match.pairs, explained))
    return Proposal(pairs, _unranked(match, mentee_prefs, mentor_prefs), totals_of(pairs, len(mentor_ids), len(mentee_ids)))


def _unranked(match: StableMatch, mentee_prefs: Rankings, mentor_prefs: Rankings) -> tuple[Unmatched, ...]:
    """Why people without a partner have none in a stable matching."""
    lists, _rank = _acceptable(mentee_prefs, mentor_prefs)
    paired_m, paired_e = {m for m, _e in match.pairs}, {e for _m, e in match.pairs}
    mutual_m = {m for ms in lists.values() for m in ms}
    found = []
    for mentor in sorted(set(mentor_prefs) - paired_m):
        if mentor in mutual_m:
            text = phrase(N_("Every mentee who ranked this mentor, and whom this mentor ranked, went to a mentor they "
                             "ranked higher."))
            found.append(Unmatched(mentor, Role.MENTOR, UnmatchedReason.PARTNERS_TAKEN, None, text))
        else:
            text = phrase(N_("No mentee who passes the rules ranked this mentor and was ranked by them."))
            found.append(Unmatched(mentor, Role.MENTOR, UnmatchedReason.NO_ELIGIBLE_PARTNER, "ranking", text))
    for mentee in sorted(set(lists) - paired_e):
        if lists[mentee]:
            text = phrase(N_("Every mentor this mentee ranked, and who ranked them, filled their places with mentees "
                             "they ranked higher."))
            found.append(Unmatched(mentee, Role.MENTEE, UnmatchedReason.PARTNERS_TAKEN, None, text))
        else:
            text = phrase(N_("No mentor who passes the rules ranked this mentee and was ranked by them."))
            found.append(Unmatched(mentee, Role.MENTEE, UnmatchedReason.NO_ELIGIBLE_PARTNER, "ranking", text))
    return tuple(found)
