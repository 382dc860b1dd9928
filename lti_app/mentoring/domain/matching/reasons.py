"""Why each person without a partner has none, in words an instructor can act on.

Checked in this order: no partner passes the rules (naming the rule that excluded most of them), every
partner who passes scores below the minimum, the partners who qualify are all full (the optimum gave
their places to others), or, in fairness mode only, pairing them would have lowered the worst pair. Without
fairness a person with a free partner is unpaired only because the draft was edited by hand since the run.
Each reason is a whole sentence per side, kept language-neutral (`words.Phrase`): it is written in the reader's
language when shown.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lti_app.mentoring.domain.matching import words
from lti_app.mentoring.domain.matching.cohort import Cohort, Counts, ScoreMatrix
from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.domain.matching.types import Profile, Role, Unmatched, UnmatchedReason
from lti_app.mentoring.domain.matching.words import Number, Phrase, phrase
from lti_app.mentoring.domain.texts import N_, _

RULE_WORDS = {  # each rule's obstacle, as a msgid: translated where it is shown (``texts._``, ``rule_words``)
    "self": N_("same person on both sides"),
    "forbidden": N_("pair forbidden by the instructor"),
    "capacity": N_("the mentor takes no mentees"),
    "reverse_seniority": N_("the mentor is not less senior than the mentee"),
    "reporting_line": N_("same reporting line"),
    "past_partners": N_("paired before"),
    "shared_language": N_("no shared language"),
    "availability_overlap": N_("too little overlapping availability"),
}


def rule_words(rule: str) -> str:
    """The obstacle a hard rule names, in the reader's language (the rule's code when it has no words)."""
    return _(RULE_WORDS[rule]) if rule in RULE_WORDS else rule


def _no_eligible(person: Profile, role: Role, failures: dict[str, np.ndarray]) -> Unmatched:
    total = next(iter(failures.values())).size
    if total == 0:
        found = (phrase(N_("There are no mentees in this cohort.")) if role is Role.MENTOR
                 else phrase(N_("There are no mentors in this cohort.")))
        return Unmatched(person.id, role, UnmatchedReason.NO_ELIGIBLE_PARTNER, None, found)
    counts = {name: int(f.sum()) for name, f in failures.items()}
    rule = max(counts, key=lambda name: counts[name])  # dicts keep rule order: ties go to the first
    obstacle, count = phrase(RULE_WORDS[rule]), counts[rule]
    if role is Role.MENTOR:
        message = words.ngettext(
            "No mentee passes the programme's rules; the most common obstacle: %(obstacle)s (%(count)s of "
            "%(num)s mentee).",
            "No mentee passes the programme's rules; the most common obstacle: %(obstacle)s (%(count)s of "
            "%(num)s mentees).", total, obstacle=obstacle, count=count)
    else:
        message = words.ngettext(
            "No mentor passes the programme's rules; the most common obstacle: %(obstacle)s (%(count)s of "
            "%(num)s mentor).",
            "No mentor passes the programme's rules; the most common obstacle: %(obstacle)s (%(count)s of "
            "%(num)s mentors).", total, obstacle=obstacle, count=count)
    return Unmatched(person.id, role, UnmatchedReason.NO_ELIGIBLE_PARTNER, rule, message)


def _below_minimum(role: Role, n_ok: int, minimum: float, best: float) -> Phrase:
    values = {"minimum": Number(minimum, None), "best": Number(best, 1)}
    if role is Role.MENTOR:
        return words.ngettext(
            "%(num)s mentee passes the rules, but scores below the minimum of %(minimum)s points (best: %(best)s).",
            "%(num)s mentees pass the rules, but all score below the minimum of %(minimum)s points (best: %(best)s).",
            n_ok, **values)
    return words.ngettext(
        "%(num)s mentor passes the rules, but scores below the minimum of %(minimum)s points (best: %(best)s).",
        "%(num)s mentors pass the rules, but all score below the minimum of %(minimum)s points (best: %(best)s).",
        n_ok, **values)


def _taken(role: Role, n_good: int) -> Phrase:
    if role is Role.MENTOR:
        return words.ngettext(
            "The %(num)s mentee who passes the rules and reaches the minimum score is full: the best assignment "
            "for the whole cohort gives their mentors to others.",
            "The %(num)s mentees who pass the rules and reach the minimum score are full: the best assignment "
            "for the whole cohort gives their mentors to others.", n_good)
    return words.ngettext(
        "The %(num)s mentor who passes the rules and reaches the minimum score is full: the best assignment "
        "for the whole cohort gives their places to others.",
        "The %(num)s mentors who pass the rules and reach the minimum score are full: the best assignment "
        "for the whole cohort gives their places to others.", n_good)


FAIRNESS_WORDS = N_("Left out by the fairness option: every pair still open to this person would score below the "
                    "worst pair of the proposal.")
LEFT_OPEN_WORDS = {
    Role.MENTOR: N_("Not paired in this draft although a mentee who fits is still free (the draft was changed by "
                    "hand): pair them by hand, or run the matching again."),
    Role.MENTEE: N_("Not paired in this draft although a mentor who fits is still free (the draft was changed by "
                    "hand): pair them by hand, or run the matching again."),
}


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
    role = facts.role
    found = []
    for k, person in enumerate(facts.people):
        n_ok, n_good = int(facts.n_ok[k]), int(facts.n_good[k])
        if not n_ok:
            found.append(_no_eligible(person, role, facts.failures(k)))
        elif not n_good:
            message = _below_minimum(role, n_ok, settings.min_score, facts.best(k))
            found.append(Unmatched(person.id, role, UnmatchedReason.BELOW_MIN_SCORE, None, message))
        elif not facts.open_partner[k]:
            found.append(Unmatched(person.id, role, UnmatchedReason.PARTNERS_TAKEN, None, _taken(role, n_good)))
        elif settings.fairness:
            found.append(Unmatched(person.id, role, UnmatchedReason.FAIRNESS, None, phrase(FAIRNESS_WORDS)))
        else:
            found.append(Unmatched(person.id, role, UnmatchedReason.LEFT_OPEN, None, phrase(LEFT_OPEN_WORDS[role])))
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
