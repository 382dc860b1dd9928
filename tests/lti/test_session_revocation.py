"""LTI sessions the server ends: a new launch, an operator, or the absolute lifetime, whatever the cookie says.

A copied cookie is the case in point: it is replayed from a second test client, and every way of ending the
session must send that client to the "session expired" page (401, SessionExpired), never to a 404 or a 500.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db, utcnow
from lti_app.lti import sessions
from lti_app.lti.models import Deployment, Platform
from lti_app.lti.sessions import BrowserSession
from tests.factories import make_operator
from tests.lti_platform import LMS
from tests.web.admin_client import admin_post, sign_in
from tests.web.course_pages import OTHER_COURSE, Session, launch

COOKIE = "rementor_session"


def _copy(app, session: Session) -> Session:
    """Another browser holding a copy of ``session``'s cookie (stolen, say)."""
    cookie = session.client.get_cookie(COOKIE, domain=app.config["SERVER_NAME"])
    assert cookie is not None, "the launch set no session cookie"
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie.value, domain=app.config["SERVER_NAME"])
    return Session(thief, session.course_id)


def _ended(page) -> bool:
    return page.status_code == 401 and "<code>SessionExpired</code>" in page.get_data(as_text=True)


@pytest.fixture
def learner(platform):
    return platform.learners[0]


@pytest.fixture
def operator(app):
    row = make_operator("ops@rementor.test")
    db.session.commit()
    return row


def test_a_copied_cookie_dies_when_its_owner_launches_again(app, platform, learner):
    owner = launch(app, platform, learner.sub)
    thief = _copy(app, owner)
    assert thief.get("learner/").status_code == 200  # the copy works until something ends the session
    relaunched = launch(app, platform, learner.sub)
    assert _ended(thief.get("learner/")) and _ended(owner.get("learner/"))  # the owner's old browser too
    assert relaunched.get("learner/").status_code == 200


def test_a_relaunch_in_the_same_browser_replaces_its_own_record(app, platform, learner):
    from tests.lti_platform import LmsBrowser

    owner = launch(app, platform, learner.sub)
    thief = _copy(app, owner)
    assert LmsBrowser(owner.client, platform).launch(learner.sub).status_code == 200
    assert owner.get("learner/").status_code == 200 and _ended(thief.get("learner/"))
    assert db.session.scalar(select(func.count()).select_from(BrowserSession)) == 1


def test_a_launch_into_one_course_leaves_the_persons_other_courses_open(app, platform, learner):
    """Two tabs of one person in two courses must not sign each other out: a launch says nothing of other courses."""
    first = launch(app, platform, learner.sub)
    other = launch(app, platform, learner.sub, **OTHER_COURSE)
    launch(app, platform, learner.sub)  # the first course again, in yet another browser
    assert other.get("learner/").status_code == 200 and _ended(first.get("learner/"))


def test_another_persons_launch_leaves_this_session_open(app, platform, learner):
    mine = launch(app, platform, learner.sub)
    launch(app, platform, platform.learners[1].sub)
    assert mine.get("learner/").status_code == 200


def test_deactivating_the_platform_by_the_cli_ends_its_sessions(app, platform, learner, cli):
    session = launch(app, platform, learner.sub)
    thief = _copy(app, session)
    result = cli("platform", "deactivate", LMS)
    assert result.exit_code == 0, result.output
    assert _ended(session.get("learner/")) and _ended(thief.get("learner/"))
    assert cli("platform", "activate", LMS).exit_code == 0
    assert _ended(session.get("learner/"))  # reactivating opens no old session: the person launches again


def test_deactivating_the_platform_on_the_admin_page_ends_its_sessions(app, platform, learner, operator):
    session = launch(app, platform, learner.sub)
    admin = app.test_client()
    sign_in(admin, operator.email)
    platform_id = db.session.scalar(select(Platform.id))
    assert admin_post(admin, f"/admin/platforms/{platform_id}/deactivate").status_code in (302, 303)
    assert _ended(session.get("learner/"))


def test_an_operator_signs_everyone_out_of_a_platform_that_stays_active(app, platform, learner, operator):
    session, other = launch(app, platform, learner.sub), launch(app, platform, platform.learners[1].sub)
    admin = app.test_client()
    sign_in(admin, operator.email)
    platform_id = db.session.scalar(select(Platform.id))
    page = admin.get(f"/admin/platforms/{platform_id}").get_data(as_text=True)
    assert f"/admin/platforms/{platform_id}/sessions/end" in page and "Sign everyone out" in page
    assert admin_post(admin, f"/admin/platforms/{platform_id}/sessions/end").status_code in (302, 303)
    assert "Ended 2 sessions of platform" in admin.get(f"/admin/platforms/{platform_id}").get_data(as_text=True)
    assert _ended(session.get("learner/")) and _ended(other.get("learner/"))
    assert db.session.get(Platform, platform_id).active
    assert launch(app, platform, learner.sub).get("learner/").status_code == 200  # a new launch works at once
    assert admin_post(admin, f"/admin/platforms/{10**12}/sessions/end").status_code == 404
    assert app.test_client().post(f"/admin/platforms/{platform_id}/sessions/end").status_code in (400, 403)


