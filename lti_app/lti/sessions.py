"""A browser's launched sessions, kept on the server so that they can end before their cookie does.

The session cookie carries, for each course the browser launched into, a random session id; the table keeps
only its SHA-256, so a copy of the table opens no session. A row lives from its launch until the absolute
lifetime (``PERMANENT_SESSION_LIFETIME`` counted from the launch, never sliding) or until something ends it:

- a new launch of the same person into the same course (how a copied cookie dies: its owner launches again),
  and a new launch in the same browser, which replaces that browser's own row for the course;
- an operator deactivating the platform or the deployment, or ending one person's sessions (``flask sessions``).

Ending deletes the row: an ended session and one never opened are the same to the check, and the table holds
only live sessions. Rows past their lifetime are pruned by launches, a bounded batch inside the launch's own
DELETE, so the table never grows beyond the sessions of one lifetime plus a backlog each launch shrinks.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, ForeignKey, Index, String, delete, insert, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from lti_app.extensions import db, utcnow

# Expired rows one launch deletes at most: each launch adds one row, so the backlog always shrinks.
PRUNE_BATCH = 100


class BrowserSession(db.Model):
    """One browser's session in one course, as one membership; the cookie holds the id, the row its hash."""

    __tablename__ = "lti_browser_session"
    __table_args__ = (Index("ix_lti_browser_session_person", "platform_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The programme's membership (person in course) by id only, as a cookie names an account: LTI plumbing never
    # imports the programme, and no LTI table points at a programme table. Nothing deletes a membership but its
    # course, person or registration; the session ends with its registration (platform_id), and a session whose
    # membership is gone finds none when it is read (web.session joins them) and is refused.
    membership_id: Mapped[int] = mapped_column(index=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    deployment_id: Mapped[int] = mapped_column(ForeignKey("lti_deployment.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(255))  # the platform's ``sub`` of the person
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"<BrowserSession membership {self.membership_id} until {self.expires_at:%Y-%m-%d %H:%M}>"


def now() -> datetime:
    """The sessions' clock (patched by tests of the lifetime)."""
    return utcnow()


def new_session_id() -> str:
    """A fresh random session id for a cookie."""
    return secrets.token_urlsafe(32)


def hash_session_id(session_id: str) -> str:
    """What the table stores of a session id."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_session(
    session_id: str, *, membership_id: int, platform_id: int, deployment_id: int, subject: str,
    lifetime: timedelta, replacing: Iterable[str] = (),
) -> None:
    """Open a session after a launch; end the membership's other sessions and the rows ``replacing``. Flushes.

    ``replacing`` are session ids this browser held before (its earlier entry for the course, entries the cookie
    drops). One DELETE ends those, the membership's sessions in other browsers, and a batch of expired rows.
    """
    started = now()
    expired = select(BrowserSession.id).where(BrowserSession.expires_at <= started).limit(PRUNE_BATCH)
    ended = [BrowserSession.membership_id == membership_id, BrowserSession.id.in_(expired.scalar_subquery())]
    hashes = [hash_session_id(old) for old in replacing]
    if hashes:
        ended.append(BrowserSession.token_hash.in_(hashes))
    db.session.execute(delete(BrowserSession).where(or_(*ended)).execution_options(synchronize_session=False))
    db.session.execute(insert(BrowserSession).values(
        token_hash=hash_session_id(session_id), membership_id=membership_id, platform_id=platform_id,
        deployment_id=deployment_id, subject=subject, started_at=started, expires_at=started + lifetime,
    ))


def live(session_id: str) -> list[ColumnElement[bool]]:
    """The conditions a row of ``session_id`` meets while the session is live (to join into a page's query)."""
    return [BrowserSession.token_hash == hash_session_id(session_id), BrowserSession.expires_at > now()]


def hand_over(old_hash: str, session_id: str) -> bool:
    """Move a live session to a new id (the new window of a launch); False when it has ended. Flushes."""
    statement = (
        update(BrowserSession)
        .where(BrowserSession.token_hash == old_hash, BrowserSession.expires_at > now())
        .values(token_hash=hash_session_id(session_id))
    )
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount == 1


def _end(*conditions: ColumnElement[bool]) -> int:
    statement = delete(BrowserSession).where(*conditions).execution_options(synchronize_session=False)
    return db.session.execute(statement).rowcount


def end_sessions(session_ids: Iterable[str]) -> int:
    """End sessions by their ids (a browser's entries that a new one replaced). Flushes."""
    hashes = [hash_session_id(session_id) for session_id in session_ids]
    return _end(BrowserSession.token_hash.in_(hashes)) if hashes else 0


def end_platform_sessions(platform_id: int) -> int:
    """End every session of a platform (it was deactivated); the number ended. Flushes."""
    return _end(BrowserSession.platform_id == platform_id)


def end_deployment_sessions(deployment_id: int) -> int:
    """End every session launched through a deployment (it was deactivated). Flushes."""
    return _end(BrowserSession.deployment_id == deployment_id)


def end_person_sessions(platform_ids: Iterable[int], subject: str) -> int:
    """End every session of the person ``subject`` on these platforms, in every course. Flushes."""
    return _end(BrowserSession.platform_id.in_(list(platform_ids)), BrowserSession.subject == subject)


def end_membership_sessions(membership_id: int) -> int:
    """End every session of one membership (one person in one course). Flushes."""
    return _end(BrowserSession.membership_id == membership_id)
