"""The whole Dynamic Registration against Moodle- and Canvas-shaped platforms served over plain HTTP on 127.0.0.1,
with the Development config as `make run` builds it (no setting the README does not tell): the pages, success and
error alike, may be framed by the registering platform's own origin and post the close message to it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lti_app import create_app
from lti_app.extensions import cache, db
from lti_app.lti.models import Platform
from lti_app.web.launch.registration import close_targets, registration_policy
from tests.lti import simulated_lms
from tests.lti.local_servers import PlatformServer, serve


def served_at(platform: simulated_lms.SimulatedPlatform, base: str) -> simulated_lms.SimulatedPlatform:
    """``platform`` with every URL (issuer and, for Canvas, its SSO host) on ``base``: a self-hosted test site."""
    origins = (simulated_lms.MOODLE, simulated_lms.CANVAS, simulated_lms.CANVAS_SSO)

    def moved(value):
        if isinstance(value, str):
            for origin in origins:
                value = value.replace(origin, base)
        return value

    platform.issuer = base
    platform.config_url = moved(platform.config_url)
    platform.configuration = {key: moved(value) for key, value in platform.configuration.items()}
    platform.configuration.pop("authorization_server", None)
    return platform


@pytest.fixture
def dev_app(tmp_path, monkeypatch):
    """The Development config with only a database and key files of the test's own (what `make run` leaves to
    defaults stays default: no LTI_PRIVATE_HOSTS, no FLASK_DEBUG)."""
    monkeypatch.delenv("LTI_PRIVATE_HOSTS", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app("development", {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dev.sqlite'}",
        "DEMO_PLATFORM_KEY_FILE": str(tmp_path / "demo_platform_key.pem"),
        "TOOL_KEY_FILE": str(tmp_path / "tool_key.pem"),
        "CACHE_TYPE": "SimpleCache",
        "LTI_HTTP_CONNECT_TIMEOUT": 2, "LTI_HTTP_READ_TIMEOUT": 2,
    })
    app.debug = False  # the flask CLI resets debug from FLASK_DEBUG: the run must not depend on it
    with app.app_context():
        db.create_all()
        cache.clear()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(params=["moodle", "canvas"])
def local_platform(request):
    holder: dict = {}
    server = PlatformServer(lambda *asked: holder["answer"](*asked))
    platform = served_at(getattr(simulated_lms, request.param)(), server.base)
    holder["answer"] = serve(platform)
    yield platform, server
    server.close()


def frame_ancestors(page) -> list[str]:
    policy = page.headers["Content-Security-Policy"]
    return policy.split("frame-ancestors", 1)[1].split(";", 1)[0].split()


def close_targets_of(html: str) -> str:
    return html.split('data-close-targets="', 1)[1].split('"', 1)[0]


def test_a_platform_over_plain_http_on_loopback_registers_and_may_frame_the_page(dev_app, local_platform):
    platform, server = local_platform
    page = dev_app.test_client().get(platform.register_url(platform.issue_token()))
    html = page.get_data(as_text=True)

    assert page.status_code == 200, html
    assert "ReMentor is registered" in html
    stored = db.session.scalar(select(Platform))
    assert (stored.issuer, stored.client_id) == (server.base, platform.client_id)
    assert [method for method, _ in server.requests] == ["GET", "POST"]
    assert frame_ancestors(page) == ["'self'", "https:", server.base]
    assert close_targets_of(html) == server.base
    assert '<script src="/static/js/registration-close.js"></script>' in html
    assert platform.received[0]["logo_uri"] == "http://localhost/static/img/rementor.svg"


def test_a_refused_registration_may_be_framed_by_the_platform_and_closes_to_it(dev_app, local_platform):
    platform, server = local_platform
    client = dev_app.test_client()
    token = platform.issue_token()
    platform.used_tokens.add(token)  # the platform refuses it: Moodle's token_already_used
    platform.single_use_token = True
    page = client.get(platform.register_url(token))
    html = page.get_data(as_text=True)

    assert page.status_code >= 400 and "Nothing was registered with ReMentor" in html
    assert db.session.scalar(select(Platform)) is None
    assert frame_ancestors(page) == ["'self'", "https:", server.base]
    assert close_targets_of(html) == server.base
    assert 'data-error="' in html and 'id="registration-close"' in html


def test_the_script_posts_the_close_message_to_the_named_origins_only(dev_app):
    with dev_app.test_client().get("/static/js/registration-close.js") as script:
        text = script.get_data(as_text=True)
    assert "target.postMessage(message, origin)" in text and '"*")' not in text


def test_a_request_without_a_usable_url_frames_as_before():
    assert registration_policy(None).endswith("frame-ancestors 'self' https:")
    assert registration_policy("https:").endswith("frame-ancestors 'self' https:")
    assert close_targets(None, False) == "*"


def test_hosted_canvas_also_closes_to_any_origin_for_the_school_s_own_domain():
    assert close_targets("https://canvas.instructure.com", True) == "https://canvas.instructure.com *"
    assert close_targets("http://127.0.0.1:8080", False) == "http://127.0.0.1:8080"


def test_the_icon_named_in_the_values_for_the_lms_is_served(app, client):
    from lti_app.web.tool_values import STABLE_PATHS

    path = dict(STABLE_PATHS)["Icon URL"]
    with client.get(path) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    readme = (__import__("pathlib").Path(__file__).parents[2] / "README.md").read_text()
    assert f"https://rementor.example.edu{path}" in readme


def test_every_page_loads_the_frame_resize_script_from_the_tool_itself(app, client):
    html = client.get("/lti/register").get_data(as_text=True)  # any page of the tool (here an error page)
    assert '<script src="/static/js/frame-resize.js" defer></script>' in html
    with client.get("/static/js/frame-resize.js") as script:
        text = script.get_data(as_text=True)
    assert 'subject: "lti.frameResize"' in text and "http" not in text  # nothing loaded from elsewhere
    with client.get("/static/css/rementor.css") as css:
        assert "form > .actions:last-child { position: sticky" in css.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "http://x;script-src%20*@127.0.0.1/c", "http://a b/c", "http://user@127.0.0.1:8080/c", "javascript:alert(1)",
])
def test_a_configuration_url_that_is_not_a_plain_origin_adds_nothing_to_the_policy(dev_app, url):
    from urllib.parse import quote

    page = dev_app.test_client().get(f"/lti/register?openid_configuration={quote(url, safe='')}&registration_token=t")
    assert page.status_code >= 400
    assert page.headers["Content-Security-Policy"].endswith("frame-ancestors 'self' https:")
    assert registration_policy("http://x;script-src *").endswith("frame-ancestors 'self' https:")
