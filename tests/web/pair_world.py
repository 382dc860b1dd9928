"""A course with one published pair whose partners, a stranger and the instructor launched real sessions.

The pair wrote a goal, a meeting with notes and feedback, each holding a marker text, so a page can be checked
for what it shows of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_settings import PrivacySetting
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.models.person import Person
from tests.factories_feedback import make_feedback, published_days_ago
from tests.factories_workspace import make_goal, make_meeting, make_running_cohort
from tests.web.course_pages import OTHER_COURSE, Session, commit, launch

GOAL, NOTES, FEEDBACK = "GOAL-MARKER Use AI tools in class", "NOTES-MARKER we practised prompts", "FEEDBACK-MARKER clear answers"
REASON = "The mentee asked me to review the last meeting."


@dataclass
class World:
    teacher: Session
    cohort: Cohort
    pair: Pair
    sessions: dict[str, Session]

    def pairs_url(self, rest: str = "") -> str:
        return f"instructor/cohorts/{self.cohort.id}/pairs/{rest}"

    def pair_url(self, rest: str = "") -> str:
        return self.pairs_url(f"{self.pair.id}{rest}")

    def learner_url(self, rest: str = "") -> str:
        return f"learner/pairs/{self.pair.id}/{rest}"


def person(sub: str) -> Person:
    return db.session.scalar(select(Person).where(Person.subject == sub))


def make_world(app: Any, platform: Any, privacy: PrivacySetting = PrivacySetting.EVERYTHING_WITH_LOG,
               roles: tuple[str, ...] = ("mentor", "mentee", "stranger"), days: int = 31, **cohort: Any) -> World:
    """The instructor and the ``roles`` asked for launched; a pair of learners 0 (mentor) and 1 (mentee) with content."""
    teacher = launch(app, platform, platform.instructor.sub)
    subs = {"mentor": platform.learners[0].sub, "mentee": platform.learners[1].sub, "stranger": platform.learners[2].sub}
    sessions = {"instructor": teacher}
    for role in ("mentor", "mentee", "stranger"):
        if role in roles or role != "stranger":  # the partners launch in any case: it makes their people
            sessions[role] = launch(app, platform, subs[role])
    if "other_instructor" in roles:
        sessions["other_instructor"] = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    found = make_running_cohort(teacher.course, privacy=privacy, **cohort)
    pair = published_days_ago(days, found, mentor_person=person(subs["mentor"]), mentee_person=person(subs["mentee"]))
    make_goal(pair, title=GOAL)
    make_meeting(pair, notes=f"<p>{NOTES}</p>")
    make_feedback(pair, pair.mentee, 1, working=FEEDBACK)
    commit()
    return World(teacher, found, pair, sessions)
