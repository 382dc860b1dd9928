"""Headless Chromium: an instructor opens the demo cohort's dashboard, sees its charts and downloads a CSV."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_workspace import demo_programme  # noqa: F401 (the fixture: the demo programme seeded)

pytestmark = pytest.mark.e2e


def test_an_instructor_sees_the_demo_dashboards_charts_and_downloads_a_csv(demo_programme, page):  # noqa: F811
    page.goto(demo_programme + "/demo/")
    page.get_by_role("link", name="Launch as instructor").click()
    page.wait_for_url("**/instructor/")
    page.get_by_role("link", name="Demo programme", exact=True).first.click()
    page.get_by_role("link", name="Dashboard, charts and CSV downloads").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard of Demo programme")
    charts = page.locator("svg.pygal-chart")
    expect(charts).to_have_count(4)
    expect(page.get_by_role("img", name="Funnel by role: Participants at each stage, mentors and mentees (now).")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Non-participants")
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Download “Funnel (now)” (CSV)").click()
    data = Path(downloaded.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbfstage,mentors,mentees,all,share of enrolled")
    assert b"Matched,5,5,10" in data
