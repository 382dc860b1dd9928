"""What a coordinator does next with a cohort: the programme's checklist from set-up to completion.

Each step says what to do, whether it is done (from the cohort's state and a few counts) and which page does it
(a name the web layer turns into a link). The first step not done is the cohort's next step.
"""
from __future__ import annotations

from dataclasses import dataclass

from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.texts import _

ORDER = list(CohortState)


@dataclass(frozen=True)
class CohortFacts:
    """What the checklist is worked out from."""

    state: CohortState
    enrolled: int
    has_draft: bool
    to_grade: int  # reflection submissions waiting for a grade


@dataclass(frozen=True)
class Step:
    """One step of the checklist."""

    label: str
    done: bool
    page: str  # settings, enrolment, roster, matching, pairs, reflections, completion


def _past(state: CohortState, than: CohortState) -> bool:
    return ORDER.index(state) > ORDER.index(than)


def checklist(facts: CohortFacts) -> list[Step]:
    """The steps of running the cohort, in order."""
    state = facts.state
    return [
        Step(_("Check the settings, ground rules and how pairs are made"), _past(state, CohortState.DRAFT), "settings"),
        Step(_("Open enrolment"), _past(state, CohortState.DRAFT), "enrolment"),
        Step(_("Remind the people of the course who have not enrolled"), _past(state, CohortState.ENROLMENT_OPEN), "roster"),
        Step(_("Close enrolment") if facts.enrolled else _("Close enrolment (nobody has enrolled yet)"),
             _past(state, CohortState.ENROLMENT_OPEN), "enrolment"),
        Step(_("Run the matching and review the draft"), facts.has_draft or _past(state, CohortState.ENROLMENT_CLOSED),
             "matching"),
        Step(_("Publish the pairs"), _past(state, CohortState.ENROLMENT_CLOSED), "matching"),
        Step(_("Follow up the pairs that need help"), state is CohortState.FINISHED, "pairs"),
        Step(_("Grade the reflections (%(num)d waiting)", num=facts.to_grade) if facts.to_grade
             else _("Grade the reflections"),
             _past(state, CohortState.ENROLMENT_CLOSED) and not facts.to_grade, "reflections"),
        Step(_("Complete the programme: completion rules, grades to the gradebook, close the cohort"),
             state is CohortState.FINISHED, "completion"),
    ]


def next_step(steps: list[Step]) -> Step | None:
    """The first step not done (None once everything is)."""
    return next((step for step in steps if not step.done), None)
