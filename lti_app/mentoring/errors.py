"""Errors of the programme layer, raised by services and rendered by the web layer."""
from __future__ import annotations

from typing import Any

from lti_app.mentoring.domain.texts import N_, _


class MentoringError(Exception):
    """Base of programme errors: a clear message for the person who caused it.

    ``field`` names the form field the message belongs to, when there is one, so a page can show it there.
    ``default`` is the message when none is given, translated when the error is made.
    """

    status = 400
    default = N_("This is not possible.")

    def __init__(self, message: str = "", field: str | None = None) -> None:
        super().__init__(message or _(self.default))
        self.message = str(self.args[0])
        self.field = field


class NotFound(MentoringError):
    """The record does not exist in this course (or belongs to another one)."""

    status = 404
    default = N_("The record does not exist in this course (or belongs to another one).")


class InvalidInput(MentoringError):
    """The values given break a rule of the programme."""

    status = 400
    default = N_("The values given break a rule of the programme.")


class IllegalTransition(MentoringError):
    """The cohort cannot make this move from the state it is in."""

    status = 409
    default = N_("The cohort cannot make this move from the state it is in.")


class EnrolmentRefused(MentoringError):
    """Enrolment (or a change to it) is not possible now: outside the window, cohort not open, or after matching."""

    status = 409
    default = N_(
        "Enrolment (or a change to it) is not possible now: outside the window, cohort not open, or after matching."
    )


class AlreadyEnrolled(MentoringError):
    """The person already has an enrolment in this cohort; ``enrolment`` is it."""

    status = 409
    default = N_("You are already enrolled in this cohort.")

    def __init__(self, enrolment: Any, message: str = "") -> None:
        super().__init__(message)
        self.enrolment = enrolment
