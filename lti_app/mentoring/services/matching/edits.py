"""The instructor's hand on a draft of pairs: pin, unpin, forbid (and allow again), pair by hand, swap partners.
Every function flushes, none commits.

Pins and forbidden pairs live in the cohort's matching settings (``MatchSettings.pinned`` / ``forbidden``), so a
rerun keeps every pin and never makes a forbidden pair; the stored Pair rows are the draft the pages show. A pair
made by hand or by a swap is checked against the hard rules the draft is made under (in a new round, never a past
pair) and against the forbidden pairs, and is pinned so that a rerun keeps the instructor's choice.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lti_app.extensions import db
from lti_app.mentoring.domain.matching.cohort import Cohort as EngineCohort
from lti_app.mentoring.domain.matching.reasons import rule_words
from lti_app.mentoring.domain.matching.types import Role
from lti_app.mentoring.domain.texts import _
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.services.matching.pairing import (
    Sides, check_drafting, draft_settings, explanation_json, save_settings, settings_of, sides_of,
)
from lti_app.mentoring.services.matching.draft import chosen_person
from lti_app.mentoring.services.rotation import draft_round


def proposed_pair(cohort: Cohort, pair_id: int) -> Pair:
    """The proposed pair ``pair_id`` of the cohort; NotFound for another cohort's pair or a published one."""
    pair = db.session.get(Pair, pair_id)
    if pair is None or pair.cohort_id != cohort.id or pair.status is not PairStatus.PROPOSED:
        raise NotFound(_("There is no such proposed pair in this cohort."))
    return pair


def _draft_pairs(cohort: Cohort, *where) -> list[Pair]:
    """The cohort's proposed pairs meeting ``where`` (one person's, say), by mentee then mentor: not the whole draft,
    which is thousands of rows with their explanations in a big cohort."""
    return list(db.session.scalars(select(Pair).where(Pair.cohort_id == cohort.id, Pair.status == PairStatus.PROPOSED,
                                                      *where).order_by(Pair.mentee_enrolment_id, Pair.mentor_enrolment_id)))


def _key(pair: Pair) -> tuple[int, int]:
    return pair.mentor_enrolment_id, pair.mentee_enrolment_id


def pin_pair(cohort: Cohort, pair: Pair) -> Pair:
    """Keep this pair through every rerun. Flushes."""
    check_drafting(cohort)
    settings = settings_of(cohort)
    save_settings(cohort, dataclasses.replace(settings, pinned=settings.pinned | {_key(pair)}))
    pair.pinned = True
    db.session.flush()
    return pair


def unpin_pair(cohort: Cohort, pair: Pair) -> Pair:
    """Let the next run decide this pair again. Flushes."""
    check_drafting(cohort)
    settings = settings_of(cohort)
    save_settings(cohort, dataclasses.replace(settings, pinned=settings.pinned - {_key(pair)}))
    pair.pinned = False
    db.session.flush()
    return pair


def forbid_pair(cohort: Cohort, pair: Pair) -> tuple[int, int]:
    """Never pair these two in this cohort (unpinning them) and drop the pair from the draft. Flushes."""
    check_drafting(cohort)
    settings, key = settings_of(cohort), _key(pair)
    save_settings(cohort, dataclasses.replace(settings, pinned=settings.pinned - {key}, forbidden=settings.forbidden | {key}))
    db.session.delete(pair)
    db.session.flush()
    return key


def _broken_rules(sides: Sides, mentor: Enrolment, mentee: Enrolment, cohort: Cohort) -> list[str]:
    """The codes of the hard rules (that are on) the pair breaks."""
    engine = EngineCohort.prepare([sides.profiles[mentor.id]], [sides.profiles[mentee.id]], draft_settings(cohort))
    failures = engine.rules.failures(np.array([0]), np.array([0]))
    return [name for name, where in failures.items() if where[0, 0]]


def _make_room(cohort: Cohort, mentor: Enrolment, mentee: Enrolment) -> None:
    """Drop unpinned draft pairs so the mentor stays within capacity and the mentee within the per-mentee limit."""
    limits = ((mentor.id, 0, mentor.capacity or 1, Role.MENTOR), (mentee.id, 1, cohort.mentors_per_mentee, Role.MENTEE))
    for person_id, side, limit, role in limits:
        theirs = _draft_pairs(cohort, (Pair.mentor_enrolment_id, Pair.mentee_enrolment_id)[side] == person_id)
        loose = [p for p in theirs if not p.pinned]
        while len(theirs) >= limit and loose:
            victim = loose.pop()
            theirs.remove(victim)
            db.session.delete(victim)
        if len(theirs) >= limit:
            raise InvalidInput(_("This mentor already has as many pinned partners as allowed: unpin one first.")
                               if role is Role.MENTOR else
                               _("This mentee already has as many pinned partners as allowed: unpin one first."))
    db.session.flush()


def _check_allowed(cohort: Cohort, sides: Sides, mentor: Enrolment, mentee: Enrolment) -> None:
    """InvalidInput naming the two people when their pair is forbidden or breaks a hard rule that is on."""
    names = {"mentor": mentor.person.display_name, "mentee": mentee.person.display_name}
    if (mentor.id, mentee.id) in settings_of(cohort).forbidden:
        raise InvalidInput(_("%(mentor)s and %(mentee)s are a forbidden pair: allow them again (under “Forbidden "
                             "pairs”) if you mean it.", **names))
    if broken := _broken_rules(sides, mentor, mentee, cohort):
        rules = "; ".join(rule_words(name) for name in broken)
        if cohort.state.matching_inputs_locked and "past_partners" in broken:
            raise InvalidInput(_("%(mentor)s and %(mentee)s cannot be paired: %(rules)s. A new round never repeats "
                                 "a pair.", rules=rules, **names))
        raise InvalidInput(_("%(mentor)s and %(mentee)s cannot be paired: %(rules)s. Switch that rule off in the "
                             "settings if you mean it.", rules=rules, **names))


