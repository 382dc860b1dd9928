"""Operator sign-in: throttled per client address; guessing from many addresses locks strangers out, not the operator."""
from __future__ import annotations

import time

import pytest

from lti_app.extensions import db
from lti_app.operators.services import set_operator_password
from tests.conftest import fresh_app
from tests.factories import make_operator
from tests.web.admin_client import admin_post, sign_in

OWN_ADDRESS = "192.0.2.10"
ATTACKER = "203.0.113.7"
WRONG = "not the password at all"


@pytest.fixture
def app(request):
    """Behind one proxy (X-Forwarded-For names the client), 3 sign-in attempts a minute per client, lock-out at 5."""
    yield from fresh_app(request, {"PROXY_FIX_HOPS": 1, "SIGN_IN_RATE_LIMIT": "3 per minute;20 per day",
                                   "OPERATOR_MAX_FAILED_LOGINS": 5})


@pytest.fixture
def operator(app):
    row = make_operator("ops@rementor.test")
    db.session.commit()
    return row


def guesses(app, email: str, addresses: list[str]) -> list[int]:
    """One wrong password per address, each from a fresh browser; the statuses."""
    return [sign_in(app.test_client(), email, WRONG, address=address).status_code for address in addresses]


def test_guessing_from_one_address_gets_429_after_the_limit_with_a_page_saying_when(app, operator):
    client = app.test_client()
    statuses = [sign_in(client, operator.email, WRONG, address=ATTACKER).status_code for _ in range(3)]
    throttled = sign_in(client, operator.email, address=ATTACKER)  # even the right password
    assert statuses == [401, 401, 401] and throttled.status_code == 429
    html = throttled.get_data(as_text=True)
    assert "Too many sign-in attempts" in html and "Try again in 1 minute" in html and "UTC" in html
    assert 'class="panel error"' in html and "<html" in html  # the tool's own page, not a bare text
    assert 0 < int(throttled.headers["Retry-After"]) <= 60
    assert throttled.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")  # still an admin page
    assert app.test_client().get("/admin/login", headers={"X-Forwarded-For": ATTACKER}).status_code == 200  # GETs free
    assert sign_in(app.test_client(), operator.email, address=OWN_ADDRESS).status_code == 302  # others unaffected


def test_the_limit_lifts_when_the_window_has_passed(app, operator, monkeypatch):
    client = app.test_client()
    for _ in range(3):
        sign_in(client, operator.email, WRONG, address=ATTACKER)
    assert sign_in(client, operator.email, address=ATTACKER).status_code == 429
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert sign_in(client, operator.email, address=ATTACKER).status_code == 302


def test_successful_sign_ins_are_not_counted(app, operator):
    client = app.test_client()
    for _ in range(5):
        assert sign_in(client, operator.email, address=OWN_ADDRESS).status_code == 302
        assert admin_post(client, "/admin/logout").status_code == 302


def test_ipv6_clients_count_by_their_64_network(app, operator):
    addresses = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"]
    assert guesses(app, "nobody@rementor.test", addresses) == [401, 401, 401]
    assert sign_in(app.test_client(), operator.email, address="2001:db8:1:2::99").status_code == 429
    assert sign_in(app.test_client(), operator.email, address="2001:db8:1:3::1").status_code == 302


def test_only_the_sign_in_is_limited(app, operator, platform):
    for _ in range(3):
        sign_in(app.test_client(), operator.email, WRONG)  # the test client's own address
    client = app.test_client()
    assert [client.get("/lti/jwks").status_code for _ in range(10)] == [200] * 10
    assert [client.get("/healthz").status_code for _ in range(10)] == [200] * 10


def test_guessing_from_many_addresses_locks_strangers_out_but_not_the_operator_in_their_browser(app, operator):
    own_browser = app.test_client()
    assert sign_in(own_browser, operator.email, address=OWN_ADDRESS).status_code == 302
    assert admin_post(own_browser, "/admin/logout").status_code == 302
    attackers = [f"198.51.100.{n}" for n in range(1, 8)]
    assert guesses(app, operator.email, attackers) == [401, 401, 401, 401, 429, 429, 429]
    stranger = sign_in(app.test_client(), operator.email, address="198.51.100.99")  # the right password, elsewhere
    assert stranger.status_code == 429 and "locked" in stranger.get_data(as_text=True)
    assert sign_in(own_browser, operator.email, address=OWN_ADDRESS).status_code == 302
    assert own_browser.get("/admin/").status_code == 200
    # The operator's sign-in leaves the lock in place: the guessing stays slowed.
    assert guesses(app, operator.email, ["198.51.100.50"]) == [429]


def test_a_wrong_password_in_the_operators_browser_while_locked_is_only_wrong(app, operator):
    own_browser = app.test_client()
    sign_in(own_browser, operator.email, address=OWN_ADDRESS)
    guesses(app, operator.email, [f"198.51.100.{n}" for n in range(1, 6)])
    typo = sign_in(own_browser, operator.email, WRONG, address=OWN_ADDRESS)
    assert typo.status_code == 401 and "do not match" in typo.get_data(as_text=True)
    assert sign_in(own_browser, operator.email, address=OWN_ADDRESS).status_code == 302


def test_a_new_password_makes_the_browsers_trusted_before_strangers(app, operator):
    own_browser = app.test_client()
    sign_in(own_browser, operator.email, address=OWN_ADDRESS)
    set_operator_password(operator, "a brand new passphrase")
    db.session.commit()
    guesses(app, operator.email, [f"198.51.100.{n}" for n in range(1, 6)])
    assert sign_in(own_browser, operator.email, "a brand new passphrase", address=OWN_ADDRESS).status_code == 429


def test_a_forged_trusted_browser_cookie_is_ignored(app, operator):
    guesses(app, operator.email, [f"198.51.100.{n}" for n in range(1, 6)])
    forger = app.test_client()
    forger.set_cookie("rementor_admin_browser", "eyJvIjoxLCJ2IjoiMCJ9.forged.sig", domain="tool.test", path="/admin")
    assert sign_in(forger, operator.email, address=OWN_ADDRESS).status_code == 429


@pytest.mark.parametrize("forwarded", ["not an address", "", "300.1.2.3", "::ffff:203.0.113.7"])
def test_an_odd_forwarded_address_is_counted_as_it_is_and_never_a_500(app, operator, forwarded):
    statuses = [sign_in(app.test_client(), operator.email, WRONG, address=forwarded).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
