"""The matching engine against brute force on small cohorts: optimal, never breaks a rule, explained."""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lti_app.mentoring.domain.matching.engine import explain_pair, propose_pairs, score_matrix
from lti_app.mentoring.domain.matching.settings import CRITERIA, Criterion, Direction, MatchSettings, Rules
from lti_app.mentoring.domain.matching.types import PinnedPairError, Profile, Role, UnmatchedReason

TOLERANCE = 1e-3  # points; scores are float32 in the matrix, float64 in the explanation
PROPERTY = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SKILLS, INTERESTS, WORDS = ("s1", "s2", "s3"), ("art", "chess", "music"), ("lead", "data", "video", "brand", "ai")
CHANNELS = ("video", "in_person", "chat", "email", "phone")


# ---- strategies ----

def _subset(items, min_size=0):
    return st.frozensets(st.sampled_from(items), min_size=min_size, max_size=len(items))


@st.composite
def profile(draw, pid: int, key: str, manager_of: dict[str, str | None], other_ids: list[int], mentor: bool) -> Profile:
    """Mentors mostly junior, mentees mostly senior (overlapping); most people share English."""
    levels = st.integers(1, 5)
    return Profile(
        id=pid, key=key, manager_key=manager_of.get(key),
        seniority_years=draw(st.sampled_from([0.0, 1.0, 2.5, 5.0, 10.0])),
        career_stage=draw(st.integers(0, 2) if mentor else st.integers(1, 4)),
        department=draw(st.sampled_from([None, "finance", "sales"])),
        generation=draw(st.sampled_from([None, "gen_z", "millennials", "gen_x"])),
        languages=draw(st.sampled_from([frozenset({"en"}), frozenset({"en", "fr"}), frozenset({"fr"}), frozenset()])),
        availability=draw(_subset(tuple(range(4)), min_size=1)),
        channels=draw(_subset(CHANNELS)), interests=draw(_subset(INTERESTS)),
        goals=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=3))),
        skills_offered=draw(st.dictionaries(st.sampled_from(SKILLS), levels, max_size=3)),
        skills_wanted=draw(st.dictionaries(st.sampled_from(SKILLS), levels, max_size=3)),
        capacity=draw(st.sampled_from([0, 1, 1, 2, 2])) if mentor else 1,
        past_partners=draw(st.frozensets(st.sampled_from(other_ids), max_size=1)) if other_ids else frozenset(),
    )


@st.composite
def cohorts(draw, max_mentors: int = 4, max_mentees: int = 4):
    """Mentors (ids 1..) and mentees (ids 101..), keys from a small pool so that people can coincide."""
    n_m = draw(st.sampled_from([n for n in (1, 2, 3, 3, 4, 4, 5, 5) if n <= max_mentors]))
    n_e = draw(st.sampled_from([n for n in (1, 2, 3, 3, 4, 4, 5, 5) if n <= max_mentees]))
    mentor_ids, mentee_ids = list(range(1, n_m + 1)), list(range(101, 101 + n_e))
    keys = [f"person:{k}" for k in range(n_m + n_e + 2)]
    manager_of = {k: draw(st.sampled_from([None, None, None, *keys])) for k in keys}  # chains, even cycles
    mentor_keys = [keys[i] for i in range(n_m)]
    mentee_keys = [draw(st.sampled_from(keys)) if draw(st.integers(0, 5)) == 0 else keys[n_m + j] for j in range(n_e)]
    mentors = [draw(profile(i, k, manager_of, mentee_ids, True)) for i, k in zip(mentor_ids, mentor_keys)]
    mentees = [draw(profile(i, k, manager_of, mentor_ids, False)) for i, k in zip(mentee_ids, mentee_keys)]
    return mentors, mentees


