"""After a launch the tool keeps its own session; when the iframe blocks cookies it offers a new window."""
from __future__ import annotations

from urllib.parse import urlsplit

from lti_app import create_app
from tests.lti_platform import LmsBrowser, forms_of, path_of


def test_the_session_cookie_is_cross_site_secure_and_partitioned(browser, platform):
    browser.launch(platform.learners[0].sub)
    cookie = next(c for c in browser.flow.launch.headers.getlist("Set-Cookie") if c.startswith("rementor_session="))
    for attribute in ("Secure", "HttpOnly", "SameSite=None", "Partitioned"):
        assert attribute in cookie


def test_a_browser_that_blocks_cookies_in_the_frame_is_offered_a_new_window(browser, platform, app):
    learner = platform.learners[0]
    launched = browser.launch(learner.sub, follow=False)
    token_url = path_of(launched.headers["Location"])

    # The frame: no session cookie came back, so the page offers a new window instead of failing.
    framed = app.test_client()
    offer = framed.get(token_url)
    assert offer.status_code == 200 and "Open ReMentor in a new window" in offer.get_data(as_text=True)

    # The new window is a top-level context where cookies work: it names the person, and a click goes on.
    new_window = app.test_client()
    link = next(a for a in offer.get_data(as_text=True).split('"') if "window=new" in a).replace("&amp;", "&")
    asked = new_window.get(link)
    assert asked.status_code == 200 and f"Continue as {learner.name}" in asked.get_data(as_text=True)
    form = forms_of(asked)[0]
    opened = new_window.post(path_of(form.action), data=form.fields)
    assert opened.status_code == 303 and "/learner/" in opened.headers["Location"]
    home = new_window.get(path_of(opened.headers["Location"]))
    assert home.status_code == 200 and learner.name in home.get_data(as_text=True)

    # The link works once.
    assert app.test_client().get(link).status_code == 410


def test_an_unknown_or_spent_continue_link_says_it_expired(client):
    page = client.get("/lti/continue/not-a-token")
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)


def test_course_pages_without_a_session_ask_to_launch_again(client, platform):
    page = client.get("/courses/1/learner/")
    assert page.status_code == 401 and "<code>SessionExpired</code>" in page.get_data(as_text=True)


def test_a_learner_cannot_open_the_instructor_home_and_vice_versa(browser, platform, app):
    browser.launch(platform.learners[0].sub)
    course_id = int(urlsplit(browser.flow.continued.headers["Location"]).path.split("/")[2])
    assert browser.client.get(f"/courses/{course_id}/instructor/").status_code == 403
    teacher = app.test_client()
    LmsBrowser(teacher, platform).launch(platform.instructor.sub)
    assert teacher.get(f"/courses/{course_id}/learner/").status_code == 403
    assert teacher.get(f"/courses/{course_id}/instructor/").status_code == 200


def test_another_course_id_is_not_reachable_from_this_session(browser, platform):
    browser.launch(platform.learners[0].sub)
    course_id = int(urlsplit(browser.flow.continued.headers["Location"]).path.split("/")[2])
    page = browser.client.get(f"/courses/{course_id + 1}/learner/")
    assert page.status_code == 401


def test_the_course_root_sends_each_role_to_its_home(browser, platform):
    browser.launch(platform.learners[0].sub)
    course_id = int(urlsplit(browser.flow.continued.headers["Location"]).path.split("/")[2])
    assert "/learner/" in browser.client.get(f"/courses/{course_id}/").headers["Location"]


def test_behind_a_tls_proxy_the_tool_builds_https_urls(monkeypatch):
    app = create_app("testing", {"PROXY_FIX_HOPS": 1, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        from lti_app.extensions import db

        db.create_all()
        client = app.test_client()
        page = client.get(
            "/", base_url="http://internal:8000", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "rementor.example.edu"}
        )
        assert "https://rementor.example.edu/lti/jwks" in page.get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()
