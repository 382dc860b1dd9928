"""Pairs that go quiet: which active pairs to warn, and which to propose closing to the instructor.

A pair is quiet from the last thing either partner did in the tool (a meeting logged, the agreement, goals, tasks,
feedback, a fit check: ``pair_health``'s last activity), or from the day it could first meet when nothing was done
yet. After ``after_days`` of quiet the instructor sees a proposal to close it; ``warn_days`` before that the pair
sees a warning (and ``notify run`` mails it to both partners). Nothing here closes a pair: only the instructor does.

The mail module uses ``pairs_to_warn`` (the warning, once per quiet spell: key it on ``warning_on``) and the
instructor's pages ``pairs_to_propose``.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

DEFAULT_AFTER_DAYS = 90
DEFAULT_WARNING_DAYS = 7


class Quiet(str, enum.Enum):
    """Where a pair stands against the rule."""

    FINE = "fine"
    WARNED = "warned"  # from the warning day: the pair is told
    PROPOSED = "proposed"  # from the closing day: the instructor is offered to close it


@dataclass(frozen=True)
class QuietRule:
    """A cohort's setting."""

    after_days: int = DEFAULT_AFTER_DAYS
    warn_days: int = DEFAULT_WARNING_DAYS


@dataclass(frozen=True)
class PairQuiet:
    """One active pair's quiet facts."""

    pair_id: int
    last_activity_on: date | None  # None: nothing done yet
    first_day: date  # the day the pair could first meet


@dataclass(frozen=True)
class QuietVerdict:
    pair_id: int
    state: Quiet
    quiet_since: date
    warning_on: date
    propose_on: date

    def days_quiet(self, today: date) -> int:
        return max(0, (today - self.quiet_since).days)


def as_day(moment: datetime | date | None) -> date | None:
    """A moment's day (a datetime's date as stored, UTC)."""
    if moment is None or not isinstance(moment, datetime):
        return moment
    return moment.date()


def verdict(pair: PairQuiet, rule: QuietRule, today: date) -> QuietVerdict:
    """Where one pair stands on ``today``."""
    since = max(pair.last_activity_on or pair.first_day, pair.first_day)
    propose_on = since + timedelta(days=rule.after_days)
    warning_on = propose_on - timedelta(days=rule.warn_days)
    state = Quiet.PROPOSED if today >= propose_on else Quiet.WARNED if today >= warning_on else Quiet.FINE
    return QuietVerdict(pair.pair_id, state, since, warning_on, propose_on)


def pairs_to_warn(pairs: Iterable[PairQuiet], rule: QuietRule, today: date) -> list[QuietVerdict]:
    """The pairs whose warning is due (from the warning day until they are proposed for closing)."""
    return [v for p in pairs if (v := verdict(p, rule, today)).state is Quiet.WARNED]


def pairs_to_propose(pairs: Iterable[PairQuiet], rule: QuietRule, today: date) -> list[QuietVerdict]:
    """The pairs the instructor is offered to close, the longest quiet first."""
    found = [v for p in pairs if (v := verdict(p, rule, today)).state is Quiet.PROPOSED]
    return sorted(found, key=lambda v: (v.quiet_since, v.pair_id))
