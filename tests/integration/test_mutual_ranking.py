"""Mutual ranking on a real database: both sides rank who fits them, the stable matching fills the draft."""
from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.matching.settings import MatchMode
from lti_app.mentoring.domain.matching.types import Role
from lti_app.mentoring.domain.profile_fields import CareerStage
from lti_app.mentoring.domain.matching.stable import StableMatch, blocking_pairs
from lti_app.mentoring.errors import IllegalTransition, InvalidInput
from lti_app.mentoring.models.matching_choice import Ranking
from lti_app.mentoring.models.pairing import PairStatus
from lti_app.mentoring.services import mutual_ranking
from lti_app.mentoring.services.matching import pairing as matching, edits as matching_edits
from tests.factories_matching_modes import make_mentee, make_mentor, mode_cohort, set_mode


@pytest.fixture
def cohort(app):
    return mode_cohort(MatchMode.MUTUAL)


def draft(cohort):
    return {(p.mentor_enrolment_id, p.mentee_enrolment_id): p for p in matching.pairs_of(cohort, PairStatus.PROPOSED)}


def rank(cohort, who, *others):
    return mutual_ranking.save_ranking(cohort, who, {o.id: n for n, o in enumerate(others, start=1)})


def test_each_side_may_rank_exactly_the_people_who_pass_the_rules_with_them_best_fit_first(cohort):
    good = make_mentor(cohort, offered={"ai_tools": 5, "social_media_strategy": 4})
    fair = make_mentor(cohort, offered={"ai_tools": 2})
    make_mentor(cohort, career_stage=CareerStage.EXECUTIVE, experience_years=40.0)  # too senior: not offered
    mentee = make_mentee(cohort, wanted={"ai_tools": 1, "social_media_strategy": 1})
    french = make_mentee(cohort, languages=["fr"])
    seen_by_mentee = mutual_ranking.ranking_choices(cohort, mentee)
    assert seen_by_mentee.role is Role.MENTEE and [c.person_id for c in seen_by_mentee.candidates] == [good.id, fair.id]
    seen_by_mentor = mutual_ranking.ranking_choices(cohort, good)
    assert seen_by_mentor.role is Role.MENTOR and [c.person_id for c in seen_by_mentor.candidates] == [mentee.id]
    assert french.id not in [c.person_id for c in seen_by_mentor.candidates]
    assert any(s.lower().startswith("you") or " you " in s.lower() for s in seen_by_mentor.candidates[0].sentences)


def test_saving_a_ranking_replaces_the_last_one_and_the_same_ranking_twice_is_the_same(cohort):
    m1, m2, m3 = make_mentor(cohort), make_mentor(cohort), make_mentor(cohort)
    mentee = make_mentee(cohort)
    mutual_ranking.save_ranking(cohort, mentee, {m3.id: 1, m1.id: 3})  # gaps close up
    mutual_ranking.save_ranking(cohort, mentee, {m3.id: 1, m1.id: 3})
    assert mutual_ranking.ranking_choices(cohort, mentee).ranks == {m3.id: 1, m1.id: 2}
    rank(cohort, mentee, m2)
    assert mutual_ranking.ranking_choices(cohort, mentee).ranks == {m2.id: 1}
    assert db.session.scalar(select(func.count()).select_from(Ranking)) == 1


@pytest.mark.parametrize("ranks, message", [
    (lambda m, other: {m[0].id: 1, m[1].id: 1}, "rank 1 is given more than once"),
    (lambda m, other: {m[0].id: 4}, "Ranks run from 1 to 3"),
    (lambda m, other: {other.id: 1}, "only rank the people shown"),
])
def test_a_ranking_that_cannot_be_honoured_is_refused_and_nothing_is_written(cohort, ranks, message):
    mentors, mentee = [make_mentor(cohort) for _ in range(3)], make_mentee(cohort)
    other_mentee = make_mentee(cohort)
    with pytest.raises(InvalidInput, match=message):
        mutual_ranking.save_ranking(cohort, mentee, ranks(mentors, other_mentee))
    assert db.session.scalar(select(func.count()).select_from(Ranking)) == 0


def test_the_stable_matching_fills_the_draft_with_explained_pairs_and_has_no_blocking_pair(cohort):
    m1, m2 = make_mentor(cohort), make_mentor(cohort)
    e1, e2, e3 = make_mentee(cohort), make_mentee(cohort), make_mentee(cohort)
    rank(cohort, e1, m1, m2), rank(cohort, e2, m1, m2), rank(cohort, e3, m2)
    rank(cohort, m1, e2, e1), rank(cohort, m2, e1, e3, e2)
    proposal = mutual_ranking.compute_stable_matching(cohort)
    # e1 and e2 both want m1, who prefers e2; e1 then gets m2, who prefers e1 to e3.
    assert set(draft(cohort)) == {(m1.id, e2.id), (m2.id, e1.id)}
    assert all(p.score > 0 and p.explanation and not p.pinned for p in draft(cohort).values())
    assert [(u.person_id, u.role) for u in proposal.unmatched] == [(e3.id, Role.MENTEE)]
    assert "ranked higher" in proposal.unmatched[0].message


