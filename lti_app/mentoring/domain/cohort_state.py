"""The life cycle of a cohort, as an enum whose transitions refuse illegal moves.

draft → enrolment open ⇄ enrolment closed → matched → running → finished

Closed enrolment may be reopened (a late colleague, a window extended) until the cohort is matched;
after that the pairs exist and the programme only moves forward.
"""
from __future__ import annotations

import enum
from datetime import date

from lti_app.mentoring.domain import texts
from lti_app.mentoring.errors import EnrolmentRefused, IllegalTransition


class CohortState(str, enum.Enum):
    """Where a cohort is in its life."""

    DRAFT = "draft"
    ENROLMENT_OPEN = "enrolment_open"
    ENROLMENT_CLOSED = "enrolment_closed"
    MATCHED = "matched"
    RUNNING = "running"
    FINISHED = "finished"

    @property
    def label(self) -> str:
        """A human label for pages."""
        return self.value.replace("_", " ").capitalize()

    @property
    def visible_to_learners(self) -> bool:
        """A draft is the instructor's work in progress; learners see every other state."""
        return self is not CohortState.DRAFT

    @property
    def profiles_editable(self) -> bool:
        """Profiles feed the matching, so they change only before it."""
        return self in (CohortState.ENROLMENT_OPEN, CohortState.ENROLMENT_CLOSED)

    @property
    def matching_inputs_locked(self) -> bool:
        """After matching, the skill catalogue and capacities are what the pairs were made from."""
        return self in (CohortState.MATCHED, CohortState.RUNNING, CohortState.FINISHED)

    def can(self, action: str) -> bool:
        """Whether ``action`` (a transition name) is legal from here."""
        return self in ACTIONS[action][1]

    def open_enrolment(self) -> CohortState:
        """Open enrolment (first time, or again after closing it)."""
        return self._move("open_enrolment")

    def close_enrolment(self) -> CohortState:
        """Stop taking enrolments."""
        return self._move("close_enrolment")

    def mark_matched(self) -> CohortState:
        """The pairs have been published."""
        return self._move("mark_matched")

    def start(self) -> CohortState:
        """The programme begins."""
        return self._move("start")

    def finish(self) -> CohortState:
        """The programme is over."""
        return self._move("finish")

    def _move(self, action: str) -> CohortState:
        verb, sources, target = ACTIONS[action]
        if self not in sources:
            allowed = " or ".join(f"“{s.label.lower()}”" for s in sources)
            raise IllegalTransition(
                f"You cannot {verb} a cohort that is “{self.label.lower()}”: this is only possible when it is {allowed}."
            )
        return target


S = CohortState
# action → (verb for messages, states it may start from, state it leads to)
ACTIONS: dict[str, tuple[str, tuple[CohortState, ...], CohortState]] = {
    "open_enrolment": ("open enrolment in", (S.DRAFT, S.ENROLMENT_CLOSED), S.ENROLMENT_OPEN),
    "close_enrolment": ("close enrolment in", (S.ENROLMENT_OPEN,), S.ENROLMENT_CLOSED),
    "mark_matched": ("publish the pairs of", (S.ENROLMENT_CLOSED,), S.MATCHED),
    "start": ("start", (S.MATCHED,), S.RUNNING),
    "finish": ("finish", (S.RUNNING,), S.FINISHED),
}


def long_date(day: date) -> str:
    """A date as people write it, in the reader's language: 1 March 2026, 1. März 2026."""
    return texts.long_date(day)


def enrolment_refusal(state: CohortState, opens_on: date, closes_on: date, today: date) -> str | None:
    """Why nobody may enrol today, or None when enrolment is possible (state open and today inside the window)."""
    if state is CohortState.DRAFT:
        return "This cohort is still being prepared by your instructor; enrolment has not opened yet."
    if state is not CohortState.ENROLMENT_OPEN:
        return "Enrolment in this cohort is closed."
    if today < opens_on:
        return f"Enrolment in this cohort opens on {long_date(opens_on)}."
    if today > closes_on:
        return f"Enrolment in this cohort closed on {long_date(closes_on)}."
    return None


def check_enrolment_open(state: CohortState, opens_on: date, closes_on: date, today: date) -> None:
    """Raise EnrolmentRefused with the reason when nobody may enrol today."""
    reason = enrolment_refusal(state, opens_on, closes_on, today)
    if reason:
        raise EnrolmentRefused(reason)
