"""Forms of a pair's feedback rounds and fit check (the services check every rule again)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from lti_app.mentoring.domain.pair_feedback import COMMENT_MAX, TEXT_MAX, FitAnswer
from lti_app.mentoring.services.feedback import FeedbackFields
from lti_app.web.forms import choice_list

SATISFACTION = (("", _l("Rather not say")), ("1", _l("1 – poor")), ("2", "2"), ("3", _l("3 – fine")), ("4", "4"), ("5", _l("5 – excellent")))


def _answer(label: str, missing: str) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired(missing), Length(max=TEXT_MAX, message=_l("Keep it under %(max)d characters."))])


class FeedbackForm(FlaskForm):
    """One round's feedback about the pairing."""

    working = _answer(_l("What is working"), _l("Say what is working (a few words are enough)."))
    not_working = _answer(_l("What is not working"), _l("Say what is not working, or that nothing comes to mind."))
    change = _answer(_l("One thing to change"), _l("Name one thing to change."))
    satisfaction = RadioField(_l("How satisfied are you with the pairing?"), choices=choice_list(SATISFACTION), default="",
                              validators=[Optional()])

    def to_fields(self) -> FeedbackFields:
        """The answers for the feedback service."""
        value = self.satisfaction.data
        return FeedbackFields(self.working.data or "", self.not_working.data or "", self.change.data or "",
                              int(value) if value else None)


class FitCheckForm(FlaskForm):
    """The fit check after the first meeting."""

    answer = RadioField(_l("How is your pairing going?"), choices=choice_list((a.value, a.label) for a in FitAnswer),
                        validators=[InputRequired(_l("Choose one answer."))])
    comment = TextAreaField(_l("A comment for your instructor (optional)"),
                            validators=[Optional(), Length(max=COMMENT_MAX, message=_l("Keep it under %(max)d characters."))])