@st.composite
def match_settings(draw, mentors, mentees, max_per_mentee: int = 2, pins: bool = True) -> MatchSettings:
    cross = [(m.id, e.id) for m in mentors for e in mentees]
    criteria = {}
    for name in CRITERIA:
        directions = [Direction.SIMILAR, Direction.DIFFERENT] + ([Direction.COMPLEMENTARY] if name == "skills" else [])
        criteria[name] = Criterion(draw(st.sampled_from([0.0, 0.5, 1.0, 3.0])), draw(st.sampled_from(directions)))
    rules = Rules(*(draw(st.booleans()) for _ in range(5)), min_overlap_hours=draw(st.integers(0, 2)),
                  capacity=draw(st.booleans()))
    pinned = draw(st.frozensets(st.sampled_from(cross), max_size=1)) if cross and pins and draw(st.booleans()) else frozenset()
    forbidden = draw(st.frozensets(st.sampled_from(cross), max_size=1)) if cross and draw(st.booleans()) else frozenset()
    return MatchSettings(rules=rules, mentors_per_mentee=draw(st.integers(1, max_per_mentee)), criteria=criteria,
                         min_score=draw(st.sampled_from([0.0, 0.0, 10.0, 25.0])), fairness=draw(st.booleans()),
                         pinned=pinned, forbidden=forbidden - pinned)


# ---- an independent reading of the rules, pair by pair ----

def chain(key: str, everyone: list[Profile]) -> set[str]:
    manager_of = {p.key: p.manager_key for p in everyone if p.manager_key}
    found: set[str] = set()
    while (key := manager_of.get(key)) and key not in found:
        found.add(key)
    return found


def broken_rules(m: Profile, e: Profile, s: MatchSettings, everyone: list[Profile]) -> set[str]:
    r = s.rules
    checks = {
        "self": m.key == e.key,
        "forbidden": (m.id, e.id) in s.forbidden,
        "capacity": r.capacity and m.capacity <= 0,
        "reverse_seniority": r.reverse_seniority and not (m.career_stage, m.seniority_years) < (e.career_stage, e.seniority_years),
        "reporting_line": r.reporting_line and (m.key in chain(e.key, everyone) or e.key in chain(m.key, everyone)),
        "past_partners": r.past_partners and (e.id in m.past_partners or m.id in e.past_partners),
        "shared_language": r.shared_language and not m.languages & e.languages,
        "availability_overlap": r.availability_overlap and len(m.availability & e.availability) < r.min_overlap_hours,
    }
    return {name for name, bad in checks.items() if bad}


def pins_are_keepable(mentors, mentees, s: MatchSettings) -> bool:
    everyone, by_id = [*mentors, *mentees], {p.id: p for p in [*mentors, *mentees]}
    if any(broken_rules(by_id[a], by_id[b], s, everyone) for a, b in s.pinned):
        return False
    per_mentor = {m.id: sum(a == m.id for a, _ in s.pinned) for m in mentors}
    per_mentee = {e.id: sum(b == e.id for _, b in s.pinned) for e in mentees}
    over_capacity = s.rules.capacity and any(per_mentor[m.id] > m.capacity for m in mentors)
    return not over_capacity and all(n <= s.mentors_per_mentee for n in per_mentee.values())


def feasible_assignments(mentors, mentees, s: MatchSettings, score):
    """Every set of pairs the engine may propose: pins kept, rules kept, limits held, at or above the minimum."""
    everyone = [*mentors, *mentees]
    allowed = {e.id: [m.id for m in mentors if (m.id, e.id) not in s.pinned and not broken_rules(m, e, s, everyone)
                      and score[m.id, e.id] >= np.float32(s.min_score)] for e in mentees}
    room = {m.id: (m.capacity if s.rules.capacity else math.inf) - sum(a == m.id for a, _ in s.pinned) for m in mentors}
    left = {e.id: s.mentors_per_mentee - sum(b == e.id for _, b in s.pinned) for e in mentees}
    order = [e.id for e in mentees]

    def walk(k: int, chosen: list[tuple[int, int]]):
        if k == len(order):
            yield list(chosen)
            return
        mentee = order[k]
        yield from pick(k, mentee, 0, left[mentee], chosen)

    def pick(k, mentee, start, budget, chosen):
        yield from walk(k + 1, chosen)
        if budget <= 0:
            return
        options = allowed[mentee]
        for n in range(start, len(options)):
            mentor = options[n]
            if room[mentor] > 0:
                room[mentor] -= 1
                chosen.append((mentor, mentee))
                yield from pick(k, mentee, n + 1, budget - 1, chosen)
                chosen.pop()
                room[mentor] += 1

    yield from walk(0, [])


def scores_by_id(mentors, mentees, s: MatchSettings) -> dict[tuple[int, int], float]:
    matrix = score_matrix(mentors, mentees, s)
    return {(m.id, e.id): float(matrix.values[i, j]) for i, m in enumerate(matrix.mentors)
            for j, e in enumerate(matrix.mentees)}


