"""LTI Client Side postMessage Storage: the login's state in the LMS's storage frame, the frame's cookie-less session.

The browser here keeps no cookie at all (each request a client with an empty jar, as an iframe whose cookies are
blocked): the login answers a page that stores state and nonce in the platform's frame, the launch answers a page
that reads the state back and posts it; only the state this login issued, once, within five minutes, from our own
origin, opens the launch. The session then rides on the frame token that each page holds, never on a URL.
"""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest

from lti_app.extensions import cache
from lti_app.lti import platform_storage
from lti_app.web import frame_session
from tests.lti_platform import TOOL, forms_of, parse_page, path_of

STORAGE = "post_message_forwarding"
OWN_ORIGIN = {"Origin": TOOL}


def _meta(response, name: str) -> str | None:
    found = re.search(rf'<meta name="{name}" content="([^"]*)"', response.get_data(as_text=True))
    return unescape(found.group(1)) if found else None


def _data(response, attribute: str) -> str:
    found = re.search(rf'{attribute}="([^"]*)"', response.get_data(as_text=True))
    assert found, f"no {attribute} on the page"
    return unescape(found.group(1))


class CookielessFrame:
    """A frame whose cookies are blocked: every request from an empty cookie jar; the LMS's storage frame beside."""

    def __init__(self, app, lms) -> None:
        self.app, self.lms = app, lms
        self.storage: dict[str, str] = {}

    @property
    def client(self):
        return self.app.test_client()  # a fresh jar each time: nothing the tool set comes back

    def login(self, sub: str, **extra: str):
        url, params = self.lms.login_initiation(sub, method="POST", storage_target=STORAGE)
        return self.client.post(path_of(url), data={**params, **extra})

    def stored_login(self, sub: str) -> dict[str, str]:
        """Log in, keep what the page puts in the platform's storage (as its script does); the launch form."""
        page = self.login(sub)
        assert page.status_code == 200, page.get_data(as_text=True)
        self.storage[_data(page, "data-state-key")] = _data(page, "data-state")
        self.storage[_data(page, "data-nonce-key")] = _data(page, "data-nonce")
        auth = parse_page(page.get_data(as_text=True)).data_next
        assert auth and auth.startswith(self.lms.auth_url + "?")
        return self.lms.authorize(dict(parse_qsl(urlsplit(auth).query)))["fields"]

    def launch(self, fields: dict[str, str]):
        return self.client.post("/lti/launch", data=fields)

    def post_state(self, launch_page, value: str | None = None, headers: dict[str, str] | None = None):
        form = forms_of(launch_page)[0]
        state = form.fields["state"]
        data = {**form.fields, "lti_storage_value": self.storage.get(state, "") if value is None else value}
        return self.client.post(path_of(form.action), data=data, headers=OWN_ORIGIN if headers is None else headers)

    def follow(self, response, limit: int = 5):
        """Go on as frame-session.js does: each redirect page's next address, as a navigation POST with the token."""
        for _ in range(limit):
            following = _meta(response, "rementor-frame-next")
            if following is None:
                return response
            response = self.navigate(following, _meta(response, "rementor-frame"))
        return response

    def navigate(self, url: str, token: str | None):
        return self.client.post(path_of(url), data={"_rm_nav": "get", "_rm_frame": token or ""})


@pytest.fixture
def frame(app, platform) -> CookielessFrame:
    return CookielessFrame(app, platform)


def test_the_login_of_a_platform_with_storage_answers_a_page_that_stores_the_state_and_sets_no_cookie(frame):
    page = frame.login(frame.lms.learners[0].sub)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in page.headers
    assert _data(page, "data-target") == STORAGE and _data(page, "data-origin") == "https://lms.test"
    state = _data(page, "data-state")
    assert _data(page, "data-state-key") == state and platform_storage.peek(state)["target"] == STORAGE
    assert "<script>" not in page.get_data(as_text=True) and "js/lti-storage.js" in page.get_data(as_text=True)
    fallback = _data(page, "data-fallback")
    assert "lti_storage_target" not in fallback and "lti1p3_new_window" not in fallback
    cookie_flow = frame.client.get(fallback)
    assert cookie_flow.status_code == 200 and "cookie-check" in cookie_flow.get_data(as_text=True)


