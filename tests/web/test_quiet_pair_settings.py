"""The cohort's quiet-pair settings: shown and saved on its edit page, bad values refused with a message."""
from __future__ import annotations

import pytest

from lti_app.extensions import db
from lti_app.mentoring.models.cohort import Cohort
from tests.factories import make_cohort
from tests.web.course_pages import commit
from tests.web.test_cohort_pages import cohort_form


def test_new_cohorts_default_to_ninety_days_warned_seven_before(teacher):
    cohort = make_cohort(teacher.course)
    commit()
    assert (cohort.quiet_after_days, cohort.quiet_warning_days) == (90, 7)
    html = teacher.get(f"instructor/cohorts/{cohort.id}/edit").get_data(as_text=True)
    assert 'name="quiet_after_days"' in html and 'value="90"' in html


def test_the_settings_are_saved(teacher):
    cohort = make_cohort(teacher.course, name="Pilot", skills=("ai_tools",))
    commit()
    saved = teacher.post(f"instructor/cohorts/{cohort.id}/edit",
                         cohort_form(name="Pilot", quiet_after_days="60", quiet_warning_days="10"))
    assert saved.status_code == 302
    db.session.expire_all()
    found = db.session.get(Cohort, cohort.id)
    assert (found.quiet_after_days, found.quiet_warning_days) == (60, 10)


@pytest.mark.parametrize(("after", "warn", "message"), [
    ("5", "2", "Choose from 14 to 365 days."), ("400", "7", "Choose from 14 to 365 days."),
    ("30", "0", "Choose from 1 to 30 days."), ("20", "20", "Warn the pair 1 to 30 days before"),
    ("abc", "7", ""), ("30", "-1", "Choose from 1 to 30 days."),
])
def test_bad_values_are_refused(teacher, after, warn, message):
    cohort = make_cohort(teacher.course, name="Pilot", skills=("ai_tools",))
    commit()
    page = teacher.post(f"instructor/cohorts/{cohort.id}/edit", cohort_form(name="Pilot", quiet_after_days=after,
                                                                           quiet_warning_days=warn))
    assert page.status_code in (200, 400, 422)
    assert message in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).quiet_after_days == 90
