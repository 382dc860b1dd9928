"""An instructor's announcement to a cohort: kept (the banner in the tool), mailed to its active participants in
the same transaction (one notice per person and announcement). Flushes; nothing commits."""
from __future__ import annotations

from html import escape

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.mail_notices import Notice
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.mail_outbox import Announcement
from lti_app.mentoring.services import mail_outbox
from lti_app.mentoring.domain.texts import _

MAX_MESSAGE = 4000


def announce(cohort: Cohort, author_person_id: int, message: str) -> Announcement:
    """Keep the announcement and write one notice to each active participant of the cohort."""
    text = (message or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput(_("Write the announcement first."), field="message")
    if len(text) > MAX_MESSAGE:
        raise InvalidInput(_("An announcement is at most %(max)d characters.", max=MAX_MESSAGE), field="message")
    row = Announcement(cohort_id=cohort.id, author_person_id=author_person_id, message=text)
    db.session.add(row)
    db.session.flush()
    people = db.session.scalars(select(Enrolment.person_id).where(
        Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED)).all()
    html = "".join(f"<p>{escape(part)}</p>" for part in text.split("\n\n"))
    mail_outbox.note_notices([Notice(pid, "announcement", f"announcement:{row.id}", f"{cohort.name}: announcement",
                                     text, html, cohort.course_id) for pid in people])
    return row


def latest_for(course_id: int, person_id: int) -> Announcement | None:
    """The newest announcement of a cohort of this course the person is enrolled in (one query)."""
    return db.session.scalar(
        select(Announcement).join(Cohort, Cohort.id == Announcement.cohort_id)
        .join(Enrolment, (Enrolment.cohort_id == Cohort.id) & (Enrolment.person_id == person_id))
        .where(Cohort.course_id == course_id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .order_by(Announcement.id.desc()).limit(1))