def free_pairs(proposal) -> list[tuple[int, int]]:
    return [(p.mentor_id, p.mentee_id) for p in proposal.pairs if not p.pinned]


# ---- properties ----

@PROPERTY
@given(st.data())
def test_the_proposal_keeps_every_rule_limit_pin_and_prohibition(data):
    mentors, mentees = data.draw(cohorts())
    s = data.draw(match_settings(mentors, mentees))
    if not pins_are_keepable(mentors, mentees, s):
        with pytest.raises(PinnedPairError):
            propose_pairs(mentors, mentees, s)
        return
    proposal = propose_pairs(mentors, mentees, s)
    everyone, by_id = [*mentors, *mentees], {p.id: p for p in [*mentors, *mentees]}
    pairs = [(p.mentor_id, p.mentee_id) for p in proposal.pairs]
    assert len(set(pairs)) == len(pairs)
    assert all(not broken_rules(by_id[a], by_id[b], s, everyone) for a, b in pairs)
    assert s.pinned <= set(pairs) and not s.forbidden & set(pairs)
    assert {(p.mentor_id, p.mentee_id) for p in proposal.pairs if p.pinned} == s.pinned
    for m in mentors:
        assert not s.rules.capacity or sum(a == m.id for a, _ in pairs) <= m.capacity
    for e in mentees:
        assert sum(b == e.id for _, b in pairs) <= s.mentors_per_mentee
    assert all(p.score >= s.min_score - TOLERANCE for p in proposal.pairs if not p.pinned)


@PROPERTY
@given(st.data())
def test_the_total_score_is_the_best_of_every_feasible_assignment(data):
    mentors, mentees = data.draw(cohorts())
    s = replace(data.draw(match_settings(mentors, mentees)), fairness=False)
    assume(pins_are_keepable(mentors, mentees, s))
    score = scores_by_id(mentors, mentees, s)
    best = max(sum(score[p] for p in pairs) for pairs in feasible_assignments(mentors, mentees, s, score))
    proposal = propose_pairs(mentors, mentees, s)
    assert sum(score[p] for p in free_pairs(proposal)) == pytest.approx(best, abs=TOLERANCE)


@PROPERTY
@given(st.data())
def test_fairness_lifts_the_worst_pair_then_matches_the_most_people_then_maximises_the_total(data):
    mentors, mentees = data.draw(cohorts())
    s = replace(data.draw(match_settings(mentors, mentees)), fairness=False)
    if data.draw(st.booleans()):  # crowded: only capacities limit the pairs
        s = replace(s, rules=Rules(False, False, False, False, False, capacity=True), min_score=0.0)
    assume(pins_are_keepable(mentors, mentees, s))
    score = scores_by_id(mentors, mentees, s)
    plain = free_pairs(propose_pairs(mentors, mentees, s))
    fair = free_pairs(propose_pairs(mentors, mentees, replace(s, fairness=True)))
    assume(plain)
    worst = lambda pairs: min((score[p] for p in pairs), default=math.inf)  # noqa: E731
    options = list(feasible_assignments(mentors, mentees, s, score))
    lifted = max(worst(pairs) for pairs in options if len(pairs) >= len(plain))
    most = max(len(pairs) for pairs in options if worst(pairs) >= lifted)
    total = max(sum(score[p] for p in pairs) for pairs in options if worst(pairs) >= lifted and len(pairs) == most)
    assert worst(fair) >= worst(plain) and worst(fair) == lifted
    assert len(fair) == most >= len(plain)
    assert sum(score[p] for p in fair) == pytest.approx(total, abs=TOLERANCE)


@PROPERTY
@given(st.data())
def test_explanation_shares_add_up_to_the_score_of_the_pair(data):
    mentors, mentees = data.draw(cohorts())
    s = replace(data.draw(match_settings(mentors, mentees, pins=False)), min_score=0.0)
    score = scores_by_id(mentors, mentees, s)
    for pair in propose_pairs(mentors, mentees, s).pairs:
        assert sum(c.share for c in pair.explanation) == pytest.approx(pair.score, abs=1e-6)
        assert pair.score == pytest.approx(score[pair.mentor_id, pair.mentee_id], abs=TOLERANCE)
        assert all(c.share > 0 and c.sentence.endswith(".") for c in pair.explanation)
        assert [c.share for c in pair.explanation] == sorted((c.share for c in pair.explanation), reverse=True)
    if mentors and mentees:
        value, explanation = explain_pair(mentors[0], mentees[0], s)
        assert value == pytest.approx(score[mentors[0].id, mentees[0].id], abs=TOLERANCE)
        assert sum(c.share for c in explanation) == pytest.approx(value, abs=1e-6)


