"""Matching settings round-trip through JSON and refuse what the engine could not honour."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lti_app.mentoring.domain.matching.settings import CRITERIA, Criterion, Direction, MatchSettings, Rules

pairs = st.frozensets(st.tuples(st.integers(1, 9), st.integers(100, 109)), max_size=3)


@st.composite
def any_settings(draw) -> MatchSettings:
    criteria = {name: Criterion(draw(st.floats(0, 10)), draw(st.sampled_from(
        list(Direction) if name == "skills" else [Direction.SIMILAR, Direction.DIFFERENT]))) for name in CRITERIA}
    pinned = draw(pairs)
    return MatchSettings(
        rules=Rules(*(draw(st.booleans()) for _ in range(5)), min_overlap_hours=draw(st.integers(0, 168)),
                    capacity=draw(st.booleans())),
        mentors_per_mentee=draw(st.integers(1, 3)), criteria=criteria, min_score=draw(st.floats(0, 100)),
        fairness=draw(st.booleans()), pinned=pinned, forbidden=draw(pairs) - pinned)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(any_settings())
def test_settings_survive_a_round_trip_through_json(s):
    assert MatchSettings.from_dict(json.loads(json.dumps(s.to_dict()))) == s


def test_missing_keys_take_the_defaults():
    s = MatchSettings.from_dict({"criteria": {"goals": {"weight": 2, "direction": "different"}}})
    assert s.criteria["goals"] == Criterion(2.0, Direction.DIFFERENT)
    assert s.criteria["skills"] == MatchSettings().criteria["skills"]
    assert s.rules == Rules() and s.mentors_per_mentee == 1 and s.min_score == 0 and not s.fairness


def test_the_defaults_favour_skills_and_look_for_difference_in_department_and_generation():
    c = MatchSettings().criteria
    assert c["skills"].direction is Direction.COMPLEMENTARY and c["skills"].weight > c["channels"].weight
    assert c["department"].direction is c["generation"].direction is Direction.DIFFERENT


@pytest.mark.parametrize("data, message", [
    ({"colour": 1}, "unknown matching settings"),
    ({"rules": {"same_team": True}}, "unknown matching rules"),
    ({"criteria": {"height": {"weight": 1, "direction": "similar"}}}, "unknown criterion"),
    ({"criteria": {"channels": {"weight": 1, "direction": "complementary"}}}, "cannot be 'complementary'"),
    ({"criteria": {"skills": {"weight": -1, "direction": "similar"}}}, "weight"),
    ({"criteria": {"skills": {"weight": 1, "direction": "sideways"}}}, "sideways"),
    ({"min_score": 101}, "min_score"),
    ({"mentors_per_mentee": 0}, "mentors_per_mentee"),
    ({"rules": {"min_overlap_hours": 200}}, "min_overlap_hours"),
    ({"pinned": [[1, 2]], "forbidden": [[1, 2]]}, "both pinned and forbidden"),
])
def test_settings_that_cannot_be_honoured_are_refused(data, message):
    with pytest.raises(ValueError, match=message):
        MatchSettings.from_dict(data)


def test_pairs_come_back_as_sorted_lists():
    s = MatchSettings(pinned={(3, 101), (1, 102)}, forbidden={(2, 100)})
    assert s.to_dict()["pinned"] == [[1, 102], [3, 101]] and s.to_dict()["forbidden"] == [[2, 100]]
    assert s.pinned == frozenset({(3, 101), (1, 102)})
