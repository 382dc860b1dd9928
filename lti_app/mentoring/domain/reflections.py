"""Reflection assignments as pure rules: audiences, revision policies, submission states, rubrics, deadlines.

Deadlines are days, read in the participant's own time zone (their enrolment's): a reflection due on
1 March may be submitted until the end of 1 March where its writer is. A participant may write (save a
draft, submit, revise) from the opening day; after the due day only when the assignment accepts late work,
and then the submission is marked late. A submitted reflection may be revised until the due day ends
(``RevisePolicy.UNTIL_DUE``) or until it is graded (``UNTIL_GRADED``; past the due day only when late work is
accepted). A graded reflection never changes under its grade.
"""
from __future__ import annotations

import enum
import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lti_app.mentoring.domain.cohort_state import long_date
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.domain import texts
from lti_app.mentoring.domain.texts import N_, _

MAX_TITLE_LENGTH = 200
MAX_PROMPT_LENGTH = 20_000
MAX_BODY_LENGTH = 100_000  # sanitised HTML of one reflection
MAX_COMMENT_LENGTH = 10_000
MAX_CRITERIA = 12
MAX_CRITERION_TITLE = 120
MAX_CRITERION_DESCRIPTION = 1000
MAX_POINTS = 1000.0
TOLERANCE = 1e-6  # points are floats: sums compare with this slack
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")


class Audience(str, enum.Enum):
    """Who is asked to write a reflection."""

    MENTORS = "mentors"
    MENTEES = "mentees"
    BOTH = "both"

    @property
    def label(self) -> str:
        """A human label for pages."""
        return _(AUDIENCE_LABELS[self.value])

    def includes(self, role: str) -> bool:
        """Whether a participant on side ``role`` ("mentor" or "mentee") is asked to write."""
        return self is Audience.BOTH or self.value == role + "s"


class RevisePolicy(str, enum.Enum):
    """Until when a submitted reflection may be revised."""

    UNTIL_DUE = "due"
    UNTIL_GRADED = "graded"

    @property
    def label(self) -> str:
        """A human label for pages."""
        return _(REVISE_LABELS[self.value])


class SubmissionStatus(str, enum.Enum):
    """Where a participant's reflection is."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    GRADED = "graded"

    @property
    def label(self) -> str:
        """A human label for pages."""
        return _(STATUS_LABELS[self.value])


AUDIENCE_LABELS = {"mentors": N_("Mentors"), "mentees": N_("Mentees"), "both": N_("Mentors and mentees")}
REVISE_LABELS = {"due": N_("Until the due date"), "graded": N_("Until it is graded")}
STATUS_LABELS = {"draft": N_("Draft"), "submitted": N_("Submitted"), "graded": N_("Graded")}


@dataclass(frozen=True)
class Criterion:
    """One row of a rubric: what is judged and the points it carries."""

    title: str
    description: str
    points: float

    def to_dict(self) -> dict[str, Any]:
        """The JSON form an assignment stores."""
        return {"title": self.title, "description": self.description, "points": self.points}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Criterion:
        """A criterion from its stored JSON form."""
        return cls(str(data.get("title", "")), str(data.get("description", "")), float(data.get("points", 0)))


def same_points(a: float, b: float) -> bool:
    """Whether two point values are equal, allowing for float rounding."""
    return math.isclose(a, b, abs_tol=TOLERANCE)


def points_label(value: float) -> str:
    """7 for 7.0, 7.5 for 7.5."""
    return f"{value:g}"


def points_words(value: float) -> str:
    """7, 7.5 (7,5 in German): points inside a sentence, in the reader's way of writing numbers."""
    return texts.number(value, grouping=False)


