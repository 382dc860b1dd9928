"""The mail outbox: write a notice in the transaction of its event, read people's choices, move rows along.

``note_mail`` is what an event's service calls: it writes one row per (person, kind, occasion) and never a second
one, and notes it on the session (``take_recorded``) for the request's one commit point, which has the tasks package
send it after the commit (``lti_app.tasks.mail``). The ``mark_*`` functions record a send's outcome. Everything here
flushes; nothing commits.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain import texts
from lti_app.mentoring.domain.mail_notices import (
    DIGEST_KINDS, NOT_WANTED, MailChoice, MailState, Notice, backoff_seconds, earliest_send, goes_now,
)
from lti_app.mentoring.domain.scheduled_notices import HeldNotice, week_start
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.mail_outbox import MailOutbox, MailPreference
from lti_app.mentoring.models.person import Person

RECORDED_KEY = "mail_outbox_ids"  # key in ``db.session.info``: rows to send after the commit


def languages_of(person_ids: Iterable[int]) -> dict[int, str]:
    """The language to write to each of these people in (one query; none for nobody)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    return {pid: texts.reader_language(language, locale) for pid, language, locale in db.session.execute(
        select(Person.id, Person.language, Person.locale).where(Person.id.in_(ids)))}


def _remember(ids: Iterable[int]) -> None:
    db.session.info.setdefault(RECORDED_KEY, []).extend(ids)


def take_recorded() -> list[int]:
    """The rows noted since the last call (each once, in order), forgetting them."""
    return list(dict.fromkeys(db.session.info.pop(RECORDED_KEY, [])))


def choice_of(person_id: int) -> MailChoice:
    """What this person chose to receive (every notice when they never chose)."""
    choice = db.session.scalar(select(MailPreference.choice).where(MailPreference.person_id == person_id))
    return choice or MailChoice.EVERY


def set_choice(person_id: int, choice: MailChoice | str) -> MailChoice:
    """Record what this person wants to receive (flushes); refuses an unknown choice."""
    try:
        value = MailChoice(choice)
    except ValueError:
        raise InvalidInput(texts._("Choose every notice, a weekly digest or none."), field="choice") from None
    row = db.session.get(MailPreference, person_id)
    if row is None:
        db.session.add(MailPreference(person_id=person_id, choice=value))
    else:
        row.choice = value
    db.session.flush()
    return value


def existing(person_id: int, kind: str, occasion: str) -> MailOutbox | None:
    return db.session.scalar(select(MailOutbox).where(
        MailOutbox.person_id == person_id, MailOutbox.kind == kind, MailOutbox.occasion == occasion))


def note_mail(*, person_id: int, kind: str, occasion: str, subject: str, body_text: str, body_html: str,
              course_id: int | None = None, course_link: str | None = None,
              now: datetime | None = None) -> MailOutbox | None:
    """Write one notice for after the commit (flushes); None when this notice was already written. A person who
    chose none (or a digest, for a single notice) or has no address gets a row marked skipped, so it is never
    written again either."""
    if not kind or not occasion or len(kind) > 40 or len(occasion) > 200:
        raise InvalidInput("A notice needs a kind and an occasion.")
    if existing(person_id, kind, occasion) is not None:
        return None
    person = db.session.get(Person, person_id)
    if person is None:
        raise InvalidInput("There is nobody with that number.")
    moment = now or utcnow()
    sendable = bool(person.email) and goes_now(choice_of(person_id), kind)
    row = MailOutbox(person_id=person_id, course_id=course_id, kind=kind, occasion=occasion,
                     to_address=person.email, subject=subject[:300], body_text=body_text, body_html=body_html,
                     course_link=course_link, state=MailState.PENDING if sendable else MailState.SKIPPED,
                     attempts=0, next_attempt_at=moment,
                     last_error=None if sendable else ("no e-mail address" if not person.email else NOT_WANTED))
    try:
        with db.session.begin_nested():  # a concurrent writer of the same notice wins; this one is then a no-op
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return None
    if sendable:
        _remember([row.id])
    return row


