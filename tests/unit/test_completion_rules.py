"""Completion rules and grade-sync wording as pure functions: no app, no database."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from lti_app.mentoring.domain.completion import (
    CompletionFacts, CompletionRules, check_completion, check_completion_settings, sides_of,
)
from lti_app.lti.services.connector import refusal_message
from lti_app.mentoring.domain.grade_states import GradeState, backoff_seconds, retry_schedule, status_label
from lti_app.mentoring.errors import InvalidInput

ALL_RULES = CompletionRules(min_meetings=3, require_goals_rerated=True, require_all_reflections=True)
NOV_21 = datetime(2026, 11, 21, 14, 2, tzinfo=timezone.utc)


def test_a_participant_who_meets_every_rule_has_completed():
    check = check_completion(ALL_RULES, CompletionFacts(meetings_held=3, goals_rerated=True, reflections_expected=2,
                                                        reflections_submitted=2))
    assert check.complete
    assert [r.label for r in check.results] == ["3 of 3 meetings held", "goals re-rated", "2 of 2 reflections submitted"]


@pytest.mark.parametrize("facts, failing", [
    (CompletionFacts(2, True, 2, 2), "meetings"),
    (CompletionFacts(5, False, 2, 2), "goals"),
    (CompletionFacts(5, True, 2, 1), "reflections"),
])
def test_one_unmet_rule_is_enough_to_not_complete(facts, failing):
    check = check_completion(ALL_RULES, facts)
    assert not check.complete
    assert [r.rule for r in check.results if not r.met] == [failing]


def test_rules_that_are_off_are_not_checked():
    check = check_completion(CompletionRules(min_meetings=1), CompletionFacts(meetings_held=1, goals_rerated=False))
    assert check.complete and [r.rule for r in check.results] == ["meetings"]


def test_without_any_rule_nobody_completes():
    assert not check_completion(CompletionRules(), CompletionFacts(meetings_held=10)).complete


def test_no_reflections_assigned_meets_the_reflection_rule():
    assert check_completion(CompletionRules(require_all_reflections=True), CompletionFacts()).complete


@pytest.mark.parametrize("paired, wanted, sides", [
    ({"mentor"}, "mentee", {"mentor"}),
    ({"mentor", "mentee"}, "either", {"mentor", "mentee"}),
    (set(), "mentee", {"mentee"}),
    (set(), "either", set()),
])
def test_a_participant_writes_for_the_sides_they_are_paired_on_else_the_role_they_asked_for(paired, wanted, sides):
    assert sides_of(paired, wanted) == sides


@pytest.mark.parametrize("changes, field", [
    ({"enabled": True, "rules": CompletionRules()}, "min_meetings"),
    ({"rules": CompletionRules(min_meetings=201)}, "min_meetings"),
    ({"score_maximum": 0}, "score_maximum"),
    ({"grade_points": 101}, "grade_points"),
    ({"grade_points": -1}, "grade_points"),
])
def test_settings_that_make_no_sense_are_refused_next_to_their_field(changes, field):
    values = {"enabled": False, "rules": CompletionRules(min_meetings=1), "grade_points": 100, "score_maximum": 100}
    values.update(changes)
    with pytest.raises(InvalidInput) as refused:
        check_completion_settings(**values)
    assert refused.value.field == field


def test_sensible_settings_pass():
    check_completion_settings(enabled=True, rules=CompletionRules(require_goals_rerated=True), grade_points=0,
                              score_maximum=50)


def test_the_wait_doubles_from_the_base_up_to_the_cap():
    assert [backoff_seconds(n, 30, 3600) for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert retry_schedule(3, 30, 100) == [30, 60, 100]


@pytest.mark.parametrize("state, details, label", [
    (GradeState.SENT, {"sent_at": NOV_21}, "sent 21 Nov 14:02 UTC"),
    (GradeState.PENDING, {}, "waiting to send (usually sent within seconds: reload this page to see it sent)"),
    (GradeState.PENDING, {"attempts": 1, "next_attempt_at": NOV_21, "last_error": "The platform answered 503."},
     "waiting to send (attempt 2, next at 21 Nov 14:02 UTC): The platform answered 503."),
    (GradeState.FAILED, {"last_status_code": 422, "last_error": "not a student"}, "refused by the LMS (422): not a student"),
    (GradeState.NOT_SENDABLE, {"last_error": "Ann is an instructor"}, "not sent: Ann is an instructor"),
    (GradeState.SUPERSEDED, {}, "replaced by a newer score"),
])
def test_each_state_reads_as_a_sentence(state, details, label):
    assert status_label(state, **details) == label


@pytest.mark.parametrize("body, message", [
    ('{"error": "Incorrect score received"}', "Incorrect score received"),
    ('{"errors": [{"message": "bad"}]}', '[{"message": "bad"}]'),
    ("<html>\n  Bad   gateway </html>", "<html> Bad gateway </html>"),
    ("", ""),
])
def test_the_platforms_message_is_taken_from_its_answer(body, message):
    assert refusal_message(body) == message


def test_a_long_answer_is_cut():
    assert len(refusal_message("x" * 5000)) == 300
