"""Explanations speak to whoever reads them, in words, and only about what added points."""
from __future__ import annotations

from dataclasses import replace

import pytest

from lti_app.mentoring.domain.matching.explain import summary
from lti_app.mentoring.domain.matching.engine import explain_pair
from lti_app.mentoring.domain.matching.settings import Criterion, Direction, MatchSettings
from lti_app.mentoring.domain.matching.types import Profile


def person(pid: int, **overrides) -> Profile:
    fields = dict(id=pid, key=f"person:{pid}", manager_key=None, seniority_years=1.0, career_stage=1,
                  department="marketing", generation="gen_z", languages=frozenset({"en"}),
                  availability=frozenset({10, 11}), channels=frozenset({"video", "chat"}),
                  interests=frozenset({"photography"}), goals="", skills_offered={}, skills_wanted={})
    return Profile(**(fields | overrides))


SAM = person(1, skills_offered={"social_media_strategy": 5}, skills_wanted={"budgeting": 2},
             goals="Learn how leaders think about AI and strategy")
ALEX = person(101, career_stage=4, seniority_years=25.0, department="finance", generation="baby_boomer",
              channels=frozenset({"video", "phone"}), interests=frozenset({"chess"}),
              skills_wanted={"social_media_strategy": 1},
              skills_offered={"budgeting": 5}, goals="Understand social media, TikTok and AI for our brand")
NAMES = {1: "Sam", 101: "Alex"}


def sentences(viewer="mentee", names=NAMES, settings=None, **kw) -> dict[str, str]:
    _, explanation = explain_pair(SAM, ALEX, settings, viewer=viewer, names=names, **kw)
    return {c.criterion: c.sentence for c in explanation}


def test_the_mentee_reads_what_the_mentor_offers_and_what_they_share():
    said = sentences()
    assert said["skills"] == ("Sam offers social media strategy, which you want to learn; "
                              "in return you offer budgeting, which Sam wants to learn.")
    assert said["channels"] == "You both prefer video calls."
    assert said["goals"] == "Your goals both mention AI."
    assert said["department"] == ("You and Sam work in different departments (marketing and finance): "
                                  "a window on another part of the organisation.")
    assert "different generations (Generation Z and baby boomers)" in said["generation"]
    assert "interests" not in said  # nothing in common: no points, no sentence


def test_the_mentor_and_the_instructor_read_the_same_pair_in_their_own_words():
    assert sentences("mentor")["skills"].startswith("You offer social media strategy, which Alex wants to learn")
    assert sentences("instructor")["skills"].startswith("Sam offers social media strategy, which Alex wants to learn")
    assert sentences("instructor")["channels"] == "Sam and Alex both prefer video calls."
    assert sentences("instructor")["goals"] == "Sam's and Alex's goals both mention AI."


def test_without_names_the_partner_is_your_partner():
    assert sentences(names=None)["skills"].startswith("Your partner offers social media strategy, which you want")
    assert sentences("instructor", names=None)["channels"] == "The mentor and the mentee both prefer video calls."


def test_labels_replace_codes_in_the_sentences():
    said = sentences(labels={"social_media_strategy": "Social media strategy", "finance": "Finance", "ai": "AI"})
    assert said["skills"].startswith("Sam offers Social media strategy,")
    assert "(marketing and Finance)" in said["department"] and said["goals"].endswith("mention AI.")


def test_other_directions_have_their_own_sentences():
    flipped = {"skills": Criterion(1, Direction.SIMILAR), "channels": Criterion(1, Direction.DIFFERENT),
               "department": Criterion(1, Direction.SIMILAR), "generation": Criterion(1, Direction.SIMILAR),
               "interests": Criterion(1, Direction.DIFFERENT), "goals": Criterion(1, Direction.DIFFERENT)}
    said = sentences(settings=MatchSettings(criteria=flipped))
    assert said["skills"] == "You both work on budgeting and social media strategy."
    assert said["channels"].startswith("Sam prefers chat and video calls and you prefer phone calls and video calls")
    assert "department" not in said and "generation" not in said  # different departments, generations
    assert said["interests"] == "You and Sam have different interests, something new to talk about."
    assert said["goals"] == "You and Sam have different goals, which brings fresh perspectives."


def test_the_explanation_is_largest_share_first_and_adds_up_to_the_score():
    score, explanation = explain_pair(SAM, ALEX, viewer="mentee", names=NAMES)
    assert explanation[0].criterion == "skills"
    assert sum(c.share for c in explanation) == pytest.approx(score)
    assert summary(explanation).startswith("Sam offers social media strategy")


def test_a_pair_with_nothing_in_common_still_reads_as_a_sentence():
    nothing = replace(ALEX, channels=frozenset(), skills_wanted={}, skills_offered={}, goals="", department=None,
                      generation=None)
    score, explanation = explain_pair(replace(SAM, skills_offered={}, skills_wanted={}, department=None,
                                              generation=None, channels=frozenset()), nothing)
    assert score == 0 and explanation == ()
    assert summary(explanation) == "You meet every rule of the programme, though no shared preference stood out."


def test_shared_goals_leave_out_stop_words_and_keep_the_writers_spelling():
    mentor = replace(SAM, goals="Help each other build a better HR onboarding with Python")
    mentee = replace(ALEX, goals="I want to build my Python skills for HR and each other team")
    _, explanation = explain_pair(mentor, mentee, None, viewer="mentee", names=NAMES)
    said = {c.criterion: c.sentence for c in explanation}
    assert said["goals"] == "Your goals both mention Python and HR."


def test_a_long_list_of_shared_topics_says_how_many_more_in_words():
    words = "alpha beta gamma delta epsilon"
    _, explanation = explain_pair(replace(SAM, goals=words), replace(ALEX, goals=words), None, viewer="mentee",
                                  names=NAMES)
    said = {c.criterion: c.sentence for c in explanation}
    assert said["goals"] == "Your goals both mention alpha, beta, gamma and 2 other topics."


def test_departments_and_interests_read_as_their_writers_spelled_them():
    same = replace(ALEX, department="student union")
    settings = MatchSettings(criteria={**MatchSettings().criteria,
                                       "department": Criterion(1.0, Direction.SIMILAR)})
    _, explanation = explain_pair(replace(SAM, department="student union"), same, settings, viewer="mentee",
                                  names=NAMES, labels={"student union": "Student Union"})
    said = {c.criterion: c.sentence for c in explanation}
    assert said["department"] == "You both work in Student Union."
