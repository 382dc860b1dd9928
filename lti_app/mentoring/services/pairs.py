"""Reaching one pair: as one of its two partners, or as staff of its course. Nothing else finds a pair.

Every lookup goes through the course in the URL, so another course's pair id, a pair the person is not in,
a pair that is only a draft, or an ended pair for a partner who asks to change it, answer ``NotFound``
(the pages show 404): whether a pair exists elsewhere is not given away.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from lti_app.extensions import db
from lti_app.mentoring.errors import NotFound
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.domain.texts import _

VISIBLE_TO_PARTNERS = (PairStatus.ACTIVE, PairStatus.ENDED)


@dataclass(frozen=True)
class PairSeat:
    """A pair seen by one of its partners: the pair, the viewer's own enrolment and role, and the partner's."""

    pair: Pair
    me: Enrolment
    partner: Enrolment
    role: str  # the viewer's role in this pair: "mentor" or "mentee"

    @property
    def is_mentor(self) -> bool:
        return self.role == "mentor"


def seat_of(pair: Pair, person_id: int) -> PairSeat:
    """The pair as ``person_id`` sees it; NotFound when they are not one of its partners."""
    if pair.mentor.person_id == person_id:
        return PairSeat(pair, pair.mentor, pair.mentee, "mentor")
    if pair.mentee.person_id == person_id:
        return PairSeat(pair, pair.mentee, pair.mentor, "mentee")
    raise NotFound(_("There is no such pair for you in this course."))


def pair_for_partner(course_id: int, pair_id: int, person_id: int) -> PairSeat:
    """A published (active or ended) pair of the course in which ``person_id`` is a partner; NotFound otherwise."""
    pair = db.session.scalar(select(Pair).join(Cohort, Pair.cohort_id == Cohort.id).where(
        Pair.id == pair_id, Cohort.course_id == course_id, Pair.status.in_(VISIBLE_TO_PARTNERS)))
    if pair is None:
        raise NotFound(_("There is no such pair for you in this course."))
    return seat_of(pair, person_id)


def pair_in_course(course_id: int, pair_id: int) -> Pair:
    """A published pair of the course, for its staff; NotFound for another course's pair or a draft."""
    pair = db.session.scalar(select(Pair).join(Cohort, Pair.cohort_id == Cohort.id).where(
        Pair.id == pair_id, Cohort.course_id == course_id, Pair.status.in_(VISIBLE_TO_PARTNERS)))
    if pair is None:
        raise NotFound(_("There is no such pair in this course."))
    return pair


def pairs_of_person(course_id: int, person_id: int) -> list[PairSeat]:
    """Every published pair of the course in which ``person_id`` is a partner, newest first."""
    pairs = db.session.scalars(
        select(Pair).join(Cohort, Pair.cohort_id == Cohort.id)
        .join(Enrolment, or_(Pair.mentor_enrolment_id == Enrolment.id, Pair.mentee_enrolment_id == Enrolment.id))
        .where(Cohort.course_id == course_id, Enrolment.person_id == person_id, Pair.status.in_(VISIBLE_TO_PARTNERS))
        .order_by(Pair.id.desc())
    ).unique().all()
    return [seat_of(pair, person_id) for pair in pairs]
