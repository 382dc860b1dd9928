"""Headless Chromium: the matching settings disable what a rule or a criterion switched off leaves unused."""
from __future__ import annotations

import pytest

from tests.e2e.test_enrolment import create_and_open_a_cohort

pytestmark = pytest.mark.e2e


def test_a_rule_or_criterion_switched_off_disables_its_setting_and_saving_keeps_the_rest(live_server, page):
    create_and_open_a_cohort(page, live_server, "Settings cohort")
    page.get_by_role("link", name="Matching settings").click()
    page.wait_for_url("**/matching/settings")
    hours = page.get_by_label("Minimum overlapping hours a week")
    goals_direction = page.get_by_label("Goals direction")
    assert hours.is_enabled() and goals_direction.is_enabled()
    page.get_by_label("Partners' weekly availability overlaps").uncheck()
    assert hours.is_disabled()
    page.get_by_label("Goals weight").fill("0")
    assert goals_direction.is_disabled()
    page.get_by_label("Mentees choose their mentor").check()
    page.get_by_role("button", name="Save the settings").click()
    page.get_by_text("The matching settings are saved").wait_for()
    page.get_by_role("link", name="Cohorts").first.click()
    page.get_by_role("link", name="Settings cohort", exact=True).click()
    page.get_by_role("link", name="Matching settings").click()
    assert page.get_by_label("Mentees choose their mentor").is_checked()
    assert page.get_by_label("Minimum overlapping hours a week").is_disabled()
    assert page.get_by_label("Goals direction").is_disabled()
    page.get_by_label("Partners' weekly availability overlaps").check()
    assert page.get_by_label("Minimum overlapping hours a week").is_enabled()
