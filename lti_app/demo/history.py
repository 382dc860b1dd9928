"""A history for the demo programme (development only), so every chart of its dashboard shows data.

``seed_history`` gives the demo cohort's pairs meetings over the weeks since the start (some pairs busier than
others; the first pair, which the demo walk-through follows, is left as it was and never met), goals in their skills with baseline and end ratings, varied match scores, and two roster
snapshots of the course with learners who did not take part. No reflection assignment: the demo course's
deep-linking picker would offer it before the programme (the demo tests place the programme).
It runs once: a cohort whose pairs already logged a meeting is kept as it is. Rows are written directly.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.profile_fields import Channel
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.roster_snapshot import RosterSnapshot
from lti_app.mentoring.models.workspace import Goal, GoalSkill, Meeting

# the first pair (Aiko and Kwame, whom the demo walk-through follows) is left as it was: it never met yet, so it
# shows on the at-risk list and its workspace starts empty
MEETINGS_PER_PAIR = (0, 4, 3, 2, 1)
SCORES = (0.8, 0.92, 0.66, 0.48, 0.31)
NON_PARTICIPANTS = tuple(f"demo-nonparticipant-{i}" for i in range(1, 9))


def seed_history(course_id: int, cohort_name: str) -> list[str]:
    """Give the named demo cohort its history, once (the caller commits)."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.course_id == course_id, Cohort.name == cohort_name))
    if cohort is None:
        return []
    pairs = list(db.session.scalars(select(Pair).where(Pair.cohort_id == cohort.id).order_by(Pair.id)))
    if not pairs or db.session.scalar(select(Meeting.id).where(Meeting.pair_id.in_([p.id for p in pairs])).limit(1)):
        return [f"Kept the history of “{cohort.name}”."]
    for i, pair in enumerate(pairs):
        if i == 0:
            continue
        pair.score = SCORES[i % len(SCORES)]
        pair.pinned = i == 1
        for n in range(MEETINGS_PER_PAIR[i % len(MEETINGS_PER_PAIR)]):
            db.session.add(Meeting(pair_id=pair.id, held_on=cohort.starts_on + timedelta(days=3 + n * 8),
                                   duration_minutes=30 + 15 * n, channel=Channel.VIDEO, topics="Getting to know each other",
                                   logged_by_enrolment_id=pair.mentee_enrolment_id))
        for owner, skill, baseline, end in ((pair.mentee_enrolment_id, "ai_tools", 2, 3 + (i % 2)),
                                            (pair.mentor_enrolment_id, "presenting", 2, 4 if i < 3 else None)):
            goal = Goal(pair_id=pair.id, owner_enrolment_id=owner, title=f"Better at {skill.replace('_', ' ')}",
                        baseline_rating=baseline, target_rating=4, target_on=cohort.ends_on, current_rating=end,
                        end_rating_owner=end)
            goal.skills = [GoalSkill(skill_code=skill)]
            db.session.add(goal)
    subjects = list(db.session.scalars(select(Person.subject).join(Enrolment, Enrolment.person_id == Person.id)
                                       .where(Enrolment.cohort_id == cohort.id)))
    start = datetime.combine(cohort.starts_on, time(6), tzinfo=timezone.utc)
    db.session.add(RosterSnapshot(course_id=cohort.course_id, taken_at=start, active_user_ids=sorted(subjects + list(NON_PARTICIPANTS))))
    db.session.add(RosterSnapshot(course_id=cohort.course_id, taken_at=utcnow(),
                                  active_user_ids=sorted(subjects + list(NON_PARTICIPANTS[:5])),
                                  inactive_user_ids=sorted(NON_PARTICIPANTS[5:])))
    return [f"Gave “{cohort.name}” a history: meetings, goals with ratings, roster snapshots."]
