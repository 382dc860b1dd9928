"""Bad ids and page numbers on the instructor's list pages give a clear 404 or a sensible page, never an error."""
from __future__ import annotations

import pytest

from tests.web.big_cohort import big_cohort
from tests.web.course_pages import OTHER_COURSE, commit, launch

HUGE = str(10**12)  # beyond a 32-bit id column: the database must never be asked for it


@pytest.fixture
def world(app, platform):
    teacher = launch(app, platform, platform.instructor.sub)
    mine = big_cohort(teacher).grow(2)
    other_teacher = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    theirs = big_cohort(other_teacher).grow(1)
    commit()
    return mine, theirs


NOT_FOUND = [
    "cohorts/{cohort}/participants/{other_enrolment}", "cohorts/{cohort}/participants/" + HUGE,
    "cohorts/{cohort}/pairs/{other_pair}", "cohorts/{cohort}/pairs/" + HUGE,
    "cohorts/{cohort}/reflections/{other_assignment}/", "cohorts/{cohort}/reflections/" + HUGE + "/",
    "cohorts/{cohort}/reflections/{assignment}/submissions/{other_submission}",
    "cohorts/{cohort}/reflections/{assignment}/submissions/" + HUGE,
    "cohorts/{other_cohort}/participants/", "cohorts/" + HUGE + "/pairs/", "cohorts/{other_cohort}/completion/",
]
ODD_QUERIES = ["page=abc", "page=-1", "page=" + HUGE, "page=99999999999999999999", "q=" + "x" * 5000, "q=%00%25_",
               "state=nonsense&status=nope&attention=%FF&role=x&skill=%00"]


def test_an_id_of_another_course_or_beyond_any_id_is_not_found(world):
    mine, theirs = world
    answers = {}
    for page in NOT_FOUND:
        url = page.format(cohort=mine.cohort.id, assignment=mine.assignment.id, other_cohort=theirs.cohort.id,
                          other_enrolment=theirs.pairs[0].mentee_enrolment_id, other_pair=theirs.pairs[0].id,
                          other_assignment=theirs.assignment.id, other_submission=theirs.submissions[0].id)
        answers[page] = mine.teacher.get("instructor/" + url).status_code
    assert answers == dict.fromkeys(NOT_FOUND, 404)


@pytest.mark.parametrize("list_page", ["participants/", "pairs/", "completion/", "reflections/{assignment}/"])
def test_odd_page_numbers_filters_and_searches_give_a_page(world, list_page):
    mine, _ = world
    base = f"instructor/cohorts/{mine.cohort.id}/{list_page.format(assignment=mine.assignment.id)}?"
    answers = {query: mine.teacher.get(base + query).status_code for query in ODD_QUERIES}
    assert answers == dict.fromkeys(ODD_QUERIES, 200)


def test_forged_ids_in_the_retry_and_re_pair_forms_are_refused_with_a_message(world):
    mine, _ = world
    retry = mine.teacher.post(f"instructor/cohorts/{mine.cohort.id}/completion/retry", {"entry_id": [HUGE, "-3", "x"]})
    assert retry.status_code == 303
    page = mine.teacher.get(f"instructor/cohorts/{mine.cohort.id}/completion/").get_data(as_text=True)
    assert "There is no grade waiting or refused with that number in this course." in page
    repair = mine.teacher.post(f"instructor/cohorts/{mine.cohort.id}/pairs/{mine.pairs[0].id}/repair/mentee",
                               {"partner": HUGE})
    assert repair.status_code == 200
