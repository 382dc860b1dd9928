"""Rules every change in a pair's workspace follows: a live pair, a fresh version, dates in the programme,
people from the pair, and a form saved once however often it is submitted.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from lti_app.extensions import db
from lti_app.mentoring.domain import pair_progress as progress
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.services.pairs import PairSeat
from lti_app.mentoring.domain.texts import N_, _

T = TypeVar("T")
# what went stale → the refusal (``what`` as callers name it: the agreement, a goal, a task)
STALE = {
    "The agreement": N_("The agreement changed since you opened this page (perhaps your partner saved it just now): "
                        "nothing was saved. Read it again and redo your change."),
    "This goal": N_("This goal changed since you opened this page (perhaps your partner saved it just now): "
                    "nothing was saved. Read it again and redo your change."),
    "This task": N_("This task changed since you opened this page (perhaps your partner saved it just now): "
                    "nothing was saved. Read it again and redo your change."),
}
STALE_ANYTHING = N_("This changed since you opened this page (perhaps your partner saved it just now): nothing was "
                    "saved. Read it again and redo your change.")
# whose it is → the refusal of someone outside the pair
NOT_OURS = {
    "A task": N_("A task belongs to you or your partner: choose one of you."),
    "A goal": N_("A goal belongs to you or your partner: choose one of you."),
    "An action item": N_("An action item belongs to you or your partner: choose one of you."),
}
MAX_TEXT = 4000
MAX_RICH_TEXT = 20000


def check_open(pair: Pair) -> None:
    """Refuse changes to a pair that is not running any more."""
    if pair.status is not PairStatus.ACTIVE:
        raise InvalidInput(_("This pair has ended: its workspace can be read but no longer changed."))


def check_fresh(row: Any, version: int | None, what: str) -> None:
    """Refuse an edit made on a version of ``row`` that is not the current one."""
    if version is None or int(version) != row.version:
        raise InvalidInput(stale_refusal(what))


def stale_refusal(what: str) -> str:
    """The refusal of an edit made on an old version of ``what`` (a key of STALE), in the reader's language."""
    return _(STALE.get(what, STALE_ANYTHING))


def flush_fresh(what: str) -> None:
    """Flush; a row that a concurrent request changed first (its version moved) is refused as stale."""
    try:
        db.session.flush()
    except StaleDataError as stale:
        raise InvalidInput(stale_refusal(what)) from stale


def check_in_programme(pair: Pair, day: date | None, field: str, what: str) -> None:
    """Refuse a date outside the cohort's programme."""
    if day is None:
        return
    refusal = progress.date_refusal(day, pair.cohort.starts_on, pair.cohort.ends_on, what)
    if refusal:
        raise InvalidInput(refusal, field=field)


def partner_enrolment(seat: PairSeat, enrolment_id: int | None, field: str, what: str = "A task") -> Enrolment:
    """One of the pair's two enrolments; anyone else is refused."""
    for enrolment in (seat.me, seat.partner):
        if enrolment.id == enrolment_id:
            return enrolment
    raise InvalidInput(_(NOT_OURS.get(what, NOT_OURS["A task"])), field=field)


def clean_text(value: str | None, field: str, missing: str, too_long: str, *, required: bool = True,
               limit: int = MAX_TEXT) -> str:
    """Plain text stripped; refused when required and blank (``missing``), or longer than ``limit`` (``too_long``,
    a msgid with ``%(max)d``). Both messages are msgids, translated here."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(_(missing), field=field)
    if len(text) > limit:
        raise InvalidInput(_(too_long, max=limit), field=field)
    return text


def check_rating(value: int | None, field: str, refusal: str) -> int:
    """A rating from 1 to 5; else ``refusal`` (a msgid, translated here)."""
    if value is None or not progress.RATING_MIN <= int(value) <= progress.RATING_MAX:
        raise InvalidInput(_(refusal), field=field)
    return int(value)


def existing_by_token(model: type[T], owner_column: str, owner_id: int, token: str | None) -> T | None:
    """The row a submit with ``token`` already created, if any (a double submit finds the first one)."""
    if not token:
        return None
    return db.session.scalar(select(model).where(getattr(model, owner_column) == owner_id, model.form_token == token))


def add_once(build: Callable[[], T], model: type[T], owner_column: str, owner_id: int, token: str | None) -> tuple[T, bool]:
    """(row, created): the row ``build`` makes, added unless a submit with the same token got there first."""
    found = existing_by_token(model, owner_column, owner_id, token)
    if found is not None:
        return found, False
    try:
        with db.session.begin_nested():
            row = build()
            db.session.add(row)
    except IntegrityError:
        found = existing_by_token(model, owner_column, owner_id, token)
        if found is None:
            raise
        return found, False
    return row, True
