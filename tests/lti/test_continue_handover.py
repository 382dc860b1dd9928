"""The new-window hand-over of a launch: it names whose session it opens and needs that person's confirming POST.

A continue link is a bearer token for five minutes: the attacker who launched gets one for their own session, and
could send it to someone. Opening it (GET) therefore never signs a browser in; the page shows the person, e-mail
and course, and only a POST with the CSRF token of the browser that displayed the page moves the session there.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from lti_app.extensions import cache, db
from lti_app.lti.sessions import BrowserSession
from lti_app.mentoring.models.course import Course
from lti_app.web.session import CONTINUE_PREFIX
from tests.lti_platform import LmsBrowser, forms_of, path_of
from tests.web.admin_client import own_csrf_token


def _launched_without_cookie(app, platform, sub: str) -> str:
    """Launch as ``sub`` in a frame whose cookie never comes back; the new-window link the frame is offered."""
    launched = LmsBrowser(app.test_client(), platform).launch(sub, follow=False)
    framed = app.test_client()  # no cookie: the iframe's cookies are blocked
    offer = framed.get(path_of(launched.headers["Location"]))
    assert offer.status_code == 200 and "Open ReMentor in a new window" in offer.get_data(as_text=True)
    return next(a for a in offer.get_data(as_text=True).split('"') if "window=new" in a).replace("&amp;", "&")


def _ask(client, link: str):
    with own_csrf_token():
        return client.get(link)


def _confirm(client, page):
    form = forms_of(page)[0]
    with own_csrf_token():
        return client.post(path_of(form.action), data=form.fields)


def _course_of(location: str) -> int:
    return int(urlsplit(location).path.split("/")[2])


def _signed_in_courses(client) -> dict:
    with client.session_transaction() as session:
        return dict(session.get("courses", {}))


def test_the_honest_new_window_names_the_person_and_opens_their_page_after_the_click(app, platform):
    learner = platform.learners[0]
    link = _launched_without_cookie(app, platform, learner.sub)
    new_window = app.test_client()
    asked = _ask(new_window, link)
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and f"Continue as {learner.name}" in text and "Not you?" in text
    assert learner.email in text
    opened = _confirm(new_window, asked)
    assert opened.status_code == 303 and "/learner/" in opened.headers["Location"]
    home = new_window.get(path_of(opened.headers["Location"]))
    assert home.status_code == 200 and learner.name in home.get_data(as_text=True)


def test_a_link_opened_in_another_browser_signs_nobody_in_without_the_confirming_post(app, platform):
    attacker = platform.learners[0]
    link = _launched_without_cookie(app, platform, attacker.sub)
    victim = app.test_client()
    asked = _ask(victim, link)
    assert asked.status_code == 200 and f"Continue as {attacker.name}" in asked.get_data(as_text=True)
    assert _signed_in_courses(victim) == {}  # the GET stored no course session
    course_id = db.session.scalar(db.select(Course.id))
    page = victim.get(f"/courses/{course_id}/learner/")
    assert page.status_code == 401 and "<code>SessionExpired</code>" in page.get_data(as_text=True)


def test_a_confirming_post_without_the_csrf_token_is_refused_and_signs_nobody_in(app, platform):
    link = _launched_without_cookie(app, platform, platform.learners[0].sub)
    victim = app.test_client()
    form = forms_of(_ask(victim, link))[0]
    refused = victim.post(path_of(form.action), data={})
    assert refused.status_code == 400 and "did not come from this page" in refused.get_data(as_text=True)
    assert _signed_in_courses(victim) == {}


def test_a_csrf_token_of_another_browser_is_refused(app, platform):
    """A page of the attacker's that auto-submits the form with the attacker's own token cannot sign the victim in."""
    link = _launched_without_cookie(app, platform, platform.learners[0].sub)
    attacker, victim = app.test_client(), app.test_client()
    form = forms_of(_ask(attacker, link))[0]
    _ask(victim, link)  # the victim's browser has a CSRF secret of its own
    with own_csrf_token():
        refused = victim.post(path_of(form.action), data=form.fields)
    assert refused.status_code == 400
    assert _signed_in_courses(victim) == {}


def test_a_hand_over_works_once(app, platform):
    link = _launched_without_cookie(app, platform, platform.learners[0].sub)
    first, second = app.test_client(), app.test_client()
    page_first, page_second = _ask(first, link), _ask(second, link)
    assert _confirm(first, page_first).status_code == 303
    again = _confirm(second, page_second)
    assert again.status_code == 410 and "expired" in again.get_data(as_text=True)
    assert _signed_in_courses(second) == {}
    assert _ask(app.test_client(), link).status_code == 410


def test_an_expired_continue_token_gives_the_expired_page(app, platform):
    link = _launched_without_cookie(app, platform, platform.learners[0].sub)
    token = urlsplit(link).path.rsplit("/", 1)[1]
    new_window = app.test_client()
    page = _ask(new_window, link)
    cache.delete(CONTINUE_PREFIX + token)  # what the cache's five-minute timeout does
    expired = _confirm(new_window, page)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    assert _ask(new_window, link).status_code == 410 and _signed_in_courses(new_window) == {}


def test_a_hand_over_of_a_session_a_later_launch_ended_is_refused(app, platform):
    learner = platform.learners[0]
    link = _launched_without_cookie(app, platform, learner.sub)
    new_window = app.test_client()
    page = _ask(new_window, link)
    assert LmsBrowser(app.test_client(), platform).launch(learner.sub).status_code == 200  # launched again elsewhere
    refused = _confirm(new_window, page)
    assert refused.status_code == 410 and _signed_in_courses(new_window) == {}


def test_the_new_window_takes_the_session_over_from_the_launch(app, platform):
    """The session moves to the new window's own id: the launch's id (never seen by a browser here) opens nothing."""
    link = _launched_without_cookie(app, platform, platform.learners[0].sub)
    hashes_before = set(db.session.scalars(db.select(BrowserSession.token_hash)))
    new_window = app.test_client()
    opened = _confirm(new_window, _ask(new_window, link))
    db.session.expire_all()
    hashes_after = set(db.session.scalars(db.select(BrowserSession.token_hash)))
    assert len(hashes_after) == 1 and hashes_after.isdisjoint(hashes_before)
    assert new_window.get(f"/courses/{_course_of(opened.headers['Location'])}/learner/").status_code == 200


def test_an_unknown_token_gives_the_expired_page_to_a_get_and_to_a_confirming_post(app, platform):
    link = _launched_without_cookie(app, platform, platform.learners[0].sub)
    new_window = app.test_client()
    form = forms_of(_ask(new_window, link))[0]
    assert _ask(new_window, "/lti/continue/not-a-token?window=new").status_code == 410
    with own_csrf_token():
        answer = new_window.post("/lti/continue/not-a-token", data=form.fields)
    assert answer.status_code == 410 and _signed_in_courses(new_window) == {}


def test_a_hand_over_into_a_browser_with_another_session_of_the_course_ends_that_one(app, platform):
    other = platform.learners[1]
    new_window = app.test_client()
    assert LmsBrowser(new_window, platform).launch(other.sub).status_code == 200
    link = _launched_without_cookie(app, platform, platform.learners[0].sub)
    assert _confirm(new_window, _ask(new_window, link)).status_code == 303
    db.session.expire_all()
    remaining = db.session.scalar(db.select(db.func.count()).select_from(BrowserSession))
    assert remaining == 1  # the hand-over's session only: the browser's earlier one (the other learner's) ended
