"""What the reflection pages of both audiences share: the hidden version field, and a handed-in reflection's
completion."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from lti_app.mentoring.services import completion
from lti_app.mentoring.services.submissions import Saved


def version_field() -> IntegerField:
    """The version of the reflection the page was read at (0 before its first save), carried back on POST."""
    return IntegerField(widget=HiddenInput(), default=0, validators=[InputRequired(_l("Reload the page and try again."))])


def noting_completion(service: Callable[..., Saved]) -> Callable[..., Saved]:
    """``service`` (a reflection's save), and when it handed the reflection in to a gradebook, its writer's
    completion noted: the commit point evaluates it before its commit (the rules may ask for every reflection)."""
    def run(*args: Any, **kwargs: Any) -> Saved:
        saved = service(*args, **kwargs)
        if saved.outbox_ids:
            completion.note_activity([saved.submission.enrolment_id])
        return saved
    return run
