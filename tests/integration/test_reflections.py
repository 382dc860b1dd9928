"""Reflection assignments: created and edited under the rules, listed, and set for the right participants."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db, utcnow
from lti_app.lti.models import Platform
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus, RoleWanted
from lti_app.mentoring.domain.reflections import Audience, Criterion, SubmissionStatus
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.pairing import PairStatus
from lti_app.mentoring.models.reflection import ReflectionAssignment
from lti_app.mentoring.services import reflections
from tests.factories import (
    make_cohort,
    make_course,
    make_enrolment,
    make_person,
    make_platform,
)
from tests.factories_reflections import (
    RUBRIC,
    assignment_fields,
    make_assignment,
    make_submission,
)
from tests.factories_workspace import make_pair

TODAY = utcnow().date()


@pytest.fixture
def cohort(app):
    return make_cohort(make_course(make_platform()))


def count_assignments() -> int:
    return db.session.scalar(select(func.count()).select_from(ReflectionAssignment))


def test_an_assignment_is_created_with_a_sanitised_prompt_and_its_rubric(cohort):
    fields = assignment_fields(cohort, title="  Halfway   check ", prompt='<p onclick="x()">Think</p><script>alert(1)</script>',
                               rubric=RUBRIC, audience=Audience.MENTEES)
    created = reflections.create_assignment(cohort, fields)
    assert (created.title, created.prompt, created.audience) == ("Halfway check", "<p>Think</p>", Audience.MENTEES)
    assert created.rubric == [c.to_dict() for c in RUBRIC] and created.criteria == list(RUBRIC)
    assert created.resource_id == f"reflection-{created.id}" and created.lineitem_url is None


def test_a_prompt_typed_as_plain_text_keeps_its_paragraphs(cohort):
    created = reflections.create_assignment(cohort, assignment_fields(cohort, prompt="If a < b & c\n\nSecond\nline"))
    assert created.prompt == "<p>If a &lt; b &amp; c</p><p>Second<br>line</p>"


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"title": "  "}, "title", "Give the reflection a title"),
    ({"prompt": "<script>x</script>"}, "prompt", "Write the prompt"),
    ({"points": 0.0}, "points", "more than 0"),
    ({"points": 1001.0}, "points", "at most 1000"),
    ({"opens_on": TODAY + timedelta(days=9), "due_on": TODAY + timedelta(days=8)}, "due_on", "on or after the day it opens"),
    ({"opens_on": TODAY - timedelta(days=30)}, "opens_on", "when the cohort's enrolment opens"),
    ({"due_on": TODAY + timedelta(days=400)}, "due_on", "two months after the programme ends"),
    ({"rubric": (Criterion("Insight", "", 6.0),)}, "rubric", "add up to 6; the assignment is worth 10"),
    ({"rubric": (Criterion("", "", 10.0),)}, "rubric", "Give every rubric criterion a title"),
    ({"rubric": (Criterion("A", "", 10.5), Criterion("B", "", -0.5))}, "rubric", "more than 0 points"),
    ({"rubric": (Criterion("Same", "", 5.0), Criterion("same", "", 5.0))}, "rubric", "its own title"),
])
def test_broken_rules_are_refused_with_the_field_named_and_nothing_written(cohort, overrides, field, words):
    with pytest.raises(InvalidInput) as refused:
        reflections.create_assignment(cohort, assignment_fields(cohort, **overrides))
    assert refused.value.field == field and words in refused.value.message
    assert count_assignments() == 0


def test_a_title_is_unique_in_its_cohort_whatever_its_case(cohort):
    reflections.create_assignment(cohort, assignment_fields(cohort, title="Exit reflection"))
    with pytest.raises(InvalidInput) as refused:
        reflections.create_assignment(cohort, assignment_fields(cohort, title="exit REFLECTION"))
    assert refused.value.field == "title"
    other = make_cohort(cohort.course)
    assert reflections.create_assignment(other, assignment_fields(other, title="Exit reflection")).cohort_id == other.id


def test_editing_changes_the_assignment_but_points_and_rubric_stay_once_something_is_graded(cohort):
    assignment = reflections.create_assignment(cohort, assignment_fields(cohort, title="Start", rubric=RUBRIC))
    reflections.update_assignment(assignment, assignment_fields(cohort, title="Start of the programme", rubric=RUBRIC,
                                                                accept_late=True))
    assert (assignment.title, assignment.accept_late) == ("Start of the programme", True)
    make_submission(assignment, make_enrolment(cohort), status=SubmissionStatus.GRADED, score=7.0)
    with pytest.raises(InvalidInput) as refused:
        reflections.update_assignment(assignment, assignment_fields(cohort, title="Start of the programme", points=20.0))
    assert refused.value.field == "points" and assignment.points == 10.0
    reflections.update_assignment(assignment, assignment_fields(cohort, title="Renamed", rubric=RUBRIC))
    assert assignment.title == "Renamed"


def test_the_counts_tell_drafts_submitted_graded_and_late_apart(cohort):
    assignment = make_assignment(cohort)
    make_submission(assignment, make_enrolment(cohort), status=SubmissionStatus.DRAFT, submitted_at=None)
    make_submission(assignment, make_enrolment(cohort), late=True)
    make_submission(assignment, make_enrolment(cohort), status=SubmissionStatus.GRADED, score=5.0)
    empty = make_assignment(cohort)
    counts = reflections.count_submissions([assignment.id, empty.id])
    assert counts[assignment.id] == reflections.AssignmentCounts(submitted=2, graded=1, late=1, drafts=1)
    assert counts[empty.id] == reflections.AssignmentCounts()


def test_sides_come_from_the_published_pairs_first_then_from_the_matching_rule(cohort):
    asked_mentor = make_enrolment(cohort, role_wanted=RoleWanted.MENTOR, capacity=1)
    asked_mentee = make_enrolment(cohort, role_wanted=RoleWanted.MENTEE)
    # asked to mentor, but the instructor paired them the other way round by hand: the pair decides
    paired_as_mentee = make_enrolment(cohort, role_wanted=RoleWanted.MENTOR, capacity=1)
    mentor_of_it = make_enrolment(cohort, role_wanted=RoleWanted.MENTEE)
    make_pair(mentor_of_it.cohort, mentor=mentor_of_it, mentee=paired_as_mentee)
    draft_only = make_enrolment(cohort, role_wanted=RoleWanted.MENTEE)
    make_pair(asked_mentor.cohort, mentor=asked_mentor, mentee=draft_only, status=PairStatus.PROPOSED)  # a draft pair decides nothing
    sides = reflections.sides_in_cohort(cohort)
    assert sides[asked_mentor.id] == {"mentor"} and sides[asked_mentee.id] == {"mentee"}
    assert sides[paired_as_mentee.id] == {"mentee"} and sides[mentor_of_it.id] == {"mentor"}
    assert sides[draft_only.id] == {"mentee"}


def test_the_audience_is_the_active_participants_on_its_side(cohort):
    mentor = make_enrolment(cohort, role_wanted=RoleWanted.MENTOR, capacity=1)
    mentee = make_enrolment(cohort, role_wanted=RoleWanted.MENTEE)
    make_enrolment(cohort, role_wanted=RoleWanted.MENTEE, status=EnrolmentStatus.WITHDRAWN, withdrawn_at=utcnow())
    for audience, expected in [(Audience.MENTORS, [mentor]), (Audience.MENTEES, [mentee]), (Audience.BOTH, [mentor, mentee])]:
        found = reflections.audience_of(make_assignment(cohort, audience=audience))
        assert sorted(e.id for e in found) == sorted(e.id for e in expected)


def test_a_participant_must_write_only_the_assignments_of_their_side_and_cohort(cohort):
    platform = db.session.get(Platform, cohort.course.platform_id)
    person = make_person(platform)
    mine = make_enrolment(cohort, person, role_wanted=RoleWanted.MENTEE)
    for_mentees = make_assignment(cohort, audience=Audience.MENTEES, due_on=TODAY + timedelta(days=9))
    for_both = make_assignment(cohort, audience=Audience.BOTH, due_on=TODAY + timedelta(days=3))
    for_mentors = make_assignment(cohort, audience=Audience.MENTORS)
    started = make_submission(for_both, mine, status=SubmissionStatus.DRAFT, submitted_at=None)
    make_assignment(make_cohort(cohort.course))  # a cohort they are not in
    found = reflections.assignments_for_participant(cohort.course_id, person.id)
    assert [(a.assignment.id, a.submission) for a in found] == [(for_both.id, started), (for_mentees.id, None)]
    assert reflections.assigned_to(cohort.course_id, for_mentees.id, person.id).enrolment == mine
    with pytest.raises(NotFound):
        reflections.assigned_to(cohort.course_id, for_mentors.id, person.id)
    with pytest.raises(NotFound):
        reflections.assigned_to(cohort.course_id + 1, for_mentees.id, person.id)
    mine.status = EnrolmentStatus.WITHDRAWN
    assert reflections.assignments_for_participant(cohort.course_id, person.id) == []


def test_an_assignment_is_found_only_through_its_own_course_and_cohort(cohort):
    assignment = make_assignment(cohort)
    assert reflections.assignment_in_course(cohort.course_id, assignment.id) is assignment
    other = make_cohort(make_course(make_platform()))
    with pytest.raises(NotFound):
        reflections.assignment_in_course(other.course_id, assignment.id)
    with pytest.raises(NotFound):
        reflections.assignment_in_cohort(other, assignment.id)
    assert [a.id for a in reflections.course_assignments(cohort.course_id)] == [assignment.id]


def test_the_gradebook_column_url_is_kept_when_the_assignment_has_none_yet(cohort):
    assignment = make_assignment(cohort)
    assert reflections.note_lineitem_url(assignment, None) is False
    assert reflections.note_lineitem_url(assignment, "https://lms.test/lineitems/7") is True
    assert reflections.note_lineitem_url(assignment, "https://lms.test/lineitems/8") is False
    assert assignment.lineitem_url == "https://lms.test/lineitems/7"
