"""CSRF protection is on for every POST route; only the LMS's own cross-site posts are exempt."""
from __future__ import annotations

import pytest

# The platform posts these cross-site (login initiation, id_token form post, the demo LMS's own endpoints); a mail
# client posts the one-click unsubscribe without cookies; a cookie-less frame posts the state its LMS's storage
# kept before it has any session (only from our own origin, the state spent once: tests/lti/test_platform_storage.py).
EXEMPT = {"launch.login", "launch.launch", "launch.storage_launch", "mail.one_click"}  # and RFC 8058 one-click unsubscribe (signed token)
EXEMPT_PREFIXES = ("demo.platform_",)
CSRF_MESSAGE = b"The form expired or did not come from this page"


def _post_rules(app):
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or set()):
            yield rule


def _url(rule) -> str:
    values = {arg: (1 if rule._converters[arg].__class__.__name__ in {"IntegerConverter", "IdConverter"} else "x") for arg in rule.arguments}
    return rule.build(values)[1]


def _is_exempt(endpoint: str) -> bool:
    return endpoint in EXEMPT or endpoint.startswith(EXEMPT_PREFIXES)


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_every_post_route_without_a_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    checked = []
    for rule in _post_rules(csrf_app):
        if _is_exempt(rule.endpoint):
            continue
        response = client.post(_url(rule), data={"anything": "1"})
        assert response.status_code == 400, rule.rule
        assert CSRF_MESSAGE in response.data, rule.rule
        checked.append(rule.endpoint)
    assert "deep_linking.respond" in checked


def test_the_lms_posts_are_exempt_and_reach_their_view(csrf_app):
    client = csrf_app.test_client()
    for endpoint in EXEMPT:
        rule = next(r for r in csrf_app.url_map.iter_rules() if r.endpoint == endpoint)
        response = client.post(_url(rule), data={})
        assert CSRF_MESSAGE not in response.data, endpoint
