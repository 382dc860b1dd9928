"""Builders for a pair's workspace: a running cohort with a published pair, and its agreement, goals, meetings, tasks."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from itertools import count
from typing import Any

from lti_app.extensions import db, utcnow
from lti_app.lti.models import Platform
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.profile_fields import Channel, RoleWanted
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.course import Course
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.workspace import Agreement, Goal, GoalSkill, Meeting, ProgressFrom, Task
from lti_app.mentoring.services.pairs import PairSeat, seat_of
from tests.factories import make_cohort, make_course, make_enrolment, make_membership, make_person, make_platform

_seq = count(1)
TODAY = utcnow().date()


def at_midnight(day) -> datetime:
    """The start of ``day`` in UTC."""
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def make_running_cohort(course: Course | None = None, **overrides: Any) -> Cohort:
    """A running cohort: the programme started 30 days ago and ends in 150 days; fortnightly meetings."""
    fields: dict[str, Any] = {
        "state": CohortState.RUNNING, "enrolment_opens_on": TODAY - timedelta(days=60),
        "enrolment_closes_on": TODAY - timedelta(days=40), "starts_on": TODAY - timedelta(days=30),
        "ends_on": TODAY + timedelta(days=150), "meeting_cadence_days": 14,
    }
    fields.update(overrides)
    return make_cohort(course, **fields)


def make_pair(cohort: Cohort | None = None, mentor_person: Person | None = None, mentee_person: Person | None = None,
              *, mentor: Enrolment | None = None, mentee: Enrolment | None = None, **overrides: Any) -> Pair:
    """An active pair of ``cohort`` (a new running cohort by default), published before the programme started.

    ``mentor=``/``mentee=`` reuse enrolments (a mentor with two mentees); ``*_person`` enrol a given person.
    """
    cohort = cohort or make_running_cohort()
    platform = db.session.get(Platform, cohort.course.platform_id)
    people = []
    for person in (mentor_person, mentee_person):
        if person is None:
            person = make_person(platform)
            make_membership(person, cohort.course)
        people.append(person)
    mentor = mentor or make_enrolment(cohort, people[0], role_wanted=RoleWanted.MENTOR, channels=["video", "chat"])
    mentee = mentee or make_enrolment(cohort, people[1], role_wanted=RoleWanted.MENTEE, channels=["chat", "in_person"])
    fields: dict[str, Any] = {"status": PairStatus.ACTIVE, "score": 1.0,
                              "published_at": at_midnight(cohort.starts_on - timedelta(days=3))}
    fields.update(overrides)
    pair = Pair(cohort_id=cohort.id, mentor_enrolment_id=mentor.id, mentee_enrolment_id=mentee.id, **fields)
    db.session.add(pair)
    db.session.flush()
    return pair


def seats(pair: Pair) -> tuple[PairSeat, PairSeat]:
    """(the mentor's seat, the mentee's seat) of ``pair``."""
    return seat_of(pair, pair.mentor.person_id), seat_of(pair, pair.mentee.person_id)


def make_platform_pair() -> Pair:
    """A pair in a new course of a new platform."""
    return make_pair(make_running_cohort(make_course(make_platform())))


def make_agreement(pair: Pair, *, signed: bool = True, **overrides: Any) -> Agreement:
    """An agreement of ``pair`` with both expectations written, signed by both unless ``signed=False``."""
    now = utcnow()
    fields: dict[str, Any] = {
        "pair_id": pair.id, "channel": Channel.VIDEO, "cadence_days": 14, "mentor_expectations": "Patience.",
        "mentee_expectations": "Honest feedback.", "mentor_signed_at": now if signed else None,
        "mentee_signed_at": now if signed else None,
    }
    fields.update(overrides)
    agreement = Agreement(**fields)
    db.session.add(agreement)
    db.session.flush()
    return agreement


def make_goal(pair: Pair, **overrides: Any) -> Goal:
    """A tasks-measured goal of the mentee, from 2 to 4 in the cohort's second skill, due in 60 days."""
    skills = overrides.pop("skills", (pair.cohort.skills[1].code,))
    fields: dict[str, Any] = {
        "pair_id": pair.id, "owner_enrolment_id": pair.mentee_enrolment_id, "title": f"Goal {next(_seq)}",
        "description": "<p>Learn it.</p>", "baseline_rating": 2, "target_rating": 4,
        "target_on": TODAY + timedelta(days=60), "progress_from": ProgressFrom.TASKS,
    }
    fields.update(overrides)
    goal = Goal(**fields)
    goal.skills = [GoalSkill(skill_code=code, position=i) for i, code in enumerate(skills)]
    db.session.add(goal)
    db.session.flush()
    return goal


def make_meeting(pair: Pair, **overrides: Any) -> Meeting:
    """A 45-minute video meeting held five days ago, logged by the mentee."""
    fields: dict[str, Any] = {
        "pair_id": pair.id, "held_on": TODAY - timedelta(days=5), "duration_minutes": 45, "channel": Channel.VIDEO,
        "topics": "Getting started", "notes": "", "logged_by_enrolment_id": pair.mentee_enrolment_id,
    }
    fields.update(overrides)
    meeting = Meeting(**fields)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def make_task(pair: Pair, *, done: bool = False, **overrides: Any) -> Task:
    """An open task of the mentee (done when ``done=True``)."""
    fields: dict[str, Any] = {"pair_id": pair.id, "title": f"Task {next(_seq)}", "owner_enrolment_id": pair.mentee_enrolment_id,
                              "done_at": utcnow() if done else None}
    fields.update(overrides)
    task = Task(**fields)
    db.session.add(task)
    db.session.flush()
    return task
