"""An instructor previews a cohort as its learners will see it: read-only, nothing written."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.models.enrolment import Enrolment
from tests.factories import make_cohort
from tests.web.course_pages import OTHER_COURSE, commit, launch


def test_a_draft_cohort_is_previewed_as_a_learner_reads_it_then_its_form_disabled(teacher):
    cohort = make_cohort(teacher.course, name="Autumn pilot", state=CohortState.DRAFT)
    commit()
    cohort_page = teacher.get(f"instructor/cohorts/{cohort.id}").get_data(as_text=True)
    assert f"/instructor/cohorts/{cohort.id}/preview" in cohort_page
    orientation = teacher.get(f"instructor/cohorts/{cohort.id}/preview").get_data(as_text=True)
    assert "Preview as a learner" in orientation and "Ground rules" in orientation and "Your role" in orientation
    assert f"/instructor/cohorts/{cohort.id}/preview/enrol" in orientation
    form = teacher.get(f"instructor/cohorts/{cohort.id}/preview/enrol").get_data(as_text=True)
    assert "Enrol in Autumn pilot" in form and "<fieldset disabled" in form
    assert not re.search(r'<form[^>]*method="post"[^>]*class="stacked"', form) and 'type="submit">Enrol<' not in form


def test_nothing_can_be_sent_from_a_preview(teacher):
    cohort = make_cohort(teacher.course, state=CohortState.ENROLMENT_OPEN)
    commit()
    sent = teacher.post(f"instructor/cohorts/{cohort.id}/preview/enrol", {"role_wanted": "mentee"})
    assert sent.status_code == 405
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0


def test_only_the_courses_staff_preview_its_cohorts(app, platform, teacher):
    cohort = make_cohort(teacher.course)
    commit()
    learner = launch(app, platform, platform.learners[0].sub)
    assert learner.get(f"instructor/cohorts/{cohort.id}/preview").status_code == 403
    other = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    assert other.get(f"instructor/cohorts/{cohort.id}/preview/enrol").status_code == 404
