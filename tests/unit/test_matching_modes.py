"""Self-select ranking, mutual ranking (stable matching) and rotation rounds."""
from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lti_app.mentoring.domain.matching.engine import rank_mentors_for
from lti_app.mentoring.domain.matching.settings import MatchSettings, Rules
from lti_app.mentoring.domain.matching.types import PinnedPairError, UnmatchedReason
from lti_app.mentoring.domain.rotation import next_round
from lti_app.mentoring.domain.matching.stable import StableMatch, blocking_pairs, mutual_match, stable_match
from tests.unit.test_matching import PROPERTY, TOLERANCE, broken_rules, cohorts, match_settings, scores_by_id

# ---- self-select ----

@PROPERTY
@given(st.data())
def test_a_mentee_is_offered_exactly_the_mentors_that_pass_the_rules_best_first(data):
    mentors, mentees = data.draw(cohorts())
    s = data.draw(match_settings(mentors, mentees, pins=False))
    mentee, everyone = mentees[0], [*mentors, *mentees]
    taken = {m.id: data.draw(st.integers(0, 2)) for m in mentors}
    ranked = rank_mentors_for(mentee, mentors, s, taken=taken)
    score = scores_by_id(mentors, [mentee], s)
    expected = {m.id for m in mentors if not broken_rules(m, mentee, everyone=everyone, s=s)
                and (not s.rules.capacity or m.capacity - taken[m.id] > 0)
                and score[m.id, mentee.id] >= s.min_score}
    assert {r.mentor_id for r in ranked} == expected
    assert [(-r.score, r.mentor_id) for r in ranked] == sorted((-r.score, r.mentor_id) for r in ranked)
    for r in ranked:
        assert r.score == pytest.approx(score[r.mentor_id, mentee.id], abs=TOLERANCE)
        assert sum(c.share for c in r.explanation) == pytest.approx(r.score, abs=1e-6)


# ---- mutual ranking ----

@st.composite
def rankings(draw, max_k: int = 2):
    """Random rankings from a drawn seed: mostly full lists, some cut short; capacities 0 to 2."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    mentor_ids = list(range(1, int(rng.integers(1, 5)) + 1))
    mentee_ids = list(range(101, 101 + int(rng.integers(1, 5))))

    def ranked(ids: list[int]) -> list[int]:
        order = [int(i) for i in rng.permutation(ids)]
        return order if rng.random() < 0.6 else order[:int(rng.integers(0, len(ids) + 1))]

    capacity = {m: int(rng.choice([0, 1, 1, 2])) for m in mentor_ids}
    return ({e: ranked(mentor_ids) for e in mentee_ids}, {m: ranked(mentee_ids) for m in mentor_ids}, capacity,
            int(rng.integers(1, max_k + 1)))


STABLE = settings(max_examples=300, deadline=None, derandomize=True)


@STABLE
@given(rankings())
def test_the_stable_matching_has_no_blocking_pair_and_holds_every_capacity(case):
    mentee_prefs, mentor_prefs, capacity, k = case
    match = stable_match(mentee_prefs, mentor_prefs, capacity, k)
    assert blocking_pairs(match, mentee_prefs, mentor_prefs, capacity, k) == []
    for mentor, mentee in match.pairs:
        assert mentor in mentee_prefs[mentee] and mentee in mentor_prefs[mentor]
    assert all(sum(m == mentor for m, _ in match.pairs) <= capacity[mentor] for mentor in capacity)
    assert all(sum(e == mentee for _, e in match.pairs) <= k for mentee in mentee_prefs)


@STABLE
@given(rankings(max_k=1))
def test_every_mentee_gets_the_best_mentor_of_any_stable_matching(case):
    mentee_prefs, mentor_prefs, capacity, k = case
    mentor_ids, mentee_ids = sorted(mentor_prefs), sorted(mentee_prefs)
    stable = []
    for choice in itertools.product(*[[None, *mentor_ids] for _ in mentee_ids]):
        pairs = tuple((m, e) for m, e in zip(choice, mentee_ids) if m is not None)
        acceptable = all(m in mentee_prefs[e] and e in mentor_prefs[m] for m, e in pairs)
        fits = all(sum(m == x for x, _ in pairs) <= capacity[m] for m in mentor_ids)
        if acceptable and fits and not blocking_pairs(StableMatch(pairs), mentee_prefs, mentor_prefs, capacity):
            stable.append(dict((e, m) for m, e in pairs))
    found = {e: m for m, e in stable_match(mentee_prefs, mentor_prefs, capacity).pairs}
    position = lambda e, m: mentee_prefs[e].index(m) if m is not None else len(mentor_ids)  # noqa: E731
    for other in stable:
        assert all(position(e, found.get(e)) <= position(e, other.get(e)) for e in mentee_ids)


def test_mutual_ranking_only_pairs_people_the_rules_allow():
    from tests.unit.test_explain import ALEX, SAM
    too_senior = replace(SAM, id=2, key="person:2", career_stage=4, seniority_years=30.0)
    proposal = mutual_match([SAM, too_senior], [ALEX], {101: [2, 1]}, {1: [101], 2: [101]})
    assert [(p.mentor_id, p.mentee_id) for p in proposal.pairs] == [(1, 101)]
    assert proposal.pairs[0].explanation[0].criterion == "skills"
    [lonely] = proposal.unmatched
    assert lonely.person_id == 2 and lonely.reason is UnmatchedReason.NO_ELIGIBLE_PARTNER


# ---- rotation ----

@PROPERTY
@given(st.data())
def test_rotation_rounds_never_repeat_a_pair(data):
    mentors, mentees = data.draw(cohorts())
    s = replace(data.draw(match_settings(mentors, mentees, pins=False)),
                rules=replace(Rules(), past_partners=data.draw(st.booleans())))
    history: set[tuple[int, int]] = set()
    for _ in range(3):
        proposal = next_round(mentors, mentees, history, s)
        made = {(p.mentor_id, p.mentee_id) for p in proposal.pairs}
        assert not made & history
        history |= made


def test_a_pin_that_would_repeat_a_past_pair_is_refused():
    from tests.unit.test_explain import ALEX, SAM
    with pytest.raises(PinnedPairError, match="paired before"):
        next_round([SAM], [ALEX], [(1, 101)], MatchSettings(pinned={(1, 101)}))
    assert next_round([SAM], [ALEX], [], MatchSettings(pinned={(1, 101)})).pairs[0].pinned
