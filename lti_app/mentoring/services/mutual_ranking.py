"""Mutual ranking: mentees and mentors rank the other side; the instructor computes the stable matching.

Every function flushes, none commits.

The rules (where the issue was silent, these are this module's choices):
- Each participant ranks up to ``MAX_RANKED`` people of the other side among those who pass the hard rules with
  them (best fit first on the page, with why); fewer is fine, and someone they did not rank is never their partner.
  Saving replaces their ranking; the same ranking saved twice is the same ranking.
- The instructor sees who has ranked and who has not, never whom they ranked.
- Computing replaces the draft's unpinned proposed pairs with the mentee-proposing stable matching
  (``domain.stable.mutual_match``) of the rankings. Pinned pairs stay and take their places first: a mentor's
  capacity shrinks by their pins, and a mentee whose places are all pinned takes no part. A mentee with some but not
  all of their places pinned (several mentors per mentee) is refused with a message: the stable matching gives every
  mentee the same number of places, so it could not honour theirs.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, select

from lti_app.extensions import db
from lti_app.mentoring.domain.matching.choices import Candidate, candidates_for
from lti_app.mentoring.domain.matching.settings import MatchMode
from lti_app.mentoring.domain.matching.types import Proposal, Role
from lti_app.mentoring.domain.matching.stable import mutual_match
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.matching_choice import Ranking
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.services.matching.pairing import Sides, explanation_json, pinned_keys, settings_of, sides_of
from lti_app.mentoring.services.matching.modes import check_choosing, check_side
from lti_app.mentoring.domain.texts import _

MAX_RANKED = 10


@dataclass(frozen=True)
class RankingChoices:
    """What a participant's ranking page shows: whom they may rank (best fit first), their ranks so far, the limit."""

    role: Role
    candidates: list[Candidate]
    names: dict[int, str]
    ranks: dict[int, int]  # enrolment id → rank given (1 is the first choice)
    limit: int


@dataclass(frozen=True)
class RankingProgress:
    """Who has ranked, per side: (name, has ranked) in enrolment order."""

    mentees: list[tuple[str, bool]]
    mentors: list[tuple[str, bool]]


def _candidates(cohort: Cohort, sides: Sides, me: Enrolment, role: Role) -> list[Candidate]:
    others = sides.mentees if role is Role.MENTOR else sides.mentors
    return list(candidates_for(role, sides.profiles[me.id], sides.of(others), settings_of(cohort),
                               names=sides.names, labels=sides.labels))


def _ranks_of(me: Enrolment) -> dict[int, int]:
    rows = db.session.scalars(select(Ranking).where(Ranking.ranker_enrolment_id == me.id))
    return {r.ranked_enrolment_id: r.rank for r in rows}


def ranking_choices(cohort: Cohort, me: Enrolment) -> RankingChoices:
    """The people ``me`` may rank, best fit first and explained to them, with the ranks they gave so far."""
    check_choosing(cohort, MatchMode.MUTUAL)
    sides = sides_of(cohort)
    role = check_side(sides, me)
    candidates = _candidates(cohort, sides, me, role)
    return RankingChoices(role, candidates, sides.names, _ranks_of(me), min(MAX_RANKED, len(candidates)))


def _ordered(ranks: Mapping[int, int], allowed: set[int], limit: int) -> list[int]:
    """The ranked ids, first choice first; InvalidInput for someone not on offer, a rank out of range or given twice."""
    if unknown := set(ranks) - allowed:
        raise InvalidInput(_("You can only rank the people shown on this page (not #%(id)d).", id=min(unknown)))
    if bad := [r for r in ranks.values() if not 1 <= r <= limit]:
        raise InvalidInput(_("Ranks run from 1 to %(max)d, not %(rank)d.", max=limit, rank=bad[0]))
    if twice := sorted(r for r, n in Counter(ranks.values()).items() if n > 1):
        raise InvalidInput(_("Give each rank to one person only: rank %(rank)d is given more than once.", rank=twice[0]))
    return sorted(ranks, key=ranks.__getitem__)


