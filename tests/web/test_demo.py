"""The demo LMS: present in development only, seeded idempotently, and its flow runs end to end over HTTP."""
from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
import requests_mock
from sqlalchemy import func, select

from lti_app import create_app
from lti_app.demo import public_jwks
from lti_app.extensions import db
from lti_app.lti.models import Deployment, Platform, ToolKey
from lti_app.lti.services.nrps import fetch_roster
from lti_app.mentoring.models.course import Course
from lti_app.lti.services.platform_client import connector_for
from lti_app.demo import registration
from tests.lti_platform import cookie_check_next, forms_of, path_of

BASE = "http://localhost"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def dev_app(tmp_path):
    """A Development app on a SQLite file, with its keys under tmp_path."""
    app = create_app("development", {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.sqlite'}",
        "DEMO_PLATFORM_KEY_FILE": str(tmp_path / "demo_platform_key.pem"),
        "TOOL_KEY_FILE": str(tmp_path / "tool_key.pem"),
        "DEMO_BASE_URL": BASE,
        "DEMO_ENABLED": True,
        "CACHE_TYPE": "SimpleCache",
    })
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def seed(dev_app):
    runner = dev_app.test_cli_runner()

    def run():
        result = runner.invoke(args=["demo", "seed"])
        db.session.remove()
        assert result.exit_code == 0, result.output
        return result.output

    return run


def test_the_demo_is_absent_in_testing(app, client):
    assert "demo" not in app.blueprints and "demo" not in app.cli.list_commands(None)
    assert client.get("/demo/").status_code == 404
    assert client.get("/demo/platform/jwks").status_code == 404


def test_the_demo_is_absent_in_production(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/15")  # production requires it; nothing here reaches it
    app = create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "CACHE_REDIS_URL": "redis://127.0.0.1:6379/15"})
    assert app.config["DEMO_ENABLED"] is False
    assert "demo" not in app.blueprints and "demo" not in app.cli.list_commands(None)
    with app.app_context():
        db.create_all()
        assert app.test_client().get("/demo/").status_code == 404
        db.session.remove()


def test_the_demo_is_present_in_development_and_asks_to_be_seeded(dev_app):
    assert "demo" in dev_app.blueprints and "demo" in dev_app.cli.list_commands(None)
    client = dev_app.test_client()
    assert client.get("/").headers["Location"].endswith("/demo/")
    page = client.get("/demo/")
    assert page.status_code == 200 and "flask --app lti_app demo seed" in page.get_data(as_text=True)
    assert client.get("/demo/platform/jwks").status_code == 404


