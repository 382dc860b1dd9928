"""The forms of a cohort's Surveys page: settings, a question, the reason to open named answers."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from lti_app.mentoring.domain.availability import time_zone_names
from lti_app.mentoring.domain.surveys import Audience, QuestionKind
from lti_app.web.forms import choice_list


class SurveySettingsForm(FlaskForm):
    """When the pulse runs, whether late answers count, and the anonymity threshold."""

    pulse_enabled = BooleanField(_l("Run the pulse survey"))
    pulse_first_after_days = IntegerField(_l("First pulse, days after the pairs are published"), validators=[
        InputRequired(_l("Give a number of days.")),
        NumberRange(1, 365, _l("Choose from %(min)d to %(max)d days.", min=1, max=365))])
    pulse_every_days = IntegerField(_l("Then every (days)"), validators=[
        InputRequired(_l("Give a number of days.")),
        NumberRange(7, 365, _l("Choose from %(min)d to %(max)d days.", min=7, max=365))])
    anonymity_threshold = IntegerField(_l("Show results only where at least this many answered"), validators=[
        InputRequired(_l("Give a number of people.")),
        NumberRange(1, 50, _l("Choose from %(min)d to %(max)d people.", min=1, max=50))])
    accept_late = BooleanField(_l("Accept late answers (marked late)"))
    time_zone = SelectField(_l("Rounds open at midnight in"), choices=[])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = choice_list((name, name) for name in time_zone_names())

    def to_fields(self) -> dict:
        """The values for ``update_settings``."""
        return {"pulse_enabled": bool(self.pulse_enabled.data), "accept_late": bool(self.accept_late.data),
                "pulse_first_after_days": int(self.pulse_first_after_days.data),
                "pulse_every_days": int(self.pulse_every_days.data),
                "anonymity_threshold": int(self.anonymity_threshold.data), "time_zone": self.time_zone.data}


def _lines(text: str | None) -> list[str]:
    return [line.strip()[:200] for line in (text or "").splitlines() if line.strip()][:20]


class QuestionForm(FlaskForm):
    """One question: its words, how it is answered, whether required, who is asked."""

    text = TextAreaField(_l("Question"), validators=[
        InputRequired(_l("Write the question.")),
        Length(3, 500)])
    kind = SelectField(_l("Answered as"), choices=[], validators=[InputRequired(_l("Choose how it is answered."))])
    audience = SelectField(_l("Asked of"), choices=[], default="both")
    required = BooleanField(_l("An answer is required"), default=True)
    labels = TextAreaField(_l("Labels of 1 to 5 (Likert; one a line, optional)"))
    choices = TextAreaField(_l("Choices (single choice; one a line)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # the kinds and audiences in the reader's language (made per request, not at import)
        self.kind.choices = choice_list((k.value, k.label) for k in QuestionKind)
        self.audience.choices = choice_list((a.value, a.label) for a in Audience)

    def to_fields(self) -> dict:
        """The values for ``add_question`` / ``edit_question``."""
        return {"text": self.text.data.strip(), "kind": QuestionKind(self.kind.data),
                "audience": Audience(self.audience.data), "required": bool(self.required.data),
                "labels": _lines(self.labels.data), "choices": _lines(self.choices.data)}


class NamesForm(FlaskForm):
    """Why the instructor opens the named answers (logged)."""

    reason = TextAreaField(_l("Why do you need to see who answered what?"),
                           validators=[InputRequired(_l("Give a reason: it is logged.")),
                                       Length(10, 500)])
