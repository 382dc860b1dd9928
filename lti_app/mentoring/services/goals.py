"""Goals of a pair: set from a baseline (the owner's enrolment rating), with skills, milestones and tasks,
rated on the way and re-rated by both partners at the end. Every function flushes, none commits.

Either partner may hold goals (both sides learn); either may edit them, with the version they read, so a
stale edit is refused rather than overwriting the partner's.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain import pair_progress as progress
from lti_app.mentoring.domain.rich_text import sanitise
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.workspace import Goal, GoalSkill, Milestone, ProgressFrom
from lti_app.mentoring.services.pairs import PairSeat
from lti_app.mentoring.services.workspace_rules import (
    MAX_RICH_TEXT, add_once, check_fresh, check_in_programme, check_open, check_rating, clean_text, flush_fresh,
    partner_enrolment,
)
from lti_app.mentoring.domain import texts
from lti_app.mentoring.domain.texts import N_, _

WHAT = "This goal"
MAX_SKILLS = 5


@dataclass(frozen=True)
class GoalFields:
    """A goal as a partner submits it; ``baseline_rating`` counts only when the owner has no enrolment rating."""

    owner_enrolment_id: int | None
    title: str
    description: str
    skill_codes: tuple[str, ...]
    target_rating: int | None
    target_on: date | None
    progress_from: str
    baseline_rating: int | None = None


def goals_of_pair(pair: Pair) -> list[Goal]:
    """The pair's goals, oldest first."""
    return list(db.session.scalars(select(Goal).where(Goal.pair_id == pair.id).order_by(Goal.id)))


def goal_in_pair(pair: Pair, goal_id: int) -> Goal:
    """One goal of this pair; NotFound for any other id."""
    goal = db.session.scalar(select(Goal).where(Goal.id == goal_id, Goal.pair_id == pair.id))
    if goal is None:
        raise NotFound(_("There is no such goal in your pair."))
    return goal


def enrolment_baseline(owner: Enrolment, skill_codes: tuple[str, ...]) -> int | None:
    """The owner's enrolment rating of the first skill, if they rated it when enrolling."""
    if not skill_codes:
        return None
    return next((s.level for s in owner.skills if s.skill.code == skill_codes[0]), None)


def _skills(seat: PairSeat, codes: tuple[str, ...]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(c for c in codes if c))
    if not chosen:
        raise InvalidInput(_("Tie the goal to at least one skill of the cohort."), field="skill_codes")
    if len(chosen) > MAX_SKILLS:
        raise InvalidInput(_("Tie the goal to at most %(max)d skills.", max=MAX_SKILLS), field="skill_codes")
    unknown = [c for c in chosen if seat.pair.cohort.skill(c) is None]
    if unknown:
        raise InvalidInput(_("Choose skills from the cohort's catalogue."), field="skill_codes")
    return chosen


def _baseline(owner: Enrolment, codes: tuple[str, ...], given: int | None) -> int:
    found = enrolment_baseline(owner, codes)
    if found is not None:
        return found
    return check_rating(given, "baseline_rating", N_(
        "Rate where the goal's owner starts (no rating from enrolment for this skill) from 1 to 5."))


def _checked(seat: PairSeat, fields: GoalFields) -> dict:
    """The goal's columns from ``fields``, every rule checked (InvalidInput names the field)."""
    owner = partner_enrolment(seat, fields.owner_enrolment_id, "owner_enrolment_id", "A goal")
    title = clean_text(fields.title, "title", N_("Write the goal in a short sentence."),
                       N_("Keep the goal in a short sentence under %(max)d characters."), limit=200)
    description = sanitise(fields.description)
    if len(description) > MAX_RICH_TEXT:
        raise InvalidInput(_("Keep the description shorter."), field="description")
    codes = _skills(seat, fields.skill_codes)
    baseline = _baseline(owner, codes, fields.baseline_rating)
    target = check_rating(fields.target_rating, "target_rating", N_("Rate the target from 1 to 5."))
    if target < baseline or (target == baseline < progress.RATING_MAX):
        raise InvalidInput(_("Aim above the baseline of %(baseline)d/5.", baseline=baseline), field="target_rating")
    if fields.target_on is None:
        raise InvalidInput(_("Give the date you aim to reach the target by."), field="target_on")
    check_in_programme(seat.pair, fields.target_on, "target_on", "The target date")
    if fields.progress_from not in {p.value for p in ProgressFrom}:
        raise InvalidInput(_("Choose how progress is measured."), field="progress_from")
    return {"owner_enrolment_id": owner.id, "title": title, "description": description, "baseline_rating": baseline,
            "target_rating": target, "target_on": fields.target_on, "progress_from": ProgressFrom(fields.progress_from),
            "codes": codes}


