"""Every instructor page of a cohort costs the same number of SQL queries for a small cohort and a bigger one.

Each page is read once to warm what a session caches, then counted at 3 busy pairs and again at 12; a page that
loads a person, a pair or a reflection per row fails here.
"""
from __future__ import annotations

import pytest

from tests.queries import queries_of_request
from tests.web.big_cohort import big_cohort
from tests.web.course_pages import launch

PAGES = [
    "",
    "cohorts/{cohort}",
    "cohorts/{cohort}/participants/",
    "cohorts/{cohort}/participants/?role=mentee&q=person",
    "cohorts/{cohort}/participants/{enrolment}",
    "cohorts/{cohort}/roster",
    "cohorts/{cohort}/pairs/",
    "cohorts/{cohort}/pairs/?attention=at_risk&q=person",
    "cohorts/{cohort}/pairs/{pair}",
    "cohorts/{cohort}/completion/",
    "cohorts/{cohort}/completion/?state=not_completed",
    "cohorts/{cohort}/reflections/",
    "cohorts/{cohort}/reflections/{assignment}/",
    "cohorts/{cohort}/reflections/{assignment}/?state=missing&q=person",
    "cohorts/{cohort}/reflections/{assignment}/submissions/{submission}",
]


@pytest.fixture
def cohort(app, platform):
    return big_cohort(launch(app, platform, platform.instructor.sub))


def counted(cohort, page: str) -> int:
    url = cohort.teacher.url(cohort.url(page))
    queries_of_request(cohort.teacher.client, url)  # warms the session's caches (launch, registration)
    return queries_of_request(cohort.teacher.client, url)


@pytest.mark.parametrize("page", PAGES)
def test_an_instructor_page_costs_the_same_queries_at_3_pairs_and_at_12(cohort, page):
    few = counted(cohort.grow(3), page)
    many = counted(cohort.grow(9), page)
    assert few == many, f"{page}: {few} queries at 3 pairs, {many} at 12"
