"""The instructor home's "What's next": pairs at risk, requests, grading, failed syncs, the roster; fixed query cost."""
from __future__ import annotations

import re
from datetime import timedelta

from lti_app.extensions import cache, db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.grade_states import GradeState
from lti_app.mentoring.domain.profile_fields import RoleWanted
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.models.matching_choice import MentorRequest, RequestStatus
from tests.factories import make_cohort, make_enrolment
from tests.factories_reflections import make_assignment, make_submission
from tests.factories_workspace import TODAY, make_agreement, make_meeting, make_pair, make_running_cohort
from tests.queries import queries_of_request
from tests.web.course_pages import commit


def section(html: str) -> str:
    found = re.search(r'aria-labelledby="course-next-title".*?</section>', html, re.S)
    assert found, "no What's next section"
    return found.group(0)


def test_nothing_due_says_so(teacher):
    make_cohort(teacher.course, state=CohortState.DRAFT)
    commit()
    assert "Nothing waits for you" in section(teacher.get("instructor/").get_data(as_text=True))


def test_each_thing_due_links_to_its_page(teacher):
    running = make_running_cohort(teacher.course, name="Spring")
    late = make_pair(running)  # no meeting for 33 days at a fortnightly cadence: overdue
    make_agreement(late)
    fine = make_pair(running)
    make_meeting(fine, held_on=TODAY - timedelta(days=2))
    assignment = make_assignment(running)
    make_submission(assignment, late.mentor)
    choosing = make_cohort(teacher.course, name="Choosing", state=CohortState.ENROLMENT_CLOSED,
                           matching_settings={"mode": "self_select"})
    mentor, mentee = make_enrolment(choosing, role_wanted=RoleWanted.MENTOR), make_enrolment(choosing, role_wanted=RoleWanted.MENTEE)
    db.session.add(MentorRequest(cohort_id=choosing.id, mentee_enrolment_id=mentee.id, mentor_enrolment_id=mentor.id,
                                 status=RequestStatus.REQUESTED))
    opened = make_cohort(teacher.course, name="Open", state=CohortState.ENROLMENT_OPEN)
    db.session.add(GradeOutbox(course_id=teacher.course_id, person_id=late.mentor.person_id, target="reflection",
                               target_id=assignment.id, activity_progress="Completed", grading_progress="FullyGraded",
                               score_given=1.0, score_maximum=10.0, state=GradeState.FAILED))
    commit()
    html = section(teacher.get("instructor/").get_data(as_text=True))
    base = f"/courses/{teacher.course_id}/instructor/cohorts"
    assert f'href="{base}/{running.id}/pairs/?attention=at_risk">1 pair needs attention in Spring' in html
    assert f'href="{base}/{choosing.id}/matching-modes/">1 request waits' in html
    assert f'href="{base}/{running.id}/reflections/">1 reflection to grade in Spring' in html
    assert "1 grade could not be sent" in html
    assert f'href="{base}/{opened.id}/roster">Check who in the course has not enrolled in Open' in html
    assert html.index("pair needs attention") < html.index("request waits")


def test_learners_get_403_for_the_instructor_home(app, platform):
    from tests.web.course_pages import launch
    assert launch(app, platform, platform.learners[0].sub).get("instructor/").status_code == 403


def test_the_list_costs_the_same_queries_for_few_or_many_pairs(teacher):
    running = make_running_cohort(teacher.course)
    assignment = make_assignment(running)

    def grow(n: int) -> int:
        for _ in range(n):
            pair = make_pair(running)
            make_agreement(pair)
            make_submission(assignment, pair.mentee)
        return queries_of_request(teacher.client, teacher.url("instructor/"))

    assert grow(1) == grow(5)


def test_the_roster_line_counts_from_the_cached_roster_only(teacher):
    from lti_app.extensions import utcnow
    from lti_app.mentoring.models.course import CourseRole
    from lti_app.web.instructor.roster import CACHE_PREFIX, CourseRoster, RosterPerson
    opened = make_cohort(teacher.course, name="Open", state=CohortState.ENROLMENT_OPEN)
    enrolled = make_enrolment(opened)
    commit()
    people = (RosterPerson(enrolled.person.subject, "In", None, CourseRole.LEARNER, True),
              RosterPerson("out-1", "Out", None, CourseRole.LEARNER, True),
              RosterPerson("out-2", "Out too", None, CourseRole.LEARNER, True),
              RosterPerson("staff", "Staff", None, CourseRole.INSTRUCTOR, True))
    with teacher.client.application.app_context():
        cache.set(f"{CACHE_PREFIX}{teacher.course_id}", CourseRoster(people, utcnow(), False))
    try:
        html = section(teacher.get("instructor/").get_data(as_text=True))
        assert f'/cohorts/{opened.id}/roster">2 people of the course have not enrolled in Open' in html
    finally:
        with teacher.client.application.app_context():
            cache.delete(f"{CACHE_PREFIX}{teacher.course_id}")
