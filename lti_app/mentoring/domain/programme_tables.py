"""The dashboard's tables, shown beside the charts and downloaded as CSV, from the figures of ``programme_metrics``.

Pure: a table is a name, a title, a header and rows of plain values (``web/csv_stream`` writes them, the
templates show them, each cell the reader's way: 5.000, 3,5, 25 %). A share, a mean, a month and an id are small
values (``Share``, ``Mean``, ``Month``, ``Key``) whose text is what the CSV holds (25%, 3.5, 2026-03, 1011) and
whose ``shown()`` is what a page shows. The survey table reads ``survey_results.summary``'s dataclasses by their
attributes.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lti_app.mentoring.domain.programme_metrics import ProgrammeMetrics
from lti_app.mentoring.domain.programme_retention import Retention
from lti_app.mentoring.domain import texts
from lti_app.mentoring.domain.texts import N_, _, ngettext

# a side in words, in a table's cells (the data keeps the codes)
ROLE_WORDS = {"mentor": N_("mentor"), "mentee": N_("mentee"), "either": N_("either")}


def role_word(role: str) -> str:
    """``mentor`` / ``mentee`` / ``either`` in the reader's words."""
    return _(ROLE_WORDS[role]) if role in ROLE_WORDS else role


@dataclass(frozen=True)
class Table:
    """One table: its name (in ``table.csv?name=``), title (its caption), header and rows."""

    name: str
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class Share:
    """A share of a whole (0.25): "25%" in a CSV, the reader's way on a page ("25 %" in German)."""

    value: float

    def __str__(self) -> str:
        return f"{self.value * 100:.0f}%"

    def shown(self) -> str:
        return texts.percent(self.value)


@dataclass(frozen=True)
class Mean:
    """A mean answer to one decimal: "3.5" in a CSV, the reader's way on a page ("3,5" in German)."""

    value: float

    def __str__(self) -> str:
        return f"{self.value:.1f}"

    def shown(self) -> str:
        return texts.number(self.value, decimals=1)


@dataclass(frozen=True)
class Month:
    """A month of the activity table: "2026-03" in a CSV, "Mar 2026" on a page ("März 2026" in German)."""

    key: str

    def __str__(self) -> str:
        return self.key

    def shown(self) -> str:
        return texts.month_year(date.fromisoformat(self.key + "-01"))


class Key(int):
    """An id in a table: a number in a CSV, on a page written as it is (never "1.011")."""

    def shown(self) -> str:
        return str(int(self))


def percent(share: float | None) -> Share | str:
    """A share as a whole percentage ("25%"), or blank where there is none."""
    return "" if share is None else Share(share)


def tables(metrics: ProgrammeMetrics) -> dict[str, Table]:
    """Every table of the dashboard, by name, in the order shown."""
    m, a, o = metrics.matching, metrics.activity, metrics.outcomes
    enrolled = next(s.total for s in metrics.funnel if s.key == "enrolled")
    found = [
        Table("funnel", _("Funnel (now)"), (_("stage"), _("mentors"), _("mentees"), _("all"), _("share of enrolled")),
              [(s.label, s.mentor, s.mentee, s.total, percent(s.share(enrolled)) if s.key != "roster" else "")
               for s in metrics.funnel]),
        Table("matching", _("Matching health (now)"), (_("figure"), _("value")),
              [(_("Active pairs"), m.active_pairs), (_("Mentors wanted, unmatched"), m.unmatched["mentor"]),
               (_("Mentees wanted, unmatched"), m.unmatched["mentee"]),
               (_("Either role, unmatched"), m.unmatched["either"]),
               (_("Mentor capacity"), m.capacity_total), (_("Capacity used"), m.capacity_used),
               (_("Capacity left"), m.capacity_left), (_("Pairs made or kept by hand"), m.by_hand)]),
        Table("scores", _("Match scores of the active pairs (now)"), (_("score band"), _("pairs")), list(m.score_bands)),
        Table("activity", _("Meetings per pair per month"),
              (_("month"), _("meetings"), _("pairs"), _("per pair"), _("cadence asks")),
              [(Month(x.month), x.meetings, x.pairs, round(x.per_pair, 2), x.expected_per_pair) for x in a.months]),
        Table("at_risk", ngettext("At risk (now): no meeting for %(num)d day, a new partner asked for, or a low pulse",
                                  "At risk (now): no meeting for %(num)d days, a new partner asked for, or a low pulse",
                                  a.quiet_days),
              (_("pair id"), _("reason"), _("days since the last meeting")),
              [(Key(r.pair_id), r.reason, _("never met") if r.days_quiet is None else r.days_quiet) for r in a.at_risk]
              + ([] if a.low_pulse_listed or not a.low_pulse_pairs else
                 [(_("not listed"), _("Low pulse, pairs not named (survey answers are anonymous here): %(count)d",
                                      count=a.low_pulse_pairs), "")])),
        Table("skills", _("Goal ratings from baseline to the end, per skill and role"),
              (_("skill"), _("role"), _("goals"), _("baseline (mean)"), _("end (mean)")),
              [(s.label, role_word(s.role), s.goals, s.baseline, "" if s.end is None else s.end) for s in o.skills]),
        Table("outcomes", _("Outcomes"), (_("figure"), _("value")),
              [(_("Goals"), o.goals), (_("Goals at their target"), o.goals_at_target),
               (_("Reflections asked for"), o.reflections_expected),
               (_("Reflections submitted"), o.reflections_submitted),
               (_("Submission rate"), percent(o.submission_rate)), (_("Mean grade"), percent(o.mean_grade_share)),
               (_("Completed"), o.completed), (_("Completion rate (of those enrolled)"), percent(o.completion_rate)),
               (_("Meetings in the date range"), a.meetings),
               (_("Hours met in the date range"), round(a.minutes / 60, 1))]),
    ]
    return {t.name: t for t in found}


def retention_table(found: Retention) -> Table:
    """The retention figure as a table."""
    return Table("retention", _("Still active in the course at the programme's end"),
                 (_("group"), _("people"), _("still active"), _("share")),
                 [(g.label, g.people, g.still_active, percent(g.share)) for g in found.groups])


SURVEY_MEANS = (("satisfaction", N_("Satisfaction (1-5)")), ("usefulness", N_("Meetings useful (1-5)")),
                ("progress", N_("Progress on goals (1-5)")), ("recommend", N_("Would recommend (0-10)")))


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
                means = [fewer_than(cohort.threshold) if hidden or r.means.get(key) is None
                         else Mean(r.means[key]) for key, _title in SURVEY_MEANS]
                label = (_("Pulse survey, round %(number)d", number=r.number) if kind.kind.value == "pulse" else
                         _("Exit survey (a pair ended early)") if r.pair_id else kind.kind.label)
                rows.append((label, r.opens_at.date(), r.answered, r.eligible, r.late, *means))
    return Table("surveys", _("Pulse and exit surveys"), (_("Survey"), _("Opened"), _("Answered"), _("Asked"), _("Late"),
                                                           *(_(title) for _key, title in SURVEY_MEANS)), rows)


def fewer_than(threshold: int) -> str:
    """What a cell says in place of a figure under the anonymity threshold."""
    return ngettext("fewer than %(num)d answered", "fewer than %(num)d answered", threshold)
