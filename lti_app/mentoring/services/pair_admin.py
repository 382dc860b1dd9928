"""The instructor's hand on a running cohort: end a pair, re-pair a person through the matching engine, start and
close the programme. Every function flushes, none commits.

Re-pairing keeps the matching's rules: the candidates are the people on the other side who pass every hard rule
that is on, have room left (a mentor's capacity, a mentee's mentors-per-mentee) and reach the cohort's minimum
score, best score first (``rank_mentors_for`` for a mentee; the score matrix for a mentor). Whatever the rules
say, nobody is paired again with someone who was their partner before, in this cohort or an earlier one.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.matching.engine import rank_mentors_for, score_matrix
from lti_app.mentoring.domain.matching.cohort import Cohort as EngineCohort
from lti_app.mentoring.domain.matching.reasons import rule_words
from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.domain.matching.types import Profile
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.services.surveys import open_exit_for_pair
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.feedback import CLOSED_REASON, FitCheck, PairEnding
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services.matching.pairing import Sides, explanation_json, settings_of, sides_of
from lti_app.mentoring.domain.texts import _

REASON_MIN, REASON_MAX = 5, 500
SIDES = ("mentor", "mentee")


@dataclass(frozen=True)
class Candidate:
    """Someone a person may be re-paired with: score and reasons worded for the instructor."""

    enrolment_id: int
    name: str
    score: float
    explanation: list[dict[str, Any]]


@dataclass(frozen=True)
class RepairOptions:
    """Who a person of an ended pair may be paired with now, best first, or why they cannot be re-paired."""

    person: Enrolment
    side: str  # the person's side: "mentor" or "mentee"
    candidates: list[Candidate]
    refusal: str | None
    past: frozenset[int] = frozenset()  # enrolment ids of their past partners: never offered


def _reason(reason: str) -> str:
    text = " ".join(reason.split())
    if not REASON_MIN <= len(text) <= REASON_MAX:
        raise InvalidInput(_("Give a reason of %(min)d to %(max)d characters (it stays in the record).",
                             min=REASON_MIN, max=REASON_MAX),
                           field="reason")
    return text


def _end(pairs: list[Pair], by: Person | None, reason: str, now: datetime) -> None:
    """End these pairs in a fixed number of statements however many (closing a cohort ends them all at once)."""
    if not pairs:
        return
    for pair in pairs:
        pair.status, pair.ended_at = PairStatus.ENDED, now
    # one executemany, not an INSERT … RETURNING per row: nothing here needs the endings' ids
    db.session.execute(insert(PairEnding), [{"pair_id": p.id, "person_id": by.id if by else None, "reason": reason,
                                             "ended_at": now} for p in pairs])
    # ending the pair answers any request for help or a new partner
    for check in db.session.scalars(select(FitCheck).where(FitCheck.pair_id.in_([p.id for p in pairs]),
                                                           FitCheck.handled_at.is_(None))):
        check.handled_at = now  # flushed as one executemany with the pairs' own changes


def end_pair(pair: Pair, by: Person, reason: str, now: datetime | None = None) -> Pair:
    """End an active pair for ``reason``; both partners then see it as ended. Flushes."""
    if pair.status is not PairStatus.ACTIVE:
        raise InvalidInput(_("This pair has already ended."))
    text, now = _reason(reason), now or utcnow()
    _end([pair], by, text, now)
    db.session.flush()
    open_exit_for_pair(pair, text, now)  # ended early: both people get an exit survey with the reason
    return pair


def start_programme(cohort: Cohort) -> Cohort:
    """The programme of a matched cohort begins (matched → running). Flushes."""
    cohort.state = cohort.state.start()
    db.session.flush()
    return cohort


def close_cohort(cohort: Cohort, by: Person, now: datetime | None = None) -> list[Pair]:
    """Finish a running cohort and end every pair still active; returns the pairs ended. Flushes."""
    new_state, now = cohort.state.finish(), now or utcnow()
    active = list(db.session.scalars(select(Pair).where(Pair.cohort_id == cohort.id, Pair.status == PairStatus.ACTIVE)))
    _end(active, by, CLOSED_REASON, now)
    cohort.state = new_state
    db.session.flush()
    return active


def person_of(pair: Pair, side: str) -> Enrolment:
    """The mentor or the mentee of the pair; NotFound for any other side."""
    if side not in SIDES:
        raise NotFound(_("There is no such person in this pair."))
    return pair.mentor if side == "mentor" else pair.mentee


def _partner_ids(person: Enrolment) -> set[int]:
    """Enrolment ids of everyone published as this person's partner in this cohort."""
    rows = db.session.execute(select(Pair.mentor_enrolment_id, Pair.mentee_enrolment_id).where(
        Pair.cohort_id == person.cohort_id, Pair.status.in_((PairStatus.ACTIVE, PairStatus.ENDED)),
        or_(Pair.mentor_enrolment_id == person.id, Pair.mentee_enrolment_id == person.id))).all()
    return {a if b == person.id else b for a, b in rows}


def _taken(cohort: Cohort) -> tuple[Counter, Counter]:
    """Active pairs per mentor and per mentee of the cohort."""
    rows = db.session.execute(select(Pair.mentor_enrolment_id, Pair.mentee_enrolment_id).where(
        Pair.cohort_id == cohort.id, Pair.status == PairStatus.ACTIVE)).all()
    return Counter(m for m, _e in rows), Counter(e for _m, e in rows)


