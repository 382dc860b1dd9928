"""Headless Chromium: an instructor opens a cohort from the demo LMS, a learner reads the orientation and enrols."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

pytestmark = pytest.mark.e2e


def create_and_open_a_cohort(page, live_server: str, name: str) -> None:
    """As the demo's instructor: create a cohort whose enrolment runs from today, then open enrolment."""
    today = date.today()
    page.goto(live_server + "/demo/")
    page.get_by_role("link", name="Launch as instructor").click()
    page.wait_for_url("**/instructor/")
    page.get_by_role("link", name="Create a cohort").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Enrolment opens on").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("Enrolment closes on").fill((today + timedelta(days=14)).isoformat())
    page.get_by_label("Programme starts on").fill((today + timedelta(days=21)).isoformat())
    page.get_by_label("Programme ends on").fill((today + timedelta(days=180)).isoformat())
    page.get_by_role("button", name="Create the cohort").click()
    page.wait_for_url(re.compile(r".*/instructor/cohorts/\d+$"))
    assert "is saved as a draft" in page.content()
    page.get_by_role("button", name="Open enrolment").click()
    page.get_by_text("Enrolment is open").first.wait_for()


def fill_the_enrolment_form(page) -> None:
    """As a mentee who offers AI tools and wants career navigation."""
    page.get_by_label("Mentee", exact=True).check()
    page.get_by_label("Years of work experience").fill("14")
    page.get_by_label("Mid-career").check()
    page.get_by_label("Generative AI and AI tools: offer or learn").select_option("offered")
    page.get_by_label("Generative AI and AI tools: your level today").select_option("3")
    page.get_by_label("Career navigation: offer or learn").select_option("wanted")
    page.get_by_label("Career navigation: your level today").select_option("2")
    page.get_by_label("Video call").check()
    page.get_by_label("Monday Morning 08-12").check()
    page.get_by_label("Thursday Afternoon 12-17").check()
    page.get_by_label("Your time zone").select_option("Europe/Dublin")
    page.get_by_label("English").check()
    page.get_by_label("What do you want to get out of the programme?").fill("See how my students use AI tools.")
    page.get_by_label("I have read the ground rules").check()


def test_an_instructor_opens_a_cohort_and_a_learner_reads_the_orientation_and_enrols(live_server, page):
    create_and_open_a_cohort(page, live_server, "Pilot 2026")

    page.goto(live_server + "/demo/")
    page.get_by_role("link", name="Launch as Siobhán O'Brien").click()
    page.wait_for_url("**/learner/")
    assert "Pilot 2026" in page.content()
    page.get_by_role("link", name="Read about it and enrol in Pilot 2026").click()
    page.wait_for_url(re.compile(r".*/learner/cohorts/\d+$"))  # the click starts the navigation; read the page it ends on

    body = page.content()
    assert "As a mentor" in body and "As a mentee" in body and "Ground rules" in body and "Activity and status only" in body
    page.get_by_role("link", name="I have read this: continue to enrolment").click()

    page.get_by_role("button", name="Enrol").click()  # nothing filled in: every problem is listed
    summary = page.get_by_role("alert").filter(has_text="Please check these answers")
    assert summary.is_visible() and "Accept the ground rules to take part." in summary.inner_text()

    fill_the_enrolment_form(page)
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url("**/enrolment")
    body = page.content()
    assert "You are enrolled in “Pilot 2026”" in body
    assert "Career navigation · 2/5" in body and "Generative AI and AI tools · 3/5" in body and "Europe/Dublin" in body
