"""Instructor forms of reflections: an assignment (with its rubric rows) and a grade (with a score per criterion).

Both are built per page: the assignment form shows the rubric's rows plus a few empty ones (no JavaScript
needed to add a criterion), the grade form has one score field per criterion of the assignment's rubric.
Rubric rows carry no field validators (a row's errors would not fit the error summary): the service checks
them and its refusal is shown at the rubric's fieldset.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, FieldList, FloatField, Form, FormField, RadioField, StringField, TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from lti_app.extensions import utcnow
from lti_app.mentoring.domain.reflections import (
    MAX_COMMENT_LENGTH, MAX_CRITERIA, MAX_POINTS, MAX_PROMPT_LENGTH, MAX_TITLE_LENGTH, Audience, Criterion, RevisePolicy,
    points_label, points_words,
)
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission
from lti_app.mentoring.services.grading import GradeFields
from lti_app.mentoring.services.reflections import AssignmentFields
from lti_app.web.forms import DayField, attach_error, choice_list
from lti_app.web.reflection_pages import version_field

EMPTY_RUBRIC_ROWS = 2
AUDIENCE_HINTS = {
    Audience.MENTORS.value: _l("Participants on the mentor side (their pairs, or the side the matching gives them)."),
    Audience.MENTEES.value: _l("Participants on the mentee side."),
    Audience.BOTH.value: _l("Every active participant of the cohort."),
}


class CriterionRow(Form):
    """One rubric criterion; a row left empty is ignored."""

    title = StringField(_l("Criterion"))
    description = StringField(_l("What earns the points"))
    points = StringField(_l("Points"))

    def is_empty(self) -> bool:
        """Nothing typed in the row."""
        return not any((f.data or "").strip() for f in (self.title, self.description, self.points))


class AssignmentFormBase(FlaskForm):
    """A reflection assignment's settings."""

    title = StringField(_l("Title"), validators=[InputRequired(_l("Give the reflection a title.")), Length(max=MAX_TITLE_LENGTH)])
    prompt = TextAreaField(_l("Prompt"), validators=[InputRequired(_l("Write the prompt participants answer.")),
                                                 Length(max=MAX_PROMPT_LENGTH)])
    audience = RadioField(_l("Who writes it"), default=Audience.BOTH.value,
                          choices=choice_list((a.value, a.label) for a in Audience),
                          validators=[InputRequired(_l("Choose who writes this reflection."))])
    opens_on = DayField(_l("Opens on"))
    due_on = DayField(_l("Due on"))
    points = FloatField(_l("Points"), default=10, validators=[
        InputRequired(_l("Give the points the reflection is worth.")),
        NumberRange(0.01, MAX_POINTS, _l("Choose from more than 0 to %(max)s.", max=format(MAX_POINTS, "g")))])
    accept_late = BooleanField(_l("Accept late work (it is marked late)"))
    revise_until = RadioField(_l("Participants may revise a submitted reflection"), default=RevisePolicy.UNTIL_DUE.value,
                              choices=choice_list((p.value, p.label) for p in RevisePolicy),
                              validators=[InputRequired(_l("Choose until when a reflection may be revised."))])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra_errors: dict[str, list[str]] = {}  # the rubric's errors, by the id of its fieldset

    @property
    def errors(self) -> dict[str, Any]:
        """The fields' errors and the rubric's (the rubric rows themselves never carry any)."""
        return {**{k: v for k, v in super().errors.items() if k != "rubric"}, **self.extra_errors}

    def add_refusal(self, field: str | None, message: str) -> None:
        """Show a service's refusal at the rubric, at a field, or above the form."""
        if field == "rubric":
            self.extra_errors.setdefault("rubric", []).append(message)
        else:
            attach_error(self, field, message)

    def criteria(self) -> tuple[Criterion, ...] | None:
        """The rubric rows filled in, or None (with the error shown) when a row's points are not a number."""
        found = []
        for row in (entry.form for entry in self.rubric):
            if row.is_empty():
                continue
            try:
                points = float((row.points.data or "").strip())
            except ValueError:
                self.add_refusal("rubric", _("Give each criterion's points as a number, for example 2 or 2.5."))
                return None
            found.append(Criterion((row.title.data or "").strip(), (row.description.data or "").strip(), points))
        return tuple(found)

    def to_fields(self, criteria: tuple[Criterion, ...]) -> AssignmentFields:
        """The assignment's values for the service."""
        return AssignmentFields(
            title=self.title.data or "", prompt=self.prompt.data or "", audience=Audience(self.audience.data),
            opens_on=self.opens_on.data, due_on=self.due_on.data, points=float(self.points.data),
            rubric=criteria, accept_late=bool(self.accept_late.data), revise_until=RevisePolicy(self.revise_until.data))


