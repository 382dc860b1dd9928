"""The life cycle of a cohort, as an enum whose transitions refuse illegal moves.

draft → enrolment open ⇄ enrolment closed → matched → running → finished

Closed enrolment may be reopened (a late colleague, a window extended) until the cohort is matched;
after that the pairs exist and the programme only moves forward.
"""
from __future__ import annotations

import enum
from datetime import date

from lti_app.mentoring.domain import texts
from lti_app.mentoring.domain.texts import N_, _
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
        """A human label for pages: Enrolment open."""
        return _(STATE_LABELS[self.value][0])

    @property
    def in_sentence(self) -> str:
        """The state as it reads inside a sentence: enrolment open."""
        return _(STATE_LABELS[self.value][1])

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
        refusal, sources, target = ACTIONS[action]
        if self not in sources:
            if len(sources) == 1:
                raise IllegalTransition(_(refusal[0], state=self.in_sentence, allowed=sources[0].in_sentence))
            raise IllegalTransition(
                _(refusal[1], state=self.in_sentence, allowed=sources[0].in_sentence, other=sources[1].in_sentence)
            )
        return target


# value → (label for pages, the state inside a sentence)
STATE_LABELS = {
    "draft": (N_("Draft"), N_("draft")),
    "enrolment_open": (N_("Enrolment open"), N_("enrolment open")),
    "enrolment_closed": (N_("Enrolment closed"), N_("enrolment closed")),
    "matched": (N_("Matched"), N_("matched")),
    "running": (N_("Running"), N_("running")),
    "finished": (N_("Finished"), N_("finished")),
}


S = CohortState
# action → (refusals: from one allowed state, from two; states it may start from, state it leads to)
ACTIONS: dict[str, tuple[tuple[str, str], tuple[CohortState, ...], CohortState]] = {
    "open_enrolment": (("", N_("You cannot open enrolment in a cohort that is “%(state)s”: this is only possible "
                               "when it is “%(allowed)s” or “%(other)s”.")), (S.DRAFT, S.ENROLMENT_CLOSED), S.ENROLMENT_OPEN),
    "close_enrolment": ((N_("You cannot close enrolment in a cohort that is “%(state)s”: this is only possible when "
                           "it is “%(allowed)s”."), ""), (S.ENROLMENT_OPEN,), S.ENROLMENT_CLOSED),
    "mark_matched": ((N_("You cannot publish the pairs of a cohort that is “%(state)s”: this is only possible when "
                        "it is “%(allowed)s”."), ""), (S.ENROLMENT_CLOSED,), S.MATCHED),
    "start": ((N_("You cannot start a cohort that is “%(state)s”: this is only possible when it is “%(allowed)s”."),
               ""), (S.MATCHED,), S.RUNNING),
    "finish": ((N_("You cannot finish a cohort that is “%(state)s”: this is only possible when it is "
                  "“%(allowed)s”."), ""), (S.RUNNING,), S.FINISHED),
}


def long_date(day: date) -> str:
    """A date as people write it, in the reader's language: 1 March 2026, 1. März 2026."""
    return texts.long_date(day)


def enrolment_refusal(state: CohortState, opens_on: date, closes_on: date, today: date) -> str | None:
    """Why nobody may enrol today, or None when enrolment is possible (state open and today inside the window)."""
    if state is CohortState.DRAFT:
        return _("This cohort is still being prepared by your instructor; enrolment has not opened yet.")
    if state is not CohortState.ENROLMENT_OPEN:
        return _("Enrolment in this cohort is closed.")
    if today < opens_on:
        return _("Enrolment in this cohort opens on %(date)s.", date=long_date(opens_on))
    if today > closes_on:
        return _("Enrolment in this cohort closed on %(date)s.", date=long_date(closes_on))
    return None


def check_enrolment_open(state: CohortState, opens_on: date, closes_on: date, today: date) -> None:
    """Raise EnrolmentRefused with the reason when nobody may enrol today."""
    reason = enrolment_refusal(state, opens_on, closes_on, today)
    if reason:
        raise EnrolmentRefused(reason)
