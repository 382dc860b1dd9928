"""Every change to registrations clears the cached list of origins allowed to frame the tool at once: the CLI's
platform add, approve and activate, and the /admin pages' edit, approve and activate. The shared copy (what other
processes read) is dropped, and the next page of this process names the new origin."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lti_app.extensions import cache, db
from lti_app.lti import approvals
from lti_app.lti.models import Platform
from lti_app.lti.registration_cache import FRAME_ANCESTORS_CACHE_KEY
from tests.factories import make_operator, make_platform
from tests.web.admin_client import admin_post, sign_in

MOODLE = "http://127.0.0.1:8080"
ADD = [
    "platform", "add", "--name", "Test Moodle", "--issuer", MOODLE, "--client-id", "abc",
    "--auth-login-url", f"{MOODLE}/mod/lti/auth.php", "--token-url", f"{MOODLE}/mod/lti/token.php",
    "--key-set-url", f"{MOODLE}/mod/lti/certs.php", "--deployment-id", "1",
]


def frame_ancestors(client) -> list[str]:
    policy = client.get("/healthz").headers["Content-Security-Policy"]
    return policy.split("frame-ancestors", 1)[1].split(";", 1)[0].split()


def warmed(client) -> list[str]:
    """The origins as a page sees them now, cached (shared and per process) by reading them."""
    origins = frame_ancestors(client)
    assert cache.get(FRAME_ANCESTORS_CACHE_KEY) is not None
    return origins


@pytest.fixture
def operator_client(app):
    operator = make_operator("ops@rementor.test")
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, operator.email).status_code == 302
    return client


def pending_platform(issuer: str = MOODLE, active: bool = True) -> Platform:
    platform = make_platform(name="Waiting Moodle", issuer=issuer, client_id="abc", auth_login_url=f"{issuer}/auth",
                             auth_token_url=f"{issuer}/token", key_set_url=f"{issuer}/jwks")
    platform.approved_at = approvals.NOT_APPROVED
    platform.active = active
    db.session.commit()
    return platform


# -- the CLI ------------------------------------------------------------------------------------------------
def test_platform_add_on_the_cli_frames_the_new_platform_at_once(client, cli):
    assert MOODLE not in warmed(client)
    result = cli(*ADD)
    assert result.exit_code == 0, result.output
    assert cache.get(FRAME_ANCESTORS_CACHE_KEY) is None
    assert MOODLE in frame_ancestors(client)


def test_platform_activate_on_the_cli_frames_it_at_once(client, cli):
    pending_platform(active=False)
    db.session.scalar(select(Platform)).approved_at = db.func.now()
    db.session.commit()
    assert MOODLE not in warmed(client)
    result = cli("platform", "activate", MOODLE, "--client-id", "abc")
    assert result.exit_code == 0, result.output
    assert cache.get(FRAME_ANCESTORS_CACHE_KEY) is None
    assert MOODLE in frame_ancestors(client)


def test_platform_approve_on_the_cli_clears_the_list(client, cli):
    pending_platform()
    warmed(client)
    result = cli("platform", "approve", MOODLE, "--client-id", "abc")
    assert result.exit_code == 0, result.output
    assert cache.get(FRAME_ANCESTORS_CACHE_KEY) is None


def test_deactivate_on_the_cli_stops_the_framing_at_once(client, cli):
    assert cli(*ADD).exit_code == 0
    assert MOODLE in warmed(client)
    assert cli("platform", "deactivate", MOODLE, "--client-id", "abc").exit_code == 0
    assert MOODLE not in frame_ancestors(client)


# -- /admin ---------------------------------------------------------------------------------------------------
def test_an_edit_on_the_admin_pages_frames_the_new_issuer_at_once(app, client, operator_client):
    row = make_platform(issuer="https://old.test")
    db.session.commit()
    assert "https://old.test" in warmed(client)
    form = {"name": row.name, "issuer": MOODLE, "client_id": row.client_id, "auth_login_url": f"{MOODLE}/auth",
            "auth_token_url": f"{MOODLE}/token", "auth_audience": "", "key_set_url": f"{MOODLE}/jwks"}
    answer = admin_post(operator_client, f"/admin/platforms/{row.id}/edit", **form)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    origins = frame_ancestors(client)
    assert MOODLE in origins and "https://old.test" not in origins


def test_an_approval_on_the_admin_pages_clears_the_list(client, operator_client):
    row = pending_platform()
    warmed(client)
    assert admin_post(operator_client, f"/admin/platforms/{row.id}/approve").status_code == 302
    assert cache.get(FRAME_ANCESTORS_CACHE_KEY) is None


def test_an_activation_on_the_admin_pages_frames_it_at_once(client, operator_client):
    row = pending_platform(active=False)
    assert MOODLE not in warmed(client)
    assert admin_post(operator_client, f"/admin/platforms/{row.id}/activate").status_code == 302
    assert MOODLE in frame_ancestors(client)


def test_a_commit_that_changes_no_registration_keeps_the_list(client):
    make_platform()
    db.session.commit()
    warmed(client)
    db.session.commit()
    assert cache.get(FRAME_ANCESTORS_CACHE_KEY) is not None
