"""Builders for grades and completion: a course wired to the demo LMS's gradebook, its people, reflections,
completion rules, an LMS whose score endpoint fails on cue or during an outage, and a clock the test moves."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import requests

from lti_app.demo.services import HttpResponse
from lti_app.extensions import db, utcnow
from lti_app.lti.claims import AGS_SCOPE_LINEITEM, AGS_SCOPE_LINEITEM_READONLY, AGS_SCOPE_RESULT_READONLY, AGS_SCOPE_SCORE
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.completion import CohortCompletion
from lti_app.mentoring.models.course import Course, CourseRole
from lti_app.mentoring.models.person import Person
from tests.factories import lms_context_of, make_course, make_membership

AGS_SCOPES = [AGS_SCOPE_LINEITEM, AGS_SCOPE_LINEITEM_READONLY, AGS_SCOPE_RESULT_READONLY, AGS_SCOPE_SCORE]


def gradebook_course(lms: Any, *, scopes: list[str] | None = None) -> Course:
    """The demo LMS's course on the tool's side, with the AGS endpoint its launches carry."""
    course = make_course(lms.registration, context_id=lms.course.context_id, title=lms.course.title)
    lms_context_of(course, platform_id=lms.registration_id, lineitems_url=lms.lineitems_url,
                   ags_scopes=sorted(AGS_SCOPES if scopes is None else scopes))
    return course


def lms_person(lms: Any, course: Course, sub: str, role: CourseRole = CourseRole.LEARNER) -> Person:
    """The demo LMS user ``sub`` as a person of the tool, a member of ``course`` with ``role``."""
    demo = lms.person(sub)
    person = Person(platform_id=lms.registration_id, subject=sub, name=demo.name, email=demo.email)
    db.session.add(person)
    db.session.flush()
    make_membership(person, course, role)
    return person


def enable_completion(cohort: Cohort, **overrides: Any) -> CohortCompletion:
    """Completion switched on: at least one meeting, 90 out of 100 on completion."""
    fields: dict[str, Any] = {"cohort_id": cohort.id, "enabled": True, "min_meetings": 1, "require_goals_rerated": False,
                              "require_all_reflections": False, "grade_points": 90, "score_maximum": 100}
    fields.update(overrides)
    settings = CohortCompletion(**fields)
    db.session.add(settings)
    db.session.flush()
    return settings


class FlakyScores:
    """Makes the LMS's score endpoint answer the next failures in turn (a status code, or an exception to raise),
    then work again. ``attempts`` counts every score POST that reached it."""

    def __init__(self, lms: Any, monkeypatch: Any, failures: list[int | type[Exception]]) -> None:
        self.lms, self.failures, self.attempts = lms, list(failures), 0
        self.original = lms.handle
        monkeypatch.setattr(lms, "handle", self.handle)

    def handle(self, method: str, url: str, headers: Any = None, body: Any = b"") -> HttpResponse:
        if method.upper() == "POST" and url.split("?")[0].endswith("/scores"):
            self.attempts += 1
            if self.failures:
                failure = self.failures.pop(0)
                if isinstance(failure, int):
                    return HttpResponse(failure, {"error": f"Simulated answer {failure}"})
                raise failure("Simulated network failure")
        return self.original(method, url, headers, body)


CONNECTION_ERROR = requests.ConnectionError


class Clock:
    """The grade outbox's and grade sync's notion of now, moved by the test (nothing sleeps): starts at the real now."""

    def __init__(self, monkeypatch: Any) -> None:
        from lti_app.mentoring.services import grade_outbox
        from lti_app.tasks import grades as grade_sync

        self.now: datetime = utcnow()
        for module in (grade_outbox, grade_sync):
            monkeypatch.setattr(module, "utcnow", lambda: self.now)

    def advance(self, seconds: float) -> datetime:
        """Move the clock on; the new now."""
        self.now += timedelta(seconds=seconds)
        return self.now


class Outage:
    """The LMS's score endpoint is down until ``clock`` reaches ``until``: 503, or a refused connection when
    ``refused``. ``attempts`` holds (clock time, user id) of every score POST that reached it, answered or not."""

    def __init__(self, lms: Any, monkeypatch: Any, clock: Clock, until: datetime, *, refused: bool = False) -> None:
        self.lms, self.clock, self.until, self.refused = lms, clock, until, refused
        self.attempts: list[tuple[datetime, str]] = []
        self.original = lms.handle
        monkeypatch.setattr(lms, "handle", self.handle)

    def handle(self, method: str, url: str, headers: Any = None, body: Any = b"") -> HttpResponse:
        if method.upper() == "POST" and url.split("?")[0].endswith("/scores"):
            self.attempts.append((self.clock.now, json.loads(body)["userId"]))
            if self.clock.now < self.until:
                if self.refused:
                    raise requests.ConnectionError("Simulated refused connection")
                return HttpResponse(503, {"error": "Simulated outage"})
        return self.original(method, url, headers, body)
