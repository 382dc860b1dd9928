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

T = TypeVar("T")
STALE = "{what} changed since you opened this page (perhaps your partner saved it just now): nothing was saved. Read it again and redo your change."
MAX_TEXT = 4000
MAX_RICH_TEXT = 20000


def check_open(pair: Pair) -> None:
    """Refuse changes to a pair that is not running any more."""
    if pair.status is not PairStatus.ACTIVE:
        raise InvalidInput("This pair has ended: its workspace can be read but no longer changed.")


def check_fresh(row: Any, version: int | None, what: str) -> None:
    """Refuse an edit made on a version of ``row`` that is not the current one."""
    if version is None or int(version) != row.version:
        raise InvalidInput(STALE.format(what=what))


def flush_fresh(what: str) -> None:
    """Flush; a row that a concurrent request changed first (its version moved) is refused as stale."""
    try:
        db.session.flush()
    except StaleDataError as stale:
        raise InvalidInput(STALE.format(what=what)) from stale


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
    raise InvalidInput(f"{what} belongs to you or your partner: choose one of you.", field=field)


def clean_text(value: str | None, field: str, label: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """Plain text stripped; refused when required and blank, or longer than ``limit``."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"Write {label}.", field=field)
    if len(text) > limit:
        raise InvalidInput(f"Keep {label} under {limit} characters.", field=field)
    return text


def check_rating(value: int | None, field: str, label: str) -> int:
    """A rating from 1 to 5."""
    if value is None or not progress.RATING_MIN <= int(value) <= progress.RATING_MAX:
        raise InvalidInput(f"Rate {label} from 1 to 5.", field=field)
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