def test_deactivating_the_deployment_ends_its_sessions_only(app, platform, learner, cli):
    session = launch(app, platform, learner.sub)
    deployment = db.session.scalar(select(Deployment))
    db.session.add(Deployment(platform_id=deployment.platform_id, deployment_id="another"))
    db.session.commit()
    result = cli("deployment", "deactivate", LMS, deployment.deployment_id)
    assert result.exit_code == 0 and "now inactive" in result.output, result.output
    assert _ended(session.get("learner/"))


def test_an_operator_ends_one_persons_sessions_by_issuer_and_sub(app, platform, learner, cli):
    session, elsewhere = launch(app, platform, learner.sub), launch(app, platform, learner.sub, **OTHER_COURSE)
    someone_else = launch(app, platform, platform.learners[1].sub)
    result = cli("sessions", "end", "--issuer", LMS, "--sub", learner.sub)
    assert result.exit_code == 0 and "Ended 2 session(s)" in result.output, result.output
    assert _ended(session.get("learner/")) and _ended(elsewhere.get("learner/"))
    assert someone_else.get("learner/").status_code == 200


def test_an_operator_ends_one_persons_sessions_by_e_mail(app, platform, learner, cli):
    session = launch(app, platform, learner.sub)
    result = cli("sessions", "end", "--email", learner.email.upper())
    assert result.exit_code == 0 and "Ended 1 session(s) of 1 person" in result.output, result.output
    assert _ended(session.get("learner/"))


@pytest.mark.parametrize(
    "args, message",
    [
        (("--issuer", LMS), "Give --issuer and --sub, or --email alone."),
        (("--email", "a@b.c", "--sub", "x"), "Give --issuer and --sub, or --email alone."),
        (("--issuer", LMS, "--sub", "nobody"), "No person with sub 'nobody'"),
        (("--email", "nobody@example.edu"), "No person with e-mail 'nobody@example.edu'"),
    ],
)
def test_ending_sessions_of_nobody_says_so(app, cli, args, message):
    result = cli("sessions", "end", *args)
    assert result.exit_code != 0 and message in result.output


def test_the_lifetime_counts_from_the_launch_and_never_slides(app, platform, learner, monkeypatch):
    session = launch(app, platform, learner.sub)
    launched, lifetime = utcnow(), app.permanent_session_lifetime
    monkeypatch.setattr(sessions, "now", lambda: launched + lifetime - timedelta(minutes=1))
    assert session.get("learner/").status_code == 200  # a page near the end does not extend the session
    monkeypatch.setattr(sessions, "now", lambda: launched + lifetime + timedelta(seconds=1))
    assert _ended(session.get("learner/"))


def test_a_cookie_from_before_the_session_records_asks_to_launch_again(app, platform, learner):
    session = launch(app, platform, learner.sub)
    with session.client.session_transaction() as cookie:
        courses = dict(cookie["courses"])
        courses[str(session.course_id)] = {k: v for k, v in courses[str(session.course_id)].items() if k != "s"}
        cookie["courses"] = courses
    assert _ended(session.get("learner/"))


def test_launches_prune_expired_records_a_batch_at_a_time(app, platform, learner, monkeypatch):
    launch(app, platform, learner.sub)
    row = db.session.scalar(select(BrowserSession))
    old = utcnow() - timedelta(days=1)
    db.session.add_all(
        BrowserSession(token_hash=f"{n:064x}", membership_id=row.membership_id, platform_id=row.platform_id,
                       deployment_id=row.deployment_id, subject=f"gone-{n}", started_at=old, expires_at=old)
        for n in range(5)
    )
    db.session.commit()
    monkeypatch.setattr(sessions, "PRUNE_BATCH", 2)
    launch(app, platform, platform.learners[1].sub)
    db.session.expire_all()
    expired = select(func.count()).select_from(BrowserSession).where(BrowserSession.expires_at <= utcnow())
    assert db.session.scalar(expired) == 3
    launch(app, platform, platform.learners[2].sub)
    launch(app, platform, platform.learners[3].sub)
    db.session.expire_all()
    assert db.session.scalar(expired) == 0