def _set_skills(goal: Goal, codes: tuple[str, ...]) -> None:
    if goal.skill_codes != list(codes):
        goal.skills = [GoalSkill(skill_code=code, position=i) for i, code in enumerate(codes)]


def add_goal(seat: PairSeat, fields: GoalFields, token: str | None) -> tuple[Goal, bool]:
    """(goal, created): a new goal; the same form submitted twice gives the first goal back. Flushes."""
    check_open(seat.pair)
    values = _checked(seat, fields)
    codes = values.pop("codes")

    def build() -> Goal:
        goal = Goal(pair_id=seat.pair.id, form_token=token, **values)
        _set_skills(goal, codes)
        return goal

    goal, created = add_once(build, Goal, "pair_id", seat.pair.id, token)
    db.session.flush()
    return goal, created


def edit_goal(seat: PairSeat, goal: Goal, fields: GoalFields, version: int | None) -> Goal:
    """Change a goal as read at ``version``; a stale version is refused. Flushes."""
    check_open(seat.pair)
    check_fresh(goal, version, WHAT)
    values = _checked(seat, fields)
    _set_skills(goal, values.pop("codes"))
    for name, value in values.items():
        setattr(goal, name, value)
    goal.updated_at = utcnow()
    flush_fresh(WHAT)
    return goal


def rate_progress(seat: PairSeat, goal: Goal, rating: int | None, version: int | None) -> Goal:
    """Record where the goal's owner stands now (1-5), on the version read. Flushes."""
    check_open(seat.pair)
    check_fresh(goal, version, WHAT)
    goal.current_rating = check_rating(rating, "rating", N_("Rate where the goal's owner stands now from 1 to 5."))
    goal.updated_at = utcnow()
    flush_fresh(WHAT)
    return goal


def rerating_refusal(seat: PairSeat, goal: Goal, today: date) -> str | None:
    """Why the end rating cannot be given yet, or None: it opens at the target date or near the programme's end."""
    if seat.pair.status is PairStatus.ENDED:
        return None
    opens = progress.rerating_opens_on(goal.target_on, seat.pair.cohort.ends_on)
    if today < opens:
        return _("The end rating opens on %(date)s, at the goal's target date or near the programme's end.",
                 date=texts.long_date(opens))
    return None


def rerate_goal(seat: PairSeat, goal: Goal, rating: int | None, today: date) -> Goal:
    """The viewer's end rating of the goal's owner (the owner rates themself, the partner rates them). Flushes."""
    refusal = rerating_refusal(seat, goal, today)
    if refusal:
        raise InvalidInput(refusal, field="end_rating")
    value = check_rating(rating, "end_rating", N_("Rate where the goal's owner stands at the end from 1 to 5."))
    if goal.owner_enrolment_id == seat.me.id:
        goal.end_rating_owner = value
    else:
        goal.end_rating_partner = value
    goal.updated_at = utcnow()
    flush_fresh(WHAT)
    return goal


def add_milestone(seat: PairSeat, goal: Goal, title: str, due_on: date | None, token: str | None) -> tuple[Milestone, bool]:
    """(milestone, created): a step towards the goal, due within the programme; a double submit adds one. Flushes."""
    check_open(seat.pair)
    title = clean_text(title, "title", N_("Write the milestone."),
                       N_("Keep the milestone under %(max)d characters."), limit=200)
    if due_on is None:
        raise InvalidInput(_("Give the date the milestone is due."), field="due_on")
    check_in_programme(seat.pair, due_on, "due_on", "The due date")
    milestone, created = add_once(lambda: Milestone(goal_id=goal.id, title=title, due_on=due_on, form_token=token),
                                  Milestone, "goal_id", goal.id, token)
    db.session.flush()
    return milestone, created


def set_milestone_done(seat: PairSeat, goal: Goal, milestone_id: int, done: bool) -> Milestone:
    """Mark a milestone of the goal reached (or not); pressing twice changes nothing more. Flushes."""
    check_open(seat.pair)
    milestone = next((m for m in goal.milestones if m.id == milestone_id), None)
    if milestone is None:
        raise NotFound(_("There is no such milestone in this goal."))
    if done != (milestone.done_at is not None):
        milestone.done_at = utcnow() if done else None
        db.session.flush()
    return milestone
