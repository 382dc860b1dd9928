"""Headless Chromium through the new-window hand-over: a frame whose cookie never comes back, then the new window.

The launch's session cookie never reaches the browser (as with a frame that keeps no cookie of the tool), and
the new window starts from an empty cookie jar (a top-level window does not share a partitioned iframe's cookies):
the page there names the person, and only the click on "Continue as …" opens their home.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

LEARNER = "Siobhán O'Brien"


SESSION_COOKIE = "rementor_session"


def _launch_without_session_cookie(route, request) -> None:
    """The launch's answer reaches the page without its session cookie (the frame would not keep it)."""
    response = route.fetch(max_redirects=0)
    route.request.frame.page.context.clear_cookies(name=SESSION_COOKIE)  # in case the fetch stored it
    headers = [h for h in response.headers_array if not (h["name"].lower() == "set-cookie" and SESSION_COOKIE in h["value"])]
    route.fulfill(response=response, headers={h["name"]: h["value"] for h in headers})


def test_a_learner_whose_frame_keeps_no_cookie_continues_in_a_new_window_after_confirming(live_server, page):
    page.route("**/lti/launch", _launch_without_session_cookie)
    page.goto(live_server + "/demo/")
    page.get_by_role("link", name=f"Launch as {LEARNER}").click()
    page.get_by_role("heading", name="Continue in a new window").wait_for()

    page.context.clear_cookies()  # the new window's cookie jar is not the frame's
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Open ReMentor in a new window").click()
    window = opened.value
    window.get_by_role("heading", name=f"Continue as {LEARNER}?").wait_for()
    assert "/learner/" not in window.url and "Not you?" in window.content()

    window.get_by_role("button", name=f"Continue as {LEARNER}").click()
    window.wait_for_url("**/learner/")
    assert window.get_by_role("heading", level=1).inner_text() == "Welcome, Siobhán"
