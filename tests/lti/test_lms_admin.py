"""An LMS administrator who launches the tool sees their own platform's registration, read-only, and nothing else."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests_mock

from lti_app.demo.course import DEMO_PEOPLE, INSTITUTION, INSTRUCTOR, LEARNER, DemoPerson
from lti_app.extensions import db
from lti_app.lti import keys
from lti_app.lti.models import Deployment, Platform
from tests.lti_platform import LmsBrowser, RegisteredLms, cached_pem, forms_of, make_test_lms, route_to

ADMIN = DemoPerson("u-9001", "Ada", "Admin", "ada.admin@example.edu", (INSTITUTION + "Administrator",))
ADMIN_TEACHING = DemoPerson("u-9002", "Ines", "Instructor-Admin", "ines@example.edu", (INSTRUCTOR, INSTITUTION + "Administrator"))
ADMIN_LEARNING = DemoPerson("u-9003", "Leo", "Learner-Admin", "leo@example.edu", (LEARNER, INSTITUTION + "Administrator"))
PEOPLE = (*DEMO_PEOPLE, ADMIN, ADMIN_TEACHING, ADMIN_LEARNING)


def register(lms: RegisteredLms, name: str, deployment_ids: list[str]) -> RegisteredLms:
    row = Platform(
        name=name, issuer=lms.issuer, client_id=lms.client_id, auth_login_url=lms.auth_url,
        auth_token_url=lms.token_url, key_set_url=lms.jwks_url,
    )
    row.deployments = [Deployment(deployment_id=d, name=f"{name} {d}") for d in deployment_ids]
    db.session.add(row)
    db.session.commit()
    lms.registration_id = row.id
    return lms


@pytest.fixture
def two_lms(app):
    """Platform A (https://lms.test) and platform B (https://other-lms.test), each with an administrator."""
    keys.ensure_key(cached_pem("tool"))
    db.session.commit()
    a = register(make_test_lms(people=PEOPLE), "University A Moodle", ["deployment-1"])
    b = register(
        make_test_lms(people=PEOPLE, issuer="https://other-lms.test", client_id="client-of-b", deployment_id="b-site",
                      private_key_pem=cached_pem("platform-b")),
        "College B Canvas", ["b-site", "b-secret-sub-account"],
    )
    with requests_mock.Mocker() as mocker:
        route_to(a, mocker)
        route_to(b, mocker)
        yield a, b


def course_of(browser: LmsBrowser) -> int:
    return int(urlsplit(browser.flow.continued.headers["Location"]).path.split("/")[2])


def test_an_lms_administrator_sees_the_registration_deployments_and_values_to_paste(client, two_lms):
    a, _ = two_lms
    browser = LmsBrowser(client, a)
    home = browser.launch(ADMIN.sub)
    course = course_of(browser)
    assert home.status_code == 200 and f"/courses/{course}/platform/" in home.get_data(as_text=True)
    page = client.get(f"/courses/{course}/platform/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for value in ("University A Moodle", "https://lms.test", "rementor-client-1", "https://lms.test/auth",
                  "https://lms.test/token", "https://lms.test/jwks", "deployment-1", "active",
                  "https://tool.test/lti/login", "https://tool.test/lti/launch", "https://tool.test/lti/jwks",
                  "https://tool.test/lti/register", "https://tool.test/lti/canvas.json"):
        assert value in html, value
    assert "<form" not in html  # read-only


def test_an_administrator_of_platform_a_sees_nothing_of_platform_b(client, two_lms):
    a, b = two_lms
    as_admin_of_a = LmsBrowser(client, a)
    as_admin_of_a.launch(ADMIN_TEACHING.sub)
    course_a = course_of(as_admin_of_a)
    as_learner_of_b = LmsBrowser(client, b)  # the same browser, a plain learner in B
    assert as_learner_of_b.launch(DEMO_PEOPLE[2].sub).status_code == 200
    course_b = course_of(as_learner_of_b)
    assert course_a != course_b

    page_a = client.get(f"/courses/{course_a}/platform/").get_data(as_text=True)
    for secret in ("other-lms.test", "client-of-b", "College B", "b-site", "b-secret-sub-account"):
        assert secret not in page_a
    assert client.get(f"/courses/{course_b}/platform/").status_code == 403
    assert client.get(f"/courses/{course_b + 100}/platform/").status_code == 401
    assert client.get("/admin/").status_code == 403


@pytest.mark.parametrize("person", [DEMO_PEOPLE[0], DEMO_PEOPLE[2]], ids=["instructor", "learner"])
def test_instructors_and_learners_without_an_administrator_role_cannot_open_it(client, two_lms, person):
    a, _ = two_lms
    browser = LmsBrowser(client, a)
    home = browser.launch(person.sub)
    assert "/platform/" not in home.get_data(as_text=True)
    assert client.get(f"/courses/{course_of(browser)}/platform/").status_code == 403


def test_a_learner_who_is_also_an_lms_administrator_can_open_it_too(client, two_lms):
    a, _ = two_lms
    browser = LmsBrowser(client, a)
    assert browser.launch(ADMIN_LEARNING.sub).status_code == 200
    assert client.get(f"/courses/{course_of(browser)}/platform/").status_code == 200


def test_the_administrator_flag_survives_the_new_window_continue(app, two_lms):
    a, _ = two_lms
    launched = LmsBrowser(app.test_client(), a).launch(ADMIN.sub, follow=False)
    new_window = app.test_client()
    asked = new_window.get(urlsplit(launched.headers["Location"]).path + "?window=new")  # "Continue as …?"
    (form,) = [f for f in forms_of(asked) if f.method == "post"]
    opened = new_window.post(urlsplit(form.action).path, data=form.fields)
    course = int(urlsplit(opened.headers["Location"]).path.split("/")[2])
    assert new_window.get(f"/courses/{course}/platform/").status_code == 200