def test_a_launch_through_the_storage_opens_a_session_that_lives_in_the_frame_not_in_a_cookie(frame):
    learner = frame.lms.learners[0]
    launch_page = frame.launch(frame.stored_login(learner.sub))
    assert launch_page.status_code == 200 and _data(launch_page, "data-mode") == "launch"
    opened = frame.post_state(launch_page)
    assert opened.status_code == 200 and "Set-Cookie" not in opened.headers
    token = _meta(opened, "rementor-frame")
    assert token and token not in (_meta(opened, "rementor-frame-next") or "")
    home = frame.follow(opened)
    assert home.status_code == 200 and learner.name in home.get_data(as_text=True)
    assert "/learner/" in home.request.path and token not in home.request.url
    assert _meta(home, "rementor-frame") == token and home.headers["Cache-Control"] == "no-store"
    # the same address without the token (a copied link, another browser) opens nothing
    assert frame.client.get(home.request.path).status_code == 401
    assert frame.navigate(home.request.path, "x" * 43).status_code == 401


def test_a_post_form_in_the_frame_needs_the_token_and_the_csrf_token(frame):
    home = frame.follow(frame.post_state(frame.launch(frame.stored_login(frame.lms.learners[0].sub))))
    token = _meta(home, "rementor-frame")
    with frame.app.test_request_context():
        stored = cache.get(frame_session._key(token))
    assert stored and stored["courses"]
    path = home.request.path + "mail"
    page = frame.navigate(path, token)
    forms = [f for f in forms_of(page) if f.method == "post"]
    assert page.status_code == 200 and forms, page.get_data(as_text=True)[:500]
    form = forms[0]
    without_csrf = {k: v for k, v in form.fields.items() if k != "csrf_token"}
    assert form.action == "" and frame.client.post(path, data={**without_csrf, "_rm_frame": token}).status_code == 400
    done = frame.client.post(path, data={**form.fields, "_rm_frame": token})
    assert done.status_code == 200 and _meta(done, "rementor-frame") == token


def test_a_forged_state_is_refused(frame):
    fields = frame.stored_login(frame.lms.learners[0].sub)
    forged = {**fields, "state": "state-00000000-0000-4000-8000-000000000000"}
    page = frame.launch(forged)
    assert page.status_code == 400 and "StateMismatch" in page.get_data(as_text=True)  # no record: the cookie check
    refused = frame.client.post("/lti/launch/storage", data={
        "id_token": fields["id_token"], "state": forged["state"], "lti_storage_value": forged["state"],
    }, headers=OWN_ORIGIN)
    assert refused.status_code == 400 and "StateMismatch" in refused.get_data(as_text=True)


def test_a_state_the_storage_did_not_give_back_is_refused_and_spent(frame):
    launch_page = frame.launch(frame.stored_login(frame.lms.learners[0].sub))
    refused = frame.post_state(launch_page, value="")
    assert refused.status_code == 400 and "StateMismatch" in refused.get_data(as_text=True)
    again = frame.post_state(launch_page)  # the state was spent by the refused attempt
    assert again.status_code == 400 and "StateMismatch" in again.get_data(as_text=True)


def test_a_replayed_state_is_refused(frame):
    launch_page = frame.launch(frame.stored_login(frame.lms.learners[0].sub))
    assert frame.post_state(launch_page).status_code == 200
    replay = frame.post_state(launch_page)
    assert replay.status_code == 400 and "StateMismatch" in replay.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, {"Origin": "https://evil.test"}, {"Origin": "https://lms.test"}])
def test_a_state_posted_from_another_origin_is_refused(frame, headers):
    launch_page = frame.launch(frame.stored_login(frame.lms.learners[0].sub))
    refused = frame.post_state(launch_page, headers=headers)
    assert refused.status_code == 400 and "StateMismatch" in refused.get_data(as_text=True)
    assert "rementor-frame" not in refused.get_data(as_text=True)


