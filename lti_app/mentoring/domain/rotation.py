"""Rotation: a new round for a running cohort that never re-pairs two people who were partners before.

The past pairs of every earlier round are added to both people's past partners, and the past-partner
rule is switched on whatever the cohort's settings say, so the new optimum cannot repeat a pair (a pin
that would repeat one is refused with `PinnedPairError`). Everything else (rules, criteria, minimum
score, fairness, capacities) is the cohort's.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from lti_app.mentoring.domain.matching.explain import Labels, Viewer
from lti_app.mentoring.domain.matching.engine import propose_pairs
from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.domain.matching.types import Profile, Proposal


def with_history(mentors: Sequence[Profile], mentees: Sequence[Profile],
                 past_pairs: Iterable[tuple[int, int]]) -> tuple[list[Profile], list[Profile]]:
    """The profiles with every past (mentor_id, mentee_id) pair added to both sides' past partners."""
    of_mentor: dict[int, set[int]] = defaultdict(set)
    of_mentee: dict[int, set[int]] = defaultdict(set)
    for mentor_id, mentee_id in past_pairs:
        of_mentor[mentor_id].add(mentee_id)
        of_mentee[mentee_id].add(mentor_id)
    return ([replace(p, past_partners=p.past_partners | of_mentor[p.id]) if p.id in of_mentor else p for p in mentors],
            [replace(p, past_partners=p.past_partners | of_mentee[p.id]) if p.id in of_mentee else p for p in mentees])


def next_round(mentors: Sequence[Profile], mentees: Sequence[Profile], past_pairs: Iterable[tuple[int, int]],
               settings: MatchSettings | None = None, *, names: Mapping[int, str] | None = None,
               labels: Labels | None = None, viewer: Viewer = "mentee") -> Proposal:
    """The best pairs of the next round, none of them a pair of an earlier round (explained to ``viewer``)."""
    settings = settings or MatchSettings()
    settings = replace(settings, rules=replace(settings.rules, past_partners=True))
    mentors, mentees = with_history(mentors, mentees, past_pairs)
    return propose_pairs(mentors, mentees, settings, names=names, labels=labels, viewer=viewer)
