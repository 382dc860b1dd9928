"""Headless Chromium: a coordinator who has never seen ReMentor runs a cohort from creation to completion, with two
learners enrolling, meeting and completing, following the cohort's own checklist at each step."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.test_enrolment import fill_the_enrolment_form

pytestmark = pytest.mark.e2e

COHORT = "Spring round"
MENTEE, MENTOR = "Siobhán O'Brien", "Wei Chen"  # both launch in English (Mateo García's LMS speaks Spanish)


def shows(page, text: str) -> None:
    expect(page.locator("body")).to_contain_text(text)


def as_instructor(page, base: str) -> None:
    page.goto(base + "/demo/")
    page.get_by_role("link", name="Launch as instructor").click()
    page.wait_for_url("**/instructor/")


def next_step(page, base: str, expected: str) -> None:
    """From the instructor home: the cohort's next step is ``expected``; follow it."""
    as_instructor(page, base)
    step = page.get_by_role("row", name=re.compile(COHORT)).get_by_role("link", name=re.compile(expected))
    step.click()


def enrol(page, base: str, who: str, as_mentor: bool) -> None:
    page.goto(base + "/demo/")
    page.get_by_role("link", name=f"Launch as {who}").click()
    page.get_by_role("link", name=f"Read about it and enrol in {COHORT}").click()
    page.get_by_role("link", name="I have read this: continue to enrolment").click()
    fill_the_enrolment_form(page)
    if as_mentor:  # the junior partner, offering what the mentee wants to learn
        page.get_by_label("Mentor", exact=True).check()
        page.get_by_label("Years of work experience").fill("2")
        page.get_by_label("Early career").check()
        page.get_by_label("Career navigation: offer or learn").select_option("offered")
        page.get_by_label("Career navigation: your level today").select_option("4")
        page.get_by_label("Generative AI and AI tools: offer or learn").select_option("wanted")
    page.get_by_role("button", name="Enrol").click()
    shows(page, f"You are enrolled in “{COHORT}”")


def test_a_coordinator_runs_a_cohort_from_creation_to_completion(live_server, page):
    base, today = live_server, date.today()
    as_instructor(page, base)
    page.get_by_role("link", name="The coordinator's guide").first.click()
    shows(page, "Start with a pilot")
    as_instructor(page, base)
    page.get_by_role("link", name="Create a cohort").click()
    page.get_by_label("Name", exact=True).fill(COHORT)
    page.get_by_label("Enrolment opens on").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("Enrolment closes on").fill((today + timedelta(days=14)).isoformat())
    page.get_by_label("Programme starts on").fill(today.isoformat())
    page.get_by_label("Programme ends on").fill((today + timedelta(days=120)).isoformat())
    page.get_by_role("button", name="Create the cohort").click()
    shows(page, "is saved as a draft")
    shows(page, "What to do next")

    next_step(page, base, "Check the settings")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("button", name="Open enrolment").click()
    shows(page, "Enrolment is open")

    enrol(page, base, MENTEE, as_mentor=False)
    enrol(page, base, MENTOR, as_mentor=True)

    next_step(page, base, "Remind the people")
    expect(page.get_by_role("heading", level=1)).to_contain_text("not enrolled")
    as_instructor(page, base)
    page.get_by_role("link", name=COHORT, exact=True).click()
    page.get_by_role("button", name="Close enrolment").click()
    shows(page, "Enrolment is closed")

    next_step(page, base, "Run the matching")
    page.get_by_role("button", name="Run the matching").click()
    shows(page, "The matching proposes 1 pair.")
    page.get_by_label(re.compile("I have reviewed the pairs")).check()
    page.get_by_role("button", name="Publish the pairs").click()
    shows(page, "1 pair is published")

    next_step(page, base, "Follow up")
    page.get_by_role("button", name="Start the programme").click()
    shows(page, "The programme is running")

    page.goto(base + "/demo/")
    page.get_by_role("link", name=f"Launch as {MENTOR}").click()
    page.get_by_role("link", name=f"Your pair with {MENTEE}").click()
    shows(page, "Why you were matched")
    page.get_by_role("link", name="Log a meeting").first.click()
    page.get_by_label("Date of the meeting").fill(today.isoformat())
    page.get_by_label("What you talked about").fill("Kick-off: goals and how we meet")
    page.get_by_role("button", name="Log the meeting").click()
    shows(page, "The meeting is logged.")

    as_instructor(page, base)
    page.get_by_role("link", name=COHORT).click()
    page.get_by_role("link", name="Completion rules and grade sync").click()
    page.get_by_label("Send programme completion to the LMS gradebook").check()
    page.get_by_label("Meetings held, at least").fill("1")
    page.get_by_role("button", name="Save the rules").click()
    shows(page, "The completion rules are saved")
    page.get_by_role("button", name="Evaluate now").click()
    shows(page, "2 participants newly completed the programme")  # one meeting held: both partners complete
    as_instructor(page, base)
    page.get_by_role("link", name=COHORT).click()
    page.get_by_role("link", name="How the pairs are doing").click()
    page.get_by_label("End every active pair and finish the cohort").check()
    page.get_by_role("button", name="Close the cohort").click()
    shows(page, "The cohort is finished; 1 active pair ended")
    as_instructor(page, base)
    row = page.get_by_role("row", name=re.compile(COHORT))
    expect(row).to_contain_text("Finished")
    expect(row).to_contain_text("All done")
