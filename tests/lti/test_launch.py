"""Login and launch against the demo LMS, driven exactly as a browser inside the LMS drives them."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.models.course import Course, CourseRole, Membership
from lti_app.mentoring.models.person import Person
from tests.lti_platform import FromNow, CLIENT_ID, TOOL, cached_pem


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_login_initiation_by_get_answers_a_cookie_check_that_leads_to_the_platform(browser, platform):
    learner = platform.learners[0]
    browser.launch(learner.sub, method="GET")
    flow = browser.flow

    assert flow.login.status_code == 200 and 'id="cookie-check"' in flow.login.get_data(as_text=True)
    next_query = dict(parse_qsl(urlsplit(flow.login_next).query))
    assert flow.login_next.startswith(f"{TOOL}/lti/login?")
    assert next_query["lti1p3_new_window"] == "1" and next_query["login_hint"] == learner.sub
    assert next_query["iss"] == platform.issuer and next_query["client_id"] == CLIENT_ID

    assert flow.to_platform.status_code == 302
    auth = flow.auth_query
    assert {k: auth[k] for k in ("scope", "response_type", "response_mode", "prompt", "client_id", "redirect_uri", "login_hint")} == {
        "scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
        "client_id": CLIENT_ID, "redirect_uri": f"{TOOL}/lti/launch", "login_hint": learner.sub,
    }
    assert auth["nonce"] and auth["state"].startswith("state-")
    assert auth["lti_message_hint"] == next_query["lti_message_hint"]
    state_cookie = next(c for c in flow.to_platform.headers.getlist("Set-Cookie") if c.startswith("lti1p3-" + auth["state"]))
    assert "Secure" in state_cookie and "SameSite=None" in state_cookie
    assert flow.final.status_code == 200


def test_a_login_initiation_by_post_works_the_same_way(browser, platform):
    learner = platform.learners[1]
    page = browser.launch(learner.sub, method="POST")
    assert browser.flow.login.status_code == 200
    assert browser.flow.auth_query["login_hint"] == learner.sub
    assert page.status_code == 200 and learner.name in page.get_data(as_text=True)


def test_a_learner_launch_lands_on_the_learner_home(browser, platform):
    learner = platform.learners[0]
    page = browser.launch(learner.sub)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "/learner/" in browser.flow.continued.headers["Location"]
    assert f"Welcome, {learner.given_name}" in html
    assert learner.name in html and learner.email in html
    assert "Reverse Mentoring Pilot" in html and "Learner" in html


def test_an_instructor_launch_lands_on_the_instructor_home(browser, platform):
    instructor = platform.instructor
    page = browser.launch(instructor.sub)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "/instructor/" in browser.flow.continued.headers["Location"]
    assert "Reverse mentoring in Reverse Mentoring Pilot" in html
    assert instructor.name in html and '<span class="badge">Instructor</span>' in html


def test_a_teaching_assistant_lands_on_the_instructor_home_as_teaching_assistant(browser, platform):
    assistant = platform.teaching_assistant
    page = browser.launch(assistant.sub)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "/instructor/" in browser.flow.continued.headers["Location"]
    assert assistant.name in html and '<span class="badge">Teaching assistant</span>' in html
    membership = db.session.scalar(select(Membership).join(Person).where(Person.subject == assistant.sub))
    assert membership.role is CourseRole.TEACHING_ASSISTANT


def test_launches_upsert_person_course_and_membership_without_duplicates(browser, platform):
    learner = platform.learners[2]
    assert browser.launch(learner.sub).status_code == 200
    assert browser.launch(learner.sub, name="Priya R. Raman").status_code == 200
    assert browser.launch(platform.instructor.sub).status_code == 200

    assert (count(Person), count(Course), count(Membership)) == (2, 1, 2)
    person = db.session.scalar(select(Person).where(Person.subject == learner.sub))
    assert (person.name, person.given_name, person.family_name, person.email) == (
        "Priya R. Raman", learner.given_name, learner.family_name, learner.email,
    )
    course = db.session.scalar(select(Course))
    assert (course.context_id, course.title, course.label) == (platform.course.context_id, "Reverse Mentoring Pilot", "RMP-2026")
    assert course.platform_id == platform.registration.id


def test_replaying_the_launch_post_is_refused(browser, platform):
    assert browser.launch(platform.learners[0].sub).status_code == 200
    replay = browser.post_launch()
    assert replay.status_code == 400 and "ReplayedLaunch" in replay.get_data(as_text=True)


def test_a_launch_post_from_another_browser_is_refused(browser, platform, app):
    browser.launch(platform.learners[0].sub)
    other = app.test_client().post("/lti/launch", data=browser.flow.form["fields"])
    assert other.status_code == 400 and "StateMismatch" in other.get_data(as_text=True)
    page = other.get_data(as_text=True)
    assert "open ReMentor again" in page and "Open in a new window" not in page  # no button it does not have


LTI = "https://purl.imsglobal.org/spec/lti/claim/"


@pytest.mark.parametrize(
    "overrides, status, code",
    [
        pytest.param({"aud": "someone-else"}, 401, "InvalidToken", id="another-audience"),
        pytest.param({"aud": [CLIENT_ID, "someone-else"], "azp": None}, 401, "InvalidToken", id="several-audiences-without-azp"),
        pytest.param({"aud": [CLIENT_ID, "someone-else"], "azp": "someone-else"}, 401, "InvalidToken", id="azp-of-another-client"),
        pytest.param({"exp": FromNow(-120)}, 400, "LaunchExpired", id="expired"),
        pytest.param({"iat": FromNow(+600)}, 401, "InvalidToken", id="issued-in-the-future"),
        pytest.param({"kid": "no-such-key"}, 401, "InvalidToken", id="unknown-kid"),
        pytest.param({"kid": None}, 401, "InvalidToken", id="no-kid"),
        pytest.param({"alg": "HS256"}, 401, "InvalidToken", id="hs256-with-the-public-key"),
        pytest.param({"alg": "none"}, 401, "InvalidToken", id="alg-none"),
        pytest.param({"key": cached_pem("intruder")}, 401, "InvalidToken", id="signed-by-another-key"),
        pytest.param({"nonce": "a-nonce-the-tool-never-issued"}, 400, "ReplayedLaunch", id="foreign-nonce"),
        # Recorded as a pending deployment for the operator (tests/lti/test_dynamic_registration.py), but no person,
        # course or membership is written.
        pytest.param({LTI + "deployment_id": "unknown-deployment"}, 403, "DeploymentAwaitingApproval", id="unknown-deployment"),
        pytest.param({LTI + "deployment_id": None}, 400, "MissingClaim", id="no-deployment"),
        pytest.param({LTI + "roles": None}, 400, "MissingClaim", id="no-roles"),
        pytest.param({LTI + "context": None}, 400, "MissingClaim", id="no-context"),
        pytest.param({LTI + "version": "1.1"}, 400, "WrongMessageType", id="wrong-version"),
        pytest.param({LTI + "target_link_uri": "https://elsewhere.test/launch"}, 403, "ForeignTargetLink", id="foreign-target"),
    ],
)
def test_a_forged_or_broken_launch_is_refused_and_writes_nothing(browser, platform, overrides, status, code):
    page = browser.launch(platform.learners[0].sub, **overrides)
    assert browser.flow.launch is not None, "the flow did not reach the launch"
    assert page.status_code == status, page.get_data(as_text=True)
    assert f"<code>{code}</code>" in page.get_data(as_text=True)
    assert (count(Person), count(Course), count(Membership)) == (0, 0, 0)


def test_a_launch_keeps_the_course_service_endpoints_for_later(browser, platform):
    from lti_app.lti.models import LtiContext

    browser.launch(platform.learners[0].sub)
    row = db.session.scalar(select(LtiContext))
    assert row.memberships_url == platform.memberships_url
    assert row.lineitems_url == platform.lineitems_url
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in row.ags_scopes
