"""The reminder to roster members who have not enrolled yet: its preview, and its outbox rows (flushes, never commits).

Addressing: the outbox writes to a ReMentor person (its unique key, the person's mail choice, the hourly limit and
the signed unsubscribe link all hang on ``person_id``). A roster member who never launched the tool is not one yet,
so sending makes them one: a ``Person`` of the course's LMS registration whose ``subject`` is the NRPS user id (the
same id the LMS sends as ``sub`` at launch, so their first launch finds this row and completes it), with the name
and e-mail NRPS gave. Somebody who unsubscribes from the reminder therefore stays unsubscribed once they launch.
A person without an e-mail of their own takes the roster's. The view hands the roster over as plain ``Invitee``
values (services never call the LMS); everything is read and written in a fixed number of queries whatever their
number.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select, update

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.enrol_reminders import (
    Invitee, ReminderPlan, check_token, plan_reminder, reminder_notices,
)
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.mail_outbox import MailOutbox
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services import mail_outbox
from lti_app.mentoring.domain.texts import _


@dataclass(frozen=True)
class SentReminder:
    plan: ReminderPlan
    written: tuple[MailOutbox, ...]  # empty when this reminder was sent already (a double submit)


def refusal(cohort: Cohort, today: date) -> str | None:
    """Why no reminder may go out for this cohort today (enrolment is not open), or None."""
    reason = cohort.enrolment_refusal(today)
    return _("A reminder goes out only while enrolment is open. %(reason)s", reason=reason) if reason else None


def preview(cohort: Cohort, invitees: Sequence[Invitee], subject: str | None, body: str | None,
            today: date) -> ReminderPlan:
    """Exactly what ``send`` would mail, and to whom (reads nothing)."""
    reason = refusal(cohort, today)
    if reason:
        raise InvalidInput(reason)
    return plan_reminder(invitees, subject, body)


def _people_of(platform_id: int, same_lms: Iterable[int], reachable: Sequence[Invitee]) -> dict[str, int]:
    """The person of each reachable invitee by LMS user id, written for those who never launched (three queries).

    A person the LMS's other registrations (``same_lms``) hold already is theirs (the oldest, as a launch finds it)."""
    by_user = {p.user_id: p for p in reachable}
    registrations = list({platform_id, *same_lms})
    found: dict[str, tuple[int, str | None]] = {}
    for subject, pid, email in db.session.execute(
            select(Person.subject, Person.id, Person.email)
            .where(Person.platform_id.in_(registrations), Person.subject.in_(list(by_user))).order_by(Person.id)):
        found.setdefault(subject, (pid, email))
    now = utcnow()
    new = [dict(platform_id=platform_id, subject=p.user_id, name=p.name[:255], email=p.email, created_at=now,
                last_seen_at=now) for p in reachable if p.user_id not in found]
    if new:
        db.session.execute(insert(Person), new)
    fill = [dict(id=pid, email=by_user[subject].email) for subject, (pid, email) in found.items() if not email]
    if fill:
        db.session.execute(update(Person), fill)  # by primary key, one executemany
    if not new:
        return {subject: pid for subject, (pid, _) in found.items()}
    written = dict(db.session.execute(select(Person.subject, Person.id).where(
        Person.platform_id == platform_id, Person.subject.in_([row["subject"] for row in new]))).all())
    return {subject: pid for subject, (pid, _) in found.items()} | written


def send(cohort: Cohort, invitees: Sequence[Invitee], subject: str | None, body: str | None, token: str | None,
         today: date, same_lms: Iterable[int] = ()) -> SentReminder:
    """Write one outbox row per reachable invitee for after the commit (flushes). A second send with the same
    ``token`` writes nothing. ``same_lms``: the ids of the course's LMS's other registrations."""
    plan = preview(cohort, invitees, subject, body, today)
    token = check_token(token)
    if not plan.reachable:
        return SentReminder(plan, ())
    people = _people_of(cohort.course.platform_id, same_lms, plan.reachable)
    notices = reminder_notices(plan, people, cohort_id=cohort.id, course_id=cohort.course_id, token=token)
    return SentReminder(plan, tuple(mail_outbox.note_notices(notices)))
