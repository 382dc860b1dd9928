"""What a launch costs: a returning person's full launch in a few queries, records cached, caches that never go stale.

A full launch is the login (cookie check, then the new-window login), the signed launch, the continue step and the
first page. Registrations and deployments are cached (in the shared cache, see lti.registration_cache), and the
test turns that cache on for the in-process cache too so that both passes of the suite measure the same thing.
"""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import g
from sqlalchemy import func, select

from lti_app.extensions import cache, db, utcnow
from lti_app.lti import registration_cache
from lti_app.lti.models import Deployment, LtiContext, Platform
from lti_app.lti.registration_cache import PlatformRecord, RegistrationCache, forget_registrations, platform_key
from lti_app.lti.registrations import note_context_services
from lti_app.mentoring.models.course import Course, CourseRole
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services import launches
from lti_app.mentoring.services.launches import KnownMembership, LaunchFacts, known_launch, remember_launch
from lti_app.tasks.course_contexts import course_context
from tests.factories import make_course
from tests.lti_platform import LMS
from tests.queries import counted_queries

NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
# Before: 16 statements on PostgreSQL (20 on SQLite) for a returning learner. Now: a launch identical to one a few
# minutes ago sends none (its membership is remembered), and the first page reads the membership with its person
# and course in one query, then its own rows. The server-side session record (lti.sessions) costs each launch two
# statements, one DELETE (the membership's other sessions, this browser's replaced ones, a batch of expired rows)
# and one INSERT; the page's check of it rides on the membership query (no statement more).
SESSION_RECORD_STATEMENTS = 2
MAX_QUERIES_RETURNING_LAUNCH = 4 + SESSION_RECORD_STATEMENTS
MAX_QUERIES_LAUNCH_POST = 0 + SESSION_RECORD_STATEMENTS


@pytest.fixture
def cached_registrations(app):
    """Registrations cached whatever the cache backend (the default caches them only in a shared cache)."""
    app.config["LTI_REGISTRATION_CACHE_SECONDS"] = 300
    return app


def _fresh_request_state() -> None:
    """Commit, and drop what the previous page left on ``g``: the test client's requests share the test's app
    context (a served request has its own), so an expired ``g.membership`` would be reloaded by a later URL."""
    db.session.commit()
    db.session.expire_all()
    g.pop("membership", None)


def _launch_counted(browser, sub: str):
    _fresh_request_state()
    with counted_queries() as seen:
        page = browser.launch(sub)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return seen


def test_a_returning_learners_full_launch_costs_a_few_queries(cached_registrations, browser, platform):
    learner = platform.learners[0].sub
    first = _launch_counted(browser, learner)
    again = _launch_counted(browser, learner)
    assert again.count <= MAX_QUERIES_RETURNING_LAUNCH < first.count, f"first:\n{first}\n\nreturning:\n{again}"


