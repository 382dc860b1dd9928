"""Forms of a pair's goals: the goal itself, its milestones, and the ratings on the way and at the end."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from lti_app.mentoring.models.workspace import Goal, ProgressFrom
from lti_app.mentoring.services.goals import GoalFields
from lti_app.mentoring.services.pairs import PairSeat
from lti_app.web.forms import MultiCheckboxField, choice_list, skill_choices
from lti_app.web.forms import DayField
from lti_app.web.learner.workspace.forms import RATINGS, as_int, new_token, people_choices

PROGRESS_HINTS = {
    ProgressFrom.TASKS.value: _l("The share of this goal's tasks that are done."),
    ProgressFrom.RATING.value: _l("Where the owner rates themself now, between the baseline and the target."),
}


class GoalForm(FlaskForm):
    """A goal: whose, what, which skills, from which baseline to which target by when, measured how."""

    owner_enrolment_id = RadioField(_l("Whose goal is it?"), validate_choice=False)
    title = StringField(_l("The goal in one sentence"), validators=[Length(max=200, message=_l("Keep it under %(max)d characters."))])
    description = TextAreaField(_l("What success looks like (optional)"))
    skill_codes = MultiCheckboxField(_l("Skills this goal builds"), validate_choice=False)
    baseline_rating = SelectField(_l("Where the owner starts (only if not rated at enrolment)"), choices=RATINGS)
    target_rating = SelectField(_l("Target rating"), choices=RATINGS)
    target_on = DayField(_l("Reach the target by"), required=False)
    progress_from = RadioField(_l("Measure progress by"), choices=choice_list((p.value, p.label) for p in ProgressFrom),
                               validate_choice=False)
    version = HiddenField()
    form_token = HiddenField(default=new_token)

    @classmethod
    def for_goal(cls, seat: PairSeat, goal: Goal | None = None) -> GoalForm:
        """The form for a new goal (the mentee's by default: goals are mentee-driven) or filled from ``goal``."""
        mentee = seat.me if seat.role == "mentee" else seat.partner
        data: dict[str, Any] = {"owner_enrolment_id": str(mentee.id), "progress_from": ProgressFrom.TASKS.value}
        if goal is not None:
            data = {"owner_enrolment_id": str(goal.owner_enrolment_id), "title": goal.title, "description": goal.description,
                    "skill_codes": goal.skill_codes, "baseline_rating": str(goal.baseline_rating),
                    "target_rating": str(goal.target_rating), "target_on": goal.target_on,
                    "progress_from": goal.progress_from.value, "version": goal.version}
        form = cls(data=data)
        form.owner_enrolment_id.choices = people_choices(seat)
        form.skill_codes.choices = skill_choices(seat.pair.cohort.skills)
        return form

    def to_fields(self) -> GoalFields:
        """The submitted goal for the goals service."""
        return GoalFields(as_int(self.owner_enrolment_id.data), self.title.data or "", self.description.data or "",
                          tuple(self.skill_codes.data or ()), as_int(self.target_rating.data), self.target_on.data,
                          self.progress_from.data or "", as_int(self.baseline_rating.data))


class MilestoneForm(FlaskForm):
    """A step towards the goal, due by a date."""

    title = StringField(_l("Milestone"), validators=[Length(max=200, message=_l("Keep it under %(max)d characters."))])
    due_on = DayField(_l("Due on"), required=False)
    form_token = HiddenField(default=new_token)


class RatingForm(FlaskForm):
    """Where the goal's owner stands now, from 1 to 5, on the goal's version read."""

    rating = SelectField(_l("Where the owner stands now"), choices=RATINGS)
    version = HiddenField()


class EndRatingForm(FlaskForm):
    """Your end rating of where the goal's owner stands, from 1 to 5."""

    end_rating = SelectField(_l("Your end rating"), choices=RATINGS)
