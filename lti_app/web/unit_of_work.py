"""A request's one commit point: run a service, then either roll back and show its refusal, or commit once and
send what the service recorded (outbox rows, completions it asked for) after that commit.

Services never commit; they note their side effects on the session (``grade_outbox.take_recorded``,
``completion.note_activity``). ``run`` is the one core; ``act`` shows a refusal as a flashed message (a button),
``save`` next to the form field it names. Nothing is sent after a rollback.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash

from lti_app.extensions import db
from lti_app.mentoring.errors import InvalidInput, MentoringError
from lti_app.tasks import grades, mail
from lti_app.web.forms import attach_error

T = TypeVar("T")


def run(action: Callable[..., T], *args: Any, refused: type[MentoringError], show: Callable[[MentoringError], None],
        **kwargs: Any) -> T | None:
    """Call ``action``; on a ``refused`` error roll back, drop its side effects, ``show`` it and return None;
    else commit once, send its recorded side effects and return its result."""
    try:
        result = action(*args, **kwargs)
    except refused as refusal:
        db.session.rollback()
        grades.drop_recorded()
        mail.drop_recorded()
        show(refusal)
        return None
    grades.commit_and_dispatch()
    mail.dispatch_recorded()
    return result


def _flash(refusal: MentoringError) -> None:
    flash(refusal.message, "error")


def act(action: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Run one service for a button: its result after the commit, or None with its refusal flashed."""
    return run(action, *args, refused=MentoringError, show=_flash, **kwargs)


def save(form: Any, action: Callable[..., T], *args: Any, refused: type[MentoringError] = InvalidInput,
         **kwargs: Any) -> T | None:
    """Run one service for a valid form: its result after the commit, or None with its refusal shown on the form
    (by the field it names; a form with ``add_refusal`` places it itself) and kept as ``form.refusal``."""
    def show(refusal: MentoringError) -> None:
        form.refusal = refusal
        if hasattr(form, "add_refusal"):
            form.add_refusal(refusal.field, refusal.message)
        else:
            attach_error(form, refusal.field, refusal.message)
    return run(action, *args, refused=refused, show=show, **kwargs)