def check_rubric(criteria: Sequence[Criterion], points: float) -> None:
    """Raise InvalidInput (field ``rubric``) unless the rubric is empty or well formed and sums to ``points``."""
    if not criteria:
        return
    rules = [
        (len(criteria) <= MAX_CRITERIA, _("A rubric has at most %(max)d criteria.", max=MAX_CRITERIA)),
        (all(c.title.strip() for c in criteria), _("Give every rubric criterion a title.")),
        (all(len(c.title) <= MAX_CRITERION_TITLE for c in criteria), _("Keep criterion titles under %(max)d characters.", max=MAX_CRITERION_TITLE)),
        (all(len(c.description) <= MAX_CRITERION_DESCRIPTION for c in criteria),
         _("Keep criterion descriptions under %(max)d characters.", max=MAX_CRITERION_DESCRIPTION)),
        (all(c.points > 0 for c in criteria), _("Every rubric criterion carries more than 0 points.")),
        (len({c.title.strip().casefold() for c in criteria}) == len(criteria), _("Give each rubric criterion its own title.")),
    ]
    for ok, message in rules:
        if not ok:
            raise InvalidInput(message, field="rubric")
    total = sum(c.points for c in criteria)
    if not same_points(total, points):
        raise InvalidInput(_("The rubric's points add up to %(total)s; the assignment is worth %(points)s. Make them "
                             "equal.", total=points_words(total), points=points_words(points)), field="rubric")


def check_grade(points: float, criteria: Sequence[Criterion], score: float | None,
                rubric_scores: Sequence[float] | None) -> float:
    """The score to record, or InvalidInput naming the field: 0..points, rubric scores within each criterion, summing up."""
    if criteria and rubric_scores is None:
        raise InvalidInput(_("Score each criterion of the rubric."), field="rubric")
    if rubric_scores is not None:
        if len(rubric_scores) != len(criteria):
            raise InvalidInput(_("Score each criterion of the rubric."), field="rubric")
        for criterion, given in zip(criteria, rubric_scores):
            if not (0 <= given <= criterion.points + TOLERANCE):
                raise InvalidInput(_("“%(criterion)s” takes from 0 to %(max)s points.", criterion=criterion.title,
                                     max=points_words(criterion.points)), field="rubric")
        total = sum(rubric_scores)
        if score is None:
            score = total
        elif not same_points(total, score):
            raise InvalidInput(_("The rubric scores add up to %(total)s, not %(score)s.", total=points_words(total),
                                 score=points_words(score)), field="score")
    if score is None:
        raise InvalidInput(_("Give a score."), field="score")
    if not (0 <= score <= points + TOLERANCE) or math.isnan(score):
        raise InvalidInput(_("Give a score from 0 to %(max)s.", max=points_words(points)), field="score")
    return min(score, points)


def as_html(text: str) -> str:
    """Text typed without HTML as paragraphs (blank lines) and line breaks; text with HTML as it is (sanitise after)."""
    if _TAG.search(text):
        return text
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if block.strip()]
    return "".join("<p>" + html.escape(block, quote=False).replace("\n", "<br>") + "</p>" for block in blocks)


def zone_of(name: str | None) -> ZoneInfo | timezone:
    """The IANA zone ``name``, or UTC when it is missing or unknown."""
    try:
        return ZoneInfo(name) if name else timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def local_day(moment: datetime, time_zone: str | None) -> date:
    """The calendar day ``moment`` falls on in ``time_zone``."""
    return moment.astimezone(zone_of(time_zone)).date()


def write_refusal(*, status: SubmissionStatus | None, opens_on: date, due_on: date, accept_late: bool,
                  revise_until: RevisePolicy, today: date) -> str | None:
    """Why the participant cannot write (draft, submit or revise) on ``today`` (their own day), or None."""
    if status is SubmissionStatus.GRADED:
        return _("Your reflection is graded, so it stays as it was when it was graded.")
    if today < opens_on:
        return _("This reflection opens on %(date)s.", date=long_date(opens_on))
    if today <= due_on:
        return None
    if status is SubmissionStatus.SUBMITTED and revise_until is RevisePolicy.UNTIL_DUE:
        return _("The due date (%(date)s) has passed, so your submitted reflection stays as it is.",
                 date=long_date(due_on))
    if not accept_late:
        return _("The due date (%(date)s) has passed and this reflection does not accept late work.",
                 date=long_date(due_on))
    return None