@PROPERTY
@given(st.data())
def test_the_same_cohort_in_any_order_gives_the_same_proposal(data):
    mentors, mentees = data.draw(cohorts())
    s = data.draw(match_settings(mentors, mentees))
    assume(pins_are_keepable(mentors, mentees, s))
    first = propose_pairs(mentors, mentees, s)
    shuffled = propose_pairs(data.draw(st.permutations(mentors)), data.draw(st.permutations(mentees)), s)
    assert shuffled == first == propose_pairs(mentors, mentees, s)


@PROPERTY
@given(st.data())
def test_every_unmatched_person_is_listed_with_a_reason_that_holds(data):
    mentors, mentees = data.draw(cohorts())
    s = data.draw(match_settings(mentors, mentees, pins=False))
    proposal = propose_pairs(mentors, mentees, s)
    everyone, score = [*mentors, *mentees], scores_by_id(mentors, mentees, s)
    paired = {p.mentor_id for p in proposal.pairs} | {p.mentee_id for p in proposal.pairs}
    assert {u.person_id for u in proposal.unmatched} == {p.id for p in everyone} - paired
    for u in proposal.unmatched:
        me = next(p for p in everyone if p.id == u.person_id)
        others = mentees if u.role is Role.MENTOR else mentors
        pair = (lambda o: (me, o)) if u.role is Role.MENTOR else (lambda o: (o, me))
        eligible = [o for o in others if not broken_rules(*pair(o), s, everyone)]
        good = [o for o in eligible if score[pair(o)[0].id, pair(o)[1].id] >= np.float32(s.min_score)]
        expected = (UnmatchedReason.NO_ELIGIBLE_PARTNER if not eligible else
                    UnmatchedReason.BELOW_MIN_SCORE if not good else None)
        assert u.reason == expected if expected else u.reason in (UnmatchedReason.PARTNERS_TAKEN, UnmatchedReason.FAIRNESS)
        assert u.message and (u.rule is None) == (u.reason is not UnmatchedReason.NO_ELIGIBLE_PARTNER or not others)
    t = proposal.totals
    assert t.pairs == len(proposal.pairs) and t.total_score == pytest.approx(sum(p.score for p in proposal.pairs))


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_on_larger_cohorts_the_total_equals_networkx_maximum_weight_matching(data):
    nx = pytest.importorskip("networkx")
    mentors, mentees = data.draw(cohorts(max_mentors=8, max_mentees=8))
    s = replace(data.draw(match_settings(mentors, mentees, max_per_mentee=1, pins=False)), fairness=False,
                rules=replace(Rules(), capacity=True, reverse_seniority=data.draw(st.booleans())))
    score, everyone = scores_by_id(mentors, mentees, s), [*mentors, *mentees]
    graph = nx.Graph()
    for m in mentors:
        for e in mentees:
            if not broken_rules(m, e, s, everyone) and score[m.id, e.id] >= s.min_score:
                for slot in range(m.capacity):
                    graph.add_edge(("m", m.id, slot), ("e", e.id), weight=score[m.id, e.id] + 1e-6)
    best = sum(graph.edges[u, v]["weight"] - 1e-6 for u, v in nx.max_weight_matching(graph))
    assert sum(score[p] for p in free_pairs(propose_pairs(mentors, mentees, s))) == pytest.approx(best, abs=TOLERANCE)


# ---- examples ----

def person(pid: int, **overrides) -> Profile:
    fields = dict(id=pid, key=f"person:{pid}", manager_key=None, seniority_years=1.0, career_stage=1,
                  department="it", generation="gen_z", languages=frozenset({"en"}), availability=frozenset({10}),
                  channels=frozenset({"video"}), interests=frozenset(), goals="", skills_offered={"ai": 5},
                  skills_wanted={})
    return Profile(**(fields | overrides))


def senior(pid: int, **overrides) -> Profile:
    return person(pid, **(dict(career_stage=4, seniority_years=20.0, skills_offered={}, skills_wanted={"ai": 1}) | overrides))


