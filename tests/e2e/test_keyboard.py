"""Keyboard only (Tab, Shift+Tab, Enter, Space, arrows; no mouse): a learner enrols in an open cohort, signs their
pair's agreement, logs a meeting and submits a reflection. Every control reached shows a visible focus ring, and
after a refused submit the focus is on the error summary."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility_support import OPEN_COHORT, REFLECTION, chromium, launch, new_context, serve_demo

pytestmark = pytest.mark.e2e

LEARNER, MENTEE = "u-2001", "u-2002"  # Aiko Tanaka mentors Kwame Mensah in the running demo programme
TAB_LIMIT = 400


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("keyboard"))


@pytest.fixture
def page(chromium_path, demo):
    for browser in chromium(chromium_path):
        context = new_context(browser, "en")
        yield context.new_page()
        context.close()


def focused(page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def assert_focus_visible(page) -> None:
    """The focused element matches :focus-visible and draws an outline or a box shadow."""
    style = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {visible: e.matches(':focus-visible'), outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                shadow: s.boxShadow !== 'none', what: e.outerHTML.slice(0, 120)}; }""")
    assert style["visible"] and (style["outline"] or style["shadow"]), f"no visible focus on {style['what']}"


def tab_to(page, selector: str, backwards: bool = False) -> None:
    """Tab (or Shift+Tab) until the element matching ``selector`` has the focus; its focus must show."""
    for _ in range(TAB_LIMIT):
        if focused(page, selector):
            assert_focus_visible(page)
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"Tab never reached {selector}")


def activate(page, text: str, tag: str = "a, button, input[type=submit]", key: str = "Enter") -> None:
    """Tab to the link or button that reads ``text`` and press Enter, waiting for the page it opens."""
    mark = page.evaluate("""([tag, text]) => { const e = [...document.querySelectorAll(tag)]
        .find(e => (e.type === 'submit' && e.tagName === 'INPUT' ? e.value : e.textContent).replace(/\\s+/g, ' ').trim() === text);
        if (!e) return false; e.setAttribute('data-keyboard-target', ''); return true; }""", [tag, text])
    assert mark, f"no {tag} reads {text!r}"
    tab_to(page, "[data-keyboard-target]")
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("load")


def type_into(page, name: str, text: str) -> None:
    tab_to(page, f'[name="{name}"]')
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def tick(page, name: str, value: str | None = None) -> None:
    """Space on a checkbox (``value`` picks one of a group)."""
    tab_to(page, f'input[name="{name}"]' + (f'[value="{value}"]' if value else ""))
    if not page.evaluate("document.activeElement.checked"):
        page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")


def radio(page, name: str, value: str) -> None:
    """Tab into a radio group, then arrows to the option (arrows check as they move)."""
    tab_to(page, f'input[name="{name}"]')
    for _ in range(30):
        if page.evaluate("document.activeElement.value") == value:
            page.keyboard.press("Space")
            assert page.evaluate("document.activeElement.checked")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {value} in {name}")


def choose(page, name: str, value: str) -> None:
    """A closed select: Home, then ArrowDown until the option is chosen."""
    tab_to(page, f'select[name="{name}"]')
    page.keyboard.press("Home")
    for _ in range(600):
        if page.evaluate("document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {value} in {name}")


def type_date(page, name: str, day: date) -> None:
    """Type a day into a date input, in the order of the browser's own picker (month first or day first)."""
    tab_to(page, f'input[name="{name}"]')
    for pattern in ("%m%d%Y", "%d%m%Y"):
        page.keyboard.type(day.strftime(pattern))
        if page.evaluate("document.activeElement.value") == day.isoformat():
            return
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")  # back to the first part of the date
    raise AssertionError(f"could not type {day} into {name}")


def shows(page, text: str) -> None:
    expect(page.locator("body")).to_contain_text(text)


def test_a_learner_does_everything_with_the_keyboard(demo, page):
    base, _ = demo
    launch(page, base, LEARNER, "en")
    home = page.url

    # enrol in the open cohort: first with nothing filled in (the focus goes to the error summary)
    activate(page, f"Read about it and enrol in {OPEN_COHORT}")
    activate(page, "I have read this: continue to enrolment")
    page.eval_on_selector_all("form", "forms => forms.forEach(f => f.noValidate = true)")  # the server's messages
    activate(page, "Enrol", tag="button, input[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    assert focused(page, ".error-summary"), "after a refused submit the focus is not on the error summary"
    assert_focus_visible(page)
    tab_to(page, ".error-summary a")  # the first item links to its field
    first_field = page.evaluate("document.activeElement.getAttribute('href')")
    assert re.fullmatch(r"#[\w-]+", first_field) and page.locator(first_field).count() == 1
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == first_field

    radio(page, "role_wanted", "mentee")
    type_into(page, "experience_years", "14")
    radio(page, "career_stage", page.locator('input[name="career_stage"]').nth(2).get_attribute("value"))
    choose(page, "skill_ai_tools-choice", "offered")
    choose(page, "skill_ai_tools-level", "3")
    choose(page, "skill_career_navigation-choice", "wanted")
    choose(page, "skill_career_navigation-level", "2")
    tick(page, "channels", "video")
    tick(page, "availability", page.locator('input[name="availability"]').first.get_attribute("value"))
    choose(page, "time_zone", "Europe/Dublin")
    tick(page, "languages", "en")
    type_into(page, "goals", "See how my colleagues use AI tools.")
    tick(page, "accepts_ground_rules")
    activate(page, "Enrol", tag="button, input[type=submit]")
    shows(page, f"You are enrolled in “{OPEN_COHORT}”")

    # the pair's agreement: the mentor proposes the terms, the mentee writes theirs and signs, the mentor signs
    page.goto(home)
    activate(page, "Your pair with Kwame Mensah")
    activate(page, "Propose the terms")
    type_into(page, "expectations", "Clear questions, and time to practise between meetings.")
    activate(page, "Save the terms", tag="button, input[type=submit]")
    shows(page, "The agreement is saved")
    launch(page, base, MENTEE, "en")
    activate(page, "Your pair with Aiko Tanaka")
    activate(page, "Open the agreement")
    type_into(page, "expectations", "Show me the AI tools your generation uses.")
    activate(page, "Save the terms", tag="button, input[type=submit]")
    activate(page, "Sign the agreement", tag="button, input[type=submit]")
    shows(page, "You signed the agreement. It is in force once your partner signs it too.")
    launch(page, base, LEARNER, "en")
    activate(page, "Your pair with Kwame Mensah")
    activate(page, "Open the agreement")
    activate(page, "Sign the agreement", tag="button, input[type=submit]")
    shows(page, "The agreement is signed by both of you.")

    # log a meeting
    page.goto(home)
    activate(page, "Your pair with Kwame Mensah")
    activate(page, "Log a meeting")
    type_date(page, "held_on", date.today() - timedelta(days=1))
    type_into(page, "topics", "Prompting for report summaries")
    activate(page, "Log the meeting", tag="button, input[type=submit]")
    shows(page, "The meeting is logged.")

    # submit a reflection
    page.goto(home)
    activate(page, "Your reflections")
    activate(page, REFLECTION)
    type_into(page, "body", "I learnt how my mentee plans a term.")
    activate(page, "Submit", tag="button, input[type=submit]")
    shows(page, "submitted")
