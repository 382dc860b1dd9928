"""An id beyond any id column, in any audience's URL, is not found (404) before the database sees it, never a 500."""
from __future__ import annotations

import pytest

from tests.web.course_pages import launch

HUGE = str(10**12)

LEARNER_PAGES = [
    "learner/cohorts/{huge}", "learner/cohorts/{huge}/enrol", "learner/cohorts/{huge}/enrolment",
    "learner/cohorts/{huge}/choosing/", "learner/pairs/{huge}/", "learner/pairs/{huge}/feedback/{huge}",
    "learner/pairs/{huge}/goals/{huge}", "learner/reflections/{huge}",
]


@pytest.mark.parametrize("page", LEARNER_PAGES)
def test_a_learner_url_with_a_huge_id_is_not_found(app, platform, page):
    learner = launch(app, platform, platform.learners[0].sub)
    assert learner.get(page.format(huge=HUGE)).status_code == 404


@pytest.mark.parametrize("path", ["/courses/{huge}/", "/courses/{huge}/learner/", "/courses/{huge}/instructor/",
                                  "/courses/{huge}/platform/"])
def test_a_course_id_beyond_any_id_is_not_found_for_anyone(client, path):
    assert client.get(path.format(huge=HUGE)).status_code == 404
