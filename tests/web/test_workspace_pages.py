"""A pair's workspace through real launches: each page for both partners, 404 for everyone else, 403 for staff,
and every bad input answered with a clear message and nothing written."""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.models.completion import Completion
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.models.pairing import PairStatus
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.workspace import Agreement, Goal, Meeting, Milestone, Task
from tests.factories_grades import enable_completion
from tests.factories_workspace import TODAY, make_agreement, make_goal, make_meeting, make_pair, make_running_cohort, make_task
from tests.web.course_pages import OTHER_COURSE, commit, launch


def person_of(sub: str) -> Person:
    return db.session.scalar(select(Person).where(Person.subject == sub))


@pytest.fixture
def ws(app, platform):
    """The mentor's and the mentee's browsers, and their active pair in a running cohort of the course."""
    mentor, mentee = launch(app, platform, platform.learners[0].sub), launch(app, platform, platform.learners[1].sub)
    cohort = make_running_cohort(mentor.course, name="Spring pilot")
    pair = make_pair(cohort, person_of(platform.learners[0].sub), person_of(platform.learners[1].sub))
    commit()
    return SimpleNamespace(mentor=mentor, mentee=mentee, pair=pair, cohort=cohort, base=f"learner/pairs/{pair.id}/",
                           names=(platform.learners[0].name, platform.learners[1].name))


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def html(response) -> str:
    return response.get_data(as_text=True)


def token_of(page: str) -> str:
    return re.search(r'name="form_token" type="hidden" value="([^"]+)"', page).group(1)


PAGES = ["", "agreement", "goals/new", "goals/{goal}", "goals/{goal}/edit", "meetings", "meetings/new", "tasks/new"]


