"""A cohort's settings that participants read before enrolling (privacy, ground rules, cadence) and the
defaults of its matching settings (the matching issue builds its page on them).
"""
from __future__ import annotations

import enum
import hashlib
from typing import Any

from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.domain.texts import N_, _, ngettext


class PrivacySetting(str, enum.Enum):
    """What instructors may read of a pair's notes. Shown to participants before they enrol."""

    STATUS_ONLY = "status_only"
    GOALS_AND_STATUS = "goals_and_status"
    EVERYTHING_WITH_LOG = "everything_with_log"

    @property
    def label(self) -> str:
        """A short name."""
        return _(PRIVACY_TEXT[self][0])

    @property
    def explanation(self) -> str:
        """What it means, in plain words, addressed to the participant."""
        return _(PRIVACY_TEXT[self][1])

    @property
    def for_instructors(self) -> str:
        """What it lets instructors read, addressed to them (the pairs pages)."""
        return _(INSTRUCTOR_VIEW[self])


INSTRUCTOR_VIEW = {
    PrivacySetting.STATUS_ONLY: N_("You see each pair's activity and status; the pairs' goals, meeting notes and "
                                "feedback stay private to them."),
    PrivacySetting.GOALS_AND_STATUS: N_("You see each pair's activity and status, and on a pair's page its goals; "
                                     "meeting notes and feedback stay private to the pair."),
    PrivacySetting.EVERYTHING_WITH_LOG: N_("You see each pair's activity, status and goals; on a pair's page you can open "
                                        "its meeting notes and feedback by giving a reason, which is logged and "
                                        "shown to the pair."),
}

PRIVACY_TEXT = {
    PrivacySetting.STATUS_ONLY: (
        N_("Activity and status only"),
        N_("Your instructors see that your pair meets and how the programme is going (dates, counts, status). "
        "They never read your goals, meeting notes or feedback."),
    ),
    PrivacySetting.GOALS_AND_STATUS: (
        N_("Goals, activity and status"),
        N_("Your instructors see your activity and status, and the goals you set and how they progress. "
        "They never read your meeting notes or the feedback you give each other."),
    ),
    PrivacySetting.EVERYTHING_WITH_LOG: (
        N_("Everything, with a logged reason"),
        N_("Your instructors can open anything your pair writes, including meeting notes and feedback, but only "
        "by giving a reason that is recorded, and you can see when it happened."),
    ),
}

# the rules a new cohort starts with, written in the instructor's language when the form offers them (a msgid)
DEFAULT_GROUND_RULES = N_("""\
Confidentiality: what we share in our conversations stays between us unless we both agree otherwise.
No role switching: the mentor stays the mentor and the mentee the mentee for the whole programme.
Channel: we agree at our first meeting how we talk (video, in person, chat, e-mail or phone) and keep to it.
Meeting frequency: we meet at the cohort's cadence and tell each other early when a meeting must move.
Time commitment: we keep the time we promised for the length of the programme.
Professional etiquette: we are on time, prepared, respectful and open to learning from each other.
Feedback: we say regularly what is working and what is not, and raise unmet objectives openly.""")

# (days, label) offered for the meeting cadence; the labels are msgids, translated where they are shown
CADENCE_CHOICES: tuple[tuple[int, str], ...] = (
    (7, N_("Every week")),
    (14, N_("Every 2 weeks")),
    (21, N_("Every 3 weeks")),
    (28, N_("Every 4 weeks")),
)

def default_matching_settings() -> dict[str, Any]:
    """The matching engine's default settings in their JSON form (a fresh copy), stored on each new cohort.

    One source of truth: the engine's ``MatchSettings``. The per-mentee limit is left out because the cohort
    keeps it in its own column (``mentors_per_mentee``, range-checked by the database); pass it in when matching.
    """
    settings = MatchSettings().to_dict()
    settings.pop("mentors_per_mentee", None)
    return settings


def cadence_label(days: int) -> str:
    """A human label for a cadence in days."""
    chosen = dict(CADENCE_CHOICES).get(days)
    return _(chosen) if chosen else ngettext("Every day", "Every %(num)d days", days)


def text_digest(text: str) -> str:
    """A fingerprint of a text (what was accepted), insensitive to trailing whitespace and line endings."""
    normalised = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))
    return hashlib.sha256(normalised.encode()).hexdigest()
