"""Pairs that go quiet, from the database: the cohort's proposals to close, and one pair's warning.

The rule is ``domain/quiet_pairs.py``; the last activity is ``pair_health``'s (every kind of workspace activity,
feedback and fit checks), gathered for all of a cohort's active pairs in a fixed number of queries. Reads only:
closing goes through ``pair_admin.end_pair`` from the instructor's pages. ``warned_pairs`` is what ``notify run``
mails the warning for (``services.mail_notices.note_due``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.pair_progress import first_meeting_day
from lti_app.mentoring.domain.quiet_pairs import (PairQuiet, Quiet, QuietRule, QuietVerdict, as_day, pairs_to_propose,
                                                  pairs_to_warn, verdict)
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.services.pair_health import PairRow, rows_of


def rule_of(cohort: Cohort) -> QuietRule:
    """The cohort's quiet-pair setting."""
    return QuietRule(cohort.quiet_after_days, cohort.quiet_warning_days)


def _facts(row: PairRow) -> PairQuiet:
    pair = row.pair
    first = first_meeting_day(pair.cohort.starts_on, (pair.published_at or pair.created_at).date())
    return PairQuiet(pair.id, as_day(row.last_activity_at), first)


@dataclass(frozen=True)
class Proposal:
    """A quiet pair the instructor may close."""

    row: PairRow
    verdict: QuietVerdict


def proposals_of(cohort: Cohort, today: date) -> list[Proposal]:
    """The cohort's active pairs quiet for the cohort's ``quiet_after_days`` or more, the longest quiet first."""
    if cohort.state is not CohortState.RUNNING:
        return []
    pairs = list(db.session.scalars(select(Pair).where(Pair.cohort_id == cohort.id, Pair.status == PairStatus.ACTIVE)))
    rows = {row.pair.id: row for row in rows_of(pairs, today)}
    return [Proposal(rows[v.pair_id], v) for v in pairs_to_propose([_facts(r) for r in rows.values()], rule_of(cohort), today)]


def warned_pairs(pairs: list[Pair], today: date) -> dict[int, QuietVerdict]:
    """{pair id: its verdict} for the active pairs of running cohorts whose warning is due today, each by its own
    cohort's rule (``pairs_to_warn``), in the fixed number of queries of ``rows_of`` whatever their number."""
    live = [p for p in pairs if p.status is PairStatus.ACTIVE and p.cohort.state is CohortState.RUNNING]
    by_cohort: dict[int, list[PairQuiet]] = {}
    for row in rows_of(live, today) if live else []:
        by_cohort.setdefault(row.pair.cohort_id, []).append(_facts(row))
    cohorts = {p.cohort_id: p.cohort for p in live}
    return {v.pair_id: v for cohort_id, facts in by_cohort.items()
            for v in pairs_to_warn(facts, rule_of(cohorts[cohort_id]), today)}


def warning_of(pair: Pair, today: date) -> QuietVerdict | None:
    """The pair's quiet verdict once it is warned (or proposed for closing); None while it is fine or not active."""
    if pair.status is not PairStatus.ACTIVE or pair.cohort.state is not CohortState.RUNNING:
        return None
    [row] = rows_of([pair], today)
    found = verdict(_facts(row), rule_of(pair.cohort), today)
    return None if found.state is Quiet.FINE else found
