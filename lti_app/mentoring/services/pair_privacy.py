"""What an instructor may read of a pair's writing, under the cohort's privacy setting, and the log the pair sees.

STATUS_ONLY: nothing the pair wrote. GOALS_AND_STATUS: goal titles, descriptions and progress. EVERYTHING_WITH_LOG:
goals, and meeting notes and feedback too, but each opening only with a reason, written to ``ContentAccess`` in
the same transaction as the reading, and shown to both partners. Every function flushes, none commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_settings import PrivacySetting
from lti_app.mentoring.domain.pair_feedback import REASON_MAX, REASON_MIN, Content, Visibility, instructor_visibility
from lti_app.mentoring.errors import InvalidInput, MentoringError, NotFound
from lti_app.mentoring.models.feedback import ContentAccess, Feedback
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.workspace import Goal, Meeting
from lti_app.mentoring.services.feedback import feedback_of_pair
from lti_app.mentoring.services.pair_activity import goal_percent
from lti_app.mentoring.domain.texts import N_, _


class ContentClosed(MentoringError):
    """The cohort's privacy setting keeps this content from instructors."""

    status = 403
    default = N_("The cohort's privacy setting keeps this content from instructors.")


# content → why it stays closed
CLOSED = {
    "status": N_("This cohort's privacy setting (“%(privacy)s”) keeps the pair's status from instructors."),
    "goals": N_("This cohort's privacy setting (“%(privacy)s”) keeps the pair's goals from instructors."),
    "meeting_notes": N_("This cohort's privacy setting (“%(privacy)s”) keeps the pair's meeting notes from "
                        "instructors."),
    "feedback": N_("This cohort's privacy setting (“%(privacy)s”) keeps the pair's feedback from instructors."),
}


@dataclass(frozen=True)
class GoalView:
    """A goal as an instructor may see it (where the privacy setting allows goals)."""

    title: str
    description: str  # sanitised rich text
    owner_name: str
    baseline: int
    target: int
    target_on: date
    percent: int


@dataclass(frozen=True)
class OpenedContent:
    """Confidential content an instructor opened, and the log row that records it."""

    access: ContentAccess
    meetings: list[Meeting]
    feedback: list[Feedback]


def visibility(privacy: PrivacySetting) -> dict[str, Visibility]:
    """Content kind (value) → how an instructor reaches it under ``privacy``."""
    return {c.value: instructor_visibility(privacy, c) for c in Content}


def goals_for_instructor(pair: Pair) -> list[GoalView] | None:
    """The pair's goals with their progress, or None when the privacy setting hides goals."""
    if instructor_visibility(pair.cohort.privacy, Content.GOALS) is not Visibility.VISIBLE:
        return None
    goals = db.session.scalars(select(Goal).options(selectinload(Goal.tasks)).where(Goal.pair_id == pair.id)
                               .order_by(Goal.id))
    return [GoalView(g.title, g.description, g.owner.person.display_name, g.baseline_rating, g.target_rating, g.target_on,
                     goal_percent(g, sum(t.is_done for t in g.tasks), len(g.tasks))) for g in goals]


def _clean_reason(reason: str) -> str:
    text = " ".join(reason.split())
    if len(text) < REASON_MIN:
        raise InvalidInput(_("Say why you need to read this, in at least %(min)d characters: the pair will see it.",
                             min=REASON_MIN),
                           field="reason")
    if len(text) > REASON_MAX:
        raise InvalidInput(_("Keep the reason under %(max)d characters.", max=REASON_MAX), field="reason")
    return text


def open_confidential(pair: Pair, viewer: Person, content: Content, reason: str) -> OpenedContent:
    """Log that ``viewer`` opens the pair's meeting notes or feedback for ``reason``, and return them. Flushes."""
    check_may_open(pair, content)
    access = ContentAccess(pair_id=pair.id, person_id=viewer.id, viewer_name=viewer.display_name[:200],
                           content=content, reason=_clean_reason(reason))
    db.session.add(access)
    db.session.flush()
    if content is Content.MEETING_NOTES:
        meetings = list(db.session.scalars(select(Meeting).where(Meeting.pair_id == pair.id)
                                           .order_by(Meeting.held_on.desc(), Meeting.id.desc())))
        return OpenedContent(access, meetings, [])
    return OpenedContent(access, [], feedback_of_pair(pair.id))


def accesses_of(pair_id: int) -> list[ContentAccess]:
    """Every opening of the pair's confidential content, newest first."""
    return list(db.session.scalars(select(ContentAccess).where(ContentAccess.pair_id == pair_id)
                                   .order_by(ContentAccess.opened_at.desc(), ContentAccess.id.desc())))


def confidential(value: str) -> Content:
    """The confidential content named in a URL (meeting notes or feedback); NotFound for anything else."""
    if value not in (Content.MEETING_NOTES.value, Content.FEEDBACK.value):
        raise NotFound(_("There is no such content."))
    return Content(value)


def check_may_open(pair: Pair, content: Content) -> None:
    """ContentClosed unless the cohort's privacy lets instructors open ``content`` with a reason."""
    if instructor_visibility(pair.cohort.privacy, content) is not Visibility.WITH_REASON:
        raise ContentClosed(_(CLOSED[content.value], privacy=pair.cohort.privacy.label))
