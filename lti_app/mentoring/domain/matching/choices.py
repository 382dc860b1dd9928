"""Whom a participant may choose or rank in the self-select and mutual modes, best fit first, explained to them.

Pure: plain profiles in, plain candidates out. A mentee's candidates are `rank_mentors_for`'s; a mentor's are the
mentees who pass every hard rule with them (the minimum score does not apply: in mutual ranking people choose).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lti_app.mentoring.domain.matching.explain import Explainer, Labels
from lti_app.mentoring.domain.matching.engine import explained_pairs, rank_mentors_for, score_matrix
from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.domain.matching.types import Profile, Role


@dataclass(frozen=True)
class Candidate:
    """Someone of the other side a participant may choose, with the pair's score and why, in their words."""

    person_id: int
    score: float
    sentences: tuple[str, ...]


def rank_mentees_for(mentor: Profile, mentees: Sequence[Profile], settings: MatchSettings, *,
                     names: Mapping[int, str] | None = None,
                     labels: Labels | None = None) -> tuple[Candidate, ...]:
    """Mentees passing every hard rule with this mentor, best score first (ties: lower id), explained to the mentor."""
    matrix = score_matrix([mentor], mentees, settings)
    cols = np.flatnonzero(matrix.eligible[0])
    explained = explained_pairs(matrix.cohort, np.zeros_like(cols), cols, Explainer(settings, "mentor", names, labels))
    found = [Candidate(matrix.cohort.mentees[j].id, score, tuple(c.sentence for c in explanation))
             for j, (score, explanation) in zip(cols.tolist(), explained)]
    return tuple(sorted(found, key=lambda c: (-c.score, c.person_id)))


def candidates_for(role: Role, me: Profile, others: Sequence[Profile], settings: MatchSettings, *,
                   names: Mapping[int, str] | None = None,
                   labels: Labels | None = None) -> tuple[Candidate, ...]:
    """Whom ``me`` (on side ``role``) may rank: everyone of the other side passing the hard rules, best fit first."""
    if role is Role.MENTOR:
        return rank_mentees_for(me, others, settings, names=names, labels=labels)
    anyone = dataclasses.replace(settings, min_score=0.0)
    return tuple(Candidate(r.mentor_id, r.score, tuple(c.sentence for c in r.explanation))
                 for r in rank_mentors_for(me, others, anyone, names=names, labels=labels))
