"""Goals from a baseline with skills, milestones and tasks; ratings on the way and at the end; refusals write nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from lti_app.extensions import db
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.workspace import Goal, Milestone, ProgressFrom, Task
from lti_app.mentoring.services import goals, tasks
from lti_app.mentoring.services.goals import GoalFields
from lti_app.mentoring.services.pair_activity import goal_percent
from lti_app.mentoring.services.tasks import TaskFields
from tests.factories_workspace import TODAY, make_goal, make_pair, make_running_cohort, seats


@pytest.fixture
def pair(app):
    found = make_pair()
    db.session.commit()
    return found


def fields(pair, **overrides) -> GoalFields:
    """The mentee's goal in the skill they want (rated 2 at enrolment), to 4 in 60 days."""
    values = {"owner_enrolment_id": pair.mentee_enrolment_id, "title": "Use AI tools in my lectures",
              "description": "<p>Try <strong>two</strong> tools</p><script>alert(1)</script>",
              "skill_codes": (pair.cohort.skills[1].code,), "target_rating": 4,
              "target_on": TODAY + timedelta(days=60), "progress_from": "tasks"}
    values.update(overrides)
    return GoalFields(**values)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_goal_takes_its_baseline_from_the_owners_enrolment_and_its_description_is_sanitised(pair):
    _, mentee = seats(pair)
    goal, created = goals.add_goal(mentee, fields(pair), "token-1")
    assert created and goal.baseline_rating == 2 and goal.skill_codes == [pair.cohort.skills[1].code]
    assert goal.description == "<p>Try <strong>two</strong> tools</p>"


def test_the_mentor_may_hold_a_goal_too_and_gives_a_baseline_for_a_skill_not_rated_at_enrolment(pair):
    mentor, _ = seats(pair)
    unrated = pair.cohort.skills[3].code
    with pytest.raises(InvalidInput) as refused:
        goals.add_goal(mentor, fields(pair, owner_enrolment_id=pair.mentor_enrolment_id, skill_codes=(unrated,)), None)
    assert refused.value.field == "baseline_rating"
    goal, _ = goals.add_goal(mentor, fields(pair, owner_enrolment_id=pair.mentor_enrolment_id, skill_codes=(unrated,),
                                            baseline_rating=1, target_rating=3), None)
    assert (goal.owner_enrolment_id, goal.baseline_rating) == (pair.mentor_enrolment_id, 1)