def edit_pairs(service: Callable[[Cohort, Pair], object], cohort: Cohort, pairs: list[Pair]) -> list:
    """One edit (``pin_pair``, ``unpin_pair``, ``forbid_pair``) on several pairs; all or none. Flushes."""
    return [service(cohort, pair) for pair in pairs]


def pair_typed(cohort: Cohort, mentor: str, mentee: str) -> Pair:
    """``pair_by_hand`` of the people the instructor typed or picked ("Name #id", an id, or a name only one person of
    that side has); InvalidInput when either is not found on their side. Flushes."""
    check_drafting(cohort)
    sides = sides_of(cohort)
    chosen = [db.session.get(Enrolment, chosen_person(sides, role, text))
              for role, text in ((Role.MENTOR, mentor), (Role.MENTEE, mentee))]
    return pair_by_hand(cohort, *chosen, sides=sides)


def pair_by_hand(cohort: Cohort, mentor: Enrolment, mentee: Enrolment, *, sides: Sides | None = None) -> Pair:
    """Pair two people as the instructor chooses (pinned); refused when forbidden or breaking a hard rule. Flushes."""
    check_drafting(cohort)
    sides = sides or sides_of(cohort)
    if mentor.id not in {e.id for e in sides.mentors} or mentee.id not in {e.id for e in sides.mentees}:
        raise InvalidInput(_("Choose a mentor from the mentors' side and a mentee from the mentees' side."))
    _check_allowed(cohort, sides, mentor, mentee)
    existing = db.session.scalar(select(Pair).where(
        Pair.cohort_id == cohort.id, Pair.mentor_enrolment_id == mentor.id, Pair.mentee_enrolment_id == mentee.id,
        Pair.status == PairStatus.PROPOSED))
    if existing is not None:
        return pin_pair(cohort, existing)
    _make_room(cohort, mentor, mentee)
    settings = settings_of(cohort)
    score, explanation = explanation_json(sides.profiles[mentor.id], sides.profiles[mentee.id], settings, sides)
    pair = Pair(cohort_id=cohort.id, mentor_enrolment_id=mentor.id, mentee_enrolment_id=mentee.id,
                score=score, explanation=explanation, pinned=True, round=draft_round(cohort))
    db.session.add(pair)
    save_settings(cohort, dataclasses.replace(settings, pinned=settings.pinned | {_key(pair)}))
    return pair


def swap_partners(cohort: Cohort, first: Pair, second: Pair) -> tuple[Pair, Pair]:
    """Swap the mentees of two draft pairs, (m1, e1) and (m2, e2) becoming (m1, e2) and (m2, e1), both pinned. Flushes.

    Refused, nothing changed, when the two pairs share a person or a new pair is forbidden, breaks a hard rule or
    already exists; every mentor and mentee keeps as many partners as before, so capacities hold.
    """
    check_drafting(cohort)
    if _key(first)[0] == _key(second)[0] or _key(first)[1] == _key(second)[1]:
        raise InvalidInput(_("Choose two pairs with different people: these two share a partner, so a swap changes "
                             "nothing."))
    sides, settings, old = sides_of(cohort), settings_of(cohort), {_key(first), _key(second)}
    for pair, mentee in ((first, second.mentee), (second, first.mentee)):
        if _draft_pairs(cohort, Pair.mentor_enrolment_id == pair.mentor_enrolment_id,
                        Pair.mentee_enrolment_id == mentee.id):
            raise InvalidInput(_("%(mentor)s and %(mentee)s are already a pair.",
                                 mentor=pair.mentor.person.display_name, mentee=mentee.person.display_name))
        _check_allowed(cohort, sides, pair.mentor, mentee)
    first.mentee, second.mentee = second.mentee, first.mentee
    for pair in (first, second):
        pair.score, pair.explanation = explanation_json(
            sides.profiles[pair.mentor_enrolment_id], sides.profiles[pair.mentee.id], settings, sides)
        pair.pinned = True
    db.session.flush()  # the ids follow the swapped mentees
    save_settings(cohort, dataclasses.replace(settings, pinned=(settings.pinned - old) | {_key(first), _key(second)}))
    return first, second


@dataclass(frozen=True)
class ForbiddenPair:
    """A pair the instructor forbade, with the two names."""

    mentor_id: int
    mentee_id: int
    mentor_name: str
    mentee_name: str


def forbidden_pairs(cohort: Cohort) -> list[ForbiddenPair]:
    """The cohort's forbidden pairs with the two people's names, by mentor then mentee name."""
    keys = settings_of(cohort).forbidden
    ids = {i for key in keys for i in key}
    people = {e.id: e for e in db.session.scalars(
        select(Enrolment).options(joinedload(Enrolment.person)).where(Enrolment.id.in_(ids)))} if ids else {}
    found = [ForbiddenPair(m, e, people[m].person.display_name, people[e].person.display_name)
             for m, e in keys if m in people and e in people]
    return sorted(found, key=lambda f: (f.mentor_name, f.mentee_name, f.mentor_id, f.mentee_id))


def allow_pair(cohort: Cohort, mentor_id: int, mentee_id: int) -> bool:
    """Take a pair off the forbidden list (a rerun may make it again); False when it was not forbidden. Flushes."""
    check_drafting(cohort)
    settings = settings_of(cohort)
    if (mentor_id, mentee_id) not in settings.forbidden:
        return False
    save_settings(cohort, dataclasses.replace(settings, forbidden=settings.forbidden - {(mentor_id, mentee_id)}))
    return True
