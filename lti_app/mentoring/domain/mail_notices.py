"""E-mail notices, decided without a database: their states, what a person chose to receive, the retry backoff and
the one-mail-an-hour rule. Plain values in, plain values out."""
from __future__ import annotations

import enum
from datetime import datetime, timedelta, timezone


class MailState(str, enum.Enum):
    """Where one notice is: waiting to go, sent, kept in the database only (no mail server), given up, or not sent
    at all (the person chose none, or has no address)."""

    PENDING = "pending"
    SENT = "sent"
    KEPT = "kept"
    FAILED = "failed"
    SKIPPED = "skipped"


class MailChoice(str, enum.Enum):
    """What a person chose to receive."""

    EVERY = "every"
    DIGEST = "digest"
    NONE = "none"


DIGEST_KINDS = frozenset({"digest"})  # kinds that are a digest themselves (not held back by the hourly rule)


def backoff_seconds(attempts: int, base: int, cap: int) -> int:
    """The wait before the next try after ``attempts`` failed ones: base × 2^(attempts-1), at most ``cap``."""
    if attempts <= 0:
        return 0
    return int(min(cap, base * 2 ** min(attempts - 1, 30)))


def earliest_send(now: datetime, last_sent_at: datetime | None, kind: str, gap_seconds: int) -> datetime:
    """When a notice of ``kind`` may go to someone who was last mailed at ``last_sent_at``: now, or one gap after
    the last mail (a digest is never held back). Computed in UTC: a gap is real time, whatever the clocks do."""
    now = now.astimezone(timezone.utc)
    if kind in DIGEST_KINDS or last_sent_at is None:
        return now
    return max(now, last_sent_at.astimezone(timezone.utc) + timedelta(seconds=gap_seconds))


def goes_now(choice: MailChoice | str | None, kind: str) -> bool:
    """Whether a notice of ``kind`` is mailed on its own to someone with this choice (default: every notice).
    A digest goes to those who chose it or every notice; nothing goes to those who chose none."""
    choice = MailChoice(choice) if choice else MailChoice.EVERY
    if choice is MailChoice.NONE:
        return False
    if kind in DIGEST_KINDS:
        return True
    return choice is MailChoice.EVERY
