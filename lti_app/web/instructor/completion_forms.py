"""The form of a cohort's completion rules, and the retry button's form."""
from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, HiddenField, IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional

from lti_app.mentoring.domain.completion import MAX_MEETINGS, MAX_SCORE
from lti_app.mentoring.models.completion import CohortCompletion
from lti_app.web.ids import is_row_id


class CompletionForm(FlaskForm):
    """When a participant has completed the programme, and the grade the programme's column then gets."""

    enabled = BooleanField(_l("Send programme completion to the LMS gradebook"))
    min_meetings = IntegerField(_l("Meetings held, at least"), default=0, validators=[
        InputRequired(_l("Say how many meetings (0 for none).")),
        NumberRange(0, MAX_MEETINGS, _l("Choose from 0 to %(max)s."))])
    require_goals_rerated = BooleanField(_l("Every goal re-rated at the end by both partners"))
    require_all_reflections = BooleanField(_l("Every reflection assigned to them submitted"))
    grade_points = DecimalField(_l("Grade on completion"), places=None, default=100, validators=[
        InputRequired(_l("Give the grade a participant gets on completion.")), NumberRange(0, MAX_SCORE)])
    score_maximum = DecimalField(_l("Out of (maximum score)"), places=None, default=100, validators=[
        InputRequired(_l("Give the column's maximum score.")), NumberRange(0, MAX_SCORE)])

    @classmethod
    def for_settings(cls, settings: CohortCompletion) -> CompletionForm:
        """The form filled with the stored settings (a POST's values replace them)."""
        return cls(obj=settings)

    def to_fields(self) -> dict:
        """The values for ``update_completion_settings``."""
        return {
            "enabled": bool(self.enabled.data), "min_meetings": int(self.min_meetings.data or 0),
            "require_goals_rerated": bool(self.require_goals_rerated.data),
            "require_all_reflections": bool(self.require_all_reflections.data),
            "grade_points": float(self.grade_points.data), "score_maximum": float(self.score_maximum.data),
        }


class RetryForm(FlaskForm):
    """Retry the ticked waiting or refused scores (their ids), or all of the course's (none ticked, or "all")."""

    entry_id = HiddenField(validators=[Optional()])  # one per ticked row: read them all with ``wanted_ids``
    everything = HiddenField(validators=[Optional()])

    def wanted_ids(self) -> list[int] | None:
        """The ids ticked, or None for every score of the course (the "Retry all" button, or nothing ticked)."""
        ticked = request.form.getlist("entry_id")
        if self.everything.data or not ticked:
            return None
        return [int(v) for v in ticked if is_row_id(v)]  # none left (a forged id): "no such score", not "all"