def note_notices(notices: Iterable[Notice], now: datetime | None = None) -> list[MailOutbox]:
    """Write many notices at once (flushes): the ones already written are left out, in a fixed number of queries
    whatever their number (existing keys, people, choices, then the inserts)."""
    wanted = list({(n.person_id, n.kind, n.occasion): n for n in notices}.values())
    if not wanted:
        return []
    people_ids = sorted({n.person_id for n in wanted})
    written = set(db.session.execute(
        select(MailOutbox.person_id, MailOutbox.kind, MailOutbox.occasion)
        .where(MailOutbox.person_id.in_(people_ids), MailOutbox.kind.in_({n.kind for n in wanted}),
               MailOutbox.occasion.in_({n.occasion for n in wanted}))).all())
    emails = dict(db.session.execute(select(Person.id, Person.email).where(Person.id.in_(people_ids))).all())
    choices = dict(db.session.execute(select(MailPreference.person_id, MailPreference.choice)
                                      .where(MailPreference.person_id.in_(people_ids))).all())
    moment = now or utcnow()
    values = []
    for n in wanted:
        if (n.person_id, n.kind, n.occasion) in written or n.person_id not in emails:
            continue
        email = emails[n.person_id]
        sendable = bool(email) and goes_now(choices.get(n.person_id), n.kind)
        values.append(dict(
            person_id=n.person_id, course_id=n.course_id, kind=n.kind, occasion=n.occasion, to_address=email,
            subject=n.subject[:300], body_text=n.body_text, body_html=n.body_html, course_link=None,
            state=MailState.PENDING if sendable else MailState.SKIPPED, attempts=0, next_attempt_at=moment,
            created_at=moment, last_error=None if sendable else ("no e-mail address" if not email else NOT_WANTED)))
    if not values:
        return []
    # one statement (executemany), whatever the number: ``render_nulls`` keeps rows with and without an address in
    # one batch (the ORM would otherwise split the batch at every change of which values are None)
    db.session.execute(insert(MailOutbox).execution_options(render_nulls=True), values)
    keys = {(v["person_id"], v["kind"], v["occasion"]) for v in values}
    rows = [row for row in db.session.scalars(
        select(MailOutbox).where(MailOutbox.person_id.in_({k[0] for k in keys}),
                                 MailOutbox.kind.in_({k[1] for k in keys}),
                                 MailOutbox.occasion.in_({k[2] for k in keys})).order_by(MailOutbox.id))
            if (row.person_id, row.kind, row.occasion) in keys]
    _remember(r.id for r in rows if r.state is MailState.PENDING)
    return rows


LEARNER_DIGEST_OCCASION = "week:%:held"  # LIKE pattern of the digest-choosers' weekly digest (``held_digest_notices``)


HELD_LOOKBACK_DAYS = 35  # a digest gathers at most this far back (cron stopped for weeks: not the whole history)


def held_for_digest(now: datetime, zone: str = "UTC") -> list[HeldNotice]:
    """The single notices kept back from the people whose choice is the weekly digest, for this week's digest:
    those written before this ISO week began (in ``zone``) and since the week of their last digest began (the
    previous week, before their first), oldest first. So each is gathered once, and one written during a week
    waits for the next week's digest. One query whatever their number."""
    last = (select(MailOutbox.person_id, func.max(MailOutbox.created_at).label("at"))
            .where(MailOutbox.kind.in_(DIGEST_KINDS), MailOutbox.occasion.like(LEARNER_DIGEST_OCCASION))
            .group_by(MailOutbox.person_id).subquery())
    this_week = week_start(now, zone)
    rows = db.session.execute(
        select(MailOutbox.person_id, MailOutbox.subject, MailOutbox.body_text, MailOutbox.course_id,
               MailOutbox.created_at, last.c.at)
        .join(MailPreference, MailPreference.person_id == MailOutbox.person_id)
        .outerjoin(last, last.c.person_id == MailOutbox.person_id)
        .where(MailPreference.choice == MailChoice.DIGEST, MailOutbox.state == MailState.SKIPPED,
               MailOutbox.last_error == NOT_WANTED, MailOutbox.kind.not_in(DIGEST_KINDS),
               MailOutbox.created_at < this_week,
               MailOutbox.created_at >= this_week - timedelta(days=HELD_LOOKBACK_DAYS))
        .order_by(MailOutbox.id)).all()
    previous_week = this_week - timedelta(days=7)
    return [HeldNotice(person_id, subject, text, course_id, created_at)
            for person_id, subject, text, course_id, created_at, since in rows
            if created_at >= (week_start(since, zone) if since is not None else previous_week)]