def test_an_expired_state_is_refused(frame):
    fields = frame.stored_login(frame.lms.learners[0].sub)
    with frame.app.test_request_context():
        cache.delete(platform_storage.STATE_PREFIX + fields["state"])  # what the five-minute timeout does
    page = frame.launch(fields)
    assert page.status_code == 400 and "StateMismatch" in page.get_data(as_text=True)


def test_the_state_record_lives_five_minutes():
    assert platform_storage.STATE_SECONDS == 300


def test_a_frame_token_ends_with_the_session_of_its_launch(frame):
    learner = frame.lms.learners[0]
    home = frame.follow(frame.post_state(frame.launch(frame.stored_login(learner.sub))))
    token = _meta(home, "rementor-frame")
    again = frame.follow(frame.post_state(frame.launch(frame.stored_login(learner.sub))))  # the same person again
    assert again.status_code == 200 and _meta(again, "rementor-frame") not in (None, token), again.get_data(as_text=True)[:3000]
    assert frame.navigate(home.request.path, token).status_code == 401


def test_a_storage_target_that_is_not_a_frame_name_is_refused(frame):
    refused = frame.login(frame.lms.learners[0].sub, lti_storage_target='"><script>x</script>')
    assert refused.status_code == 400 and "InvalidLogin" in refused.get_data(as_text=True)


def test_a_login_without_storage_keeps_the_cookie_flow(frame, browser):
    final = browser.launch(frame.lms.learners[0].sub)
    assert final.status_code == 200 and "rementor-frame" not in final.get_data(as_text=True)
    assert "cookie-check" in browser.flow.login.get_data(as_text=True)


def test_a_navigation_post_is_the_get_it_stands_for_and_other_posts_are_untouched(app):
    seen = []
    inner = frame_session.FrameNavigation(lambda environ, start: seen.append(
        (environ["REQUEST_METHOD"], environ.get("HTTP_X_REMENTOR_FRAME"), environ["wsgi.input"].read())) or [])
    from io import BytesIO

    def call(body: bytes) -> None:
        inner({"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/x-www-form-urlencoded",
               "CONTENT_LENGTH": str(len(body)), "wsgi.input": BytesIO(body)}, None)

    call(b"_rm_nav=get&_rm_frame=abc")
    call(b"_rm_nav=get&_rm_frame=abc&csrf_token=1")
    call(b"title=hello")
    assert seen == [("GET", "abc", b""), ("POST", None, b"_rm_nav=get&_rm_frame=abc&csrf_token=1"), ("POST", None, b"title=hello")]


@pytest.mark.parametrize("id_token", ["", "garbage", "a.b.c", "x" * 10000])
def test_a_stored_state_with_a_broken_id_token_is_a_named_refusal(frame, id_token):
    launch_page = frame.launch(frame.stored_login(frame.lms.learners[0].sub))
    form = forms_of(launch_page)[0]
    data = {**form.fields, "id_token": id_token, "lti_storage_value": form.fields["state"]}
    refused = frame.client.post(path_of(form.action), data=data, headers=OWN_ORIGIN)
    assert refused.status_code in {400, 401, 403} and "<code>" in refused.get_data(as_text=True)
    assert "rementor-frame" not in refused.get_data(as_text=True)


def test_a_large_post_without_a_frame_token_still_reaches_its_view(client):
    answer = client.post("/lti/launch", data={"state": "s", "id_token": "x" * 200_000})
    assert answer.status_code == 400 and "StateMismatch" in answer.get_data(as_text=True)


def test_two_requests_spending_one_state_at_once_get_it_once(app):
    """The state is spent by the cache's atomic delete: of two launches racing with it, one gets the record."""
    from tests.threads import run_together

    state = "state-" + "0" * 8 + "-0000-4000-8000-" + "0" * 12
    for _ in range(5):
        platform_storage.record_state(state, target="post_message_forwarding", origin="https://lms.test", platform_id=1)
        results, failures = run_together(app, lambda: platform_storage.consume(state), count=4)
        assert failures == []
        assert sum(record is not None for record in results) == 1