def test_an_empty_side_leaves_everyone_unmatched_and_says_why():
    proposal = propose_pairs([], [senior(101)])
    assert proposal.pairs == () and proposal.totals.mean_pair_score is None
    assert proposal.unmatched[0].message == "There are no mentors in this cohort."
    assert propose_pairs([], []).unmatched == ()


@pytest.mark.parametrize("pinned, capacity, message", [
    ({(1, 999)}, 1, "not among the people being matched"),
    ({(1, 101)}, 1, "breaks a hard rule \\(same reporting line\\)"),
    ({(2, 101), (2, 102)}, 1, "more pinned mentees than capacity"),
])
def test_a_pin_the_engine_cannot_keep_is_refused_with_the_reason(pinned, capacity, message):
    mentors = [person(1), person(2, capacity=capacity)]
    mentees = [senior(101, manager_key=None), senior(102)]
    mentors[0] = replace(mentors[0], manager_key="person:101")
    with pytest.raises(PinnedPairError, match=message):
        propose_pairs(mentors, mentees, MatchSettings(pinned=pinned))


def test_a_pin_below_the_minimum_score_is_kept_and_the_rest_is_optimised_around_it():
    mentors, mentees = [person(1, capacity=2), person(2)], [senior(101), senior(102, skills_wanted={})]
    proposal = propose_pairs(mentors, mentees, MatchSettings(pinned={(2, 102)}, min_score=30))
    assert [(p.mentor_id, p.mentee_id, p.pinned) for p in proposal.pairs] == [(1, 101, False), (2, 102, True)]


def test_the_reporting_line_is_followed_up_the_chain_of_managers():
    # the mentee manages the mentor's manager (who is not in the programme's lists as a mentor)
    mentor = person(1, manager_key="person:50")
    boss = senior(50, manager_key="person:101")
    proposal = propose_pairs([mentor], [senior(101), boss])
    assert {p.mentee_id for p in proposal.pairs} == set()
    assert [u.rule for u in proposal.unmatched if u.person_id == 1] == ["reporting_line"]
    assert propose_pairs([mentor], [senior(101)]).totals.pairs == 1  # the chain stops where profiles stop


def test_the_same_person_on_both_sides_is_never_paired_with_themselves():
    both = senior(7, key="Jo@Example.org ")
    proposal = propose_pairs([person(1, key="jo@example.org", career_stage=0)], [both],
                             MatchSettings(rules=Rules(False, False, False, False, False)))
    assert proposal.pairs == () and proposal.unmatched[0].rule == "self"


def test_with_every_weight_at_zero_the_rules_alone_decide_and_pairs_are_still_made():
    weightless = MatchSettings(criteria={n: Criterion(0.0, Direction.SIMILAR) for n in CRITERIA})
    proposal = propose_pairs([person(1), person(2)], [senior(101), senior(102)], weightless)
    assert proposal.totals.pairs == 2 and proposal.totals.total_score == 0
    assert all(p.explanation == () for p in proposal.pairs)


def test_people_who_pass_the_rules_but_score_too_low_are_told_so():
    proposal = propose_pairs([person(1)], [senior(101, skills_wanted={})], MatchSettings(min_score=90))
    reasons = {u.person_id: (u.reason, u.message) for u in proposal.unmatched}
    assert reasons[101][0] is UnmatchedReason.BELOW_MIN_SCORE
    assert reasons[101][1].startswith("1 mentor passes the rules, but scores below the minimum of 90 points (best: ")


def test_a_mentee_left_out_because_the_only_mentor_is_full_is_told_so():
    proposal = propose_pairs([person(1)], [senior(101), senior(102, skills_wanted={})])
    [lonely] = proposal.unmatched
    assert lonely.person_id == 102 and lonely.reason is UnmatchedReason.PARTNERS_TAKEN
    assert lonely.message == ("The 1 mentor who passes the rules and reaches the minimum score is full: "
                              "the best assignment for the whole cohort gives their places to others.")


def test_two_profiles_with_one_id_on_a_side_are_an_error():
    with pytest.raises(ValueError, match="mentor ids appear more than once: \\[1\\]"):
        propose_pairs([person(1), person(1)], [senior(101)])


def test_names_make_the_explanation_personal():
    [pair] = propose_pairs([person(1)], [senior(101)], names={1: "Sam"}).pairs
    assert pair.explanation[0].sentence == "Sam offers ai, which you want to learn."