def _refusal(cohort: Cohort, pair: Pair, person: Enrolment, sides: Sides, taken: tuple[Counter, Counter],
             side: str) -> str | None:
    name = person.person.display_name
    if cohort.state not in (CohortState.MATCHED, CohortState.RUNNING):
        return _("People are re-paired while the programme runs; this cohort is “%(state)s”.",
                 state=cohort.state.in_sentence)
    if pair.status is not PairStatus.ENDED:
        return _("End this pair first: a person is re-paired once their pair has ended.")
    if person.id not in sides.profiles:
        return _("%(name)s is no longer enrolled in this cohort.", name=name)
    room = (person.capacity or 1) - taken[0][person.id] if side == "mentor" else cohort.mentors_per_mentee - taken[1][person.id]
    return None if room > 0 else _("%(name)s already has as many partners as the cohort allows.", name=name)


def _explained(person: Profile, others: list[tuple[int, float]], side: str, settings: MatchSettings,
               sides: Sides) -> list[Candidate]:
    found = []
    for other_id, score in others:
        mentor, mentee = (person, sides.profiles[other_id]) if side == "mentor" else (sides.profiles[other_id], person)
        _, explanation = explanation_json(mentor, mentee, settings, sides)
        found.append(Candidate(other_id, sides.names[other_id], score, explanation))
    return found


def _ranked(person: Profile, side: str, settings: MatchSettings, sides: Sides, taken: tuple[Counter, Counter]
            ) -> list[tuple[int, float]]:
    """(enrolment id, score) of the people on the other side passing every rule with room left, best first."""
    if side == "mentee":
        ranked = rank_mentors_for(person, sides.of(sides.mentors), settings, taken=dict(taken[0]))
        return [(r.mentor_id, r.score) for r in ranked]
    if not settings.rules.capacity or taken[0][person.id] < person.capacity:
        room = [p for p in sides.of(sides.mentees) if taken[1][p.id] < settings.mentors_per_mentee]
        if room:
            matrix = score_matrix([person], room, settings)
            ok = matrix.eligible[0] & (matrix.values[0] >= settings.min_score)
            found = [(matrix.mentees[j].id, float(matrix.values[0, j])) for j in np.flatnonzero(ok)]
            return sorted(found, key=lambda c: (-c[1], c[0]))
    return []


def repair_options(cohort: Cohort, pair: Pair, side: str) -> RepairOptions:
    """The candidates for a new partner of the pair's mentor or mentee, best first (the instructor picks)."""
    person, sides, taken = person_of(pair, side), sides_of(cohort), _taken(cohort)
    if refusal := _refusal(cohort, pair, person, sides, taken, side):
        return RepairOptions(person, side, [], refusal)
    settings, past = settings_of(cohort), _partner_ids(person)
    profile = sides.profiles[person.id]
    profile = dataclasses.replace(profile, past_partners=profile.past_partners | past)
    never = frozenset(past | profile.past_partners)
    ranked = [(other, score) for other, score in _ranked(profile, side, settings, sides, taken) if other not in never]
    return RepairOptions(person, side, _explained(profile, ranked, side, settings, sides), None, never)


def _why_not(cohort: Cohort, options: RepairOptions, other: Enrolment | None) -> str:
    """Why ``other`` is not among the candidates, in words."""
    sides = sides_of(cohort)
    if other is None or other.id not in {e.id for e in (sides.mentees if options.side == "mentor" else sides.mentors)}:
        return _("Choose someone from the list of possible partners.")
    names = {"name": options.person.person.display_name, "other": other.person.display_name}
    if other.id in options.past:
        return _("%(name)s and %(other)s were partners before: the programme never pairs the same two people again.",
                 **names)
    mentor, mentee = (options.person, other) if options.side == "mentor" else (other, options.person)
    if mentor.id in sides.profiles and mentee.id in sides.profiles:
        engine = EngineCohort.prepare([sides.profiles[mentor.id]], [sides.profiles[mentee.id]], settings_of(cohort))
        broken = [rule_words(n) for n, where in engine.rules.failures(np.array([0]), np.array([0])).items()
                  if where[0, 0]]
        if broken:
            return _("%(name)s and %(other)s cannot be paired: %(rules)s.", rules="; ".join(broken), **names)
    return _("%(name)s and %(other)s cannot be paired now: they have no room left, or the pair is below the cohort's "
             "minimum score.", **names)


def repair_person(cohort: Cohort, pair: Pair, side: str, partner_id: int | None = None,
                  now: datetime | None = None) -> Pair:
    """Pair the mentor or mentee of an ended pair with ``partner_id`` (None: the best candidate). Flushes.

    The cohort row is locked first, so two instructors re-pairing at once cannot overfill a mentor.
    """
    db.session.scalar(select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())
    options = repair_options(cohort, pair, side)
    if options.refusal:
        raise InvalidInput(options.refusal)
    if partner_id is None and not options.candidates:
        raise InvalidInput(_("Nobody passes every rule with room left for %(name)s.",
                             name=options.person.person.display_name))
    chosen = options.candidates[0] if partner_id is None else next(
        (c for c in options.candidates if c.enrolment_id == partner_id), None)
    if chosen is None:
        raise InvalidInput(_why_not(cohort, options, db.session.get(Enrolment, partner_id)), field="partner")
    mentor_id, mentee_id = ((options.person.id, chosen.enrolment_id) if side == "mentor"
                            else (chosen.enrolment_id, options.person.id))
    new = Pair(cohort_id=cohort.id, mentor_enrolment_id=mentor_id, mentee_enrolment_id=mentee_id, score=chosen.score,
               explanation=chosen.explanation, status=PairStatus.ACTIVE, published_at=now or utcnow(),
               round=pair.round)  # it stands in for the ended pair, in the same rotation round
    try:
        with db.session.begin_nested():
            db.session.add(new)
    except IntegrityError as raced:
        raise InvalidInput(_("These two are already paired in this cohort.")) from raced
    return new
