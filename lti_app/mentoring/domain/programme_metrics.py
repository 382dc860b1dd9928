"""A programme's figures for its dashboard: funnel, matching health, activity and outcomes, over plain data.

Pure functions: the facts come in as dataclasses (``programme_facts``; ``services/programme_dashboard`` reads
them from the database in a fixed number of queries) and the figures go out as dataclasses. A ``Period`` narrows
the *event* figures (meetings held, minutes spent) to a date range; *state* figures (who is matched, active pairs,
capacity left, the at-risk list) always describe "now". Survey figures are built elsewhere: ``programme_metrics`` passes them
through (``surveys=``) so the dashboard can show them beside the rest. The tables the dashboard shows and
downloads are built from these figures in ``programme_tables``; who is still in the course at the end, in
``programme_retention``.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lti_app.mentoring.domain.programme_facts import GoalFact, Period, ProgrammeFacts, ratio
from lti_app.mentoring.domain.surveys import below_threshold
from lti_app.mentoring.domain.texts import N_, _, ngettext

ROLES = ("mentor", "mentee")
FUNNEL_STAGES = ("roster", "enrolled", "matched", "first_meeting", "three_meetings", "completed")
STAGE_LABELS = {  # translated where a funnel is made (``funnel``)
    "roster": N_("Course roster"), "enrolled": N_("Enrolled"), "matched": N_("Matched"),
    "first_meeting": N_("First meeting held"), "three_meetings": N_("At least 3 meetings"), "completed": N_("Completed"),
}
SCORE_BANDS = ((0.0, 0.25, "0–25"), (0.25, 0.5, "25–50"), (0.5, 0.75, "50–75"), (0.75, 1.01, "75–100"))
DEFAULT_QUIET_DAYS = 30  # an active pair with no meeting for this many days is at risk
LOW_PULSE_REASON = N_("Low pulse")


# ---- figures out ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FunnelStage:
    key: str
    label: str
    mentor: int | None
    mentee: int | None
    total: int | None

    def share(self, of: int | None) -> float | None:
        return ratio(self.total, of)


@dataclass(frozen=True)
class MatchingHealth:
    unmatched: dict[str, int]  # role wanted → active participants without an active pair
    capacity_total: int
    capacity_used: int
    score_bands: list[tuple[str, int]]
    by_hand: int
    active_pairs: int

    @property
    def capacity_left(self) -> int:
        return max(self.capacity_total - self.capacity_used, 0)


@dataclass(frozen=True)
class AtRisk:
    pair_id: int
    reason: str
    days_quiet: int | None


@dataclass(frozen=True)
class MonthActivity:
    month: str  # "2026-03"
    meetings: int
    pairs: int  # active pairs that month
    expected_per_pair: float  # from the cadence

    @property
    def per_pair(self) -> float:
        return ratio(self.meetings, self.pairs) or 0.0


@dataclass(frozen=True)
class Activity:
    meetings: int  # in the period
    minutes: int
    months: list[MonthActivity]
    days_since_last: dict[int, int | None]  # active pair id → days since its last meeting (None: never)
    at_risk: list[AtRisk]
    quiet_days: int
    low_pulse_pairs: int = 0  # active pairs in which someone's latest pulse answer is low
    low_pulse_listed: bool = True  # whether those pairs are named in ``at_risk`` (else only counted)
    unlisted: int = 0  # active pairs at risk for a low pulse alone, not in ``at_risk`` because it is not listed

    @property
    def at_risk_total(self) -> int:
        """Active pairs at risk for any reason, listed or not."""
        return len(self.at_risk) + self.unlisted


@dataclass(frozen=True)
class SkillChange:
    skill: str
    label: str
    role: str
    goals: int
    baseline: float
    end: float | None  # mean of the goals re-rated


@dataclass(frozen=True)
class Outcomes:
    skills: list[SkillChange]
    goals: int
    goals_at_target: int
    reflections_expected: int
    reflections_submitted: int
    mean_grade_share: float | None  # graded score / points, averaged
    completion_rate: float | None  # completed / active participants
    completed: int

    @property
    def submission_rate(self) -> float | None:
        return ratio(self.reflections_submitted, self.reflections_expected)


@dataclass(frozen=True)
class ProgrammeMetrics:
    period: Period
    started: bool
    funnel: list[FunnelStage]
    matching: MatchingHealth
    activity: Activity
    outcomes: Outcomes
    surveys: tuple[Any, ...] = ()  # figures of the pulse and exit surveys, when the caller has them


# ---- the figures ------------------------------------------------------------------------------------------------

def _by_role(ids: Iterable[int], roles: dict[int, str]) -> tuple[int, int, int]:
    counts = Counter(roles.get(i) for i in set(ids))
    return counts["mentor"], counts["mentee"], sum(counts.values())


def funnel(facts: ProgrammeFacts) -> list[FunnelStage]:
    """Roster → enrolled → matched → first meeting → 3 meetings → completed, by role (state: now)."""
    roles = facts.roles
    enrolled = [p.enrolment_id for p in facts.participants]
    met = Counter(m.pair_id for m in facts.meetings)
    matched, meetings_of = set(), Counter()
    for pair in facts.pairs:
        for side in (pair.mentor_id, pair.mentee_id):
            matched.add(side)
            meetings_of[side] += met[pair.id]
    stages = [FunnelStage("roster", _(STAGE_LABELS["roster"]), None, None, facts.roster_size)]
    for key, ids in (("enrolled", enrolled), ("matched", matched),
                     ("first_meeting", [i for i in matched if meetings_of[i] >= 1]),
                     ("three_meetings", [i for i in matched if meetings_of[i] >= 3]),
                     ("completed", [i for i in facts.completed if i in roles])):
        stages.append(FunnelStage(key, _(STAGE_LABELS[key]), *_by_role(ids, roles)))
    return stages


def matching_health(facts: ProgrammeFacts) -> MatchingHealth:
    """Now: who is left unmatched (by the role asked for), mentor capacity, score bands, pairs made by hand."""
    active = [p for p in facts.pairs if p.active]
    in_pair = {i for p in active for i in (p.mentor_id, p.mentee_id)}
    live = [p for p in facts.participants if not p.withdrawn]
    unmatched = Counter(p.role_wanted for p in live if p.enrolment_id not in in_pair)
    roles = facts.roles
    capacity_total = sum(p.capacity or 0 for p in live if roles[p.enrolment_id] == "mentor")
    bands = [(label, sum(low <= p.score < high for p in active)) for low, high, label in SCORE_BANDS]
    return MatchingHealth(
        unmatched={r: unmatched[r] for r in ("mentor", "mentee", "either")}, capacity_total=capacity_total,
        capacity_used=len(active), score_bands=bands, by_hand=sum(p.by_hand for p in active), active_pairs=len(active),
    )


def _months(start: date, end: date) -> list[date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def low_pulse_listed(names_allowed: bool, pulse_answered: int, threshold: int) -> bool:
    """Whether the pairs at risk for a low pulse may be listed (named) on the dashboard: only where the cohort's
    privacy setting allows named survey answers and at least the anonymity threshold answered the pulse; else the
    dashboard gives their number only. The row names the pair, never which of the two answered, nor the answer."""
    return names_allowed and not below_threshold(pulse_answered, threshold)


def activity(facts: ProgrammeFacts, period: Period, quiet_days: int = DEFAULT_QUIET_DAYS, *,
             names_allowed: bool = False) -> Activity:
    """Meetings (in the period) per pair per month against the cadence; days since last meeting and at risk (now).

    An active pair is at risk when a partner asked for a new partner, else when it has not met for ``quiet_days``,
    and (said beside either) when either partner's latest pulse answer is low. Low-pulse pairs are listed only as
    ``low_pulse_listed`` allows; otherwise they are counted, and a pair at risk for that alone is left out."""
    held = [m for m in facts.meetings if period.holds(m.held_on) and m.held_on <= facts.today]
    first = max(facts.starts_on, period.start or facts.starts_on)
    last = min(facts.ends_on, facts.today, period.end or facts.today)
    per_month = Counter((m.held_on.year, m.held_on.month) for m in held)
    published = Counter((p.published_on.year, p.published_on.month) for p in facts.pairs if p.published_on is not None)
    months = []
    for month in _months(first, last) if first <= last else []:
        key = month.strftime("%Y-%m")
        pairs = sum(n for ym, n in published.items() if ym <= (month.year, month.month))
        months.append(MonthActivity(key, per_month[(month.year, month.month)], pairs, round(30 / max(facts.cadence_days, 1), 2)))
    latest: dict[int, date] = {}
    for m in facts.meetings:
        if m.held_on <= facts.today and m.held_on > latest.get(m.pair_id, date.min):
            latest[m.pair_id] = m.held_on
    listed = low_pulse_listed(names_allowed, facts.pulse_answered, facts.anonymity_threshold)
    since: dict[int, int | None] = {}
    at_risk, low_pairs, unlisted = [], 0, 0
    for pair in (p for p in facts.pairs if p.active):
        since[pair.id] = (facts.today - latest[pair.id]).days if pair.id in latest else None
        quiet_from = latest.get(pair.id) or pair.published_on
        quiet = (facts.today - quiet_from).days if quiet_from else None
        reasons = []
        if pair.id in facts.new_partner_asked:
            reasons.append(_("A partner asked for a new partner"))
        elif quiet is not None and quiet >= quiet_days:
            reasons.append(ngettext("No meeting for %(num)d day", "No meeting for %(num)d days", quiet))
        if pair.mentor_id in facts.low_pulse or pair.mentee_id in facts.low_pulse:
            low_pairs += 1
            if listed:
                reasons.append(_(LOW_PULSE_REASON))
            elif not reasons:
                unlisted += 1
        if reasons:
            at_risk.append(AtRisk(pair.id, "; ".join(reasons), since[pair.id]))
    return Activity(len(held), sum(m.minutes for m in held), months, since, at_risk, quiet_days, low_pairs, listed,
                    unlisted)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def outcomes(facts: ProgrammeFacts) -> Outcomes:
    """Goal ratings from baseline to the end per skill and role, goals at target, reflections, completion."""
    roles = facts.roles
    grouped: dict[tuple[str, str], list[GoalFact]] = defaultdict(list)
    for goal in facts.goals:
        for skill in goal.skills or ("",):
            grouped[(skill, roles.get(goal.owner_id, "either"))].append(goal)
    skills = [
        SkillChange(skill, facts.skill_labels.get(skill, skill or _("No skill named")), role, len(goals),
                    _mean([g.baseline for g in goals]) or 0.0, _mean([g.end for g in goals if g.end is not None]))
        for (skill, role), goals in sorted(grouped.items())
    ]
    graded = [r.score / r.points for r in facts.reflections if r.score is not None and r.points > 0]
    live = {p.enrolment_id for p in facts.participants if not p.withdrawn}
    completed = len(facts.completed & {p.enrolment_id for p in facts.participants})
    rate = ratio(completed, len(live))
    return Outcomes(
        skills=skills, goals=len(facts.goals),
        goals_at_target=sum(g.end is not None and g.end >= g.target for g in facts.goals),
        reflections_expected=len(facts.reflections), reflections_submitted=sum(r.submitted for r in facts.reflections),
        mean_grade_share=_mean(graded), completion_rate=None if rate is None else round(rate, 4),
        completed=completed,
    )


def programme_metrics(facts: ProgrammeFacts, period: Period | None = None, *, quiet_days: int = DEFAULT_QUIET_DAYS,
                      surveys: Sequence[Any] = (), names_allowed: bool = False) -> ProgrammeMetrics:
    """Every figure of the dashboard; ``surveys`` (pulse and exit results built elsewhere) ride along unchanged;
    ``names_allowed``: the cohort's privacy setting allows named survey answers (see ``low_pulse_listed``)."""
    period = period or Period()
    return ProgrammeMetrics(
        period=period, started=facts.today >= facts.starts_on, funnel=funnel(facts),
        matching=matching_health(facts), activity=activity(facts, period, quiet_days, names_allowed=names_allowed), outcomes=outcomes(facts),
        surveys=tuple(surveys),
    )
