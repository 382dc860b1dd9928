"""The dashboard's figures against hand-computed ones: empty cohort, one person, withdrawn people, not yet started."""
from __future__ import annotations

from datetime import date

import pytest

from lti_app.mentoring.domain.programme_facts import (
    BadPeriod, GoalFact, MeetingFact, PairFact, ParticipantFact, Period, ProgrammeFacts, ReflectionFact,
)
from lti_app.mentoring.domain.programme_metrics import programme_metrics

TODAY = date(2026, 4, 15)


def facts(**overrides) -> ProgrammeFacts:
    fields = dict(today=TODAY, starts_on=date(2026, 2, 1), ends_on=date(2026, 6, 30), cadence_days=14)
    fields.update(overrides)
    return ProgrammeFacts(**fields)


def stage(metrics, key):
    return next(s for s in metrics.funnel if s.key == key)


def busy() -> ProgrammeFacts:
    people = [ParticipantFact(1, "mentor", capacity=2), ParticipantFact(2, "mentee"), ParticipantFact(3, "mentee"),
              ParticipantFact(4, "mentee", withdrawn=True), ParticipantFact(5, "either")]
    pairs = [PairFact(10, 1, 2, True, score=0.8, published_on=date(2026, 2, 1)),
             PairFact(11, 1, 3, True, score=0.3, by_hand=True, published_on=date(2026, 2, 1))]
    meetings = [MeetingFact(10, date(2026, 2, 10), 60), MeetingFact(10, date(2026, 3, 10), 30),
                MeetingFact(10, date(2026, 4, 10), 45), MeetingFact(11, date(2026, 2, 20), 50)]
    goals = [GoalFact(2, 2, 4, end=4, skills=("ai",)), GoalFact(2, 1, 3, end=2, skills=("ai",)),
             GoalFact(1, 3, 4, skills=("lead",))]
    reflections = [ReflectionFact(1, True, 8, 10), ReflectionFact(2, True, 6, 10), ReflectionFact(3, False, None, 10)]
    return facts(participants=people, pairs=pairs, meetings=meetings, goals=goals, reflections=reflections,
                 completed=frozenset({2}), new_partner_asked=frozenset(), roster_size=40,
                 skill_labels={"ai": "Using AI tools"})


def test_an_empty_cohort_has_zeros_and_no_rates():
    m = programme_metrics(facts())
    assert [s.total for s in m.funnel] == [None, 0, 0, 0, 0, 0]
    assert m.matching.capacity_total == m.matching.capacity_used == 0 and m.matching.active_pairs == 0
    assert m.activity.meetings == 0 and m.activity.at_risk == []
    assert m.outcomes.completion_rate is None and m.outcomes.submission_rate is None
    assert m.outcomes.mean_grade_share is None


def test_one_person_waits_unmatched():
    m = programme_metrics(facts(participants=[ParticipantFact(1, "mentee")], roster_size=1))
    assert stage(m, "roster").total == 1 and stage(m, "enrolled").mentee == 1 and stage(m, "matched").total == 0
    assert m.matching.unmatched == {"mentor": 0, "mentee": 1, "either": 0}
    assert m.outcomes.completion_rate == 0.0


def test_the_funnel_by_role_counts_by_hand():
    m = programme_metrics(busy())
    assert stage(m, "roster").total == 40
    enrolled = stage(m, "enrolled")
    assert (enrolled.mentor, enrolled.mentee, enrolled.total) == (1, 3, 5)  # the withdrawn mentee is still counted
    matched = stage(m, "matched")
    assert (matched.mentor, matched.mentee, matched.total) == (1, 2, 3)
    assert stage(m, "first_meeting").total == 3
    three = stage(m, "three_meetings")  # the mentor has 4 over two pairs, mentee 2 has 3, mentee 3 has 1
    assert (three.mentor, three.mentee) == (1, 1)
    assert stage(m, "completed").mentee == 1


def test_matching_health_by_hand():
    m = programme_metrics(busy()).matching
    assert m.unmatched == {"mentor": 0, "mentee": 0, "either": 1}  # the withdrawn mentee is not waiting
    assert (m.capacity_total, m.capacity_used, m.capacity_left) == (2, 2, 0)
    assert dict(m.score_bands) == {"0–25": 0, "25–50": 1, "50–75": 0, "75–100": 1}
    assert m.by_hand == 1


