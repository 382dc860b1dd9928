"""Reflection pages through real launches: instructors set and grade reflections, participants write their own."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.profile_fields import RoleWanted
from lti_app.mentoring.domain.reflections import Audience, SubmissionStatus
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission
from tests.factories import make_cohort, make_enrolment
from tests.factories_reflections import RUBRIC, make_assignment, make_submission
from tests.web.course_pages import commit, launch

TODAY = utcnow().date()


def person_of(sub: str) -> Person:
    return db.session.scalar(select(Person).where(Person.subject == sub))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def assignment_form(**overrides):
    data = {
        "title": "Halfway reflection", "prompt": "What surprised you?", "audience": "both",
        "opens_on": TODAY.isoformat(), "due_on": (TODAY + timedelta(days=10)).isoformat(), "points": "10",
        "revise_until": "due", "rubric-0-title": "Insight", "rubric-0-description": "What you learnt", "rubric-0-points": "6",
        "rubric-1-title": "Evidence", "rubric-1-description": "", "rubric-1-points": "4",
    }
    data.update(overrides)
    return data


@pytest.fixture
def learner(app, platform, teacher):
    return launch(app, platform, platform.learners[0].sub)


@pytest.fixture
def other_learner(app, platform, teacher):
    return launch(app, platform, platform.learners[1].sub)


@pytest.fixture
def cohort(teacher):
    found = make_cohort(teacher.course, name="Pilot")
    commit()
    return found


@pytest.fixture
def world(platform, cohort, learner, other_learner):
    """The two learners enrolled as mentees, one open reflection for both sides."""
    mine = make_enrolment(cohort, person_of(platform.learners[0].sub), role_wanted=RoleWanted.MENTEE)
    theirs = make_enrolment(cohort, person_of(platform.learners[1].sub), role_wanted=RoleWanted.MENTEE)
    assignment = make_assignment(cohort, title="First month", points=10.0)
    commit()
    return mine, theirs, assignment


# -- instructors --------------------------------------------------------------------------------------------
def test_the_cohort_page_leads_to_its_reflections(teacher, cohort):
    html = teacher.get(f"instructor/cohorts/{cohort.id}").get_data(as_text=True)
    assert f'href="/courses/{teacher.course_id}/instructor/cohorts/{cohort.id}/reflections/"' in html
    page = teacher.get(f"instructor/cohorts/{cohort.id}/reflections/")
    assert page.status_code == 200 and "No reflections yet" in page.get_data(as_text=True)


def test_an_instructor_creates_a_reflection_with_a_rubric(teacher, cohort):
    form_page = teacher.get(f"instructor/cohorts/{cohort.id}/reflections/new").get_data(as_text=True)
    assert 'name="rubric-0-title"' in form_page and 'name="rubric-1-points"' in form_page
    created = teacher.post(f"instructor/cohorts/{cohort.id}/reflections/new", assignment_form())
    assignment = db.session.scalar(select(ReflectionAssignment))
    assert created.status_code == 303
    assert created.headers["Location"].endswith(f"/cohorts/{cohort.id}/reflections/{assignment.id}/")
    assert (assignment.title, assignment.points, [c.title for c in assignment.criteria]) == ("Halfway reflection", 10.0, ["Insight", "Evidence"])
    listing = teacher.get(f"instructor/cohorts/{cohort.id}/reflections/").get_data(as_text=True)
    assert "Halfway reflection" in listing and "Not placed yet" in listing


def test_the_edit_form_shows_the_stored_rubric_and_saves_changes(teacher, cohort):
    assignment = make_assignment(cohort, title="Start", rubric=RUBRIC)
    commit()
    html = teacher.get(f"instructor/cohorts/{cohort.id}/reflections/{assignment.id}/edit").get_data(as_text=True)
    assert 'value="Insight"' in html and 'value="6"' in html
    saved = teacher.post(f"instructor/cohorts/{cohort.id}/reflections/{assignment.id}/edit",
                         assignment_form(title="Start, revisited", accept_late="y"))
    assert saved.status_code == 303
    db.session.expire_all()
    assert (assignment.title, assignment.accept_late) == ("Start, revisited", True)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"rubric-1-points": "3"}, "add up to 9; the assignment is worth 10"),
    ({"rubric-1-points": "four"}, "as a number"),
    ({"title": ""}, "Give the reflection a title."),
    ({"due_on": (TODAY - timedelta(days=1)).isoformat()}, "on or after the day it opens"),
    ({"points": "-2"}, "Choose from more than 0"),
])
def test_bad_answers_are_shown_on_the_form_and_nothing_is_saved(teacher, cohort, overrides, message):
    page = teacher.post(f"instructor/cohorts/{cohort.id}/reflections/new", assignment_form(**overrides))
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and message in html and "error-summary" in html
    assert count(ReflectionAssignment) == 0


def test_another_cohorts_reflection_is_not_found(teacher, cohort):
    elsewhere = make_assignment(make_cohort(teacher.course, name="Other"))
    commit()
    assert teacher.get(f"instructor/cohorts/{cohort.id}/reflections/{elsewhere.id}/").status_code == 404


def test_staff_read_a_submitted_reflection_and_grade_it_with_the_rubric(teacher, learner, world):
    mine, _, _ = world
    assignment = make_assignment(mine.cohort, title="Rubric one", rubric=RUBRIC)
    submission = make_submission(assignment, mine, body="<p>I learnt to podcast.</p>")
    commit()
    url = f"instructor/cohorts/{mine.cohort_id}/reflections/{assignment.id}/submissions/{submission.id}"
    html = teacher.get(url).get_data(as_text=True)
    assert "I learnt to podcast." in html and 'name="criterion_0"' in html and 'name="version"' in html
    graded = teacher.post(url, {"criterion_0": "5", "criterion_1": "3.5", "score": "", "comment": "Lovely detail.",
                                "version": str(submission.version)})
    assert graded.status_code == 303
    db.session.expire_all()
    assert (submission.status, submission.score, submission.rubric_scores) == (SubmissionStatus.GRADED, 8.5, [5.0, 3.5])
    listing = teacher.get(f"instructor/cohorts/{mine.cohort_id}/reflections/{assignment.id}/").get_data(as_text=True)
    assert "8.5 / 10" in listing and "Graded" in listing
    mine_page = learner.get(f"learner/reflections/submissions/{submission.id}").get_data(as_text=True)
    assert "8.5 out of 10" in mine_page and "Lovely detail." in mine_page


def test_a_grade_out_of_range_or_for_a_revised_text_is_refused_on_the_page(teacher, world):
    mine, _, assignment = world
    submission = make_submission(assignment, mine)
    commit()
    url = f"instructor/cohorts/{mine.cohort_id}/reflections/{assignment.id}/submissions/{submission.id}"
    too_high = teacher.post(url, {"score": "11", "comment": "", "version": str(submission.version)})
    assert too_high.status_code == 422 and "Give a score from 0 to 10." in too_high.get_data(as_text=True)
    stale = teacher.post(url, {"score": "5", "comment": "", "version": str(submission.version - 1)})
    assert stale.status_code == 422 and "changed after you opened it" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert submission.status is SubmissionStatus.SUBMITTED and count(GradeOutbox) == 0


def test_staff_see_that_a_draft_exists_but_never_its_text(teacher, world):
    mine, _, assignment = world
    draft = make_submission(assignment, mine, status=SubmissionStatus.DRAFT, submitted_at=None, body="<p>secret musings</p>")
    commit()
    listing = teacher.get(f"instructor/cohorts/{mine.cohort_id}/reflections/{assignment.id}/").get_data(as_text=True)
    assert "Draft" in listing and "secret musings" not in listing
    page = teacher.get(f"instructor/cohorts/{mine.cohort_id}/reflections/{assignment.id}/submissions/{draft.id}")
    assert page.status_code == 200 and "secret musings" not in page.get_data(as_text=True)


# -- participants -------------------------------------------------------------------------------------------
def test_a_learner_lists_their_reflections_saves_a_draft_and_submits(platform, learner, world):
    _, _, assignment = world
    listing = learner.get("learner/reflections/").get_data(as_text=True)
    assert "First month" in listing and "Not started" in listing
    url = f"learner/reflections/{assignment.id}"
    assert 'name="body"' in learner.get(url).get_data(as_text=True)
    drafted = learner.post(url, {"body": "Half a thought", "version": "0", "save": "Save draft"})
    assert drafted.status_code == 303 and count(GradeOutbox) == 0
    submission = db.session.scalar(select(Submission))
    page = learner.get(url).get_data(as_text=True)
    assert "Your draft is saved" in page and "Half a thought" in page and 'value="1"' in page
    submitted = learner.post(url, {"body": "A whole thought", "version": str(submission.version), "submit": "Submit"})
    assert submitted.status_code == 303
    db.session.expire_all()
    assert submission.status is SubmissionStatus.SUBMITTED and count(GradeOutbox) == 1
    assert [s["activityProgress"] for s in platform.scores] == ["Submitted"]  # sent after the commit
    assert "Submit your revision" in learner.get(url).get_data(as_text=True)


def test_a_double_submit_makes_one_submission(learner, world):
    _, _, assignment = world
    url = f"learner/reflections/{assignment.id}"
    for _ in range(2):
        assert learner.post(url, {"body": "Done", "version": "0", "submit": "Submit"}).status_code == 303
    assert count(Submission) == 1 and count(GradeOutbox) == 1


def test_a_stale_page_does_not_overwrite_the_newer_text(learner, world):
    mine, _, assignment = world
    make_submission(assignment, mine, status=SubmissionStatus.DRAFT, submitted_at=None, body="<p>Newer text</p>")
    commit()
    stale = learner.post(f"learner/reflections/{assignment.id}", {"body": "Older tab", "version": "0", "save": "Save draft"})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 422 and "another window" in html and "Older tab" in html
    assert db.session.scalar(select(Submission.body)) == "<p>Newer text</p>"


def test_scripts_in_a_reflection_are_removed_before_anyone_reads_it(learner, world):
    _, _, assignment = world
    learner.post(f"learner/reflections/{assignment.id}",
                 {"body": '<p>Hi<script>alert(1)</script><a href="javascript:x()">x</a></p>', "version": "0", "submit": "Submit"})
    body = db.session.scalar(select(Submission.body))
    assert "script" not in body and "javascript" not in body and body.startswith("<p>Hi")


def test_after_the_due_date_the_page_says_why_and_a_post_is_refused(learner, world):
    mine, _, _ = world
    closed = make_assignment(mine.cohort, title="Closed", opens_on=TODAY - timedelta(days=9), due_on=TODAY - timedelta(days=2))
    commit()
    page = learner.get(f"learner/reflections/{closed.id}").get_data(as_text=True)
    assert "does not accept late work" in page and 'name="body"' not in page
    refused = learner.post(f"learner/reflections/{closed.id}", {"body": "Late", "version": "0", "submit": "Submit"})
    assert refused.status_code == 422 and count(Submission) == 0


def test_a_learner_cannot_read_another_learners_reflection(learner, other_learner, world):
    _, theirs, assignment = world
    their_submission = make_submission(assignment, theirs, body="<p>Private to them</p>")
    commit()
    page = learner.get(f"learner/reflections/submissions/{their_submission.id}")
    assert page.status_code == 404 and "Private to them" not in page.get_data(as_text=True)
    assert other_learner.get(f"learner/reflections/submissions/{their_submission.id}").status_code == 200


def test_a_reflection_for_the_other_side_is_not_found_for_a_learner(learner, world):
    mine, _, _ = world
    for_mentors = make_assignment(mine.cohort, title="Mentors only", audience=Audience.MENTORS)
    commit()
    assert learner.get(f"learner/reflections/{for_mentors.id}").status_code == 404
    assert "Mentors only" not in learner.get("learner/reflections/").get_data(as_text=True)


def test_a_teaching_assistant_grades_like_an_instructor(app, platform, world):
    mine, _, assignment = world
    submission = make_submission(assignment, mine)
    commit()
    assistant = launch(app, platform, platform.teaching_assistant.sub)
    url = f"instructor/cohorts/{mine.cohort_id}/reflections/{assignment.id}/submissions/{submission.id}"
    assert assistant.post(url, {"score": "6", "comment": "", "version": str(submission.version)}).status_code == 303
    db.session.expire_all()
    assert submission.score == 6.0 and submission.graded_by.subject == platform.teaching_assistant.sub


def test_each_audience_keeps_to_its_own_pages(teacher, learner, world):
    mine, _, assignment = world
    assert learner.get(f"instructor/cohorts/{mine.cohort_id}/reflections/").status_code == 403
    assert teacher.get(f"learner/reflections/{assignment.id}").status_code == 403


def test_a_graded_reflection_shows_the_grade_and_no_form(learner, world):
    mine, _, assignment = world
    make_submission(assignment, mine, status=SubmissionStatus.GRADED, score=9.0, comment="Well argued.")
    commit()
    html = learner.get(f"learner/reflections/{assignment.id}").get_data(as_text=True)
    assert "9 out of 10" in html and "Well argued." in html and 'name="body"' not in html
    assert re.search(r"stays as it was when it was graded", html)


def test_the_learners_home_leads_to_their_reflections(learner, world):
    home = learner.get("learner/").get_data(as_text=True)
    link = f"/courses/{learner.course_id}/learner/reflections/"
    assert link in home
    assert "First month" in learner.client.get(link).get_data(as_text=True)
