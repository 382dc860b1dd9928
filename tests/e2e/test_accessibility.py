"""axe-core (WCAG 2.1 A and AA, and best practice) on every page a learner, an instructor, an LMS administrator and
an operator can reach, in English and in German: 0 violations of any impact.

The pages are found by following the links of each person's pages from where their launch (or sign-in) lands, one
page per kind of URL (ids aside); forms sent empty or wrong add their pages with the error summary. One live server
and one browser serve the whole module; nothing here changes what the pages show (GET only, refused forms)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.e2e.accessibility_support import (
    OPEN_COHORT, axe_violations, chromium, describe, grant_lms_administrator, launch, new_context, serve_demo,
    sign_in_operator,
)

pytestmark = pytest.mark.e2e

LANGUAGES = ("en", "de")
MENTOR, MENTEE, INSTRUCTOR = "u-2001", "u-2002", "u-1001"
SKIPPED = re.compile(r"\.(csv|ics|json)$|/demo/|/static/|/logout$|/lti/")
PAGES_PER_PERSON = 60


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("a11y"))


@pytest.fixture(scope="module")
def browser(chromium_path):
    yield from chromium(chromium_path)


def kind_of(url: str) -> str:
    """A URL's kind: its path with every id replaced (one page per kind is enough)."""
    return re.sub(r"/\d+(?=/|$)", "/N", urlsplit(url).path)


def links_from(page, base: str, prefix: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    return [h.split("#")[0] for h in hrefs
            if h.startswith(base + prefix) and not SKIPPED.search(urlsplit(h).path)]


def crawl(page, base: str, start: str, prefix: str, seen: set[str]) -> dict[str, list]:
    """axe on ``start`` and on every page reachable by links under ``prefix``, one per kind not in ``seen``."""
    found: dict[str, list] = {}
    queue = [start]
    while queue and len(found) < PAGES_PER_PERSON:
        url = queue.pop(0)
        if kind_of(url) in seen:
            continue
        seen.add(kind_of(url))
        response = page.goto(url)
        if response is None or response.status >= 400 or not page.url.startswith(base + prefix):
            continue
        found[page.url] = axe_violations(page)
        queue += [link for link in links_from(page, base, prefix) if kind_of(link) not in seen]
    return found


def refused(page, url: str, fill: dict[str, str] | None = None, form: str = "main form.stacked") -> list:
    """Send the form at ``url`` as it is (the browser's own checks off, ``fill`` typed in), and axe the refusal."""
    page.goto(url)
    for selector, value in (fill or {}).items():
        page.locator(selector).fill(value)
    page.eval_on_selector_all("form", "forms => forms.forEach(f => f.noValidate = true)")
    with page.expect_navigation():
        page.locator(form).first.locator('button[type="submit"], input[type="submit"]').last.click()
    assert page.locator(".error-summary, .panel.error, [role=alert]").count() > 0, f"no error shown at {url}"
    return axe_violations(page)


def check_lang(page, language: str) -> None:
    assert page.evaluate("document.documentElement.lang").startswith(language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_has_no_accessibility_violations(demo, browser, language):
    base, app = demo
    results: dict[str, list] = {}
    seen: set[str] = set()

    # learners: a mentor and a mentee of a running pair; the mentee also meets an open cohort's enrolment form
    for sub in (MENTOR, MENTEE):
        context = new_context(browser, language)
        page = context.new_page()
        launch(page, base, sub, language)
        check_lang(page, language)
        course = re.search(r"/courses/\d+/", page.url).group(0)
        results.update(crawl(page, base, page.url, course + "learner/", seen))
        if sub == MENTEE:
            page.goto(base + course + "learner/")
            cohorts = [h for h in links_from(page, base, course + "learner/cohorts/")]
            for link in page.get_by_role("link").filter(has_text=OPEN_COHORT).all()[:1]:
                link.click()
                page.wait_for_load_state("load")
                enrol = page.url.rstrip("/") + "/enrol" if not page.url.endswith("/enrol") else page.url
                results[enrol + " (refused)"] = refused(page, enrol)
            assert cohorts, "the learner's home links no cohort"
        if sub == MENTOR:
            page.goto(base + course + "learner/")
            pair = next(h for h in links_from(page, base, course + "learner/pairs/"))
            pair = re.match(r".*/pairs/\d+/", pair).group(0)
            results[pair + "meetings/new (refused)"] = refused(
                page, pair + "meetings/new", {'input[type="date"]': "2999-01-01"})
            results[pair + "goals/new (refused)"] = refused(page, pair + "goals/new")
            results[pair + "tasks/new (refused)"] = refused(page, pair + "tasks/new")
        context.close()

    # the instructor, then the same launch as an LMS administrator (the registration page)
    context = new_context(browser, language)
    page = context.new_page()
    launch(page, base, INSTRUCTOR, language)
    check_lang(page, language)
    course = re.search(r"/courses/\d+/", page.url).group(0)
    results.update(crawl(page, base, page.url, course + "instructor/", seen))
    results[base + course + "instructor/cohorts/new (refused)"] = refused(page, base + course + "instructor/cohorts/new")
    page.goto(base + course + "instructor/")
    cohort = next(h for h in links_from(page, base, course + "instructor/cohorts/") if re.search(r"/cohorts/\d+$", h))
    results[cohort + "/reflections/new (refused)"] = refused(page, cohort + "/reflections/new")
    grant_lms_administrator(context, app, base)
    results.update(crawl(page, base, base + course + "platform/", course + "platform/", seen))
    assert any("/platform/" in url for url in results), "the LMS administrator's registration page was not reached"
    context.close()

    # an operator: a refused sign-in, then the /admin pages
    context = new_context(browser, language)
    page = context.new_page()
    sign_in_operator(page, base, password="not the password")
    results[base + "/admin/login (refused)"] = axe_violations(page)
    sign_in_operator(page, base)
    results.update(crawl(page, base, base + "/admin/", "/admin/", seen))
    context.close()

    print(f"\n{language}: axe checked {len(results)} pages:\n  " + "\n  ".join(results))
    assert len(results) >= 30
    failures = [describe(url, found) for url, found in results.items() if found]
    assert not failures, f"{len(failures)} pages with violations ({language}):\n" + "\n".join(failures)
