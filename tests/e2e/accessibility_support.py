"""Shared pieces of the accessibility browser tests: one live ReMentor with the demo programme per test module, one
headless Chromium, launches from the demo LMS, and axe-core (vendored, never from a CDN)."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any, Iterator

from tests.e2e.conftest import CHROMIUM_FLAGS, _free_port, serving

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
OPEN_COHORT = "Autumn round"  # an extra cohort open for enrolment, so that a learner can reach the enrolment form
REFLECTION = "Halfway reflection"  # a reflection assignment of the running demo programme, open since yesterday
OPERATOR_EMAIL, OPERATOR_PASSWORD = "operator@rementor.test", "correct horse battery staple"


def _open_cohort(course_id: int) -> None:
    """A cohort whose enrolment is open today, beside the running demo programme."""
    from lti_app.extensions import db, utcnow
    from lti_app.mentoring.domain.cohort_settings import DEFAULT_GROUND_RULES, PrivacySetting
    from lti_app.mentoring.domain.cohort_state import CohortState
    from lti_app.mentoring.domain.skills import default_skill
    from lti_app.mentoring.models.cohort import Cohort, CohortSkill

    today = utcnow().date()
    skills = [default_skill(code) for code in ("ai_tools", "career_navigation", "presenting")]
    db.session.add(Cohort(
        course_id=course_id, name=OPEN_COHORT, description="The next round.", state=CohortState.ENROLMENT_OPEN,
        enrolment_opens_on=today - timedelta(days=1), enrolment_closes_on=today + timedelta(days=14),
        starts_on=today + timedelta(days=21), ends_on=today + timedelta(days=180), meeting_cadence_days=14,
        ground_rules=DEFAULT_GROUND_RULES, privacy=PrivacySetting.STATUS_ONLY,
        skills=[CohortSkill(code=s.code, label=s.label, category=s.category, position=i) for i, s in enumerate(skills)]))


def serve_demo(tmp: Path, *, open_cohort: bool = True) -> Iterator[tuple[str, Any]]:
    """ReMentor (development configuration) on 127.0.0.1 with the demo LMS, the demo programme and its surveys, a
    reflection assignment, an open cohort and an operator; yields (base URL, app)."""
    from sqlalchemy import select

    from lti_app import create_app
    from lti_app.demo import programme, registration, surveys
    from lti_app.extensions import db
    from lti_app.mentoring.models.cohort import Cohort
    from lti_app.operators.services import create_operator
    from tests.factories_reflections import make_assignment

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app("development", {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'e2e.sqlite'}", "CACHE_TYPE": "SimpleCache",
        "DEMO_ENABLED": True, "DEMO_BASE_URL": base, "SERVER_NAME": None, "DEBUG": False,
        "DEMO_PLATFORM_KEY_FILE": str(tmp / "demo_platform_key.pem"), "TOOL_KEY_FILE": str(tmp / "tool_key.pem"),
    })
    with app.app_context():
        db.create_all()
        registration.seed()
        programme.seed_programme()
        surveys.seed_surveys(programme.COHORT_NAME)
        running = db.session.scalar(select(Cohort).where(Cohort.name == programme.COHORT_NAME))
        make_assignment(running, title=REFLECTION)
        if open_cohort:
            _open_cohort(running.course_id)
        create_operator(OPERATOR_EMAIL, OPERATOR_PASSWORD)
        db.session.commit()
        db.session.remove()
    with serving(app, port):
        yield base, app


def chromium(chromium_path: str) -> Iterator[Any]:
    """One headless Chromium for a whole module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True,
                                              args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def new_context(browser: Any, language: str, **options: Any) -> Any:
    """A browser context speaking ``language`` ("en" or "de"): its locale and its Accept-Language (the CSP bypassed
    only so that axe can be injected)."""
    locale = {"en": "en-GB", "de": "de-DE"}[language]
    return browser.new_context(locale=locale, bypass_csp=True, extra_http_headers={"Accept-Language": f"{locale},{language};q=0.9"},
                               **options)


def launch(page: Any, base: str, sub: str, language: str) -> None:
    """Launch ReMentor from the demo LMS as the demo person ``sub`` (u-1001 the instructor, u-2001.. learners)."""
    locale = {"en": "en-GB", "de": "de-DE"}[language]
    page.goto(f"{base}/demo/launch/{sub}?locale={locale}")
    page.wait_for_url("**/courses/*/**")
    page.wait_for_load_state("load")


def grant_lms_administrator(context: Any, app: Any, base: str) -> None:
    """Mark the context's launch as an LMS administrator's (the demo LMS launches none): the session cookie is
    re-signed with the course entry's administrator flag, as an administrator's launch would set it."""
    cookie = next(c for c in context.cookies(base) if c["name"] == app.config["SESSION_COOKIE_NAME"])
    with app.test_request_context("/"):
        serializer = app.session_interface.get_signing_serializer(app)
        data = serializer.loads(cookie["value"])
        for entry in data.get("courses", {}).values():
            entry["a"] = True
        value = serializer.dumps(data)
    context.add_cookies([{**{k: cookie[k] for k in ("name", "domain", "path", "httpOnly", "secure", "sameSite")},
                          "value": value}])


def sign_in_operator(page: Any, base: str, password: str = OPERATOR_PASSWORD) -> None:
    page.goto(base + "/admin/login")
    page.locator('input[name="email"]').fill(OPERATOR_EMAIL)
    page.locator('input[name="password"]').fill(password)
    page.locator('form button[type="submit"]').first.click()
    page.wait_for_load_state("load")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA and best-practice violations on the page as it stands."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: tags}).then(r => r.violations.map(v => ({"
                           "id: v.id, impact: v.impact, help: v.help,"
                           " targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))", AXE_TAGS)
    return result


def describe(url: str, violations: list[dict[str, Any]]) -> str:
    return f"{url}:\n" + "\n".join(f"  {v['id']} ({v['impact']}): {v['help']} at {json.dumps(v['targets'])}"
                                   for v in violations)
