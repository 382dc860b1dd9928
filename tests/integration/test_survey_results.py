"""The dashboard's survey summary: counts, means under the anonymity threshold, the at-risk list, the date range,
and a number of queries that does not grow with the cohort."""
from __future__ import annotations

from datetime import timedelta

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.surveys import SurveyKind
from lti_app.mentoring.services import surveys
from lti_app.mentoring.services.survey_results import summary
from tests.factories_surveys import make_answer, make_round
from tests.factories_workspace import make_pair, make_running_cohort
from tests.queries import counted_queries


def _cohort_with_answers(people: int, satisfaction=lambda n: 4):
    cohort = make_running_cohort()
    round_ = make_round(cohort)
    for n in range(people):
        pair = make_pair(cohort)
        make_answer(round_, pair.mentor, "mentor", satisfaction=satisfaction(n), recommend=8)
    db.session.flush()
    return cohort, round_


def test_an_empty_list_and_a_cohort_without_rounds(app):
    assert summary([]) == []
    cohort = make_running_cohort()
    found = summary([cohort.id])[0]
    assert [k.kind for k in found.kinds] == [SurveyKind.PULSE, SurveyKind.EXIT]
    assert found.kinds[0].rounds == [] and found.at_risk_count == 0


def test_means_show_at_the_threshold_and_at_risk_people_are_named(app):
    cohort, round_ = _cohort_with_answers(5, satisfaction=lambda n: [1, 2, 4, 5, 3][n])
    found = summary([cohort.id])[0]
    pulse = found.kinds[0].rounds[0]
    assert pulse.answered == 5 and pulse.eligible == 10 and pulse.late == 0
    assert pulse.means["satisfaction"] == 3.0 and pulse.means["recommend"] == 8.0
    assert pulse.means["usefulness"] is None  # nobody answered it
    assert found.at_risk_count == 2 and sorted(p.satisfaction for p in found.at_risk) == [1, 2]


def test_below_the_threshold_no_mean_and_only_a_count_of_the_at_risk(app):
    cohort, _ = _cohort_with_answers(3, satisfaction=lambda n: 1)
    found = summary([cohort.id])[0]
    assert found.kinds[0].rounds[0].means["satisfaction"] is None
    assert found.at_risk_count == 3 and found.at_risk == []


def test_the_latest_pulse_counts_for_the_at_risk_list_and_the_range_filters_rounds(app):
    cohort = make_running_cohort()
    pair = make_pair(cohort)
    old = make_round(cohort, opened_days_ago=40, days_open=-30)
    new = make_round(cohort)
    make_answer(old, pair.mentor, satisfaction=1)
    make_answer(new, pair.mentor, satisfaction=5)
    surveys.settings_of(cohort.id).anonymity_threshold = 1
    db.session.flush()
    assert summary([cohort.id])[0].at_risk_count == 0
    recent = summary([cohort.id], since=utcnow() - timedelta(days=5))[0]
    assert [r.round_id for r in recent.kinds[0].rounds] == [new.id]
    assert summary([cohort.id], until=utcnow() - timedelta(days=5))[0].kinds[0].rounds[0].round_id == old.id


def test_the_number_of_queries_does_not_grow_with_the_cohort(app):
    small, _ = _cohort_with_answers(2)
    big, _ = _cohort_with_answers(12)
    with counted_queries() as few:
        summary([small.id])
    with counted_queries() as many:
        summary([big.id])
    assert len(few) == len(many)


def test_the_headline_counts_every_answer_and_shows_means_from_the_threshold_on(app):
    cohort, _ = _cohort_with_answers(5, satisfaction=lambda n: [1, 2, 4, 5, 3][n])
    found = summary([cohort.id])[0].headline
    assert (found.responses, found.people, found.satisfaction, found.recommend) == (5, 5, 3.0, 0)
    small, _ = _cohort_with_answers(4)
    assert summary([small.id])[0].headline.satisfaction is None