def test_withdrawn_people_leave_the_completion_rate():
    m = programme_metrics(busy()).outcomes
    assert m.completed == 1 and m.completion_rate == 0.25  # 1 of the 4 still enrolled


def test_activity_months_and_at_risk():
    a = programme_metrics(busy()).activity
    assert a.meetings == 4 and a.minutes == 185
    assert [(x.month, x.meetings, x.pairs) for x in a.months] == [
        ("2026-02", 2, 2), ("2026-03", 1, 2), ("2026-04", 1, 2)]
    assert a.months[0].per_pair == 1.0 and a.months[0].expected_per_pair == round(30 / 14, 2)
    assert a.days_since_last == {10: 5, 11: 54}
    assert [(r.pair_id, r.reason) for r in a.at_risk] == [(11, "No meeting for 54 days")]


def test_a_fit_check_asking_for_a_new_partner_is_at_risk_whatever_the_meetings():
    a = programme_metrics(busy().__class__(**{**busy().__dict__, "new_partner_asked": frozenset({10})})).activity
    assert {r.pair_id for r in a.at_risk} == {10, 11}


def test_the_date_range_narrows_events_not_state():
    m = programme_metrics(busy(), Period(date(2026, 3, 1), date(2026, 3, 31)))
    assert m.activity.meetings == 1 and m.activity.minutes == 30
    assert [x.month for x in m.activity.months] == ["2026-03"]
    assert m.matching.active_pairs == 2 and stage(m, "three_meetings").mentor == 1  # state: now
    assert m.activity.days_since_last == {10: 5, 11: 54}


def test_outcomes_per_skill_and_role():
    o = programme_metrics(busy()).outcomes
    rows = {(s.skill, s.role): s for s in o.skills}
    ai = rows[("ai", "mentee")]
    assert (ai.label, ai.goals, ai.baseline, ai.end) == ("Using AI tools", 2, 1.5, 3.0)
    lead = rows[("lead", "mentor")]
    assert (lead.baseline, lead.end) == (3.0, None)
    assert o.goals == 3 and o.goals_at_target == 1
    assert o.reflections_expected == 3 and o.reflections_submitted == 2 and o.submission_rate == pytest.approx(2 / 3)
    assert o.mean_grade_share == 0.7


def test_a_programme_not_yet_started_has_no_months_and_nobody_quiet():
    early = facts(today=date(2026, 1, 10), participants=[ParticipantFact(1, "mentor", capacity=1),
                                                         ParticipantFact(2, "mentee")],
                  pairs=[PairFact(10, 1, 2, True, published_on=date(2026, 1, 5))])
    m = programme_metrics(early)
    assert not m.started and m.activity.months == [] and m.activity.at_risk == []
    assert m.activity.days_since_last == {10: None}


def test_survey_figures_ride_along():
    assert programme_metrics(facts(), surveys=["pulse"]).surveys == ("pulse",)


@pytest.mark.parametrize("start, end", [("yesterday", ""), ("2026-13-01", ""), ("2026-03-01", "2026-02-01"),
                                        ("x" * 500, "")])
def test_a_bad_date_range_is_refused(start, end):
    with pytest.raises(BadPeriod):
        Period.parse(start, end)


def test_an_empty_date_range_is_open():
    assert Period.parse("", None).is_open and Period.parse(" 2026-03-01 ", "").start == date(2026, 3, 1)


def test_the_tables_carry_the_figures():
    from lti_app.mentoring.domain.programme_tables import Share, tables
    found = tables(programme_metrics(busy()))
    assert list(found) == ["funnel", "matching", "scores", "activity", "at_risk", "skills", "outcomes"]
    assert found["funnel"].rows[1] == ("Enrolled", 1, 3, 5, Share(1.0)) and str(Share(1.0)) == "100%"
    assert ("Completion rate (of those enrolled)", Share(0.25)) in found["outcomes"].rows
    assert found["at_risk"].rows == [(11, "No meeting for 54 days", 54)]
    empty = tables(programme_metrics(facts()))
    assert empty["funnel"].rows[0] == ("Course roster", None, None, None, "") and all(r[1] == 0 for r in empty["activity"].rows)
