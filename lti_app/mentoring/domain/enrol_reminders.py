"""A reminder to the course's learners who have not enrolled in a cohort yet, decided without a database.

The instructor writes it on the cohort's roster page (subject prefilled, body), previews it and sends it. The roster
comes from the LMS (NRPS): a learner with an e-mail there is reachable, one without is listed as not reachable.
``token`` is drawn when the form is first shown and travels through the preview to the send, so a double submit
writes the same notices again, which the outbox's unique key (person, kind, occasion) ignores: it is sent once.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from html import escape

from lti_app.mentoring.domain.mail_notices import Notice
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.domain import texts
from lti_app.mentoring.domain.texts import _

KIND = "enrol_reminder"
MAX_SUBJECT = 200
MAX_BODY = 4000
TOKEN = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Invitee:
    """A learner of the course's roster who has not enrolled: their LMS user id, name and e-mail (if shared)."""

    user_id: str
    name: str
    email: str | None


@dataclass(frozen=True)
class ReminderPlan:
    """Exactly what will be sent, and to whom; ``unreachable``: the learners without an e-mail in the roster."""

    subject: str
    body_text: str
    body_html: str
    reachable: tuple[Invitee, ...]
    unreachable: tuple[Invitee, ...]


def default_subject(cohort_name: str) -> str:
    return _("Join the reverse mentoring programme “%(cohort)s”", cohort=cohort_name)[:MAX_SUBJECT]


def default_body(cohort_name: str, closes_on: date) -> str:
    return _("Enrolment in the reverse mentoring programme “%(cohort)s” is open until %(date)s.\n\nOpen ReMentor in "
             "the course to enrol: it takes a few minutes to say what you would like to learn and what you can share.",
             cohort=cohort_name, date=texts.long_date(closes_on))


def occasion(cohort_id: int, token: str) -> str:
    """The notice's occasion: the cohort and this reminder (its form's token)."""
    return f"cohort:{cohort_id}:reminder:{token}"


def check_token(token: str | None) -> str:
    if not token or not TOKEN.fullmatch(token):
        raise InvalidInput(_("This reminder form has expired: open the roster page again and write it anew."))
    return token


def plan_reminder(invitees: Iterable[Invitee], subject: str | None, body: str | None) -> ReminderPlan:
    """The reminder as it will be mailed; refuses an empty or too long subject or body."""
    subject = " ".join((subject or "").split())
    text = (body or "").replace("\r\n", "\n").strip()
    if not subject:
        raise InvalidInput(_("Write a subject."), field="subject")
    if len(subject) > MAX_SUBJECT:
        raise InvalidInput(_("A subject is at most %(max)d characters.", max=MAX_SUBJECT), field="subject")
    if not text:
        raise InvalidInput(_("Write the reminder first."), field="body")
    if len(text) > MAX_BODY:
        raise InvalidInput(_("A reminder is at most %(max)d characters.", max=MAX_BODY), field="body")
    people = list({p.user_id: p for p in invitees}.values())
    html = "".join(f"<p>{escape(part)}</p>" for part in text.split("\n\n"))
    return ReminderPlan(subject, text, html, tuple(p for p in people if p.email),
                        tuple(p for p in people if not p.email))


def reminder_notices(plan: ReminderPlan, person_ids: Mapping[str, int], *, cohort_id: int, course_id: int,
                     token: str) -> list[Notice]:
    """One notice per reachable learner (``person_ids``: their ReMentor person by LMS user id)."""
    key = occasion(cohort_id, token)
    return [Notice(person_ids[p.user_id], KIND, key, plan.subject, plan.body_text, plan.body_html, course_id)
            for p in plan.reachable if p.user_id in person_ids]
