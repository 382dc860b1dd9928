"""The dashboard's tables, shown beside the charts and downloaded as CSV, from the figures of ``programme_metrics``.

Pure: a table is a name, a title, a header and rows of plain values (``web/csv_stream`` writes them, the
templates show them). The survey table reads ``survey_results.summary``'s dataclasses by their attributes.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lti_app.mentoring.domain.programme_metrics import LOW_PULSE_REASON, ProgrammeMetrics, Retention


@dataclass(frozen=True)
class Table:
    """One table: its name (in ``table.csv?name=``), title (its caption), header and rows."""

    name: str
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def percent(share: float | None) -> str:
    """A share as a whole percentage ("25%"), or blank where there is none."""
    return "" if share is None else f"{share * 100:.0f}%"


def tables(metrics: ProgrammeMetrics) -> dict[str, Table]:
    """Every table of the dashboard, by name, in the order shown."""
    m, a, o = metrics.matching, metrics.activity, metrics.outcomes
    enrolled = next(s.total for s in metrics.funnel if s.key == "enrolled")
    found = [
        Table("funnel", "Funnel (now)", ("stage", "mentors", "mentees", "all", "share of enrolled"),
              [(s.label, s.mentor, s.mentee, s.total, percent(s.share(enrolled)) if s.key != "roster" else "")
               for s in metrics.funnel]),
        Table("matching", "Matching health (now)", ("figure", "value"),
              [("Active pairs", m.active_pairs), ("Mentors wanted, unmatched", m.unmatched["mentor"]),
               ("Mentees wanted, unmatched", m.unmatched["mentee"]), ("Either role, unmatched", m.unmatched["either"]),
               ("Mentor capacity", m.capacity_total), ("Capacity used", m.capacity_used),
               ("Capacity left", m.capacity_left), ("Pairs made or kept by hand", m.by_hand)]),
        Table("scores", "Match scores of the active pairs (now)", ("score band", "pairs"), list(m.score_bands)),
        Table("activity", "Meetings per pair per month", ("month", "meetings", "pairs", "per pair", "cadence asks"),
              [(x.month, x.meetings, x.pairs, round(x.per_pair, 2), x.expected_per_pair) for x in a.months]),
        Table("at_risk", f"At risk (now): no meeting for {a.quiet_days} days, a new partner asked for, or a low pulse",
              ("pair id", "reason", "days since the last meeting"),
              [(r.pair_id, r.reason, "never met" if r.days_quiet is None else r.days_quiet) for r in a.at_risk]
              + ([] if a.low_pulse_listed or not a.low_pulse_pairs else
                 [("not listed", f"{LOW_PULSE_REASON}, pairs not named (survey answers are anonymous here): "
                                 f"{a.low_pulse_pairs}", "")])),
        Table("skills", "Goal ratings from baseline to the end, per skill and role",
              ("skill", "role", "goals", "baseline (mean)", "end (mean)"),
              [(s.label, s.role, s.goals, s.baseline, "" if s.end is None else s.end) for s in o.skills]),
        Table("outcomes", "Outcomes", ("figure", "value"),
              [("Goals", o.goals), ("Goals at their target", o.goals_at_target),
               ("Reflections asked for", o.reflections_expected), ("Reflections submitted", o.reflections_submitted),
               ("Submission rate", percent(o.submission_rate)), ("Mean grade", percent(o.mean_grade_share)),
               ("Completed", o.completed), ("Completion rate (of those enrolled)", percent(o.completion_rate)),
               ("Meetings in the date range", a.meetings), ("Hours met in the date range", round(a.minutes / 60, 1))]),
    ]
    return {t.name: t for t in found}


def retention_table(found: Retention) -> Table:
    """The retention figure as a table."""
    return Table("retention", "Still active in the course at the programme's end",
                 ("group", "people", "still active", "share"),
                 [(g.label, g.people, g.still_active, percent(g.share)) for g in found.groups])


SURVEY_MEANS = (("satisfaction", "Satisfaction (1-5)"), ("usefulness", "Meetings useful (1-5)"),
                ("progress", "Progress on goals (1-5)"), ("recommend", "Would recommend (0-10)"))


def survey_table(summaries: Sequence[Any]) -> Table:
    """The pulse and exit rounds of the cohort's surveys: who answered of who was asked, and the mean answers.
    Under the anonymity threshold a round shows its counts only ("fewer than N answered"), never a figure."""
    rows: list[tuple[Any, ...]] = []
    for cohort in summaries:
        for kind in cohort.kinds:
            for r in kind.rounds:
                if not r.eligible and not r.answered:
                    continue
                hidden = r.answered < cohort.threshold
                means = [f"fewer than {cohort.threshold} answered" if hidden or r.means.get(key) is None
                         else f"{r.means[key]:.1f}" for key, _ in SURVEY_MEANS]
                label = kind.kind.label + (f", round {r.number}" if kind.kind.value == "pulse" else
                                           " (a pair ended early)" if r.pair_id else "")
                rows.append((label, r.opens_at.date().isoformat(), r.answered, r.eligible, r.late, *means))
    return Table("surveys", "Pulse and exit surveys", ("Survey", "Opened", "Answered", "Asked", "Late",
                                                        *(title for _, title in SURVEY_MEANS)), rows)
