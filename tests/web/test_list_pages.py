"""The instructor's long lists (people, pair health, completion, submissions) page 50 rows at a time: totals of the
whole cohort, page links that keep the filters, a search by name, and any page number read without an error."""
from __future__ import annotations

import html as html_lib
import re

import pytest

from lti_app.mentoring.domain.profile_fields import RoleWanted
from lti_app.mentoring.domain.reflections import SubmissionStatus
from tests.factories import make_cohort, make_enrolment
from tests.factories_feedback import make_fit_check, published_days_ago
from tests.factories_grades import enable_completion
from tests.factories_reflections import make_assignment, make_submission
from tests.factories_workspace import make_running_cohort
from tests.web.course_pages import commit

ROWS = 55  # more than a page of 50


def page(session, url: str) -> str:
    response = session.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return html_lib.unescape(response.get_data(as_text=True))


def shown(html: str, names: list[str]) -> list[str]:
    """The names that appear as a cell's whole text (so "Person 1" is not found inside "Person 12")."""
    return [n for n in names if re.search(rf">\s*{re.escape(n)}\s*<", html)]


def named(enrolments, prefix: str = "Learner"):
    """Give each person a name no other one contains ("Learner 007"), so a search finds exactly one."""
    for i, e in enumerate(enrolments):
        e.person.name = f"{prefix} {i:03d}"
    return enrolments


def pager_links(html: str) -> list[str]:
    return re.findall(r'<nav class="pager"[^>]*>(.*?)</nav>', html, re.S)


@pytest.fixture
def people(teacher):
    cohort = make_cohort(teacher.course)
    enrolments = named([make_enrolment(cohort, role_wanted=RoleWanted.MENTEE) for _ in range(ROWS)])
    make_enrolment(cohort, role_wanted=RoleWanted.MENTOR).person.name = "Zelda Quartermaine"
    commit()
    return cohort, [e.person.display_name for e in enrolments]


def test_the_people_list_shows_50_a_page_with_the_cohort_totals_and_links_that_keep_the_filters(teacher, people):
    cohort, names = people
    first = page(teacher, f"instructor/cohorts/{cohort.id}/participants/?role=mentee")
    assert len(shown(first, names)) == 50 and "1–50 of 55 people." in first
    assert '<span class="count">56</span> enrolled' in first  # the whole cohort, not the page or the filter
    nav = pager_links(first)[0]
    assert "role=mentee" in nav and "page=2" in nav
    second = page(teacher, f"instructor/cohorts/{cohort.id}/participants/?role=mentee&page=2")
    assert len(shown(second, names)) == 5 and "51–55 of 55 people." in second
    assert not set(shown(first, names)) & set(shown(second, names))


def test_the_people_list_finds_a_person_by_part_of_their_name(teacher, people):
    cohort, names = people
    found = page(teacher, f"instructor/cohorts/{cohort.id}/participants/?q=quarterMAINE")
    assert "Zelda Quartermaine" in found and shown(found, names) == [] and "1 person." in found
    assert "No people." in page(teacher, f"instructor/cohorts/{cohort.id}/participants/?q=%25_nobody")


@pytest.mark.parametrize("number, summary", [("abc", "1–50 of"), ("-1", "1–50 of"), ("0", "1–50 of"),
                                             (str(10**12), "51–56 of"), ("2.5", "1–50 of")])
def test_any_page_number_gives_a_page_of_people(teacher, people, number, summary):
    cohort, _ = people
    assert summary in page(teacher, f"instructor/cohorts/{cohort.id}/participants/?page={number}")


@pytest.fixture
def pairs(teacher):
    cohort = make_running_cohort(teacher.course)
    made = [published_days_ago(31, cohort) for _ in range(ROWS)]
    named([p.mentor for p in made], "Mentor")
    named([p.mentee for p in made], "Mentee")
    make_fit_check(made[-1], made[-1].mentee)  # asks for help: flagged
    commit()
    return cohort, made


def test_pair_health_shows_50_pairs_a_page_with_the_counts_of_every_pair(teacher, pairs):
    cohort, made = pairs
    html = page(teacher, f"instructor/cohorts/{cohort.id}/pairs/?status=active")
    assert html.count('<tr id="pair-') == 50 and "1–50 of 55 pairs." in html
    assert '<span class="count">55</span> active pairs' in html and '<span class="count">1</span> flagged' in html
    assert "status=active" in pager_links(html)[0]
    last = page(teacher, f"instructor/cohorts/{cohort.id}/pairs/?status=active&page={10**12}")
    assert last.count('<tr id="pair-') == 5


def test_pair_health_filters_the_pairs_needing_attention_and_finds_a_partner_by_name(teacher, pairs):
    cohort, made = pairs
    flagged = page(teacher, f"instructor/cohorts/{cohort.id}/pairs/?attention=flagged")
    assert flagged.count('<tr id="pair-') == 1 and f'id="pair-{made[-1].id}"' in flagged
    name = made[3].mentor.person.display_name
    found = page(teacher, f"instructor/cohorts/{cohort.id}/pairs/?q={name}")
    assert f'id="pair-{made[3].id}"' in found and "1 pair." in found
    assert "No pair matches these filters." in page(teacher, f"instructor/cohorts/{cohort.id}/pairs/?status=ended")
    assert page(teacher, f"instructor/cohorts/{cohort.id}/pairs/?page=-1&attention=nonsense").count('<tr id="pair-') == 50


@pytest.fixture
def participants(teacher):
    cohort = make_running_cohort(teacher.course)
    enable_completion(cohort)
    enrolments = named([make_enrolment(cohort) for _ in range(ROWS)])
    commit()
    return cohort, enrolments


def test_completion_shows_50_participants_a_page_with_the_cohort_totals(teacher, participants):
    cohort, enrolments = participants
    names = [e.person.display_name for e in enrolments]
    html = page(teacher, f"instructor/cohorts/{cohort.id}/completion/?state=not_completed")
    assert len(shown(html, names)) == 50 and "1–50 of 55 participants." in html
    assert '<span class="count">55</span> not completed yet' in html and '<span class="count">0</span> completed' in html
    assert "state=not_completed" in pager_links(html)[0]
    assert "No participants." in page(teacher, f"instructor/cohorts/{cohort.id}/completion/?state=completed")
    found = page(teacher, f"instructor/cohorts/{cohort.id}/completion/?q={names[7]}&page=abc")
    assert shown(found, names) == [names[7]]


def test_submissions_show_50_a_page_filtered_by_what_was_handed_in(teacher, participants):
    cohort, enrolments = participants
    assignment = make_assignment(cohort)
    for e in enrolments[:3]:
        make_submission(assignment, e, SubmissionStatus.GRADED, score=7.0)
    make_submission(assignment, enrolments[3])
    commit()
    names = [e.person.display_name for e in enrolments]
    url = f"instructor/cohorts/{cohort.id}/reflections/{assignment.id}/"
    everyone = page(teacher, url)
    assert len(shown(everyone, names)) == 50 and "1–50 of 55 participants." in everyone
    assert '<span class="count">55</span> asked to write it' in everyone and '<span class="count">51</span> not submitted' in everyone
    missing = page(teacher, url + "?state=missing")
    assert "1–50 of 51 participants." in missing and "state=missing" in pager_links(missing)[0]
    assert set(shown(page(teacher, url + "?state=graded"), names)) == set(names[:3])
    assert shown(page(teacher, url + "?state=submitted"), names) == [names[3]]
    assert shown(page(teacher, url + f"?q={names[9]}&page={10**12}"), names) == [names[9]]
