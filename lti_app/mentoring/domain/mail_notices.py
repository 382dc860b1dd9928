"""E-mail notices, decided without a database: their states, what a person chose to receive, the retry backoff and
the one-mail-an-hour rule. Plain values in, plain values out."""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import escape


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


# --- what is due: notices as plain values ------------------------------------------------------------------------

@dataclass(frozen=True)
class Notice:
    """One notice to write: for whom, which kind and occasion (its unique key), and what it says."""

    person_id: int
    kind: str
    occasion: str
    subject: str
    body_text: str
    body_html: str
    course_id: int | None = None


@dataclass(frozen=True)
class PairSide:
    """One partner of a published pair, as the notice needs them."""

    person_id: int
    name: str
    role: str  # "mentor" or "mentee"
    active: bool = True  # False once withdrawn


@dataclass(frozen=True)
class PublishedPair:
    pair_id: int
    round: int
    course_id: int
    cohort_name: str
    mentor: PairSide
    mentee: PairSide
    reasons: tuple[str, ...] = ()
    programme_over: bool = False


FIRST_STEP = ("Open your pair's workspace in the course and agree together how you will work: how often you meet, "
              "how you keep in touch and what stays between you.")


def pairs_published_notices(pairs: Iterable[PublishedPair]) -> list[Notice]:
    """A notice to both partners of each newly published pair: who, why, and the first step. Nothing for a pair
    with a withdrawn partner or of a programme that is over; one notice per pair, round and person."""
    notices = []
    for pair in pairs:
        if pair.programme_over or not (pair.mentor.active and pair.mentee.active):
            continue
        for me, partner in ((pair.mentor, pair.mentee), (pair.mentee, pair.mentor)):
            why = list(pair.reasons[:3])
            text_why = "".join(f"\n- {reason}" for reason in why)
            html_why = "".join(f"<li>{escape(reason)}</li>" for reason in why)
            subject = f"Your reverse mentoring partner: {partner.name}"
            text = (f"You are the {me.role} of {partner.name} in {pair.cohort_name}."
                    + (f"\n\nWhy you were paired:{text_why}" if why else "") + f"\n\nFirst step: {FIRST_STEP}")
            html = (f"<p>You are the {escape(me.role)} of <strong>{escape(partner.name)}</strong> in "
                    f"{escape(pair.cohort_name)}.</p>" + (f"<p>Why you were paired:</p><ul>{html_why}</ul>" if why else "")
                    + f"<p><strong>First step:</strong> {escape(FIRST_STEP)}</p>")
            notices.append(Notice(me.person_id, "pairs_published", f"pair:{pair.pair_id}:round:{pair.round}",
                                  subject, text, html, pair.course_id))
    return notices


def agreement_waits_notice(*, pair_id: int, agreement_id: int, course_id: int, signer_name: str,
                           partner: PairSide, partner_signed: bool, signed_at: datetime) -> Notice | None:
    """The partner signed the agreement and waits for you: due when one has signed and the other (still active)
    has not. One per agreement and signature moment (terms changed and signed again is a new occasion)."""
    if partner_signed or not partner.active:
        return None
    stamp = signed_at.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S")
    text = (f"{signer_name} signed your mentoring agreement and is waiting for you. Read the terms in your pair's "
            "workspace and sign them too, or suggest a change.")
    html = (f"<p><strong>{escape(signer_name)}</strong> signed your mentoring agreement and is waiting for you. "
            "Read the terms in your pair's workspace and sign them too, or suggest a change.</p>")
    return Notice(partner.person_id, "agreement_waits", f"agreement:{agreement_id}:{stamp}",
                  f"{signer_name} signed your agreement", text, html, course_id)


def grade_posted_notice(*, person_id: int, submission_id: int, course_id: int, title: str, score: float,
                        points: float, graded_at: datetime, active: bool = True) -> Notice | None:
    """A grade was posted (or changed) on a reflection: one notice per grading moment; none once withdrawn."""
    if not active:
        return None
    stamp = graded_at.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S")
    shown = f"{score:g} of {points:g}"
    text = f"Your reflection “{title}” was graded: {shown}. The comment is on the reflection's page in your course."
    html = (f"<p>Your reflection “{escape(title)}” was graded: <strong>{escape(shown)}</strong>. The comment is on "
            "the reflection's page in your course.</p>")
    return Notice(person_id, "grade_posted", f"submission:{submission_id}:{stamp}", f"Graded: {title}", text, html,
                  course_id)
