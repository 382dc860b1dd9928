"""Rounds of a cohort's pairs: which round is published, the pairs it can never repeat, publishing the next one.

Round 1 is the first publish (``matching.publish_pairs``, which also moves the cohort to "matched"). Once a round is
published, ``matching.run_matching`` drafts the next one with ``domain.rotation.next_round`` (no pair of this cohort,
and no partner from another cohort of the course, ever again); the instructor edits that draft like the first one
and publishes it here: the previous round's active pairs end, the new ones become active, the cohort's state stays.
Every function flushes, none commits.
"""
from __future__ import annotations

from sqlalchemy import func, select

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.errors import IllegalTransition, InvalidInput
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.services.matching.guards import check_no_busy_run, lock_cohort
from lti_app.mentoring.services import mail_notices
from lti_app.mentoring.domain.texts import _

PUBLISHED = (PairStatus.ACTIVE, PairStatus.ENDED)
ROTATING = (CohortState.MATCHED, CohortState.RUNNING)


def published_round(cohort: Cohort) -> int:
    """The number of the cohort's last published round; 0 before the first publish."""
    return db.session.scalar(select(func.coalesce(func.max(Pair.round), 0)).where(
        Pair.cohort_id == cohort.id, Pair.status.in_(PUBLISHED)))


def draft_round(cohort: Cohort) -> int:
    """The round the cohort's draft is for: the one after the last published."""
    return published_round(cohort) + 1


def past_pairs_of(cohort: Cohort) -> set[tuple[int, int]]:
    """(mentor, mentee) enrolment ids of every published pair of this cohort, the current round's included."""
    rows = db.session.execute(select(Pair.mentor_enrolment_id, Pair.mentee_enrolment_id).where(
        Pair.cohort_id == cohort.id, Pair.status.in_(PUBLISHED)))
    return {(mentor_id, mentee_id) for mentor_id, mentee_id in rows}


def forget_pins(cohort: Cohort) -> None:
    """Pins are instructions on a draft: once it is published they are done (a pin would repeat a past pair)."""
    cohort.matching_settings = {**cohort.matching_settings, "pinned": []}  # a new dict, so the JSON column sees it


def _pairs(cohort: Cohort, status: PairStatus) -> list[Pair]:
    return list(db.session.scalars(select(Pair).where(Pair.cohort_id == cohort.id, Pair.status == status)
                                   .order_by(Pair.id)))


def publish_round(cohort: Cohort, round_no: int) -> list[Pair]:
    """Make the draft of round ``round_no`` active and end the previous round's pairs, under the row lock. Flushes.

    The form carries the round it showed, so a second publish (a double click, or a colleague just now) finds that
    round published already and is refused, whichever came first.
    """
    locked = lock_cohort(cohort)
    if locked.state not in ROTATING:
        raise IllegalTransition(_("Only a matched or running cohort publishes a new round; this one is “%(state)s”.",
                                  state=locked.state.in_sentence))
    check_no_busy_run(locked)
    current = published_round(locked)
    if round_no <= current:
        raise IllegalTransition(_("Round %(round)d is already published (perhaps by a colleague just now).",
                                  round=round_no))
    draft = _pairs(locked, PairStatus.PROPOSED)
    if round_no != current + 1 or not draft:
        raise InvalidInput(_("There is no draft of round %(round)d to publish: start a new round first.",
                             round=current + 1))
    now = utcnow()
    for pair in _pairs(locked, PairStatus.ACTIVE):
        pair.status, pair.ended_at = PairStatus.ENDED, now
    for pair in draft:
        pair.status, pair.published_at, pair.round = PairStatus.ACTIVE, now, round_no
    forget_pins(locked)
    db.session.flush()
    mail_notices.note_pairs_published(draft)  # both partners are told, in this transaction
    return draft
