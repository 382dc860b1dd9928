"""The fit check after a pair's first meeting: each partner answers once; asking for help or a new partner flags
the pair for the instructor until the instructor marks the request handled. Every function flushes, none commits.

The answer and its comment are addressed to the instructor: the partner does not see them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.cohort_state import long_date
from lti_app.mentoring.domain.pair_feedback import COMMENT_MAX, FitAnswer
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.feedback import FitCheck
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.workspace import Meeting
from lti_app.mentoring.services.pairs import PairSeat
from lti_app.mentoring.domain.texts import _


@dataclass(frozen=True)
class FitCheckState:
    """One partner's fit check: their answer if given, and why they cannot answer now (None: they can)."""

    answer: FitCheck | None
    refusal: str | None

    @property
    def open(self) -> bool:
        """The partner may answer now."""
        return self.refusal is None


def meetings_held(pair_id: int) -> int:
    """How many meetings the pair has logged."""
    return db.session.scalar(select(func.count()).select_from(Meeting).where(Meeting.pair_id == pair_id)) or 0


def fit_check_of(seat: PairSeat) -> FitCheck | None:
    """This partner's fit check, if they answered it."""
    return db.session.scalar(select(FitCheck).where(
        FitCheck.pair_id == seat.pair.id, FitCheck.author_enrolment_id == seat.me.id))


def fit_check_state(seat: PairSeat) -> FitCheckState:
    """The partner's answer, or why they cannot answer yet."""
    found = fit_check_of(seat)
    if found is not None:
        return FitCheckState(found, _("You answered the fit check on %(date)s; it is answered once. Talk to your "
                                      "instructor if things have changed.", date=long_date(found.created_at.date())))
    if seat.pair.status is not PairStatus.ACTIVE:
        return FitCheckState(None, _("This pair has ended."))
    if not meetings_held(seat.pair.id):
        return FitCheckState(None, _("The fit check opens after your first meeting: log it in your workspace first."))
    return FitCheckState(None, None)


def answer_fit_check(seat: PairSeat, answer: FitAnswer, comment: str) -> FitCheck:
    """Record this partner's one answer to the fit check, refusing a second one or one before any meeting. Flushes."""
    if (refusal := fit_check_state(seat).refusal) is not None:
        raise InvalidInput(refusal)
    comment = comment.replace("\r\n", "\n").strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(_("Keep the comment under %(max)d characters.", max=COMMENT_MAX), field="comment")
    found = FitCheck(pair_id=seat.pair.id, author_enrolment_id=seat.me.id, answer=answer, comment=comment)
    try:
        with db.session.begin_nested():
            db.session.add(found)
    except IntegrityError as raced:  # a second tab answered first
        raise InvalidInput(_("You have already answered the fit check; it is answered once.")) from raced
    return found


def fit_checks_of(pair_ids: list[int]) -> dict[int, list[FitCheck]]:
    """Pair id → its fit checks, oldest first (one query)."""
    found: dict[int, list[FitCheck]] = {pair_id: [] for pair_id in pair_ids}
    if pair_ids:
        for check in db.session.scalars(select(FitCheck).where(FitCheck.pair_id.in_(pair_ids)).order_by(FitCheck.id)):
            found[check.pair_id].append(check)
    return found


def handle_fit_check(pair: Pair, fit_check_id: int, now: datetime | None = None) -> FitCheck:
    """The instructor has dealt with a request for help or a new partner: the flag goes down. Flushes."""
    found = db.session.get(FitCheck, fit_check_id)
    if found is None or found.pair_id != pair.id:
        raise NotFound(_("There is no such fit check in this pair."))
    if found.handled_at is None:
        found.handled_at = now or utcnow()
        db.session.flush()
    return found
