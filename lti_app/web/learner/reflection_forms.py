"""The participant's reflection form: the text, the version it was read at, and which button was pressed."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

from lti_app.mentoring.domain.reflections import MAX_BODY_LENGTH
from lti_app.mentoring.models.reflection import Submission
from lti_app.web.reflection_pages import version_field


class ReflectionForm(FlaskForm):
    """A reflection: saved as a draft, or submitted (the text is sanitised by the service)."""

    body = TextAreaField(_l("Your reflection"), validators=[Length(max=MAX_BODY_LENGTH)])
    version = version_field()
    save = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit"))

    @classmethod
    def for_submission(cls, submission: Submission | None) -> ReflectionForm:
        """The form filled in with the reflection so far (empty, version 0, before the first save)."""
        if submission is None:
            return cls()
        return cls(data={"body": submission.body, "version": submission.version})

    @property
    def submitting(self) -> bool:
        """The Submit button was pressed (any other way of sending the form saves a draft)."""
        return bool(self.submit.data)