def last_sent_at(person_id: int, kinds_excluded: Iterable[str] = ("digest",)) -> datetime | None:
    """When this person was last sent a mail other than a digest."""
    return db.session.scalar(select(func.max(MailOutbox.sent_at)).where(
        MailOutbox.person_id == person_id, MailOutbox.kind.not_in(list(kinds_excluded)),
        MailOutbox.state.in_((MailState.SENT, MailState.KEPT))))


def due_rows(now: datetime, of_ids: Iterable[int] | None = None, limit: int = 200) -> list[MailOutbox]:
    """Pending rows due by ``now`` (of these ids, or all), oldest first."""
    query = select(MailOutbox).where(MailOutbox.state == MailState.PENDING, MailOutbox.next_attempt_at <= now)
    if of_ids is not None:
        query = query.where(MailOutbox.id.in_(list(of_ids)))
    return list(db.session.scalars(query.order_by(MailOutbox.id).limit(limit)))


def hold_for_gap(row: MailOutbox, now: datetime, gap_seconds: int) -> bool:
    """Hold back a row whose person was mailed less than a gap ago (True: held, its time moved on; flushes)."""
    when = earliest_send(now, last_sent_at(row.person_id), row.kind, gap_seconds)
    if when <= now:
        return False
    row.next_attempt_at = when
    db.session.flush()
    return True


def claim(row: MailOutbox, now: datetime, lease_seconds: int) -> bool:
    """Take a due row for this sender: moves its time past ``now`` by the lease in one conditional UPDATE, so a
    second sender (cron beside a worker) finds it not due and never sends it too. False: another took it first."""
    taken = db.session.execute(
        update(MailOutbox).where(MailOutbox.id == row.id, MailOutbox.state == MailState.PENDING,
                                 MailOutbox.next_attempt_at <= now)
        .values(next_attempt_at=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)).rowcount
    db.session.expire(row, ["next_attempt_at"])
    return taken == 1


def mark_sent(row: MailOutbox, now: datetime) -> None:
    row.state, row.sent_at, row.last_error = MailState.SENT, now, None
    row.attempts += 1
    db.session.flush()


def mark_kept(row: MailOutbox, now: datetime) -> None:
    """Kept in the database only (no mail server configured): counts as sent for the hourly rule."""
    row.state, row.sent_at = MailState.KEPT, now
    db.session.flush()


def mark_retry(row: MailOutbox, error: str, now: datetime, *, base: int, cap: int, max_attempts: int) -> None:
    """The server refused or was unreachable: try again later, or give up after ``max_attempts``."""
    row.attempts += 1
    row.last_error = error[:2000]
    if row.attempts >= max_attempts:
        row.state = MailState.FAILED
    else:
        row.next_attempt_at = now + timedelta(seconds=backoff_seconds(row.attempts, base, cap))
    db.session.flush()


def recent(limit: int = 200) -> list[MailOutbox]:
    """The newest rows, newest first (the demo's outbox page)."""
    return list(db.session.scalars(select(MailOutbox).order_by(MailOutbox.id.desc()).limit(limit)))
