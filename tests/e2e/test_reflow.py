"""Reflow (WCAG 1.4.10) at 320 px, the width of an LMS side panel: the main learner and instructor pages scroll
only vertically. Screenshots at 800 and 320 px go to REMENTOR_SHOTS when it names a folder (to look at by eye)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.accessibility_support import axe_violations, chromium, describe, launch, new_context, serve_demo

pytestmark = pytest.mark.e2e

LEARNER, INSTRUCTOR = "u-2001", "u-1001"
SHOTS = os.environ.get("REMENTOR_SHOTS")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("reflow"))


@pytest.fixture(scope="module")
def browser(chromium_path):
    yield from chromium(chromium_path)


def pages_of(page, base: str, sub: str) -> dict[str, str]:
    """The main pages of a learner (home, pair workspace, reflections) or an instructor (home, cohort, matching,
    pairs, participants, dashboard)."""
    launch(page, base, sub, "en")
    home = page.url
    course = re.search(r"/courses/\d+/", home).group(0)
    if sub == LEARNER:
        pair = re.search(r"/learner/pairs/\d+/", page.content()).group(0)
        return {"learner-home": home, "workspace": base + course.rstrip("/") + pair,
                "agreement": base + course.rstrip("/") + pair + "agreement",
                "meeting-form": base + course.rstrip("/") + pair + "meetings/new",
                "reflections": base + course + "learner/reflections/"}
    cohort = base + course + "instructor/cohorts/1"
    return {"instructor-home": home, "cohort": cohort, "matching": cohort + "/matching/", "pairs": cohort + "/pairs/",
            "participants": cohort + "/participants/", "dashboard": cohort + "/dashboard/",
            "new-cohort": base + course + "instructor/cohorts/new"}


@pytest.mark.parametrize("sub", [LEARNER, INSTRUCTOR])
def test_the_main_pages_reflow_at_320_px(demo, browser, sub):
    base, _ = demo
    context = new_context(browser, "en", viewport={"width": 320, "height": 640})
    page = context.new_page()
    too_wide, violations = {}, []
    for name, url in pages_of(page, base, sub).items():
        page.goto(url)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > 321:
            too_wide[url] = (width, page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 321 && getComputedStyle(e).position !== 'fixed')
                .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""))
        found = axe_violations(page)  # at 320 px too: a table scrolling inside itself must be reachable by keyboard
        if found:
            violations.append(describe(url, found))
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-320.png", full_page=True)
            page.set_viewport_size({"width": 800, "height": 640})
            page.screenshot(path=f"{SHOTS}/{name}-800.png", full_page=True)
            page.set_viewport_size({"width": 320, "height": 640})
    context.close()
    assert not too_wide, f"wider than 320 px: {too_wide}"
    assert not violations, "\n".join(violations)
