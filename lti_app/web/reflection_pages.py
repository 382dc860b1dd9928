"""What the reflection pages of both audiences share: running a form's service, and the hidden version field."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from wtforms import IntegerField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from lti_app.extensions import db
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.services.submissions import Saved
from lti_app.web.forms import attach_error
from lti_app.tasks.grades import dispatch, note_activity

T = TypeVar("T")


def version_field() -> IntegerField:
    """The version of the reflection the page was read at (0 before its first save), carried back on POST."""
    return IntegerField(widget=HiddenInput(), default=0, validators=[InputRequired("Reload the page and try again.")])


def save_form(form: Any, service: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Run one service for a valid form: commit and return its result, or show its refusal on the form (rolled back)."""
    try:
        result = service(*args, **kwargs)
    except InvalidInput as refused:
        db.session.rollback()
        if hasattr(form, "add_refusal"):
            form.add_refusal(refused.field, refused.message)
        else:
            attach_error(form, refused.field, refused.message)
        return None
    db.session.commit()
    return result


def send_grades(saved: Saved) -> None:
    """After the commit: send the gradebook rows the service wrote (inline, or queued for the worker)."""
    dispatch(list(saved.outbox_ids))


def after_submission(saved: Saved) -> None:
    """After a reflection was handed in and committed: send its status, then see whether its writer now completes
    the programme (the cohort's completion rules may ask for every reflection)."""
    if saved.outbox_ids:
        enrolment_id = saved.submission.enrolment_id  # read before sending: a failed send rolls the session back
        dispatch(list(saved.outbox_ids))
        note_activity([enrolment_id])
