"""Copying a cohort for the next round, through real launches: the set-up comes along, the people do not."""
from __future__ import annotations

from datetime import timedelta

from markupsafe import escape
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_settings import PrivacySetting
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.matching.settings import MatchMode
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.completion import CohortCompletion
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.reflection import ReflectionAssignment
from lti_app.mentoring.services.matching import pairing as matching
from tests.factories import make_cohort, make_enrolment
from tests.factories_grades import enable_completion
from tests.factories_matching_modes import set_mode
from tests.factories_reflections import make_assignment
from tests.web.course_pages import OTHER_COURSE, commit, launch
from tests.web.test_cohort_pages import TODAY, cohort_form


def finished_cohort(course):
    cohort = make_cohort(course, name="Spring pilot", state=CohortState.FINISHED, privacy=PrivacySetting.GOALS_AND_STATUS,
                         enrolment_opens_on=TODAY - timedelta(days=200), enrolment_closes_on=TODAY - timedelta(days=180),
                         starts_on=TODAY - timedelta(days=170), ends_on=TODAY - timedelta(days=10), meeting_cadence_days=21)
    set_mode(cohort, MatchMode.SELF_SELECT)
    make_enrolment(cohort)
    make_assignment(cohort, title="Midpoint reflection", opens_on=TODAY - timedelta(days=100), due_on=TODAY - timedelta(days=90))
    enable_completion(cohort, min_meetings=4)
    commit()
    return cohort


def test_the_copy_form_offers_the_next_round_with_the_dates_moved_on(teacher):
    source = finished_cohort(teacher.course)
    page = teacher.get(f"instructor/cohorts/{source.id}/copy").get_data(as_text=True)
    assert "Copy “Spring pilot”" in page and 'value="Spring pilot (next round)"' in page
    assert f'value="{TODAY.isoformat()}"' in page  # the source ended in the past: enrolment opens today
    assert 'value="21"' in page or '<option selected value="21">' in page
    assert str(escape("no participants, pairs or anything they wrote")) in page


def test_creating_the_copy_brings_the_set_up_and_no_people(teacher):
    source = finished_cohort(teacher.course)
    start = TODAY + timedelta(days=30)
    data = cohort_form(name="Autumn round", starts_on=start.isoformat(), privacy="goals_and_status")
    created = teacher.post(f"instructor/cohorts/{source.id}/copy", data)
    assert created.status_code == 302
    copy = db.session.scalar(select(Cohort).where(Cohort.name == "Autumn round"))
    assert copy.state is CohortState.DRAFT and copy.course_id == source.course_id
    assert db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.cohort_id == copy.id)) == 0
    assert matching.settings_of(copy).mode is MatchMode.SELF_SELECT
    (reflection,) = db.session.scalars(select(ReflectionAssignment).where(ReflectionAssignment.cohort_id == copy.id))
    moved = start - source.starts_on
    assert reflection.title == "Midpoint reflection" and reflection.due_on == TODAY - timedelta(days=90) + moved
    assert reflection.lineitem_url is None
    rules = db.session.scalar(select(CohortCompletion).where(CohortCompletion.cohort_id == copy.id))
    assert rules.enabled and rules.min_meetings == 4 and rules.lineitem_url is None


def test_a_copy_with_a_taken_name_is_refused_by_its_field_and_nothing_is_made(teacher):
    source = finished_cohort(teacher.course)
    refused = teacher.post(f"instructor/cohorts/{source.id}/copy", cohort_form(name="Spring pilot"))
    assert refused.status_code == 422 and "already has a cohort called" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 1


def test_another_courses_cohort_cannot_be_copied_and_learners_cannot_copy(app, platform, teacher):
    other = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    source = finished_cohort(teacher.course)
    assert other.get(f"instructor/cohorts/{source.id}/copy").status_code == 404
    assert other.post(f"instructor/cohorts/{source.id}/copy", cohort_form(name="Stolen")).status_code == 404
    learner = launch(app, platform, platform.learners[0].sub)
    assert learner.get(f"instructor/cohorts/{source.id}/copy").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 1


def test_the_cohort_page_offers_the_copy(teacher):
    source = finished_cohort(teacher.course)
    page = teacher.get(f"instructor/cohorts/{source.id}").get_data(as_text=True)
    assert f"/instructor/cohorts/{source.id}/copy" in page
