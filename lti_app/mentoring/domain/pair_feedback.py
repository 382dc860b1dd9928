"""Two-way feedback rounds, the fit check's answers, and what an instructor may read of a pair's writing.

Feedback rounds are counted from the day a pair was published: round n falls due ``n x interval`` days later
and stays open until the next one falls due; a partner gives one feedback per round. Before the first
interval has passed no round is due (round 0).

Privacy (the cohort's setting, which participants read before enrolling) decides, per kind of content, whether
an instructor sees it, may open it by giving a reason that is logged, or never sees it.
"""
from __future__ import annotations

import enum
from datetime import date, timedelta

from lti_app.mentoring.domain.cohort_settings import PrivacySetting
from lti_app.mentoring.domain.texts import N_, _

TEXT_MAX = 2000  # characters of each feedback answer
COMMENT_MAX = 1000  # characters of a fit-check comment
REASON_MIN, REASON_MAX = 10, 500  # characters of an instructor's reason to open confidential content


def current_round(published_on: date, interval_days: int, today: date) -> int:
    """The feedback round open today: 0 before the first is due, then 1, 2, ..."""
    if today < published_on:
        return 0
    return (today - published_on).days // interval_days


def round_due_on(published_on: date, interval_days: int, number: int) -> date:
    """The day round ``number`` (1, 2, ...) falls due."""
    return published_on + timedelta(days=number * interval_days)


class FitAnswer(str, enum.Enum):
    """A partner's answer to the fit check after the first meeting."""

    GOING_WELL = "going_well"
    WANT_HELP = "want_help"
    WANT_NEW_PARTNER = "want_new_partner"

    @property
    def label(self) -> str:
        """The answer as the participant picks it."""
        return _(FIT_LABELS[self][0])

    @property
    def flag(self) -> str:
        """The answer as the instructor reads it in a list ("" when it needs nothing)."""
        flag = FIT_LABELS[self][1]
        return _(flag) if flag else ""

    @property
    def flags_pair(self) -> bool:
        """Whether this answer sends the pair back to the instructor."""
        return self is not FitAnswer.GOING_WELL


FIT_LABELS = {
    FitAnswer.GOING_WELL: (N_("It is going well"), ""),
    FitAnswer.WANT_HELP: (N_("I would like the instructor's help"), N_("Asks for help")),
    FitAnswer.WANT_NEW_PARTNER: (N_("I would like a new partner"), N_("Asks for a new partner")),
}


class Content(str, enum.Enum):
    """What of a pair an instructor may look at."""

    STATUS = "status"  # dates, counts, signed or not: never written by the pair
    GOALS = "goals"  # goal titles, descriptions and progress
    MEETING_NOTES = "meeting_notes"
    FEEDBACK = "feedback"  # the feedback partners give each other

    @property
    def label(self) -> str:
        """A human name, inside a sentence."""
        return _(CONTENT_LABELS[self.value])


CONTENT_LABELS = {"status": N_("status"), "goals": N_("goals"), "meeting_notes": N_("meeting notes"),
                  "feedback": N_("feedback")}


class Visibility(str, enum.Enum):
    """How an instructor reaches one kind of content under a privacy setting."""

    VISIBLE = "visible"
    WITH_REASON = "with_reason"  # only by giving a reason, which is logged and shown to the pair
    HIDDEN = "hidden"


def instructor_visibility(privacy: PrivacySetting, content: Content) -> Visibility:
    """Whether an instructor sees ``content`` of a pair under ``privacy``."""
    if content is Content.STATUS:
        return Visibility.VISIBLE
    if content is Content.GOALS:
        return Visibility.HIDDEN if privacy is PrivacySetting.STATUS_ONLY else Visibility.VISIBLE
    return Visibility.WITH_REASON if privacy is PrivacySetting.EVERYTHING_WITH_LOG else Visibility.HIDDEN
