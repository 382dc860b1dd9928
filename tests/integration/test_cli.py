"""Operator commands print what they did and refuse bad input with a clear message."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from lti_app.extensions import db
from lti_app.lti.models import Deployment, Platform, ToolKey

ADD = [
    "platform", "add", "--name", "Uni Moodle", "--issuer", "https://moodle.uni.test", "--client-id", "abc",
    "--auth-login-url", "https://moodle.uni.test/mod/lti/auth.php", "--token-url", "https://moodle.uni.test/mod/lti/token.php",
    "--key-set-url", "https://moodle.uni.test/mod/lti/certs.php", "--deployment-id", "1",
]


def test_platform_add_registers_the_platform_and_its_deployment(cli):
    result = cli(*ADD)
    assert result.exit_code == 0, result.output
    assert "Added platform" in result.output and "https://moodle.uni.test" in result.output
    platform = db.session.scalar(select(Platform))
    assert (platform.issuer, platform.client_id, platform.active) == ("https://moodle.uni.test", "abc", True)
    assert [d.deployment_id for d in platform.deployments] == ["1"]


def test_a_second_client_of_the_same_issuer_is_welcome_but_a_duplicate_is_refused(cli):
    assert cli(*ADD).exit_code == 0
    other = [("xyz" if a == "abc" else a) for a in ADD]
    assert cli(*other).exit_code == 0
    duplicate = cli(*ADD)
    assert duplicate.exit_code != 0 and "already registered" in duplicate.output
    assert db.session.query(Platform).count() == 2


@pytest.mark.parametrize("flag, value", [("--issuer", "moodle.uni.test"), ("--token-url", "ftp://x"), ("--key-set-url", "not a url")])
def test_a_malformed_url_is_refused_and_nothing_is_stored(cli, flag, value):
    args = list(ADD)
    args[args.index(flag) + 1] = value
    result = cli(*args)
    assert result.exit_code != 0 and "not an http(s) URL" in result.output
    assert db.session.query(Platform).count() == 0


def test_an_inline_key_set_file_can_replace_the_url(cli, tmp_path):
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": []}))
    args = [a for a in ADD]
    i = args.index("--key-set-url")
    args[i : i + 2] = ["--key-set-file", str(jwks)]
    assert cli(*args).exit_code == 0
    assert db.session.scalar(select(Platform)).key_set == {"keys": []}


def test_list_activate_and_deactivate(cli):
    cli(*ADD)
    assert "active\tUni Moodle" in cli("platform", "list").output
    result = cli("platform", "deactivate", "https://moodle.uni.test")
    assert result.exit_code == 0 and "now inactive" in result.output
    assert db.session.scalar(select(Platform)).active is False
    assert cli("platform", "activate", "https://moodle.uni.test", "--client-id", "abc").exit_code == 0
    assert db.session.scalar(select(Platform)).active is True


def test_an_unknown_issuer_is_named_in_the_error(cli):
    result = cli("platform", "activate", "https://nowhere.test")
    assert result.exit_code != 0 and "No registration for issuer 'https://nowhere.test'" in result.output


def test_deployment_add_and_its_duplicate(cli):
    cli(*ADD)
    ok = cli("deployment", "add", "https://moodle.uni.test", "2", "--name", "Faculty of Arts")
    assert ok.exit_code == 0 and "Added deployment 2" in ok.output
    dup = cli("deployment", "add", "https://moodle.uni.test", "2")
    assert dup.exit_code != 0 and "already registered" in dup.output
    assert db.session.query(Deployment).count() == 2


def test_keys_rotate_then_retire(cli):
    assert "Created signing key" in cli("keys", "ensure").output
    first = db.session.scalar(select(ToolKey)).kid
    rotated = cli("keys", "rotate")
    assert rotated.exit_code == 0 and f"Still published until retired: {first}" in rotated.output
    retired = cli("keys", "retire", first)
    assert retired.exit_code == 0 and "no longer published" in retired.output
    again = cli("keys", "retire", first)
    assert again.exit_code != 0 and "already retired" in again.output


def test_a_key_id_starting_with_a_dash_can_be_retired(cli):
    cli("keys", "ensure")
    cli("keys", "rotate")
    old = db.session.scalars(select(ToolKey).order_by(ToolKey.id)).first()
    old.kid = "-starts-with-a-dash"
    db.session.commit()
    result = cli("keys", "retire", "-starts-with-a-dash")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(ToolKey).where(ToolKey.kid == "-starts-with-a-dash")).retired_at is not None


@pytest.mark.parametrize(("option", "url", "why"), [
    ("--token-url", "http://moodle.uni.test/mod/lti/token.php", "is not an HTTPS URL"),
    ("--key-set-url", "https://169.254.169.254/latest", "points to an address the tool may not call"),
    ("--key-set-url", "https://2130706433/certs", "points to an address the tool may not call"),
])
def test_platform_add_refuses_a_url_the_tool_may_not_call(cli, option, url, why):
    args = list(ADD)
    args[args.index(option) + 1] = url
    result = cli(*args)
    assert result.exit_code != 0 and why in result.output and "LTI_PRIVATE_HOSTS" in result.output
    assert db.session.scalar(select(Platform)) is None
