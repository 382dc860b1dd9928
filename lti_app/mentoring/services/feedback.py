"""Two-way feedback between partners: one per partner and round, rounds counted from the pair's publication.

A partner may give the feedback of any round that has fallen due and that they have not given yet (late is
better than never); a round not yet due is refused. Feedback is plain text and is not edited afterwards: a
second submit of the same round returns the feedback already given. Every function flushes, none commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import long_date
from lti_app.mentoring.domain.pair_feedback import TEXT_MAX, current_round, round_due_on
from lti_app.mentoring.domain.pair_progress import first_meeting_day
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.feedback import Feedback
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.services.pairs import PairSeat
from lti_app.mentoring.domain.texts import N_, _

QUESTIONS = (
    ("working", N_("What is working")),
    ("not_working", N_("What is not working")),
    ("change", N_("One thing to change")),
)


@dataclass(frozen=True)
class FeedbackFields:
    """What a partner writes in one round: three plain-text answers and an optional 1-5 satisfaction."""

    working: str
    not_working: str
    change: str
    satisfaction: int | None = None


@dataclass(frozen=True)
class FeedbackRound:
    """One round as a partner sees it: when it fell due, what they gave and what their partner gave them."""

    number: int
    due_on: date
    mine: Feedback | None
    theirs: Feedback | None  # None until this partner has given their own (or the pair has ended)
    current: bool
    theirs_waiting: bool = False  # the partner has given theirs: it shows once this partner gives their own


@dataclass(frozen=True)
class FeedbackOverview:
    """The rounds due so far (newest first) and when the next one falls due."""

    rounds: list[FeedbackRound]
    current: int
    next_due_on: date
    open: bool  # the pair is active, so missing rounds may still be given

    @property
    def due_now(self) -> bool:
        """The current round is open and this partner has not given it yet."""
        return self.open and bool(self.rounds) and self.rounds[0].mine is None


def published_on(pair: Pair) -> date:
    """The day feedback rounds count from: the pair's first day together (the later of the programme's start and
    the day the pair was published), so no round falls due before the programme starts."""
    return first_meeting_day(pair.cohort.starts_on, (pair.published_at or pair.created_at).date())


def round_now(pair: Pair, today: date) -> int:
    """The feedback round open today for this pair (0 before the first is due)."""
    return current_round(published_on(pair), pair.cohort.feedback_interval_days, today)


def due_on(pair: Pair, number: int) -> date:
    """The day round ``number`` of this pair falls due."""
    return round_due_on(published_on(pair), pair.cohort.feedback_interval_days, number)


def feedback_of_pair(pair_id: int) -> list[Feedback]:
    """Every feedback given in the pair, newest round first."""
    return list(db.session.scalars(select(Feedback).where(Feedback.pair_id == pair_id)
                                   .order_by(Feedback.round_number.desc(), Feedback.id)))


def feedback_overview(seat: PairSeat, today: date) -> FeedbackOverview:
    """The rounds due so far for one partner, with their own feedback and the feedback given to them."""
    pair, current = seat.pair, round_now(seat.pair, today)
    given = {(f.author_enrolment_id, f.round_number): f for f in feedback_of_pair(pair.id)}
    active = pair.status is PairStatus.ACTIVE
    rounds = []
    for n in range(current, 0, -1):  # the partner's answer is read only after giving one's own: neither shapes the other
        mine, theirs = given.get((seat.me.id, n)), given.get((seat.partner.id, n))
        shown = theirs if mine is not None or not active else None
        rounds.append(FeedbackRound(n, due_on(pair, n), mine, shown, n == current, theirs is not None and shown is None))
    return FeedbackOverview(rounds, current, due_on(pair, current + 1), active)


def feedback_for_round(seat: PairSeat, number: int) -> Feedback | None:
    """The feedback this partner gave in round ``number``, if any."""
    return db.session.scalar(select(Feedback).where(
        Feedback.pair_id == seat.pair.id, Feedback.author_enrolment_id == seat.me.id, Feedback.round_number == number))


def check_round_open(seat: PairSeat, number: int, today: date) -> None:
    """InvalidInput unless the pair is active and round ``number`` has fallen due."""
    if seat.pair.status is not PairStatus.ACTIVE:
        raise InvalidInput(_("This pair has ended: no more feedback is given in it."))
    if number < 1 or number > round_now(seat.pair, today):
        if number < 1:
            raise InvalidInput(_("Feedback round %(round)d is not due yet.", round=number))
        raise InvalidInput(_("Feedback round %(round)d is not due yet: it opens on %(date)s.", round=number,
                             date=long_date(due_on(seat.pair, number))))


def _clean(fields: FeedbackFields) -> FeedbackFields:
    """The answers trimmed, with line endings normalised; InvalidInput naming the field for the first bad one."""
    texts = {}
    for name, question in QUESTIONS:
        text = getattr(fields, name).replace("\r\n", "\n").strip()
        if not text:
            raise InvalidInput(_("Answer “%(question)s” (a few words are enough).", question=_(question)), field=name)
        if len(text) > TEXT_MAX:
            raise InvalidInput(_("Keep “%(question)s” under %(max)d characters.", question=_(question), max=TEXT_MAX),
                               field=name)
        texts[name] = text
    if fields.satisfaction is not None and not 1 <= fields.satisfaction <= 5:
        raise InvalidInput(_("Choose a satisfaction from 1 to 5, or leave it out."), field="satisfaction")
    return FeedbackFields(satisfaction=fields.satisfaction, **texts)


def give_feedback(seat: PairSeat, number: int, fields: FeedbackFields, today: date) -> tuple[Feedback, bool]:
    """Give round ``number``'s feedback: (the feedback, True), or (the one given before, False). Flushes."""
    check_round_open(seat, number, today)
    if (existing := feedback_for_round(seat, number)) is not None:
        return existing, False
    clean = _clean(fields)
    feedback = Feedback(pair_id=seat.pair.id, author_enrolment_id=seat.me.id, round_number=number,
                        working=clean.working, not_working=clean.not_working, change=clean.change,
                        satisfaction=clean.satisfaction)
    try:
        with db.session.begin_nested():  # a second tab that got there first wins; this one returns its row
            db.session.add(feedback)
    except IntegrityError:
        return feedback_for_round(seat, number), False  # type: ignore[return-value]
    return feedback, True


@dataclass(frozen=True)
class RoundFacts:
    """Of one pair: who gave the feedback of the round asked about, and when any feedback was last given."""

    authors: frozenset[int]
    last_given_at: datetime | None


def round_facts(pairs: dict[int, int]) -> dict[int, RoundFacts]:
    """Pair id → the enrolment ids that gave the round given for that pair, and the last feedback's time (one query)."""
    rows = db.session.execute(select(Feedback.pair_id, Feedback.round_number, Feedback.author_enrolment_id,
                                     Feedback.created_at).where(Feedback.pair_id.in_(pairs))).all() if pairs else []
    authors: dict[int, set[int]] = {pair_id: set() for pair_id in pairs}
    last: dict[int, datetime] = {}
    for pair_id, number, author, created_at in rows:
        if pairs[pair_id] == number:
            authors[pair_id].add(author)
        last[pair_id] = max(last.get(pair_id, created_at), created_at)
    return {pair_id: RoundFacts(frozenset(found), last.get(pair_id)) for pair_id, found in authors.items()}
