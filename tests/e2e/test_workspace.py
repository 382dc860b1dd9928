"""Headless Chromium: two demo partners sign their agreement, one sets a goal, the other logs a meeting, each sees it."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

MENTOR, MENTEE = "Aiko Tanaka", "Kwame Mensah"  # the demo seed's first pair


@pytest.fixture
def demo_programme(live_server, tmp_path):
    """The live server's database with the demo programme seeded (its running cohort and published pairs)."""
    from lti_app import create_app
    from lti_app.extensions import db
    from lti_app.demo import programme

    app = create_app("development", {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e2e.sqlite'}", "CACHE_TYPE": "SimpleCache",
        "DEMO_ENABLED": True, "DEMO_BASE_URL": live_server, "SERVER_NAME": None,
        "DEMO_PLATFORM_KEY_FILE": str(tmp_path / "demo_platform_key.pem"), "TOOL_KEY_FILE": str(tmp_path / "tool_key.pem"),
    })
    with app.app_context():
        lines = programme.seed_programme()
        db.session.remove()
        db.engine.dispose()
    assert "Aiko Tanaka mentors Kwame Mensah" in lines[0]
    return live_server


def shows(page, text: str) -> None:
    """The page (after any navigation a click started) shows ``text``; waits for it rather than racing the load."""
    expect(page.locator("body")).to_contain_text(text)


def open_workspace(page, base: str, who: str, partner: str) -> None:
    """Launch from the demo LMS as ``who`` and open the pair with ``partner`` from the learner's home."""
    page.goto(base + "/demo/")
    page.get_by_role("link", name=f"Launch as {who}").click()
    page.wait_for_url("**/learner/")
    page.get_by_role("link", name=f"Your pair with {partner}").click()
    page.wait_for_url(re.compile(r".*/learner/pairs/\d+/$"))


def write_expectations_and_save(page, words: str) -> None:
    page.get_by_label("What you expect from this partnership, in your own words").fill(words)
    page.get_by_role("button", name="Save the terms").click()
    shows(page, "The agreement is saved")


def test_two_partners_sign_set_a_goal_log_a_meeting_and_see_each_others_work(demo_programme, page):
    base = demo_programme
    open_workspace(page, base, MENTOR, MENTEE)
    shows(page, "Your next meeting is overdue.")
    page.get_by_role("link", name="Propose the terms").click()
    write_expectations_and_save(page, "Clear questions, and time to practise between meetings.")

    open_workspace(page, base, MENTEE, MENTOR)
    page.get_by_role("link", name="Open the agreement").click()
    shows(page, "Clear questions, and time to practise")
    write_expectations_and_save(page, "Show me the AI tools your generation uses.")
    page.get_by_role("button", name="Sign the agreement").click()
    shows(page, "You signed the agreement. It is in force once your partner signs it too.")

    page.get_by_role("link", name=f"Your pair with {MENTOR}").click()
    page.get_by_role("link", name="Set a goal").click()
    page.get_by_label("The goal in one sentence").fill("Use two AI tools in my weekly reports")
    page.get_by_label("Generative AI and AI tools").check()
    page.get_by_label("Target rating").select_option("4")
    page.get_by_label("Reach the target by").fill((date.today() + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Set the goal").click()
    shows(page, "The goal is set.")
    shows(page, "2/5 (baseline)")

    open_workspace(page, base, MENTOR, MENTEE)
    assert "Use two AI tools in my weekly reports" in page.content()
    page.get_by_role("link", name="Open the agreement").click()
    page.get_by_role("button", name="Sign the agreement").click()
    shows(page, "The agreement is signed by both of you.")
    page.get_by_role("link", name=f"Your pair with {MENTEE}").click()
    page.get_by_role("link", name="Log a meeting").click()
    page.get_by_label("Date of the meeting").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_label("What you talked about").fill("Prompting for report summaries")
    page.get_by_label("Action items (optional, one per line)").fill("Try the summary prompt on Friday's report")
    page.get_by_label("Who takes the action items?").select_option(label=MENTEE)
    page.get_by_role("button", name="Log the meeting").click()
    shows(page, "The meeting is logged.")

    open_workspace(page, base, MENTEE, MENTOR)
    body = page.content()
    assert "Signed by both" in body and "overdue" not in body
    assert "1 meeting held" in body and "Prompting for report summaries" in body
    assert "Try the summary prompt on Friday's report" in body or "Try the summary prompt on Friday&#39;s report" in body
    task = page.get_by_role("listitem").filter(has_text="Try the summary prompt on Friday's report")
    task.get_by_role("button", name=re.compile("^Mark done")).click()
    shows(page, "1 of 1 done.")