def assignment_form(cohort: Cohort, assignment: ReflectionAssignment | None = None) -> AssignmentFormBase:
    """The form for a new assignment (sensible dates inside the cohort's window) or for editing ``assignment``."""
    rows = min(MAX_CRITERIA, len(assignment.rubric if assignment else []) + EMPTY_RUBRIC_ROWS)

    class AssignmentForm(AssignmentFormBase):
        """The assignment form with this page's rubric rows."""

        rubric = FieldList(FormField(CriterionRow), min_entries=rows, max_entries=MAX_CRITERIA)

    if assignment is not None:
        data = {name: getattr(assignment, name) for name in ("title", "prompt", "opens_on", "due_on", "points", "accept_late")}
        data.update(audience=assignment.audience.value, revise_until=assignment.revise_until.value,
                    rubric=[{**c.to_dict(), "points": points_label(c.points)} for c in assignment.criteria])
        return AssignmentForm(data=data)
    opens = max(utcnow().date(), cohort.enrolment_opens_on)
    return AssignmentForm(data={"opens_on": opens, "due_on": min(opens + timedelta(days=14), cohort.ends_on)})


class GradeFormBase(FlaskForm):
    """A grade: the score (optional with a rubric: its sum), a comment, and the version of the text graded."""

    score = FloatField(_l("Score"), validators=[Optional(), NumberRange(0, None, _l("A score cannot be negative."))])
    comment = TextAreaField(_l("Comment for the participant"), validators=[Optional(), Length(max=MAX_COMMENT_LENGTH)])
    version = version_field()

    def criterion_fields(self) -> list[Any]:
        """The score fields of the rubric's criteria, in order."""
        return [self[name] for name in sorted((n for n in self._fields if n.startswith("criterion_")),
                                              key=lambda n: int(n.split("_")[1]))]

    def add_refusal(self, field: str | None, message: str) -> None:
        """Show a service's refusal at the rubric's first score, at a field, or above the form."""
        target = "criterion_0" if field == "rubric" and self.criterion_fields() else field
        attach_error(self, target, message)

    def to_fields(self) -> GradeFields:
        """The grade's values for the service (no rubric scores unless every criterion is scored)."""
        given = [f.data for f in self.criterion_fields()]
        rubric = tuple(float(x) for x in given) if given and all(x is not None for x in given) else None
        return GradeFields(score=self.score.data, rubric_scores=rubric, comment=self.comment.data or "")


def grade_form(submission: Submission) -> GradeFormBase:
    """The grade form of ``submission``'s assignment, filled in with its current grade."""
    criteria = submission.assignment.criteria

    class GradeForm(GradeFormBase):
        """The grade form with one score field per criterion (added below)."""

    for n, criterion in enumerate(criteria):
        setattr(GradeForm, f"criterion_{n}", FloatField(
            _("%(criterion)s (out of %(points)s)", criterion=criterion.title, points=points_words(criterion.points)),
            validators=[Optional(), NumberRange(0, criterion.points,
                                                _("From 0 to %(points)s.", points=points_words(criterion.points)))]))
    data: dict[str, Any] = {"score": submission.score, "comment": submission.comment or "", "version": submission.version}
    for n, given in enumerate(submission.rubric_scores or []):
        data[f"criterion_{n}"] = given
    return GradeForm(data=data)