def save_ranking(cohort: Cohort, me: Enrolment, ranks: Mapping[int, int]) -> list[Ranking]:
    """Replace ``me``'s ranking with ``ranks`` (enrolment id → rank; gaps close up). Flushes."""
    check_choosing(cohort, MatchMode.MUTUAL)
    db.session.scalar(select(Enrolment).where(Enrolment.id == me.id).with_for_update()
                      .execution_options(populate_existing=True))  # one save of this ranking at a time
    sides = sides_of(cohort)
    role = check_side(sides, me)
    allowed = {c.person_id for c in _candidates(cohort, sides, me, role)}
    order = _ordered(ranks, allowed, min(MAX_RANKED, len(allowed)))
    db.session.execute(delete(Ranking).where(Ranking.ranker_enrolment_id == me.id))
    rows = [Ranking(cohort_id=cohort.id, ranker_enrolment_id=me.id, ranked_enrolment_id=other, rank=position)
            for position, other in enumerate(order, start=1)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def ranking_progress(cohort: Cohort) -> RankingProgress:
    """Who of each side has ranked (the content of the rankings stays with the participants)."""
    sides = sides_of(cohort)
    rankers = set(db.session.scalars(select(Ranking.ranker_enrolment_id).where(Ranking.cohort_id == cohort.id)))
    return RankingProgress([(sides.names[e.id], e.id in rankers) for e in sides.mentees],
                           [(sides.names[e.id], e.id in rankers) for e in sides.mentors])


def _rankings(cohort: Cohort) -> dict[int, list[int]]:
    """Ranker enrolment id → ranked ids, first choice first."""
    found: dict[int, list[int]] = {}
    for row in db.session.scalars(select(Ranking).where(Ranking.cohort_id == cohort.id)
                                  .order_by(Ranking.ranker_enrolment_id, Ranking.rank)):
        found.setdefault(row.ranker_enrolment_id, []).append(row.ranked_enrolment_id)
    return found


def stable_proposal(cohort: Cohort, sides: Sides | None = None) -> Proposal:
    """The stable matching of the current rankings around the draft's pinned pairs (nothing written)."""
    settings, sides = settings_of(cohort), sides or sides_of(cohort)
    pinned = pinned_keys(cohort)
    per_mentor = Counter(mentor for mentor, _mentee in pinned)
    per_mentee = Counter(mentee for _mentor, mentee in pinned)
    if partly := sorted(e for e, n in per_mentee.items() if n < settings.mentors_per_mentee and e in sides.names):
        raise InvalidInput(_("%(name)s has some but not all of their mentors pinned: pin or unpin the rest of their "
                             "places, then compute the stable matching.", name=sides.names[partly[0]]))
    mentees = [p for p in sides.of(sides.mentees) if not per_mentee[p.id]]
    mentors = sides.of(sides.mentors)
    if settings.rules.capacity:  # a pin takes one of the mentor's places
        mentors = [dataclasses.replace(p, capacity=p.capacity - per_mentor[p.id]) for p in mentors
                   if p.capacity > per_mentor[p.id]]
    ranked = _rankings(cohort)
    return mutual_match(mentors, mentees, {p.id: ranked.get(p.id, []) for p in mentees},
                        {p.id: ranked.get(p.id, []) for p in mentors}, settings, names=sides.names, labels=sides.labels)


def compute_stable_matching(cohort: Cohort) -> Proposal:
    """Replace the draft's unpinned proposed pairs with the stable matching of the rankings. Flushes."""
    check_choosing(cohort, MatchMode.MUTUAL)
    settings, sides = settings_of(cohort), sides_of(cohort)
    proposal = stable_proposal(cohort, sides)
    db.session.execute(delete(Pair).where(Pair.cohort_id == cohort.id, Pair.status == PairStatus.PROPOSED,
                                          Pair.pinned.is_(False)))
    for found in proposal.pairs:
        score, explanation = explanation_json(sides.profiles[found.mentor_id], sides.profiles[found.mentee_id],
                                              settings, sides)
        db.session.add(Pair(cohort_id=cohort.id, mentor_enrolment_id=found.mentor_id,
                            mentee_enrolment_id=found.mentee_id, score=score, explanation=explanation))
    db.session.flush()
    return proposal
