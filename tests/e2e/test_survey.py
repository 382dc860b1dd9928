"""Headless Chromium: a demo learner finds the due pulse survey on their home, reads who sees what, answers it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

LEARNER = "Aiko Tanaka"  # the demo seed leaves the first learner's pulse unanswered


@pytest.fixture
def demo_surveys(live_server, tmp_path):
    """The live server's database with the demo programme and its pulse answers seeded."""
    from lti_app import create_app
    from lti_app.extensions import db
    from lti_app.demo import programme, surveys

    app = create_app("development", {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e2e.sqlite'}", "CACHE_TYPE": "SimpleCache",
        "DEMO_ENABLED": True, "DEMO_BASE_URL": live_server, "SERVER_NAME": None,
        "DEMO_PLATFORM_KEY_FILE": str(tmp_path / "demo_platform_key.pem"), "TOOL_KEY_FILE": str(tmp_path / "tool_key.pem"),
    })
    with app.app_context():
        programme.seed_programme()
        lines = surveys.seed_surveys(programme.COHORT_NAME)
        db.session.remove()
        db.engine.dispose()
    assert "for 9 learners" in lines[0]
    return live_server


def test_a_learner_answers_the_pulse_survey(demo_surveys, page):
    page.goto(demo_surveys + "/demo/")
    page.get_by_role("link", name=f"Launch as {LEARNER}").click()
    page.wait_for_url("**/learner/")
    page.get_by_role("link", name="Pulse survey, round 1").click()
    page.wait_for_url(re.compile(r".*/surveys/\d+$"))
    expect(page.locator("body")).to_contain_text("Before you answer: who sees what")
    for code, value in (("satisfaction", "4"), ("usefulness", "5"), ("progress", "4"), ("recommend", "9")):
        page.locator(f'input[name="{code}"][value="{value}"]').check()
    page.get_by_label("What have you learned?").fill("How my mentee plans a term.")
    page.get_by_role("button", name="Send your answer").click()
    expect(page.locator("body")).to_contain_text("Thank you: your answer is saved")
    expect(page.get_by_role("button", name="Change your answer")).to_be_visible()
