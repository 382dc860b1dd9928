"""Why each person without a partner has none, in words an instructor can act on.

Checked in this order: no partner passes the rules (naming the rule that excluded most of them), every
partner who passes scores below the minimum, the partners who qualify are all full (the optimum gave
their places to others), or, in fairness mode only, pairing them would have lowered the worst pair. Without
fairness a person with a free partner is unpaired only because the draft was edited by hand since the run.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lti_app.mentoring.domain.matching.cohort import Cohort, Counts, ScoreMatrix
from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.domain.matching.types import Profile, Role, Unmatched, UnmatchedReason

RULE_WORDS = {
    "self": "same person on both sides",
    "forbidden": "pair forbidden by the instructor",
    "capacity": "the mentor takes no mentees",
    "reverse_seniority": "the mentor is not less senior than the mentee",
    "reporting_line": "same reporting line",
    "past_partners": "paired before",
    "shared_language": "no shared language",
    "availability_overlap": "too little overlapping availability",
}


def plural(count: int, noun: str) -> str:
    """'1 mentor', '2 mentors'."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def _no_eligible(person: Profile, role: Role, failures: dict[str, np.ndarray], other: str) -> Unmatched:
    total = next(iter(failures.values())).size
    if total == 0:
        return Unmatched(person.id, role, UnmatchedReason.NO_ELIGIBLE_PARTNER, None,
                         f"There are no {other}s in this cohort.")
    counts = {name: int(f.sum()) for name, f in failures.items()}
    rule = max(counts, key=lambda name: counts[name])  # dicts keep rule order: ties go to the first
    message = (f"No {other} passes the programme's rules; the most common obstacle: "
               f"{RULE_WORDS[rule]} ({counts[rule]:,} of {plural(total, other)}).")
    return Unmatched(person.id, role, UnmatchedReason.NO_ELIGIBLE_PARTNER, rule, message)


@dataclass(frozen=True)
class SideFacts:
    """For the unmatched people of one side: what the reasons are built from."""

    role: Role
    people: list[Profile]
    n_ok: np.ndarray  # partners passing the rules
    n_good: np.ndarray  # ... and reaching the minimum score
    open_partner: np.ndarray  # some of those still had room in the proposal
    best: Callable[[int], float]  # best score among the partners passing the rules
    failures: Callable[[int], dict[str, np.ndarray]]  # per rule: the partners breaking it


def _side(facts: SideFacts, settings: MatchSettings) -> list[Unmatched]:
    """Reasons for the unmatched people of one side."""
    role, other = facts.role, ("mentee" if facts.role is Role.MENTOR else "mentor")
    found = []
    for k, person in enumerate(facts.people):
        n_ok, n_good = int(facts.n_ok[k]), int(facts.n_good[k])
        if not n_ok:
            found.append(_no_eligible(person, role, facts.failures(k), other))
        elif not n_good:
            verbs = ("passes", "scores") if n_ok == 1 else ("pass", "all score")
            message = (f"{plural(n_ok, other).capitalize()} {verbs[0]} the rules, but {verbs[1]} below the minimum "
                       f"of {settings.min_score:g} points (best: {facts.best(k):.1f}).")
            found.append(Unmatched(person.id, role, UnmatchedReason.BELOW_MIN_SCORE, None, message))
        elif not facts.open_partner[k]:
            room = "places" if role is Role.MENTEE else "mentors"
            verbs = ("passes", "reaches", "is") if n_good == 1 else ("pass", "reach", "are")
            message = (f"The {plural(n_good, other)} who {verbs[0]} the rules and {verbs[1]} the minimum score "
                       f"{verbs[2]} full: the best assignment for the whole cohort gives their {room} to others.")
            found.append(Unmatched(person.id, role, UnmatchedReason.PARTNERS_TAKEN, None, message))
        elif settings.fairness:
            message = ("Left out by the fairness option: every pair still open to this person would score below "
                       "the worst pair of the proposal.")
            found.append(Unmatched(person.id, role, UnmatchedReason.FAIRNESS, None, message))
        else:
            message = (f"Not paired in this draft although a {other} who fits is still free (the draft was changed "
                       "by hand): pair them by hand, or run the matching again.")
            found.append(Unmatched(person.id, role, UnmatchedReason.LEFT_OPEN, None, message))
    return found


def _facts(cohort: Cohort, role: Role, lone: np.ndarray, counts: Counts, open_partners: np.ndarray,
           min_score: float) -> SideFacts:
    """Facts about the unmatched people of one side; small parts of the matrices are recomputed."""
    mentor = role is Role.MENTOR
    everyone = np.arange(len(cohort.mentees if mentor else cohort.mentors))
    minimum = np.float32(min_score)

    def block(people: np.ndarray, partners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        scores, ok = cohort.sub_block(people, partners) if mentor else cohort.sub_block(partners, people)
        return (scores, ok) if mentor else (scores.T, ok.T)  # rows: the unmatched people

    scores, ok = block(lone, open_partners)
    open_partner = (ok & (scores >= minimum)).any(axis=1)

    def best(k: int) -> float:
        scores, ok = block(lone[k:k + 1], everyone)
        return float(scores[ok].max())

    def failures(k: int) -> dict[str, np.ndarray]:
        one = lone[k:k + 1]
        found = cohort.rules.failures(one, everyone) if mentor else cohort.rules.failures(everyone, one)
        return {name: f.ravel() for name, f in found.items()}

    people = [(cohort.mentors if mentor else cohort.mentees)[i] for i in lone]
    return SideFacts(role, people, counts.eligible[lone], counts.good[lone], open_partner, best, failures)


def unmatched_people(matrix: ScoreMatrix, rows: np.ndarray, cols: np.ndarray,
                     settings: MatchSettings) -> tuple[Unmatched, ...]:
    """Why everyone without a pair among (mentor row, mentee column) pairs of a score matrix has none."""
    return reasons_for(matrix.cohort, matrix.counts, rows, cols, settings)


def reasons_for(cohort: Cohort, counts: tuple[Counts, Counts], rows: np.ndarray, cols: np.ndarray,
                settings: MatchSettings) -> tuple[Unmatched, ...]:
    """Every person with no pair in the proposal, mentors first, each side by id."""
    n_m, n_e = len(cohort.mentors), len(cohort.mentees)
    mentor_load, mentee_load = np.bincount(rows, minlength=n_m), np.bincount(cols, minlength=n_e)
    mentor_open = (mentor_load < cohort.arrays[0].capacity) if settings.rules.capacity else np.ones(n_m, bool)
    mentee_open = mentee_load < settings.mentors_per_mentee
    found: list[Unmatched] = []
    for role, load, side_counts, open_partners in ((Role.MENTOR, mentor_load, counts[0], np.flatnonzero(mentee_open)),
                                                   (Role.MENTEE, mentee_load, counts[1], np.flatnonzero(mentor_open))):
        if len(lone := np.flatnonzero(load == 0)):
            found += _side(_facts(cohort, role, lone, side_counts, open_partners, settings.min_score), settings)
    return tuple(found)
