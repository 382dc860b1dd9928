"""One LMS course is one ReMentor course across the registrations (clients) and deployments of one issuer; two
issuers that reuse a context id (or a user id) stay apart."""
from __future__ import annotations

import pytest
import requests_mock
from sqlalchemy import delete, func, select

from lti_app.extensions import db
from lti_app.lti.models import Deployment, LtiContext, Platform
from lti_app.mentoring.models.course import Course, Membership
from lti_app.mentoring.models.person import Person
from lti_app.tasks.course_contexts import course_context
from tests.lti_platform import LMS, LmsBrowser, make_test_lms, register_test_lms, route_to
from tests.web.course_pages import OTHER_COURSE


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def second_registration(issuer: str, client_id: str, deployment_id: str):
    """Another registration (client) of ``issuer`` with its own deployment, and the LMS side of it."""
    lms = make_test_lms(issuer=issuer, client_id=client_id, deployment_id=deployment_id)
    row = Platform(name=f"{issuer} {client_id}", issuer=issuer, client_id=client_id, auth_login_url=lms.auth_url,
                   auth_token_url=lms.token_url, key_set_url=lms.jwks_url)
    row.deployments = [Deployment(deployment_id=deployment_id)]
    db.session.add(row)
    db.session.commit()
    lms.registration_id = row.id
    return lms


@pytest.fixture
def first_lms(app):
    return register_test_lms()


def launched(app, lms, sub: str) -> None:
    with requests_mock.Mocker() as mocker:
        route_to(lms, mocker)
        page = LmsBrowser(app.test_client(), lms).launch(sub)
    assert page.status_code == 200, page.get_data(as_text=True)


def test_a_second_client_and_deployment_of_the_same_issuer_reach_the_same_course_and_person(app, first_lms):
    learner = first_lms.learners[0].sub
    launched(app, first_lms, learner)
    course = db.session.scalar(select(Course))

    other = second_registration(LMS, "rementor-client-2", "deployment-2")
    launched(app, other, learner)
    launched(app, other, first_lms.learners[1].sub)  # someone first seen through the second registration
    launched(app, other, learner)  # and again: still one of each

    assert count(Course) == 1 and db.session.scalar(select(Course)).id == course.id
    assert count(Person) == 2 and count(Membership) == 2
    assert {m.course_id for m in db.session.scalars(select(Membership))} == {course.id}
    # one LMS course, one set of service endpoints, called with the newest launch's registration
    assert count(LtiContext) == 1
    assert course_context(course.id).platform_id == other.registration_id


def test_a_second_deployment_of_the_same_client_reaches_the_same_course(app, first_lms):
    launched(app, first_lms, first_lms.learners[0].sub)
    row = first_lms.registration
    row.deployments.append(Deployment(deployment_id="deployment-2"))
    db.session.commit()
    again = make_test_lms(deployment_id="deployment-2")
    again.registration_id = row.id
    launched(app, again, first_lms.learners[0].sub)
    assert (count(Course), count(Person), count(Membership)) == (1, 1, 1)


def test_two_issuers_reusing_a_context_id_and_a_user_id_stay_apart(app, first_lms):
    learner = first_lms.learners[0].sub
    launched(app, first_lms, learner)
    other = second_registration("https://other-lms.test", "rementor-client-1", "deployment-1")
    assert other.course.context_id == first_lms.course.context_id
    launched(app, other, learner)

    assert count(Course) == 2 and count(Person) == 2 and count(Membership) == 2
    assert count(LtiContext) == 2
    first, second = db.session.scalars(select(Course.id).order_by(Course.id))
    assert course_context(first).issuer == LMS and course_context(second).issuer == "https://other-lms.test"
    by_course = {m.course_id: m.person_id for m in db.session.scalars(select(Membership))}
    assert len(set(by_course.values())) == 2


def test_ending_a_persons_sessions_ends_those_opened_through_every_registration_of_the_issuer(app, first_lms, cli):
    learner = first_lms.learners[0].sub
    other = second_registration(LMS, "rementor-client-2", "deployment-2")
    pages = []
    for lms, claims in ((first_lms, {}), (other, OTHER_COURSE)):  # two courses, so the second launch keeps the first
        with requests_mock.Mocker() as mocker:
            route_to(lms, mocker)
            browser = app.test_client()
            assert LmsBrowser(browser, lms).launch(learner, **claims).status_code == 200
        course_id = db.session.scalar(select(Course.id).order_by(Course.id.desc()))
        assert browser.get(f"/courses/{course_id}/learner/").status_code == 200
        pages.append((browser, f"/courses/{course_id}/learner/"))
    result = cli("sessions", "end", "--issuer", LMS, "--sub", learner)
    assert result.exit_code == 0 and "Ended 2 session(s)" in result.output, result.output
    assert [browser.get(path).status_code for browser, path in pages] == [401, 401]


def test_a_session_whose_membership_is_gone_is_refused(app, first_lms):
    """Sessions name their membership by id only (no LTI table points at a programme table): one whose membership
    no longer exists finds none and is refused like an ended one, not a 500."""
    with requests_mock.Mocker() as mocker:
        route_to(first_lms, mocker)
        browser = app.test_client()
        assert LmsBrowser(browser, first_lms).launch(first_lms.learners[0].sub).status_code == 200
    course_id = db.session.scalar(select(Course.id))
    assert browser.get(f"/courses/{course_id}/learner/").status_code == 200
    db.session.execute(delete(Membership))
    db.session.commit()
    assert browser.get(f"/courses/{course_id}/learner/").status_code == 401
