"""Operators see every platform with its launches and refusals, and approve, switch and edit registrations."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.lti.launch_stats import launch_error_counts
from lti_app.lti.models import Deployment, Platform
from lti_app.mentoring.models.person import Person
from tests.factories import make_operator, make_platform
from tests.lti_platform import LMS, CLIENT_ID
from tests.web.admin_client import admin_post, sign_in


@pytest.fixture
def operator_client(app):
    """A browser signed in as an operator."""
    operator = make_operator("ops@rementor.test")
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, operator.email).status_code == 302
    return client


def registration() -> Platform:
    return db.session.scalar(select(Platform).where(Platform.issuer == LMS))


def test_the_dashboard_shows_status_last_launch_and_refusals_of_every_platform(operator_client, browser, platform):
    assert browser.launch(platform.learners[0].sub).status_code == 200
    registration().deployments[0].active = False
    db.session.commit()
    assert browser.launch(platform.learners[1].sub).status_code == 403
    waiting = make_platform(name="Canvas waiting")
    waiting.approved_at = None  # (passed to the constructor, None would let the column default fire)
    db.session.commit()

    page = operator_client.get("/admin/").get_data(as_text=True)
    assert "Test LMS" in page and "Canvas waiting" in page and waiting.issuer in page
    assert "awaiting approval" in page and "Waiting for your approval" in page
    assert registration().last_launch_at.strftime("%Y-%m-%d %H:%M") in page
    assert f'/admin/platforms/{platform.registration_id}#refused">1</a>' in page

    detail = operator_client.get(f"/admin/platforms/{platform.registration_id}").get_data(as_text=True)
    assert "<code>InactiveDeployment</code></td><td>1</td>" in detail
    assert "https://tool.test/lti/jwks" in detail and "https://tool.test/lti/canvas.json" in detail


def test_a_refused_launch_is_counted_in_the_cache_and_writes_nothing(browser, platform):
    registration().deployments[0].active = False
    db.session.commit()
    browser.launch(platform.learners[0].sub)
    registration().active = False
    db.session.commit()
    browser.launch(platform.learners[0].sub)  # refused at the login already
    counts = launch_error_counts([platform.registration_id])[platform.registration_id]
    assert counts == {"InactiveDeployment": 1, "InactivePlatform": 1}
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    assert registration().last_launch_at is None


def test_a_pending_registration_is_refused_until_the_operator_approves_it(operator_client, browser, platform):
    registration().approved_at = None
    db.session.commit()
    assert browser.launch(platform.learners[0].sub).status_code == 403
    assert admin_post(operator_client, f"/admin/platforms/{platform.registration_id}/approve").status_code == 302
    assert registration().approved_at is not None
    assert browser.launch(platform.learners[0].sub).status_code == 200


def test_deactivating_a_platform_refuses_its_launches_until_it_is_activated_again(operator_client, browser, platform):
    path = f"/admin/platforms/{platform.registration_id}"
    answer = admin_post(operator_client, path + "/deactivate")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(path)
    assert "Deactivated platform" in operator_client.get(path).get_data(as_text=True)
    assert browser.launch(platform.learners[0].sub).status_code == 403
    admin_post(operator_client, path + "/activate")
    assert browser.launch(platform.learners[0].sub).status_code == 200


def test_deployments_are_added_approved_and_switched_off(operator_client, platform):
    path = f"/admin/platforms/{platform.registration_id}"
    assert admin_post(operator_client, path + "/deployments", deployment_id="site-2", name="Second site").status_code == 302
    added = db.session.scalar(select(Deployment).where(Deployment.deployment_id == "site-2"))
    assert added.active and not added.pending and added.name == "Second site"
    admin_post(operator_client, path + "/deployments", deployment_id="site-2")
    assert "already registered" in operator_client.get(path).get_data(as_text=True)

    added.approved_at = None
    db.session.commit()
    admin_post(operator_client, f"/admin/deployments/{added.id}/approve")
    admin_post(operator_client, f"/admin/deployments/{added.id}/deactivate")
    db.session.refresh(added)
    assert added.approved_at is not None and not added.active
    admin_post(operator_client, f"/admin/deployments/{added.id}/activate")
    db.session.refresh(added)
    assert added.active


def endpoint_form(**changes):
    values = {
        "name": "Test LMS", "issuer": LMS, "client_id": CLIENT_ID, "auth_login_url": f"{LMS}/auth",
        "auth_token_url": f"{LMS}/token", "auth_audience": "", "key_set_url": f"{LMS}/jwks",
    }
    values.update(changes)
    return values


def test_an_operator_edits_a_platforms_endpoints(operator_client, platform):
    path = f"/admin/platforms/{platform.registration_id}/edit"
    answer = admin_post(operator_client, path, **endpoint_form(name="Moodle of the university", auth_token_url=f"{LMS}/oauth/token"))
    assert answer.status_code == 302
    row = registration()
    assert (row.name, row.auth_token_url) == ("Moodle of the university", f"{LMS}/oauth/token")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"auth_login_url": "lms.test/auth"}, "Enter an http(s) URL"),
        ({"key_set_url": "ftp://lms.test/jwks"}, "Enter an http(s) URL"),
        ({"issuer": "https://taken.test", "client_id": "taken"}, "is already registered"),
        ({"key_set_url": ""}, "A key set URL is needed"),
        ({"auth_token_url": "http://lms.test/token"}, "is not an HTTPS URL"),
        ({"key_set_url": "https://10.0.0.7/jwks"}, "points to an address the tool may not call"),
    ],
)
def test_bad_endpoints_and_a_taken_issuer_and_client_id_are_refused(operator_client, platform, changes, message):
    make_platform(issuer="https://taken.test", client_id="taken")
    db.session.commit()
    answer = admin_post(operator_client, f"/admin/platforms/{platform.registration_id}/edit", **endpoint_form(**changes))
    assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    assert registration().auth_login_url == f"{LMS}/auth" and registration().key_set_url == f"{LMS}/jwks"


PRIVATE_HOSTS_DE = ("Ein Test-LMS in einem privaten Netz oder über unverschlüsseltes HTTP muss in der Einstellung "
                    "LTI_PRIVATE_HOSTS eingetragen sein.")


@pytest.mark.parametrize(
    "changes, german",
    [
        ({"auth_token_url": "http://lms.test/token"},
         f"Die Token-URL http://lms.test/token der Plattform ist keine HTTPS-URL. {PRIVATE_HOSTS_DE}"),
        ({"key_set_url": "https://10.0.0.7/jwks"},
         "Die Schlüsselsatz-URL https://10.0.0.7/jwks der Plattform verweist auf eine Adresse, die das Tool nicht "
         f"aufrufen darf (privat, reserviert oder unbekannt). {PRIVATE_HOSTS_DE}"),
        ({"issuer": "https://taken.test", "client_id": "taken"},
         "Der Issuer 'https://taken.test' mit der Client-ID 'taken' ist bereits registriert."),
        ({"key_set_url": ""}, "Eine Schlüsselsatz-URL ist nötig: Diese Registrierung hat keinen hinterlegten Schlüsselsatz."),
    ],
    ids=["http-token-url", "private-key-set-url", "taken-issuer", "no-key-set"],
)
def test_an_operator_reading_german_is_told_in_german_why_an_edit_is_refused(operator_client, platform, changes, german):
    make_platform(issuer="https://taken.test", client_id="taken")
    db.session.commit()
    operator_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de-DE,de;q=0.9"
    answer = admin_post(operator_client, f"/admin/platforms/{platform.registration_id}/edit", **endpoint_form(**changes))
    page = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 400 and '<html lang="de"' in page
    assert german in page


def test_a_deployment_registered_twice_is_refused_in_the_operator_s_language(operator_client, platform):
    path = f"/admin/platforms/{platform.registration_id}"
    operator_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR,fr;q=0.9"
    admin_post(operator_client, path + "/deployments", deployment_id="site-2")
    admin_post(operator_client, path + "/deployments", deployment_id="site-2")
    page = html.unescape(operator_client.get(path).get_data(as_text=True))
    assert "Le déploiement 'site-2' est déjà enregistré pour cette plateforme." in page


def test_an_unknown_platform_or_deployment_is_404(operator_client):
    assert operator_client.get("/admin/platforms/999").status_code == 404
    assert admin_post(operator_client, "/admin/deployments/999/approve").status_code == 404