@pytest.mark.parametrize("side", ["mentor", "mentee"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_for_both_partners_with_the_other_as_partner(ws, side, page):
    goal = make_goal(ws.pair, title="Use AI tools")
    commit()
    response = getattr(ws, side).get(ws.base + page.format(goal=goal.id))
    partner = ws.names[1] if side == "mentor" else ws.names[0]
    assert response.status_code == 200 and f"Your pair with {partner}" in html(response)
    page_html = html(response)
    assert page_html.count("<script") == page_html.count('<script src="/static/js/') and "style=" not in page_html


def test_strangers_other_courses_and_drafts_get_404_and_staff_403(app, platform, ws):
    stranger = launch(app, platform, platform.learners[2].sub)
    assert stranger.get(ws.base).status_code == 404
    assert stranger.post(ws.base + "tasks/new", {"title": "Sneak in"}).status_code == 404
    elsewhere = launch(app, platform, platform.learners[0].sub, **OTHER_COURSE)
    assert elsewhere.get(ws.base).status_code == 404
    assert launch(app, platform, platform.instructor.sub).get(ws.base).status_code == 403
    ws.pair.status = PairStatus.PROPOSED
    commit()
    assert ws.mentor.get(ws.base).status_code == 404
    assert count(Task) == 0


def test_a_goal_of_another_pair_is_not_found_from_this_pairs_url(ws):
    other = make_goal(make_pair(ws.cohort))
    commit()
    assert ws.mentor.get(ws.base + f"goals/{other.id}").status_code == 404


def test_both_sign_the_agreement_after_writing_their_expectations(ws):
    terms = {"channel": "video", "cadence_days": "14", "confidentiality": "y", "no_role_switching": "y"}
    page = ws.mentor.post(ws.base + "agreement", {**terms, "expectations": "Patience.", "version": ""}, follow_redirects=True)
    assert "The agreement is saved" in html(page) and "writes their expectations" in html(page)
    version = str(db.session.scalar(select(Agreement.version)))
    page = ws.mentee.post(ws.base + "agreement", {**terms, "expectations": "Show me your tools.", "version": version},
                          follow_redirects=True)
    for side in (ws.mentee, ws.mentor):
        version = str(db.session.scalar(select(Agreement.version)))
        ws_page = side.post(ws.base + "agreement/sign", {"version": version}, follow_redirects=True)
    assert "The agreement is signed by both of you." in html(ws_page)
    assert "Signed by both" in html(ws.mentee.get(ws.base))


def test_a_stale_agreement_edit_or_signature_is_refused_and_changes_nothing(ws):
    agreement = make_agreement(ws.pair, signed=False)
    commit()
    stale = str(agreement.version)
    ws.mentee.post(ws.base + "agreement", {"channel": "chat", "cadence_days": "7", "expectations": "Honest feedback.",
                                           "version": stale})
    page = ws.mentor.post(ws.base + "agreement", {"channel": "phone", "cadence_days": "28", "expectations": "Patience.",
                                                  "version": stale})
    assert page.status_code == 422 and "changed since you opened this page" in html(page)
    assert db.session.scalar(select(Agreement.channel)).value == "chat"
    page = ws.mentor.post(ws.base + "agreement/sign", {"version": stale}, follow_redirects=True)
    assert "changed since you opened this page" in html(page)
    assert db.session.scalar(select(Agreement.mentor_signed_at)) is None


def goal_form(ws, **overrides):
    data = {"owner_enrolment_id": str(ws.pair.mentee_enrolment_id), "title": "Use AI tools in class",
            "description": "<p>Two tools</p><script>x()</script>", "skill_codes": [ws.cohort.skills[1].code],
            "baseline_rating": "", "target_rating": "4", "target_on": (TODAY + timedelta(days=30)).isoformat(),
            "progress_from": "tasks", "form_token": "goal-token"}
    data.update(overrides)
    return data


def test_a_goal_is_set_once_however_often_the_form_is_sent(ws):
    first = ws.mentee.post(ws.base + "goals/new", goal_form(ws))
    again = ws.mentee.post(ws.base + "goals/new", goal_form(ws), follow_redirects=True)
    assert first.status_code == 303 and "This goal was already set; it is kept once." in html(again)
    goal = db.session.scalar(select(Goal))
    assert count(Goal) == 1 and goal.baseline_rating == 2 and goal.description == "<p>Two tools</p>"
    assert "from 2/5 to 4/5" in html(ws.mentor.get(ws.base))


@pytest.mark.parametrize(("overrides", "message"), [
    ({"target_on": (TODAY + timedelta(days=400)).isoformat()}, "The target date is after the programme ends"),
    ({"target_on": "next tuesday"}, "Reach the target by: Choose a date."),
    ({"skill_codes": []}, "Tie the goal to at least one skill"),
    ({"owner_enrolment_id": "99999"}, "A goal belongs to you or your partner"),
])
def test_a_bad_goal_shows_a_clear_message_and_writes_nothing(ws, overrides, message):
    page = ws.mentee.post(ws.base + "goals/new", goal_form(ws, **overrides))
    assert page.status_code == 422 and message in html(page) and count(Goal) == 0


def test_a_stale_goal_edit_is_refused(ws):
    goal = make_goal(ws.pair)
    commit()
    stale = str(goal.version)
    ws.mentor.post(ws.base + f"goals/{goal.id}/edit", goal_form(ws, title="The mentor's wording", version=stale))
    page = ws.mentee.post(ws.base + f"goals/{goal.id}/edit", goal_form(ws, title="The mentee's wording", version=stale))
    assert page.status_code == 422 and "changed since you opened this page" in html(page)
    assert db.session.scalar(select(Goal.title)) == "The mentor's wording"


def meeting_form(ws, **overrides):
    data = {"held_on": (TODAY - timedelta(days=1)).isoformat(), "duration_minutes": "40", "channel": "video",
            "topics": "Prompting", "notes": "<p>Good</p><script>x()</script>", "action_items": "Try it\nShare notes",
            "action_owner_enrolment_id": str(ws.pair.mentee_enrolment_id), "form_token": "meeting-token"}
    data.update(overrides)
    return data


def test_a_meeting_is_logged_once_and_its_action_items_become_the_chosen_partners_tasks(ws):
    token = token_of(html(ws.mentor.get(ws.base + "meetings/new")))
    first = ws.mentor.post(ws.base + "meetings/new", meeting_form(ws, form_token=token))
    again = ws.mentor.post(ws.base + "meetings/new", meeting_form(ws, form_token=token), follow_redirects=True)
    assert first.status_code == 303 and "already logged; it is kept once" in html(again)
    assert (count(Meeting), count(Task)) == (1, 2)
    listed = html(ws.mentee.get(ws.base + "meetings"))
    assert "Prompting" in listed and "<p>Good</p>" in listed and "x()" not in listed and "Share notes" in listed


@pytest.mark.parametrize(("overrides", "message"), [
    ({"held_on": (TODAY + timedelta(days=1)).isoformat()}, "this date is in the future"),
    ({"held_on": (TODAY - timedelta(days=60)).isoformat()}, "Your pair could first meet on"),
    ({"duration_minutes": "600"}, "from 5 to 480"),
    ({"action_owner_enrolment_id": "424242"}, "An action item belongs to you or your partner"),
])
def test_a_bad_meeting_shows_a_clear_message_and_writes_nothing(ws, overrides, message):
    page = ws.mentor.post(ws.base + "meetings/new", meeting_form(ws, **overrides))
    assert page.status_code == 422 and message in html(page)
    assert (count(Meeting), count(Task)) == (0, 0)


def test_a_task_for_someone_outside_the_pair_or_outside_the_programme_is_refused(ws):
    outsider = make_pair(ws.cohort).mentee_enrolment_id
    commit()
    page = ws.mentor.post(ws.base + "tasks/new", {"title": "Read", "owner_enrolment_id": str(outsider), "form_token": "t"})
    assert page.status_code == 422 and "A task belongs to you or your partner" in html(page)
    late = (ws.cohort.ends_on + timedelta(days=1)).isoformat()
    page = ws.mentor.post(ws.base + "tasks/new", {"title": "Read", "owner_enrolment_id": str(ws.pair.mentor_enrolment_id),
                                                  "due_on": late, "form_token": "t"})
    assert page.status_code == 422 and "The due date is after the programme ends" in html(page)
    assert count(Task) == 0


def test_tasks_are_added_done_and_reopened_from_the_goal_page(ws):
    goal = make_goal(ws.pair)
    commit()
    page = ws.mentee.post(ws.base + f"tasks/new?goal_id={goal.id}&back=goal", {
        "title": "Try a transcript tool", "owner_enrolment_id": str(ws.pair.mentee_enrolment_id), "goal_id": str(goal.id),
        "form_token": "t-1"})
    assert page.status_code == 303 and page.headers["Location"].endswith(f"/goals/{goal.id}")
    task = db.session.scalar(select(Task))
    ws.mentor.post(ws.base + f"tasks/{task.id}/done?back=goal")
    assert "100%" in html(ws.mentee.get(ws.base + f"goals/{goal.id}"))
    ws.mentor.post(ws.base + f"tasks/{task.id}/reopen")
    assert db.session.scalar(select(Task.done_at)) is None


def test_milestones_and_ratings_are_saved_from_the_goal_page_and_bad_ones_explained(ws):
    goal = make_goal(ws.pair)
    commit()
    page = ws.mentee.post(ws.base + f"goals/{goal.id}/milestones", {"title": "Demo", "due_on": "2999-01-01", "form_token": "m"})
    assert page.status_code == 422 and "after the programme ends" in html(page) and count(Milestone) == 0
    ws.mentee.post(ws.base + f"goals/{goal.id}/milestones", {"title": "Demo", "due_on": TODAY.isoformat(), "form_token": "m"})
    assert count(Milestone) == 1
    milestone_id = db.session.scalar(select(Milestone.id))
    ws.mentor.post(ws.base + f"goals/{goal.id}/milestones/{milestone_id}/done")
    assert db.session.scalar(select(Milestone.done_at)) is not None
    assert "reached" in html(ws.mentee.get(ws.base + f"goals/{goal.id}"))
    page = ws.mentor.post(ws.base + f"goals/{goal.id}/rating", {"rating": "3", "version": str(goal.version - 1)})
    assert page.status_code == 422 and "changed since you opened this page" in html(page)
    page = ws.mentor.post(ws.base + f"goals/{goal.id}/end-rating", {"end_rating": "3"})
    assert page.status_code == 422 and "The end rating opens on" in html(page)


def test_the_overview_shows_the_missing_signatures_and_an_overdue_meeting(ws):
    page = html(ws.mentor.get(ws.base))
    assert "Not signed yet" in page and "Propose the terms" in page
    assert "Your next meeting is overdue." in page  # 30 days in, every 14 days, nothing logged
    make_meeting(ws.pair, held_on=TODAY - timedelta(days=2))
    make_agreement(ws.pair)
    make_task(ws.pair, title="Share the syllabus")
    commit()
    page = html(ws.mentee.get(ws.base))
    assert "overdue" not in page and "Signed by both" in page and "Share the syllabus" in page
    assert f"Next meeting due by <strong>{(TODAY + timedelta(days=12)).day}" in page


def test_an_ended_pair_can_be_read_but_not_changed(ws):
    ws.pair.status = PairStatus.ENDED
    commit()
    page = ws.mentee.get(ws.base)
    assert page.status_code == 200 and "This pair has ended" in html(page) and "Log a meeting" not in html(page)
    page = ws.mentee.post(ws.base + "meetings/new", meeting_form(ws))
    assert page.status_code == 422 and "workspace can be read but no longer changed" in html(page) and count(Meeting) == 0


def test_the_home_and_enrolment_pages_lead_to_the_workspace(ws):
    link = f'href="/courses/{ws.mentor.course_id}/learner/pairs/{ws.pair.id}/"'
    assert link in html(ws.mentor.get("learner/")) and "Your pairs" in html(ws.mentor.get("learner/"))
    page = html(ws.mentee.get(f"learner/cohorts/{ws.cohort.id}/enrolment"))
    assert "Open your pair's workspace" in page and link in page


def test_the_meeting_that_meets_the_cohorts_completion_rule_completes_both_partners(ws):
    enable_completion(ws.cohort, min_meetings=1)
    commit()
    assert count(Completion) == 0
    page = ws.mentor.post(ws.base + "meetings/new", meeting_form(ws))
    assert page.status_code == 303
    assert count(Completion) == 2
    rows = db.session.scalars(select(GradeOutbox).where(GradeOutbox.target == "programme")).all()
    assert sorted(r.person_id for r in rows) == sorted([ws.pair.mentor.person_id, ws.pair.mentee.person_id])
    assert {(r.activity_progress, r.grading_progress, r.score_given) for r in rows} == {("Completed", "FullyGraded", 90)}


def test_before_the_programme_starts_no_meeting_is_offered_and_no_feedback_round_falls_due(app, platform):
    from lti_app.mentoring.domain.cohort_state import CohortState
    from lti_app.mentoring.services import feedback
    from tests.factories_workspace import at_midnight

    mentor = launch(app, platform, platform.learners[0].sub)
    starts = TODAY + timedelta(days=20)
    cohort = make_running_cohort(mentor.course, name="Autumn pilot", state=CohortState.MATCHED, starts_on=starts,
                                 enrolment_opens_on=TODAY - timedelta(days=30), enrolment_closes_on=TODAY - timedelta(days=5),
                                 feedback_interval_days=14)
    pair = make_pair(cohort, person_of(platform.learners[0].sub), person_of(platform.learners[1].sub),
                     published_at=at_midnight(TODAY))
    commit()
    base = f"learner/pairs/{pair.id}/"
    for page in ("", "meetings", "meetings/new"):
        shown = html(mentor.get(base + page))
        assert "Meetings can be logged from" in shown and 'href="/courses/' + str(mentor.course_id) + '/' + base + 'meetings/new"' not in shown
        assert 'name="held_on"' not in shown, page
    refused = mentor.post(base + "meetings/new", {"held_on": TODAY.isoformat(), "duration_minutes": "30",
                                                  "channel": "video", "topics": "Kick-off", "form_token": "t1"})
    assert refused.status_code == 422 and count(Meeting) == 0
    db.session.expire_all()
    assert feedback.due_on(pair, 1) == starts + timedelta(days=14)  # counted from the start, not the publication
    assert "due</span>" not in html(mentor.get(base))


def test_the_workspace_says_why_the_partners_were_matched(ws):
    page = html(ws.mentee.get(ws.base))
    assert "Why you were matched" in page and "<li>" in page.split("Why you were matched")[1].split("</details>")[0]
