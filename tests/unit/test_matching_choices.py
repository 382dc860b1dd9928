"""The cohort's matching mode in its settings, and whom each side may choose in the self-select and mutual modes."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lti_app.mentoring.domain.matching.choices import candidates_for, rank_mentees_for
from lti_app.mentoring.domain.matching.settings import MatchMode, MatchSettings
from lti_app.mentoring.domain.matching.types import Role
from tests.unit.test_explain import ALEX, NAMES, SAM
from tests.unit.test_matching import PROPERTY, TOLERANCE, broken_rules, cohorts, match_settings, scores_by_id


def test_the_mode_is_optimal_unless_chosen_and_survives_the_json_round_trip():
    assert MatchSettings().mode is MatchMode.OPTIMAL
    for mode in MatchMode:
        stored = json.loads(json.dumps(MatchSettings(mode=mode).to_dict()))
        assert stored["mode"] == mode.value and MatchSettings.from_dict(stored).mode is mode


def test_settings_stored_before_the_mode_existed_still_load_as_optimal():
    old = MatchSettings().to_dict()
    del old["mode"]
    assert MatchSettings.from_dict(old) == MatchSettings()


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="lottery"):
        MatchSettings.from_dict({"mode": "lottery"})


@PROPERTY
@given(st.data())
def test_a_mentor_may_rank_exactly_the_mentees_who_pass_the_rules_best_fit_first(data):
    mentors, mentees = data.draw(cohorts())
    s = replace(data.draw(match_settings(mentors, mentees, pins=False)), min_score=50.0)  # no effect on rankings
    mentor, everyone = mentors[0], [*mentors, *mentees]
    found = rank_mentees_for(mentor, mentees, s)
    score = scores_by_id([mentor], mentees, s)
    assert {c.person_id for c in found} == {e.id for e in mentees if not broken_rules(mentor, e, everyone=everyone, s=s)}
    assert [(-c.score, c.person_id) for c in found] == sorted((-c.score, c.person_id) for c in found)
    for c in found:
        assert c.score == pytest.approx(score[mentor.id, c.person_id], abs=TOLERANCE)


@PROPERTY
@given(st.data())
def test_a_mentee_may_rank_every_mentor_passing_the_rules_whatever_the_minimum_score(data):
    mentors, mentees = data.draw(cohorts())
    s = replace(data.draw(match_settings(mentors, mentees, pins=False)), min_score=99.0)
    mentee, everyone = mentees[0], [*mentors, *mentees]
    found = candidates_for(Role.MENTEE, mentee, mentors, s)
    assert {c.person_id for c in found} == {m.id for m in mentors if not broken_rules(m, mentee, everyone=everyone, s=s)}


def test_the_mentor_reads_why_in_their_own_words():
    [alex] = rank_mentees_for(SAM, [ALEX], MatchSettings(), names=NAMES)
    assert alex.person_id == ALEX.id and alex.sentences[0].startswith("You offer social media strategy, which Alex wants")
    [sam] = candidates_for(Role.MENTEE, ALEX, [SAM], MatchSettings(), names=NAMES)
    assert sam.sentences[0].startswith("Sam offers social media strategy, which you want to learn")
