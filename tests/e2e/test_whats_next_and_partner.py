"""Headless Chromium: a demo learner opens their home, sees "What's next" with its links, follows one to the
workspace and reads the partner card (time zone, weekly overlap, calendar links) at the LMS iframe's 800 px."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_workspace import MENTEE, MENTOR, demo_programme, shows  # noqa: F401 (the fixture)

pytestmark = pytest.mark.e2e


def test_a_learner_sees_whats_next_and_the_partner_card(demo_programme, page):  # noqa: F811
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(demo_programme + "/demo/")
    page.get_by_role("link", name=f"Launch as {MENTOR}").click()
    page.wait_for_url("**/learner/")
    section = page.locator("#whats-next")
    expect(section).to_contain_text("What's next")
    expect(section).to_contain_text(f"with {MENTEE}")
    expect(section).to_contain_text("Dates are days in your time zone")
    section.get_by_role("link", name=re.compile(f"agreement with {MENTEE}")).click()
    page.wait_for_url(re.compile(r".*/learner/pairs/\d+/agreement$"))
    page.get_by_role("link", name=f"Your pair with {MENTEE}").first.click()
    page.wait_for_url(re.compile(r".*/learner/pairs/\d+/$"))
    card = page.locator("#partner-card")
    expect(card).to_contain_text(f"Your mentee: {MENTEE}")
    expect(card).to_contain_text("for them now")
    expect(card.get_by_role("link", name="The next meeting")).to_have_attribute("href", re.compile(r"/calendar/next\.ics$"))
    week = card.locator("details").first  # open when the two have times in common, else opened by a click
    if week.get_attribute("open") is None:
        card.get_by_text("When you are both free each week").click()
    expect(card.locator("table.availability-overlap")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 800, f"the page scrolls sideways at 800 px ({width})"
