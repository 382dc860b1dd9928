"""The instructor's view of a cohort's pairs: health rows in a fixed number of queries, privacy of what pairs wrote."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from lti_app.extensions import db
from lti_app.lti.models import Platform
from lti_app.mentoring.domain.cohort_settings import PrivacySetting
from lti_app.mentoring.domain.pair_feedback import Content, FitAnswer
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.feedback import ContentAccess
from lti_app.mentoring.models.pairing import PairStatus
from lti_app.mentoring.services import pair_health, pair_privacy
from lti_app.mentoring.services.pair_privacy import ContentClosed
from tests.factories import make_person
from tests.factories_feedback import make_feedback, make_fit_check, published_days_ago
from tests.factories_workspace import TODAY, make_agreement, make_goal, make_meeting, make_running_cohort, make_task


@contextmanager
def counted():
    """Count the SQL statements run inside the block."""
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def platform_of(pair):
    return db.session.get(Platform, pair.cohort.course.platform_id)


def busy_pair(cohort, days=31):
    pair = published_days_ago(days, cohort)
    make_agreement(pair)
    make_meeting(pair)
    make_task(pair, done=True)
    make_goal(pair)
    make_feedback(pair, pair.mentor, 1)
    make_fit_check(pair, pair.mentee, FitAnswer.GOING_WELL)
    return pair


def queries_for_health(cohort_id):
    """(rows, statements) of the health list, read afresh from the database."""
    db.session.commit()
    db.session.expire_all()
    cohort = db.session.get(Cohort, cohort_id)
    with counted() as seen:
        rows = pair_health.cohort_health(cohort, TODAY).rows
    return len(rows), len(seen)


def test_the_list_costs_the_same_queries_for_two_pairs_or_six(app):
    cohort = make_running_cohort()
    for _ in range(2):
        busy_pair(cohort)
    rows, few = queries_for_health(cohort.id)
    for _ in range(4):
        busy_pair(cohort)
    more_rows, many = queries_for_health(cohort.id)
    assert (rows, more_rows) == (2, 6) and many == few <= 13


def test_flagged_pairs_come_first_then_overdue_then_the_rest_and_ended_last(app):
    cohort = make_running_cohort()
    calm = published_days_ago(31, cohort)
    make_meeting(calm, held_on=TODAY - timedelta(days=1))
    ended = published_days_ago(31, cohort, status=PairStatus.ENDED)
    overdue = published_days_ago(31, cohort)  # no meeting since the programme started 30 days ago
    flagged = published_days_ago(31, cohort)
    make_meeting(flagged, held_on=TODAY - timedelta(days=1))
    make_fit_check(flagged, flagged.mentor, FitAnswer.WANT_NEW_PARTNER)
    make_agreement(calm)
    health = pair_health.cohort_health(cohort, TODAY)
    assert [r.pair.id for r in health.rows] == [flagged.id, overdue.id, calm.id, ended.id]
    c = health.counts
    assert (c.active, c.ended, c.flagged, c.overdue, c.signed) == (3, 1, 1, 1, 1)
    assert health.rows[0].flags[0].answer is FitAnswer.WANT_NEW_PARTNER


def test_this_rounds_feedback_is_counted_per_partner(app):
    cohort = make_running_cohort()
    pair = published_days_ago(31, cohort)
    make_feedback(pair, pair.mentor, 1)
    make_feedback(pair, pair.mentee, 1)
    early = published_days_ago(3, cohort)
    health = pair_health.cohort_health(cohort, TODAY)
    rows = {r.pair.id: r for r in health.rows}
    assert rows[pair.id].gave_feedback(pair.mentee) and rows[pair.id].feedback_round == 1
    assert rows[early.id].feedback_round == 0
    assert (health.counts.feedback_complete, health.counts.feedback_due) == (1, 1)


def test_a_pair_of_another_cohort_or_course_is_not_found(app):
    cohort = make_running_cohort()
    elsewhere = published_days_ago(31)
    mine = published_days_ago(31, cohort)
    assert pair_health.pair_of_cohort(cohort, mine.id) is mine
    with pytest.raises(NotFound):
        pair_health.pair_of_cohort(cohort, elsewhere.id)
    sibling = make_running_cohort(cohort.course)
    with pytest.raises(NotFound):
        pair_health.pair_of_cohort(sibling, mine.id)


@pytest.mark.parametrize(("privacy", "shown"), [
    (PrivacySetting.STATUS_ONLY, False), (PrivacySetting.GOALS_AND_STATUS, True), (PrivacySetting.EVERYTHING_WITH_LOG, True),
])
def test_goals_reach_the_instructor_only_where_the_privacy_setting_allows(app, privacy, shown):
    pair = published_days_ago(31, make_running_cohort(privacy=privacy))
    goal = make_goal(pair, title="Use AI tools in class")
    make_task(pair, goal_id=goal.id, done=True)
    make_task(pair, goal_id=goal.id)
    goals = pair_privacy.goals_for_instructor(pair)
    if shown:
        assert [(g.title, g.percent, g.description) for g in goals] == [("Use AI tools in class", 50, "<p>Learn it.</p>")]
    else:
        assert goals is None


@pytest.mark.parametrize("privacy", [PrivacySetting.STATUS_ONLY, PrivacySetting.GOALS_AND_STATUS])
@pytest.mark.parametrize("content", [Content.MEETING_NOTES, Content.FEEDBACK])
def test_notes_and_feedback_stay_closed_unless_the_cohort_allows_them_with_a_log(app, privacy, content):
    pair = published_days_ago(31, make_running_cohort(privacy=privacy))
    teacher = make_person(platform_of(pair))
    with pytest.raises(ContentClosed):
        pair_privacy.open_confidential(pair, teacher, content, "The mentee asked me to look.")
    assert db.session.scalar(select(func.count()).select_from(ContentAccess)) == 0


def test_opening_notes_with_a_reason_logs_who_what_when_and_why(app):
    pair = published_days_ago(31, make_running_cohort(privacy=PrivacySetting.EVERYTHING_WITH_LOG))
    make_meeting(pair, notes="<p>We discussed <em>prompts</em>.</p>")
    make_feedback(pair, pair.mentee, 1, working="Clear explanations")
    teacher = make_person(platform_of(pair))
    teacher.name = "Dr Teacher"
    opened = pair_privacy.open_confidential(pair, teacher, Content.MEETING_NOTES, "  The mentee   asked me to review.  ")
    assert [m.notes for m in opened.meetings] == ["<p>We discussed <em>prompts</em>.</p>"] and opened.feedback == []
    again = pair_privacy.open_confidential(pair, teacher, Content.FEEDBACK, "Following up on the fit check.")
    assert [f.working for f in again.feedback] == ["Clear explanations"]
    log = pair_privacy.accesses_of(pair.id)
    assert [(a.viewer_name, a.content, a.reason) for a in log] == [
        ("Dr Teacher", Content.FEEDBACK, "Following up on the fit check."),
        ("Dr Teacher", Content.MEETING_NOTES, "The mentee asked me to review."),
    ]


def test_a_missing_or_short_reason_opens_nothing_and_logs_nothing(app):
    pair = published_days_ago(31, make_running_cohort(privacy=PrivacySetting.EVERYTHING_WITH_LOG))
    teacher = make_person(platform_of(pair))
    with pytest.raises(InvalidInput) as refused:
        pair_privacy.open_confidential(pair, teacher, Content.MEETING_NOTES, "  why  ")
    assert refused.value.field == "reason"
    assert pair_privacy.accesses_of(pair.id) == []
    with pytest.raises(NotFound):
        pair_privacy.confidential("goals")