def test_the_same_goal_form_submitted_twice_adds_one_goal(pair):
    _, mentee = seats(pair)
    first, _ = goals.add_goal(mentee, fields(pair), "same-token")
    again, created = goals.add_goal(mentee, fields(pair), "same-token")
    assert (again.id, created, count(Goal)) == (first.id, False, 1)


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"title": "  "}, "title", "Write the goal"),
    ({"skill_codes": ()}, "skill_codes", "at least one skill"),
    ({"skill_codes": ("not_in_catalogue",)}, "skill_codes", "cohort's catalogue"),
    ({"target_rating": 2}, "target_rating", "Aim above the baseline of 2/5"),
    ({"target_rating": 6}, "target_rating", "from 1 to 5"),
    ({"target_on": None}, "target_on", "Give the date"),
    ({"target_on": TODAY + timedelta(days=400)}, "target_on", "after the programme ends"),
    ({"target_on": TODAY - timedelta(days=40)}, "target_on", "before the programme starts"),
    ({"progress_from": "vibes"}, "progress_from", "how progress is measured"),
    ({"owner_enrolment_id": 999}, "owner_enrolment_id", "you or your partner"),
])
def test_bad_goals_are_refused_on_their_field_and_nothing_is_written(pair, overrides, field, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        goals.add_goal(seats(pair)[1], fields(pair, **overrides), None)
    assert refused.value.field == field
    db.session.rollback()
    assert count(Goal) == 0


def test_a_goal_is_edited_on_the_version_read_and_a_stale_edit_is_refused(pair):
    mentor, mentee = seats(pair)
    goal, _ = goals.add_goal(mentee, fields(pair), None)
    read_at = goal.version
    goals.edit_goal(mentor, goal, fields(pair, title="Use AI tools every week"), read_at)
    db.session.commit()
    with pytest.raises(InvalidInput, match="changed since you opened this page"):
        goals.edit_goal(mentee, goal, fields(pair, title="Something else"), read_at)
    db.session.rollback()
    assert db.session.get(Goal, goal.id).title == "Use AI tools every week"


def test_an_edit_racing_another_in_the_database_is_refused_not_overwritten(pair):
    goal = make_goal(pair)
    goal_id, read_at = goal.id, goal.version  # read before the commit: the session holds no connection meanwhile
    db.session.commit()
    with db.engine.begin() as elsewhere:  # the partner's request commits first, on its own connection
        elsewhere.execute(text("UPDATE goal SET version = version + 1, title = 'Theirs' WHERE id = :id"), {"id": goal_id})
    with pytest.raises(InvalidInput, match="changed since you opened this page"):
        goals.edit_goal(seats(pair)[1], goal, fields(pair, title="Mine"), read_at)
    db.session.rollback()
    assert db.session.get(Goal, goal.id).title == "Theirs"


def test_progress_from_ratings_follows_the_current_rating_on_the_version_read(pair):
    goal = make_goal(pair, progress_from=ProgressFrom.RATING)
    goals.rate_progress(seats(pair)[0], goal, 3, goal.version)
    assert goal_percent(goal, 0, 0) == 50
    with pytest.raises(InvalidInput, match="changed since"):
        goals.rate_progress(seats(pair)[0], goal, 4, goal.version - 1)


def test_milestones_are_due_in_the_programme_added_once_and_ticked_off(pair):
    mentor, mentee = seats(pair)
    goal = make_goal(pair)
    with pytest.raises(InvalidInput, match="after the programme ends") as refused:
        goals.add_milestone(mentee, goal, "Demo", TODAY + timedelta(days=365), None)
    assert refused.value.field == "due_on"
    milestone, _ = goals.add_milestone(mentee, goal, "Demo to my team", TODAY + timedelta(days=20), "m-1")
    _, created = goals.add_milestone(mentee, goal, "Demo to my team", TODAY + timedelta(days=20), "m-1")
    assert not created and count(Milestone) == 1
    goals.set_milestone_done(mentor, goal, milestone.id, True)
    assert milestone.done_at is not None
    goals.set_milestone_done(mentor, goal, milestone.id, False)
    assert milestone.done_at is None
    with pytest.raises(NotFound):
        goals.set_milestone_done(mentor, make_goal(pair), milestone.id, True)


def test_tasks_belong_to_a_partner_count_towards_their_goal_and_can_be_reopened(pair):
    mentor, mentee = seats(pair)
    goal = make_goal(pair)
    task, _ = tasks.add_task(mentor, TaskFields("Show two tools", pair.mentor_enrolment_id, TODAY + timedelta(days=7), goal.id), "t-1")
    tasks.add_task(mentor, TaskFields("Try one", pair.mentee_enrolment_id, None, goal.id), None)
    tasks.set_task_done(mentee, task, True)
    tasks.set_task_done(mentee, task, True)  # a double press changes nothing more
    assert goal_percent(goal, sum(t.is_done for t in goal.tasks), len(goal.tasks)) == 50
    tasks.set_task_done(mentor, task, False)
    assert task.done_at is None and count(Task) == 2


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"owner_enrolment_id": None}, "owner_enrolment_id", "you or your partner"),
    ({"due_on": TODAY + timedelta(days=365)}, "due_on", "after the programme ends"),
    ({"title": ""}, "title", "Write what is to be done"),
    ({"goal_id": 99999}, "goal_id", "one of your pair's goals"),
])
def test_bad_tasks_are_refused_and_nothing_is_written(pair, overrides, field, message):
    values = {"title": "Read", "owner_enrolment_id": pair.mentee_enrolment_id, "due_on": None, "goal_id": None}
    values.update(overrides)
    with pytest.raises(InvalidInput, match=message) as refused:
        tasks.add_task(seats(pair)[0], TaskFields(**values), None)
    assert refused.value.field == field and count(Task) == 0


def test_a_task_for_someone_outside_the_pair_is_refused_even_from_the_same_cohort(pair):
    other = make_pair(pair.cohort)
    with pytest.raises(InvalidInput, match="you or your partner"):
        tasks.add_task(seats(pair)[0], TaskFields("Read", other.mentee_enrolment_id), None)
    another_cohort_goal = make_goal(make_pair(make_running_cohort()))
    with pytest.raises(InvalidInput, match="one of your pair's goals"):
        tasks.add_task(seats(pair)[0], TaskFields("Read", pair.mentee_enrolment_id, None, another_cohort_goal.id), None)


def test_both_partners_re_rate_at_the_end_each_in_their_own_column(pair):
    mentor, mentee = seats(pair)
    goal = make_goal(pair, target_on=TODAY + timedelta(days=10))
    with pytest.raises(InvalidInput, match="The end rating opens on"):
        goals.rerate_goal(mentee, goal, 4, TODAY)
    goals.rerate_goal(mentee, goal, 4, goal.target_on)
    goals.rerate_goal(mentor, goal, 3, goal.target_on)
    assert (goal.end_rating_owner, goal.end_rating_partner, goal.rerated) == (4, 3, True)
    with pytest.raises(InvalidInput, match="from 1 to 5"):
        goals.rerate_goal(mentor, goal, 0, goal.target_on)