@pytest.mark.parametrize("seed", range(6))
def test_random_rankings_give_a_stored_matching_with_no_blocking_pair_within_capacity(app, seed):
    rng = random.Random(seed)
    cohort = mode_cohort(MatchMode.MUTUAL)
    mentors = [make_mentor(cohort, capacity=rng.choice([1, 1, 2])) for _ in range(4)]
    mentees = [make_mentee(cohort) for _ in range(6)]
    prefs = {}
    for who, others in [*((e, mentors) for e in mentees), *((m, mentees) for m in mentors)]:
        chosen = rng.sample(others, rng.randint(0, min(len(others), mutual_ranking.MAX_RANKED)))
        rank(cohort, who, *chosen)
        prefs[who.id] = [o.id for o in chosen]
    mutual_ranking.compute_stable_matching(cohort)
    stored = StableMatch(tuple(sorted(draft(cohort), key=lambda p: (p[1], p[0]))))
    capacity = {m.id: m.capacity for m in mentors}
    assert blocking_pairs(stored, {e.id: prefs[e.id] for e in mentees}, {m.id: prefs[m.id] for m in mentors}, capacity) == []
    for mentor_id, mentee_id in stored.pairs:
        assert mentor_id in prefs[mentee_id] and mentee_id in prefs[mentor_id]
    assert all(sum(m == mentor.id for m, _ in stored.pairs) <= mentor.capacity for mentor in mentors)


def test_the_stable_matching_never_pairs_people_who_break_a_rule_even_if_they_ranked_each_other(cohort):
    mentor, mentee = make_mentor(cohort), make_mentee(cohort)
    set_mode(cohort, MatchMode.MUTUAL, forbidden={(mentor.id, mentee.id)})
    for ranker, ranked in ((mentee, mentor), (mentor, mentee)):  # written directly: the page would not offer them
        db.session.add(Ranking(cohort_id=cohort.id, ranker_enrolment_id=ranker.id, ranked_enrolment_id=ranked.id, rank=1))
    proposal = mutual_ranking.compute_stable_matching(cohort)
    assert draft(cohort) == {} and {u.person_id for u in proposal.unmatched} == {mentor.id, mentee.id}


def test_pinned_pairs_stay_and_take_their_places_while_unpinned_ones_are_replaced(cohort):
    m1, m2 = make_mentor(cohort), make_mentor(cohort)
    e1, e2 = make_mentee(cohort), make_mentee(cohort)
    matching.run_matching(cohort)  # an engine proposal, unpinned
    matching_edits.pair_by_hand(cohort, m1, e2)
    rank(cohort, e1, m1, m2), rank(cohort, e2, m1), rank(cohort, m1, e1, e2), rank(cohort, m2, e1)
    mutual_ranking.compute_stable_matching(cohort)
    assert set(draft(cohort)) == {(m1.id, e2.id), (m2.id, e1.id)}
    assert draft(cohort)[(m1.id, e2.id)].pinned and not draft(cohort)[(m2.id, e1.id)].pinned


def test_a_mentee_with_only_some_places_pinned_is_refused_with_their_name(app):
    cohort = mode_cohort(MatchMode.MUTUAL, mentors_per_mentee=2)
    m1, _ = make_mentor(cohort), make_mentor(cohort)
    mentee = make_mentee(cohort)
    matching_edits.pair_by_hand(cohort, m1, mentee)
    with pytest.raises(InvalidInput, match=f"{mentee.person.display_name} has some but not all"):
        mutual_ranking.compute_stable_matching(cohort)


def test_the_instructor_sees_who_has_ranked_not_whom(cohort):
    mentor, mentee, waiting = make_mentor(cohort), make_mentee(cohort), make_mentee(cohort)
    rank(cohort, mentee, mentor)
    progress = mutual_ranking.ranking_progress(cohort)
    assert progress.mentees == [(mentee.person.display_name, True), (waiting.person.display_name, False)]
    assert progress.mentors == [(mentor.person.display_name, False)]


def test_ranking_and_computing_need_the_mutual_mode_and_closed_enrolment(cohort):
    mentor, mentee = make_mentor(cohort), make_mentee(cohort)
    set_mode(cohort, MatchMode.SELF_SELECT)
    with pytest.raises(IllegalTransition, match="not by mutual ranking"):
        rank(cohort, mentee, mentor)
    with pytest.raises(IllegalTransition):
        mutual_ranking.compute_stable_matching(cohort)
    set_mode(cohort, MatchMode.MUTUAL)
    cohort.state = CohortState.MATCHED
    with pytest.raises(IllegalTransition, match="published"):
        mutual_ranking.ranking_choices(cohort, mentee)