def test_a_launch_post_identical_to_a_recent_one_sends_no_query(cached_registrations, browser, platform):
    learner = platform.learners[0].sub
    browser.launch(learner)
    _fresh_request_state()
    with counted_queries() as seen:
        browser.launch(learner, follow=False)
    assert browser.flow.launch.status_code == 303
    assert seen.count <= MAX_QUERIES_LAUNCH_POST, str(seen)
    writes = [s for s in seen.seen if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
    assert all("lti_browser_session" in s for s in writes), str(seen)


def test_a_platform_deactivated_after_a_launch_refuses_the_next_one_at_once(cached_registrations, browser, platform):
    learner = platform.learners[0].sub
    assert browser.launch(learner).status_code == 200
    db.session.scalar(select(Platform)).active = False
    db.session.commit()
    assert browser.launch(learner).status_code == 403 and "<code>InactivePlatform</code>" in browser.flow.final.get_data(as_text=True)
    db.session.scalar(select(Platform)).active = True
    db.session.commit()
    assert browser.launch(learner).status_code == 200


def test_a_deployment_deactivated_by_the_cli_refuses_the_next_launch_at_once(cached_registrations, browser, platform, cli):
    learner = platform.learners[0].sub
    assert browser.launch(learner).status_code == 200
    db.session.scalar(select(Deployment)).active = False
    db.session.commit()
    page = browser.launch(learner)
    assert page.status_code == 403 and "<code>InactiveDeployment</code>" in page.get_data(as_text=True)
    assert cli("platform", "deactivate", LMS).exit_code == 0
    assert "<code>InactivePlatform</code>" in browser.launch(learner).get_data(as_text=True)


def _record(name: str) -> PlatformRecord:
    return PlatformRecord(1, name, LMS, "c", LMS + "/auth", LMS + "/token", None, LMS + "/jwks", None, True, False, ())


def test_a_record_read_before_a_change_is_never_served_after_it(cached_registrations):
    key = platform_key(LMS, "c")
    slow = RegistrationCache()
    assert slow.get(key) is None  # reads the generation, then (say) the old row from the database
    forget_registrations()  # another request changes the registration and commits
    slow.put(key, _record("old"))  # the slow request caches what it read
    assert RegistrationCache().get(key) is None
    fresh = RegistrationCache()
    fresh.get(key)
    fresh.put(key, _record("new"))
    assert RegistrationCache().get(key).name == "new"


def test_a_flush_that_changes_a_registration_makes_the_records_stale_but_a_launch_stamp_does_not(cached_registrations, platform):
    before = cache.get(registration_cache.GENERATION_KEY)
    row = db.session.scalar(select(Platform))
    row.last_launch_at = row.created_at
    db.session.commit()
    assert cache.get(registration_cache.GENERATION_KEY) == before
    row.name = "Renamed LMS"
    db.session.flush()
    during = cache.get(registration_cache.GENERATION_KEY)
    db.session.commit()
    assert len({before, during, cache.get(registration_cache.GENERATION_KEY)}) == 3


def test_records_stay_out_of_a_per_process_cache_unless_configured(app):
    shared = cache.cache.__class__.__name__ == "RedisCache"
    assert registration_cache.cache_seconds() == (registration_cache.SHARED_CACHE_SECONDS if shared else 0)
    app.config["LTI_REGISTRATION_CACHE_SECONDS"] = 0
    assert RegistrationCache().get(platform_key(LMS, None)) is None


def test_the_course_services_are_written_when_a_launch_brings_new_ones_and_skipped_when_not(cached_registrations, browser, platform):
    learner = platform.learners[0].sub
    browser.launch(learner)
    db.session.commit()
    course_id = db.session.scalar(select(Course.id))
    first_url = db.session.scalar(select(LtiContext.memberships_url))
    assert first_url
    browser.launch(learner, **{NRPS: {"context_memberships_url": LMS + "/moved/memberships", "service_versions": ["2.0"]}})
    db.session.expire_all()
    assert db.session.scalar(select(LtiContext.memberships_url)) == LMS + "/moved/memberships"
    assert db.session.scalar(select(func.count(LtiContext.id))) == 1
    assert course_context(course_id).memberships_url == LMS + "/moved/memberships"  # the course's, by its LMS names


def test_a_services_note_is_remembered_only_once_committed(app, platform):
    course = make_course(platform=db.session.scalar(select(Platform)))
    platform_id = course.platform_id
    db.session.commit()
    # the fields the note reads
    context = SimpleNamespace(issuer=LMS, context_id=course.context_id, nrps_url=LMS + "/memberships", ags=None)
    assert note_context_services(platform_id, context) is not None
    db.session.rollback()
    assert note_context_services(platform_id, context) is not None  # not skipped: nothing was committed
    db.session.commit()
    with counted_queries() as seen:
        assert note_context_services(platform_id, context) is None
    assert seen.count == 0


def test_a_launch_that_brings_a_change_is_written_even_right_after_an_identical_one(cached_registrations, browser, platform):
    learner = platform.learners[0]
    browser.launch(learner.sub)
    browser.launch(learner.sub)
    _fresh_request_state()
    with counted_queries() as seen:
        browser.launch(learner.sub, follow=False, email="renamed@example.edu")
    assert seen.count >= 1 and any(s.lstrip().upper().startswith("UPDATE PERSON") for s in seen.seen), str(seen)
    db.session.expire_all()
    assert db.session.scalar(select(Person.email).where(Person.subject == learner.sub)) == "renamed@example.edu"


def _facts(**overrides) -> LaunchFacts:
    return LaunchFacts(**{"platform_id": 1, "deployment_id": 1, "subject": "s", "context_id": "c",
                          "role": CourseRole.LEARNER, "name": "Ada", **overrides})


def test_a_remembered_launch_serves_only_the_same_facts_and_only_while_its_stamps_are_fresh(app, monkeypatch):
    now = utcnow()
    fresh = KnownMembership(7, 3, CourseRole.LEARNER, now + timedelta(minutes=4))
    remember_launch(_facts(), fresh)
    assert known_launch(_facts()) == fresh
    assert known_launch(_facts(name="Ada Okafor")) is None
    assert known_launch(_facts(role=CourseRole.INSTRUCTOR)) is None
    assert known_launch(_facts(context_id="other")) is None
    remember_launch(_facts(), KnownMembership(7, 3, CourseRole.LEARNER, now - timedelta(seconds=1)))
    assert known_launch(_facts()) == fresh  # a stale one is never stored
    monkeypatch.setattr(launches, "utcnow", lambda: now + timedelta(minutes=4, seconds=1))
    assert known_launch(_facts()) is None  # nor served once its stamps need moving