def test_demo_seed_twice_registers_one_platform_with_its_key_set_inline(dev_app, seed):
    first = seed()
    assert "Created the tool's signing key" in first and "Registered the demo LMS" in first and "Added deployment demo-deployment" in first
    second = seed()
    assert "Kept the tool's signing key" in second and "Kept the demo LMS registration" in second

    assert (count(Platform), count(Deployment), count(ToolKey)) == (1, 1, 1)
    platform = db.session.scalar(select(Platform))
    key_file = Path(dev_app.config["DEMO_PLATFORM_KEY_FILE"])
    assert platform.issuer == f"{BASE}/demo/platform" and platform.client_id == registration.CLIENT_ID
    assert platform.auth_login_url == f"{BASE}/demo/platform/auth" and platform.auth_token_url == f"{BASE}/demo/platform/token"
    assert platform.key_set_url is None and platform.key_set == public_jwks(key_file.read_text())
    assert [d.deployment_id for d in platform.deployments] == ["demo-deployment"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_seeding_again_at_another_address_moves_the_demo_lms_and_its_course_in_place(dev_app, seed):
    seed()
    with dev_app.test_request_context():
        from lti_app.demo.programme import seed_programme
        seed_programme()
    before = db.session.scalar(select(Platform))
    platform_id, courses = before.id, count(Course)
    dev_app.config["DEMO_BASE_URL"] = "http://127.0.0.1:5050"
    moved = seed()
    assert "Updated issuer" in moved
    assert (count(Platform), count(Deployment), count(Course)) == (1, 1, courses)
    platform = db.session.scalar(select(Platform))
    assert platform.id == platform_id and platform.issuer == "http://127.0.0.1:5050/demo/platform"
    assert platform.auth_login_url == "http://127.0.0.1:5050/demo/platform/auth"


def test_make_run_serves_on_the_port_it_is_given_and_the_demo_follows_it():
    makefile = (Path(__file__).parents[2] / "Makefile").read_text()
    assert "PORT   ?= 5000" in makefile and "export DEMO_BASE_URL ?= http://127.0.0.1:$(PORT)" in makefile
    assert "--port $(PORT)" in makefile


def _submit(client, page):
    """Submit the page's only form, as autosubmit.js does."""
    (form,) = forms_of(page)
    assert form.action.startswith(BASE + "/") and "data-autosubmit" in form.attrs
    return client.post(path_of(form.action), data=form.fields)


def _open_as(client, start_html, button):
    """Click a launch button on the demo start page and follow the flow to the tool's page."""
    href = re.search(r'href="([^"]+)"[^>]*>' + re.escape(button) + "<", start_html).group(1)
    initiation = client.get(href.replace("&amp;", "&"))
    assert initiation.status_code == 200
    cookie_check = _submit(client, initiation)  # login initiation, form-posted like Moodle does
    assert cookie_check.status_code == 200
    to_platform = client.get(path_of(cookie_check_next(cookie_check)))
    assert to_platform.status_code == 302 and to_platform.headers["Location"].startswith(f"{BASE}/demo/platform/auth?")
    launch_form = client.get(path_of(to_platform.headers["Location"]))
    assert launch_form.status_code == 200, launch_form.get_data(as_text=True)
    launched = _submit(client, launch_form)
    assert launched.status_code == 303, launched.get_data(as_text=True)
    continued = client.get(path_of(launched.headers["Location"]))
    assert continued.status_code == 302
    return client.get(path_of(continued.headers["Location"]))


def test_the_full_demo_flow_runs_through_the_test_client(dev_app, seed):
    seed()
    client = dev_app.test_client()
    start = client.get("/demo/")
    html = start.get_data(as_text=True)
    assert start.status_code == 200
    for url in (f"{BASE}/lti/login", f"{BASE}/lti/launch", f"{BASE}/lti/jwks"):
        assert f"<code>{url}</code>" in html
    assert "Reverse Mentoring Pilot" in html and "Launch as instructor" in html and "Add to course (deep linking)" in html
    assert "Launch as Siobhán O&#39;Brien" in html

    learner_home = _open_as(client, html, "Launch as Aiko Tanaka")
    assert learner_home.status_code == 200 and "Welcome, Aiko" in learner_home.get_data(as_text=True)

    instructor_home = _open_as(client, html, "Launch as instructor")
    assert "Reverse mentoring in Reverse Mentoring Pilot" in instructor_home.get_data(as_text=True)

    picker = _open_as(client, html, "Add to course (deep linking)")
    assert "Add ReMentor to Reverse Mentoring Pilot" in picker.get_data(as_text=True)
    (choice,) = forms_of(picker)
    back_to_lms = client.post(path_of(choice.action), data=choice.fields)
    placed = _submit(client, back_to_lms)
    text = placed.get_data(as_text=True)
    assert placed.status_code == 200, text
    assert "Added to Reverse Mentoring Pilot" in text and "Reverse mentoring programme" in text
    assert "rementor_target=programme" in text


def _follow_launch(client, initiation):
    """From the demo's login initiation page to the tool's first page, as the browser would."""
    cookie_check = _submit(client, initiation)
    to_platform = client.get(path_of(cookie_check_next(cookie_check)))
    launch_form = client.get(path_of(to_platform.headers["Location"]))
    assert launch_form.status_code == 200, launch_form.get_data(as_text=True)[:500]
    launched = _submit(client, launch_form)
    assert launched.status_code == 303, launched.get_data(as_text=True)[:500]
    continued = client.get(path_of(launched.headers["Location"]))
    return client.get(path_of(continued.headers["Location"]))


def test_a_reflection_placed_by_deep_linking_is_listed_by_the_demo_course_and_opens_through_its_link(dev_app, seed):
    from lti_app.demo.programme import COHORT_NAME
    from lti_app.mentoring.models.cohort import Cohort
    from lti_app.mentoring.models.reflection import ReflectionAssignment
    from tests.factories_reflections import make_assignment

    seed()
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == COHORT_NAME))
    assignment_id = make_assignment(cohort, title="First month").id
    db.session.commit()
    client = dev_app.test_client()
    html = client.get("/demo/").get_data(as_text=True)
    picker = _open_as(client, html, "Add to course (deep linking)")
    (choice,) = forms_of(picker)
    back_to_lms = client.post(path_of(choice.action), data={**choice.fields, "item": f"reflection-{assignment_id}"})
    placed = _submit(client, back_to_lms)
    assert placed.status_code == 200 and "First month" in placed.get_data(as_text=True)
    assignment = db.session.get(ReflectionAssignment, assignment_id)
    assert assignment.placed_at is not None and assignment.lineitem_url is None  # placed, column not known yet

    start = client.get("/demo/").get_data(as_text=True)
    assert "Activities placed in the course" in start and "First month" in start and "graded" in start
    link = re.search(r'name="link" value="([^"]+)"', start).group(1)
    initiation = client.get(f"/demo/open?link={link}&sub=u-2001")
    page = _follow_launch(client, initiation)
    assert page.status_code == 200 and "First month" in page.get_data(as_text=True)
    db.session.expire_all()
    column = db.session.get(ReflectionAssignment, assignment_id).lineitem_url
    assert column and column.startswith(f"{BASE}/demo/platform/courses/")  # the demo's own gradebook column
    assert client.get("/demo/open?link=nope&sub=u-2001").status_code == 404


def test_a_forged_deep_linking_response_is_refused_by_the_demo_lms(dev_app, seed):
    seed()
    client = dev_app.test_client()
    client.get("/demo/")
    refused = client.post("/demo/platform/deep-link-return", data={"JWT": "not.a.jwt"})
    assert refused.status_code == 400 and "Nothing was added" in refused.get_data(as_text=True)


def test_the_demo_platform_serves_token_and_roster_to_the_tool_over_http(dev_app, seed):
    seed()
    client = dev_app.test_client()
    assert client.get("/demo/").status_code == 200

    def through_the_app(request, context):
        headers = {k: v for k, v in request.headers.items() if k.lower() in {"authorization", "accept", "content-type"}}
        answer = client.open(path_of(request.url), method=request.method, headers=headers, data=request.body)
        context.status_code = answer.status_code
        context.headers.update({k: v for k, v in answer.headers.items() if k.lower() in {"content-type", "link"}})
        return answer.get_data(as_text=True)

    platform = db.session.scalar(select(Platform))
    with requests_mock.Mocker() as mocker:
        mocker.register_uri(requests_mock.ANY, re.compile(f"^{re.escape(BASE)}/demo/platform/"), text=through_the_app)
        roster = fetch_roster(connector_for(platform), f"{platform.issuer}/courses/course-rmp-2026/memberships", max_pages=10)
    assert (len(roster.members), roster.pages, roster.truncated) == (12, 3, False)
    assert client.get("/demo/platform/jwks").get_json() == platform.key_set
