"""A new cohort's form offers the default ground rules in the instructor's language; what is saved is what they keep."""
from __future__ import annotations

from tests.web.course_pages import launch


def test_the_new_cohort_form_offers_the_ground_rules_in_the_instructor_s_language(app, platform):
    teacher = launch(app, platform, platform.instructor.sub, locale="de-DE")
    page = teacher.get("instructor/cohorts/new").get_data(as_text=True)
    assert "Vertraulichkeit: Was wir in unseren Gesprächen teilen" in page
    english = launch(app, platform, platform.instructor.sub, locale="en")
    assert "Confidentiality: what we share" in english.get("instructor/cohorts/new").get_data(as_text=True)
