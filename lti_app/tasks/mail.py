"""Sending the mail outbox after the commit that wrote it, through Flask-Mailman, with backoff.

The request's commit point calls ``dispatch_recorded()`` after its commit: the send job runs inline (embedded
default) or on the RQ queue (``JOBS_ASYNC``); ``flask --app lti_app notify run`` (cron) sends whatever is due.
With ``MAIL_DELIVERY = "database"`` (the default) nothing leaves the machine: rows are marked kept, and the demo's
outbox page lists them. A server that refuses or cannot be reached leaves the row pending until its backoff has
passed; a person is mailed at most once per ``MAIL_MIN_GAP_SECONDS`` outside the digest. ``now`` is injectable
everywhere so tests never sleep.

Every mail is plain text plus HTML, carries the link back into the LMS course and a signed one-click unsubscribe
link (RFC 8058: ``List-Unsubscribe`` and ``List-Unsubscribe-Post``) that works without a launch.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from lti_app.extensions import db, utcnow
from lti_app.i18n import babel_locale, language_of_person
from lti_app.mentoring.domain.mail_notices import MailState
from lti_app.mentoring.models.mail_outbox import MailOutbox
from lti_app.mentoring.services import mail_outbox as outbox
from lti_app.tasks import jobs

log = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "mail-unsubscribe"
CLAIM_SECONDS = 600  # a sender that dies mid-send leaves its mail due again after this


class BadUnsubscribeLink(ValueError):
    """The link was not signed by this tool, or is too old."""

    def __init__(self, message: str, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(person_id: int) -> str:
    """A signed, dated token naming this person (for the unsubscribe link)."""
    return _serializer().dumps({"p": int(person_id)})


def read_unsubscribe_token(token: str, now: datetime | None = None) -> int:
    """The person a token names; raises ``BadUnsubscribeLink`` when it is forged, malformed or expired."""
    max_age = current_app.config["MAIL_UNSUBSCRIBE_MAX_AGE_SECONDS"]
    serializer = _serializer()
    try:
        if now is None:
            data = serializer.loads(token, max_age=max_age)
        else:
            data, signed_at = serializer.loads(token, return_timestamp=True)
            if (now - signed_at).total_seconds() > max_age:
                raise SignatureExpired("expired", payload=data, date_signed=signed_at)
    except SignatureExpired:
        raise BadUnsubscribeLink(_("This unsubscribe link has expired."), expired=True) from None
    except BadSignature:
        raise BadUnsubscribeLink(_("This unsubscribe link is not valid.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        raise BadUnsubscribeLink(_("This unsubscribe link is not valid."))
    return data["p"]


def unsubscribe_url(person_id: int, *, one_click: bool = False) -> str:
    """The link of a mail's footer (a page that asks to confirm), or with ``one_click`` the RFC 8058 address a mail
    client posts to (``List-Unsubscribe``). Built from ``MAIL_TOOL_URL``: mails are sent outside any request."""
    base = str(current_app.config["MAIL_TOOL_URL"]).rstrip("/")
    return f"{base}/mail/{'one-click' if one_click else 'unsubscribe'}/{unsubscribe_token(person_id)}"


def _footer_text(row: MailOutbox, unsubscribe: str) -> str:
    """The body with the links under it, in the language being written (the reader's: ``build_message``)."""
    course = "\n\n" + _("Open the course: %(link)s", link=row.course_link) if row.course_link else ""
    return f"{row.body_text}{course}\n\n--\n" + _("No more mail from ReMentor: %(link)s", link=unsubscribe) + "\n"


def _footer_html(row: MailOutbox, unsubscribe: str) -> str:
    from markupsafe import escape

    open_course, no_more = escape(_("Open the course")), escape(_("No more mail from ReMentor"))
    course = f'<p><a href="{escape(row.course_link)}">{open_course}</a></p>' if row.course_link else ""
    return (f'<!doctype html><html lang="{escape(_mail_language(row))}"><body>{row.body_html}{course}<hr>'
            f'<p style="font-size:small"><a href="{escape(unsubscribe)}">{no_more}</a></p>'
            "</body></html>")


def _mail_language(row: MailOutbox) -> str:
    """The language of the mail of this row: its reader's (their choice, their LMS's, English)."""
    return language_of_person(row.person)


def _fill_course_link(row: MailOutbox) -> None:
    """A row of a course without its link yet takes the course's way back from the LMS's launches."""
    if row.course_link or row.course_id is None:
        return
    from lti_app.tasks.course_contexts import course_context

    context = course_context(row.course_id)
    if context is not None and context.course_link:
        row.course_link = context.course_link


def build_message(row: MailOutbox, connection=None):
    """The Flask-Mailman message of one row: plain text with an HTML alternative and the RFC 8058 headers."""
    from flask_mailman import EmailMultiAlternatives

    _fill_course_link(row)

    unsubscribe = unsubscribe_url(row.person_id)
    one_click = unsubscribe_url(row.person_id, one_click=True)
    language = _mail_language(row)
    with force_locale(babel_locale(language)):  # the subject and body were written in it already; now the footer
        text, html = _footer_text(row, unsubscribe), _footer_html(row, unsubscribe)
    message = EmailMultiAlternatives(
        subject=row.subject, body=text, from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[row.to_address], connection=connection,
        headers={"List-Unsubscribe": f"<{one_click}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "Auto-Submitted": "auto-generated", "Content-Language": language})
    message.attach_alternative(html, "text/html")
    return message


def _connection():
    from lti_app.extensions import mail

    return mail.get_connection(backend=current_app.config["MAIL_BACKEND"])


def send_rows(row_ids: Iterable[int] | None, *, now: datetime | None = None) -> Counter:
    """Send the due rows (of these ids, or every due row); commits each outcome; counts by outcome."""
    config = current_app.config
    moment = now or utcnow()
    counts: Counter = Counter()
    rows = outbox.due_rows(moment, None if row_ids is None else list(row_ids))
    keep_only = config["MAIL_DELIVERY"] != "send"
    connection = None
    try:
        for row in rows:
            if outbox.hold_for_gap(row, moment, config["MAIL_MIN_GAP_SECONDS"]):
                counts["held"] += 1
            elif keep_only:
                _fill_course_link(row)
                outbox.mark_kept(row, moment)
                counts["kept"] += 1
            elif not outbox.claim(row, moment, CLAIM_SECONDS):
                counts["taken"] += 1
            else:
                db.session.commit()  # the claim is seen by every other sender before the mail goes out
                try:
                    if connection is None:
                        connection = _connection()
                        connection.open()
                    build_message(row, connection).send()
                except Exception as error:  # SMTP refusals, an unreachable server, timeouts
                    connection = _close(connection)
                    outbox.mark_retry(row, f"{type(error).__name__}: {error}", moment,
                                      base=config["MAIL_BACKOFF_BASE_SECONDS"], cap=config["MAIL_BACKOFF_CAP_SECONDS"],
                                      max_attempts=config["MAIL_MAX_ATTEMPTS"])
                    counts["failed" if row.state is MailState.FAILED else "retry"] += 1
                else:
                    outbox.mark_sent(row, moment)
                    counts["sent"] += 1
            db.session.commit()
    finally:
        _close(connection)
    return counts


def _close(connection):
    if connection is not None:
        try:
            connection.close()
        except Exception:  # a dead connection cannot be closed cleanly; nothing to do
            pass
    return None


@jobs.task
def send_mail_job(row_ids: list[int]) -> dict[str, int]:
    """The send job of rows a transaction wrote."""
    try:
        return dict(send_rows(row_ids))
    except Exception:
        db.session.rollback()
        raise


def dispatch(row_ids: Iterable[int]) -> None:
    """Send these rows after the commit that wrote them; never raises (rows stay pending on failure)."""
    ids = [int(i) for i in row_ids if i is not None]
    if not ids:
        return
    try:
        jobs.enqueue(send_mail_job, ids)
    except Exception:
        db.session.rollback()
        log.exception("Mail could not be sent for outbox rows %s; they stay pending", ids)


def dispatch_recorded() -> None:
    """After the request's commit: send the rows its transaction wrote."""
    dispatch(outbox.take_recorded())


def drop_recorded() -> None:
    """After a rollback: forget the rows the transaction noted."""
    outbox.take_recorded()


@event.listens_for(Session, "after_soft_rollback")
def _no_mail_survives_a_rollback(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and not transaction.nested:
        session.info.pop(outbox.RECORDED_KEY, None)
