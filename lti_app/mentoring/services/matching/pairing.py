"""Matching a cohort: run the engine into a draft of pairs, show the draft, publish it. Every function flushes, none commits.

Who is on which side: people asking to mentor are mentors, people asking to be mentored are mentees. People
happy with either role are sorted from least to most senior (career stage, then years of experience, then id)
and the least senior of them become mentors (in reverse mentoring the mentor is the less senior partner), as few
as it takes for the mentors' seats (their capacities) to cover the mentees' demand (mentors per mentee each);
the rest are mentees. The rule depends on the enrolments only, so a rerun puts everyone on the same side.

Rounds: until the first publish the draft is round 1; after it, running the matching drafts the next round
(``services.rotation``): the engine is ``domain.rotation.next_round``, so no pair is ever repeated.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.orm import aliased

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.matching.engine import explain_pair, propose_pairs, totals_of, unmatched_of
from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.domain.matching.types import (
    Contribution, PinnedPairError, Profile, Proposal, ProposedPair, UnmatchedReason,
)
from lti_app.mentoring.domain.matching import words
from lti_app.mentoring.domain.matching.words import Phrase, Value
from lti_app.mentoring.domain.profile_fields import RoleWanted
from lti_app.mentoring.domain.texts import N_, _
from lti_app.mentoring.domain.rotation import next_round
from lti_app.mentoring.errors import IllegalTransition, InvalidInput
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.matching_run import MatchingRun
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services.surveys import sync_rounds
from lti_app.mentoring.services.matching import cache as matching_cache
from lti_app.mentoring.services.matching.guards import check_no_busy_run, lock_cohort
from lti_app.mentoring.services.matching.profiles import (
    participants, profile_from, skill_levels, skill_words, spellings,
)
from lti_app.mentoring.services.rotation import forget_pins, past_pairs_of, published_round
from lti_app.mentoring.services import mail_notices

Progress = Callable[[int, "str | Phrase"], None]  # (percent, stage: a msgid or a phrase): told between stages, when
# nothing is pending


@dataclass(frozen=True)
class Sides:
    """A cohort's active enrolments split into mentors and mentees, with their engine profiles.

    ``mentors`` and ``mentees`` are rows of ``matching_profiles.participants`` (an enrolment's columns: ``id``,
    ``role_wanted``, ``capacity``...), not Enrolment objects."""

    mentors: list[Row]
    mentees: list[Row]
    profiles: dict[int, Profile]  # enrolment id → profile
    names: dict[int, str]  # enrolment id → display name
    labels: dict[str, Value]  # skill code → its words (``profiles.skill_words``); a department's or interest's
    # case-folded form → as written
    mentor_ids: tuple[int, ...] = ()  # the ids of ``mentors``, readable after a commit has expired the enrolments
    mentee_ids: tuple[int, ...] = ()

    def of(self, enrolments: Sequence[Enrolment]) -> list[Profile]:
        """The profiles of ``enrolments``."""
        return [self.profiles[e.id] for e in enrolments]

    def sides(self) -> tuple[list[Profile], list[Profile]]:
        """(mentors' profiles, mentees' profiles), without touching the enrolments (a job commits in between)."""
        return [self.profiles[i] for i in self.mentor_ids], [self.profiles[i] for i in self.mentee_ids]


def settings_of(cohort: Cohort) -> MatchSettings:
    """The cohort's matching settings; the per-mentee limit comes from the cohort's own column."""
    return MatchSettings.from_dict({**cohort.matching_settings, "mentors_per_mentee": cohort.mentors_per_mentee})


def save_settings(cohort: Cohort, settings: MatchSettings) -> Cohort:
    """Store ``settings`` on the cohort (its per-mentee limit stays in the cohort's column). Flushes."""
    stored = settings.to_dict()
    stored.pop("mentors_per_mentee", None)
    cohort.matching_settings = stored  # a new dict, so the JSON column sees the change
    db.session.flush()
    return cohort


def check_drafting(cohort: Cohort, run: MatchingRun | None = None) -> None:
    """A draft is made once enrolment has closed (round 1) and, once published, for each new round while the cohort
    is matched or running; IllegalTransition otherwise, or while a background run (but ``run``) replaces the draft."""
    if cohort.state is CohortState.FINISHED:
        raise IllegalTransition(_("This cohort is finished: its pairs no longer change."))
    if cohort.state is not CohortState.ENROLMENT_CLOSED and not cohort.state.matching_inputs_locked:
        raise IllegalTransition(_("Close enrolment first: pairs are made from the profiles as they stand when "
                                  "enrolment has closed."))
    check_no_busy_run(cohort, but=run)


def draft_settings(cohort: Cohort) -> MatchSettings:
    """The settings the draft is made under: a new round never repeats a pair, whatever the past-partner rule says."""
    settings = settings_of(cohort)
    if not cohort.state.matching_inputs_locked:
        return settings
    return replace(settings, rules=replace(settings.rules, past_partners=True))


def split_sides(enrolments: Sequence[Enrolment], mentors_per_mentee: int) -> tuple[list[Enrolment], list[Enrolment]]:
    """(mentors, mentees) by the rule in this module's docstring, each sorted by id."""
    mentors = [e for e in enrolments if e.role_wanted is RoleWanted.MENTOR]
    mentees = [e for e in enrolments if e.role_wanted is RoleWanted.MENTEE]
    either = sorted((e for e in enrolments if e.role_wanted is RoleWanted.EITHER),
                    key=lambda e: (int(e.career_stage), e.experience_years, e.id))
    seats = sum(e.capacity or 1 for e in mentors)
    k = 0
    while k < len(either) and seats < (len(mentees) + len(either) - k) * mentors_per_mentee:
        seats += either[k].capacity or 1
        k += 1
    by_id = lambda e: e.id  # noqa: E731
    return sorted(mentors + either[:k], key=by_id), sorted(mentees + either[k:], key=by_id)


def past_partners(cohort: Cohort, enrolments: Sequence[Enrolment]) -> dict[int, frozenset[int]]:
    """Enrolment id → ids of this cohort's enrolments whose person was their published partner in this course: in
    another cohort, or in an earlier round of this one (whichever side each was on)."""
    mentor, mentee = aliased(Enrolment), aliased(Enrolment)
    rows = db.session.execute(
        select(mentor.person_id, mentee.person_id).select_from(Pair)
        .join(mentor, Pair.mentor_enrolment_id == mentor.id).join(mentee, Pair.mentee_enrolment_id == mentee.id)
        .join(Cohort, Pair.cohort_id == Cohort.id)
        .where(Cohort.course_id == cohort.course_id, Pair.status.in_([PairStatus.ACTIVE, PairStatus.ENDED]))
    ).all()
    met: dict[int, set[int]] = defaultdict(set)
    for a, b in rows:
        met[a].add(b)
        met[b].add(a)
    here, none = {e.person_id: e.id for e in enrolments}, frozenset()
    return {e.id: frozenset(here[p] for p in met[e.person_id] if p in here) if e.person_id in met else none
            for e in enrolments}  # most people have no past partner: one shared empty set, no generator each


def sides_of(cohort: Cohort) -> Sides:
    """The cohort's active participants on their sides, with profiles, names and skill labels (four queries)."""
    people = participants(cohort.id)
    mentors, mentees = split_sides(people, cohort.mentors_per_mentee)
    past, levels, week = past_partners(cohort, people), skill_levels(cohort.id), cohort.starts_on
    return Sides(mentors, mentees, {e.id: profile_from(e, e.email, past[e.id], week, levels[e.id]) for e in people},
                 {e.id: Person.display_name.fget(e) for e in people},
                 spellings(people) | skill_words(cohort.skills),
                 tuple(e.id for e in mentors), tuple(e.id for e in mentees))


def explanation_json(mentor: Profile, mentee: Profile, settings: MatchSettings, sides: Sides) -> tuple[float, list[dict]]:
    """(score, explanation) of one pair worded for the instructor, in the JSON form a Pair stores."""
    score, explanation = explain_pair(mentor, mentee, settings, viewer="instructor", names=sides.names, labels=sides.labels)
    return score, as_json(explanation)


def as_json(explanation: Sequence[Contribution]) -> list[dict]:
    """An explanation in the JSON form a Pair stores: each sentence as written when it was made, and its phrase
    (language-neutral) so that ``shown_explanation`` writes it again in the reader's language."""
    return [{"criterion": c.criterion, "share": c.share, "sentence": c.sentence,
             **({"phrase": words.to_json(c.phrase)} if c.phrase is not None else {})} for c in explanation]


def shown_explanation(stored: Sequence[dict] | None) -> list[dict]:
    """A stored explanation (``Pair.explanation``) with each sentence in the reader's language: written again from
    its phrase; a part stored before phrases were keeps its sentence. The stored list is not changed."""
    return [{**part, "sentence": words.stored_text(part["phrase"])} if part.get("phrase") else dict(part)
            for part in stored or ()]


def _silent(percent: int, stage: str) -> None:
    """Nobody watches an inline run."""


def _propose(sides: Sides, settings: MatchSettings, history: set[tuple[int, int]] | None) -> Proposal:
    """The engine's proposal, explained to the instructor: the first round, or (given the published pairs) the next
    round, which repeats none."""
    mentors, mentees = sides.sides()
    words = {"names": sides.names, "labels": sides.labels, "viewer": "instructor"}
    try:
        if history is None:
            return propose_pairs(mentors, mentees, settings, **words)
        return next_round(mentors, mentees, history, settings, **words)
    except PinnedPairError as refused:
        raise InvalidInput(_("A pinned pair cannot be kept: %(reason)s", reason=str(refused))) from refused


def _replace_draft(cohort: Cohort, proposal: Proposal, done: int) -> None:
    """Put the new pairs in place of the stored draft, under the row lock (a publish meanwhile makes them stale).

    One multi-row INSERT rather than an ORM object per pair: 5,000 pairs are stored in a fraction of a second."""
    locked = lock_cohort(cohort)
    if published_round(locked) != done:
        raise IllegalTransition(_("Pairs were published while the matching ran (perhaps by a colleague): run it "
                                  "again."))
    db.session.execute(delete(Pair).where(Pair.cohort_id == cohort.id, Pair.status == PairStatus.PROPOSED))
    if proposal.pairs:
        now = utcnow()
        db.session.execute(insert(Pair), [
            {"cohort_id": cohort.id, "mentor_enrolment_id": p.mentor_id, "mentee_enrolment_id": p.mentee_id,
             "status": PairStatus.PROPOSED, "score": p.score, "explanation": as_json(p.explanation),
             "pinned": p.pinned, "round": done + 1, "created_at": now} for p in proposal.pairs])
    db.session.flush()


def run_matching(cohort: Cohort, progress: Progress = _silent, *, run: MatchingRun | None = None) -> Proposal:
    """Replace the cohort's draft with the engine's best pairs (keeping pins, never a forbidden pair); once a round is
    published, the draft is of the next round and repeats no pair. ``run``: the background run doing this. Flushes."""
    check_drafting(cohort, run)
    progress(10, N_("Loading the profiles"))
    settings, sides, done = settings_of(cohort), sides_of(cohort), published_round(cohort)
    progress(30, N_("Scoring every possible pair, solving the assignment and writing the explanations"))
    proposal = _propose(sides, settings, past_pairs_of(cohort) if done else None)
    progress(90, words.ngettext("Saving the draft (%(num)s pair)", "Saving the draft (%(num)s pairs)",
                                len(proposal.pairs)))
    _replace_draft(cohort, proposal, done)
    key = matching_cache.draft_key(cohort, PairStatus.PROPOSED, ((p.mentor_id, p.mentee_id) for p in proposal.pairs))
    matching_cache.keep_reasons(key, (proposal.unmatched, len(sides.mentor_ids), len(sides.mentee_ids)))
    return proposal


def pairs_of(cohort: Cohort, *statuses: PairStatus) -> list[Pair]:
    """The cohort's pairs (of these statuses, default: proposed and active), by mentee then mentor."""
    wanted = statuses or (PairStatus.PROPOSED, PairStatus.ACTIVE)
    return list(db.session.scalars(select(Pair).where(Pair.cohort_id == cohort.id, Pair.status.in_(wanted))
                                   .order_by(Pair.mentee_enrolment_id, Pair.mentor_enrolment_id)))


def pinned_keys(cohort: Cohort) -> set[tuple[int, int]]:
    """(mentor id, mentee id) of the draft's pinned pairs, as plain columns (not the draft's rows)."""
    rows = db.session.execute(select(Pair.mentor_enrolment_id, Pair.mentee_enrolment_id).where(
        Pair.cohort_id == cohort.id, Pair.status == PairStatus.PROPOSED, Pair.pinned.is_(True)))
    return {(mentor, mentee) for mentor, mentee in rows}


RULE_REASONS = (UnmatchedReason.NO_ELIGIBLE_PARTNER, UnmatchedReason.BELOW_MIN_SCORE)


def shown_status(cohort: Cohort) -> PairStatus | None:
    """What the matching page shows: the draft (proposed pairs) if there is one, else the published pairs, else none."""
    found = set(db.session.scalars(select(Pair.status).where(
        Pair.cohort_id == cohort.id, Pair.status.in_([PairStatus.PROPOSED, PairStatus.ACTIVE])).distinct()))
    return next((s for s in (PairStatus.PROPOSED, PairStatus.ACTIVE) if s in found), None)


def current_proposal(cohort: Cohort, sides: Sides | None = None) -> tuple[list[ProposedPair], Proposal]:
    """The draft (with none, the published pairs) and how the engine sees it: totals, each unpaired person and why.

    The pairs are read as plain columns (no explanations); the reasons are kept between views of the same draft
    (``matching_cache``), and need no full score matrix when they are worked out."""
    status = shown_status(cohort)
    rows = db.session.execute(select(
        Pair.mentor_enrolment_id, Pair.mentee_enrolment_id, Pair.score, Pair.pinned).where(
        Pair.cohort_id == cohort.id, Pair.status == status).order_by(
        Pair.mentee_enrolment_id, Pair.mentor_enrolment_id)).all() if status else []
    plain = [ProposedPair(m, e, score, (), pinned) for m, e, score, pinned in rows]
    key = matching_cache.draft_key(cohort, status, ((p.mentor_id, p.mentee_id) for p in plain))
    if (found := matching_cache.kept_reasons(key)) is None:
        mentors, mentees = (sides or sides_of(cohort)).sides()
        found = (unmatched_of(mentors, mentees, draft_settings(cohort), ((p.mentor_id, p.mentee_id) for p in plain)),
                 len(mentors), len(mentees))
        matching_cache.keep_reasons(key, found)
    unmatched, n_mentors, n_mentees = found
    if status is None:  # no draft (yet, or a run found no pair): only what the rules alone decide, no "left out"
        unmatched = tuple(u for u in unmatched if u.reason in RULE_REASONS)
    return plain, Proposal(tuple(plain), unmatched, totals_of(plain, n_mentors, n_mentees))


def publish_pairs(cohort: Cohort) -> list[Pair]:
    """Make the proposed pairs active (round 1) and the cohort matched, under a lock on the cohort row. Flushes.

    The lock (``SELECT ... FOR UPDATE`` on PostgreSQL) makes a second publish wait for the first to commit; it then
    reads the cohort afresh, finds it matched, and is refused. SQLite serialises writers on its own. Later rounds
    are published by ``rotation.publish_round``.
    """
    locked = lock_cohort(cohort)
    if locked.state.matching_inputs_locked:
        raise IllegalTransition(_("The pairs of this cohort are already published (perhaps by a colleague just "
                                  "now)."))
    new_state = locked.state.mark_matched()
    check_no_busy_run(locked)
    pairs = pairs_of(locked, PairStatus.PROPOSED)
    if not pairs:
        raise InvalidInput(_("There are no proposed pairs to publish: run the matching first."))
    now = utcnow()
    for pair in pairs:
        pair.status, pair.published_at, pair.round = PairStatus.ACTIVE, now, 1
    locked.state = new_state
    forget_pins(locked)
    db.session.flush()
    sync_rounds(cohort)  # the pulse schedule counts from the day the pairs were published
    mail_notices.note_pairs_published(pairs)  # both partners are told, in this transaction
    return pairs

