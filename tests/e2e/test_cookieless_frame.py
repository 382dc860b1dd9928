"""Headless Chromium, third-party cookies blocked: ReMentor inside the demo LMS's course page, with and without
the LMS's postMessage storage.

The course page is opened at ``localhost`` and frames the tool at ``127.0.0.1``: another site, so the tool is a
third-party frame whose cookies the browser blocks (``blocked_page`` runs Chromium with
``--test-third-party-cookie-phaseout``; the development cookies are not ``SameSite=None`` either). With the LMS's storage the state travels through the LMS's frame and
the session through the frame's token: the learner's home opens inside the page and its links work. Without it
the login's cookie check offers the new window, as before.
"""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def _course_page(live_server: str, page, *, storage: bool):
    page.goto(live_server.replace("127.0.0.1", "localhost") + "/demo/")
    offer = "with postMessage storage" if storage else "without storage"
    page.get_by_role("link", name=f"course page, LMS {offer}").last.click()
    return page.frame_locator('iframe[name="tool_frame"]')


def test_with_the_lms_storage_the_launch_and_its_session_work_inside_the_frame(live_server, blocked_page):
    tool = _course_page(live_server, blocked_page, storage=True)
    tool.get_by_role("heading", name=re.compile(r"^Welcome, ")).wait_for()
    assert blocked_page.context.cookies(live_server) == []  # the tool's frame kept no cookie
    tool.get_by_role("link", name="Your e-mail").click()  # a link inside the frame keeps the session
    tool.get_by_role("button", name="Save").click()  # and so does a form (CSRF and frame token)
    tool.get_by_text("Your e-mail choice is saved.").wait_for()
    frame = next(f for f in blocked_page.frames if f.name == "tool_frame")
    assert "_rm" not in frame.url


def test_without_the_lms_storage_the_frame_offers_the_new_window_which_works(live_server, blocked_page):
    tool = _course_page(live_server, blocked_page, storage=False)
    with blocked_page.expect_popup() as opened:
        tool.get_by_role("link", name="Open ReMentor in a new window").click()
    window = opened.value
    window.get_by_role("heading", name=re.compile(r"^Welcome, ")).wait_for()


def test_a_storage_frame_that_never_answers_falls_back_to_the_cookie_login(live_server, blocked_page):
    blocked_page.route("**/demo/platform/storage", lambda route: route.fulfill(status=204, body=""))
    tool = _course_page(live_server, blocked_page, storage=True)
    tool.get_by_role("link", name="Open ReMentor in a new window").wait_for()
