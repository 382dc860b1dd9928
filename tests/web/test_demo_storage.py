"""The demo LMS as a platform that offers postMessage storage (its course page with ?storage=on) and one that
does not (the default, and every launch from the start page)."""
from __future__ import annotations

from tests.lti_platform import forms_of
from tests.web.test_demo import dev_app, seed  # noqa: F401  (fixtures)


def _fields(page) -> dict[str, str]:
    return forms_of(page)[0].fields


def test_the_start_page_launches_without_storage_as_before(dev_app, seed):
    seed()
    pages = [dev_app.test_client().get(path) for path in ("/demo/", "/demo/launch/u-2001")]
    assert all(p.status_code == 200 for p in pages)
    assert "course page, LMS with postMessage storage" in pages[0].get_data(as_text=True)
    assert "lti_storage_target" not in _fields(pages[1])


def test_the_course_page_with_storage_frames_the_tool_beside_the_storage_frame(dev_app, seed):
    seed()
    client = dev_app.test_client()
    page = client.get("/demo/course/u-2001?storage=on")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'name="post_message_forwarding"' in text and "/demo/platform/storage" in text
    assert "/demo/launch/u-2001?storage=on" in text
    assert "frame-src 'self' http://localhost" in page.headers["Content-Security-Policy"]
    login = _fields(client.get("/demo/launch/u-2001?storage=on"))
    assert login["lti_storage_target"] == "post_message_forwarding"
    without = client.get("/demo/course/u-2001").get_data(as_text=True)
    assert "post_message_forwarding" not in without and "storage=on" not in without
    assert client.get("/demo/course/nobody").status_code == 404


def test_the_storage_frame_is_a_static_script_that_answers_the_tools_origin(dev_app, seed):
    seed()
    page = dev_app.test_client().get("/demo/platform/storage").get_data(as_text=True)
    assert 'content="http://localhost"' in page and "js/demo-storage.js" in page and "<script>" not in page


def test_the_launch_of_a_storage_login_carries_the_storage_target(dev_app, seed):
    seed()
    with dev_app.test_request_context():
        from lti_app.demo import registration

        platform = registration.current_platform()
        _url, params = platform.login_initiation("u-2001", storage_target="post_message_forwarding")
        query = {
            "client_id": platform.client_id, "redirect_uri": platform.tool_launch_url, "response_type": "id_token",
            "scope": "openid", "response_mode": "form_post", "prompt": "none", "nonce": "n", "state": "s",
            "login_hint": "u-2001", "lti_message_hint": params["lti_message_hint"],
        }
        assert platform.authorize(query)["fields"]["lti_storage_target"] == "post_message_forwarding"
        plain = platform.authorize({**query, "lti_message_hint": platform.login_initiation("u-2001")[1]["lti_message_hint"]})
        assert "lti_storage_target" not in plain["fields"]
