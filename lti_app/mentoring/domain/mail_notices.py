"""E-mail notices, decided without a database: their states, what a person chose to receive, the retry backoff and
the one-mail-an-hour rule. Plain values in, plain values out."""
from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import escape
from contextlib import AbstractContextManager
from typing import Any

from lti_app.mentoring.domain import texts
from lti_app.mentoring.domain.matching.words import stored_text
from lti_app.mentoring.domain.texts import N_, _


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
NOT_WANTED = "not wanted"  # why a row was kept back by the person's choice (a digest-chooser's rows feed their digest)


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
    reasons: tuple[Any, ...] = ()  # the matching's kept phrases (or sentences kept before phrases were)
    programme_over: bool = False


FIRST_STEP = N_("Open your pair's workspace in the course and agree together how you will work: how often you "
                "meet, how you keep in touch and what stays between you.")

Languages = Mapping[int, str]  # person id -> the language to write to them in (``texts.in_language``); absent: English


def in_language_of(languages: Languages | None, person_id: int) -> AbstractContextManager[None]:
    """Write what is made inside in the language of the person ``person_id`` (English when not known)."""
    return texts.in_language((languages or {}).get(person_id) or "en")


def _strong(value: str) -> str:
    return f"<strong>{escape(value)}</strong>"


def _html_sentence(template: str, **values: str) -> str:
    """A translated sentence as HTML: its own words escaped, ``values`` (already HTML) put in its placeholders."""
    return escape(template, quote=False) % values


def pairs_published_notices(pairs: Iterable[PublishedPair], languages: Languages | None = None) -> list[Notice]:
    """A notice to both partners of each newly published pair: who, why, and the first step. Nothing for a pair
    with a withdrawn partner or of a programme that is over; one notice per pair, round and person. Each in the
    language of its reader (``languages``), the matching's reasons written again in it."""
    notices = []
    for pair in pairs:
        if pair.programme_over or not (pair.mentor.active and pair.mentee.active):
            continue
        for me, partner in ((pair.mentor, pair.mentee), (pair.mentee, pair.mentor)):
            with in_language_of(languages, me.person_id):
                why = [stored_text(reason) for reason in pair.reasons[:3]]
                text_why = "".join(f"\n- {reason}" for reason in why)
                html_why = "".join(f"<li>{escape(reason)}</li>" for reason in why)
                subject = _("Your reverse mentoring partner: %(partner)s", partner=partner.name)
                you_are = (N_("You are the mentor of %(partner)s in %(cohort)s.") if me.role == "mentor"
                           else N_("You are the mentee of %(partner)s in %(cohort)s."))
                first_step = _(FIRST_STEP)
                why_title = _("Why you were paired:")
                first_title = _("First step:")
                text = (_(you_are, partner=partner.name, cohort=pair.cohort_name)
                        + (f"\n\n{why_title}{text_why}" if why else "") + f"\n\n{first_title} {first_step}")
                html = ("<p>" + _html_sentence(_(you_are), partner=_strong(partner.name),
                                               cohort=escape(pair.cohort_name)) + "</p>"
                        + (f"<p>{escape(why_title)}</p><ul>{html_why}</ul>" if why else "")
                        + f"<p><strong>{escape(first_title)}</strong> {escape(first_step)}</p>")
            notices.append(Notice(me.person_id, "pairs_published", f"pair:{pair.pair_id}:round:{pair.round}",
                                  subject, text, html, pair.course_id))
    return notices


AGREEMENT_WAITS = N_("%(signer)s signed your mentoring agreement and is waiting for you. Read the terms in your "
                     "pair's workspace and sign them too, or suggest a change.")


def agreement_waits_notice(*, pair_id: int, agreement_id: int, course_id: int, signer_name: str,
                           partner: PairSide, partner_signed: bool, signed_at: datetime,
                           language: str = "en") -> Notice | None:
    """The partner signed the agreement and waits for you: due when one has signed and the other (still active)
    has not. One per agreement and signature moment (terms changed and signed again is a new occasion). Written in
    ``language``, the partner's."""
    if partner_signed or not partner.active:
        return None
    stamp = signed_at.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S")
    with texts.in_language(language):
        text = _(AGREEMENT_WAITS, signer=signer_name)
        html = "<p>" + _html_sentence(_(AGREEMENT_WAITS), signer=_strong(signer_name)) + "</p>"
        subject = _("%(signer)s signed your agreement", signer=signer_name)
    return Notice(partner.person_id, "agreement_waits", f"agreement:{agreement_id}:{stamp}", subject, text, html,
                  course_id)


GRADED = N_("Your reflection “%(title)s” was graded: %(grade)s. The comment is on the reflection's page in your "
            "course.")


def grade_posted_notice(*, person_id: int, submission_id: int, course_id: int, title: str, score: float,
                        points: float, graded_at: datetime, active: bool = True, language: str = "en") -> Notice | None:
    """A grade was posted (or changed) on a reflection: one notice per grading moment; none once withdrawn. Written
    in ``language``, the writer's."""
    if not active:
        return None
    stamp = graded_at.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S")
    with texts.in_language(language):
        score_shown, points_shown = texts.number(score, grouping=False), texts.number(points, grouping=False)
        shown = _("%(score)s of %(points)s", score=score_shown, points=points_shown)
        text = _(GRADED, title=title, grade=shown)
        html = "<p>" + _html_sentence(_(GRADED), title=escape(title), grade=_strong(shown)) + "</p>"
        subject = _("Graded: %(title)s", title=title)
    return Notice(person_id, "grade_posted", f"submission:{submission_id}:{stamp}", subject, text, html, course_id)
