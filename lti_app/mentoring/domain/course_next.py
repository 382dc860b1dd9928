"""What is due for the coordinator across a course: the instructor home's "What's next".

Pure: one ``CohortDue`` per cohort (counts the service gathered) and the course's failed grade syncs; each line
is a ``whats_next.Item`` naming its page (pairs, requests, grading, grades, roster) and its cohort.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lti_app.mentoring.domain.whats_next import Item


@dataclass(frozen=True)
class CohortDue:
    """A cohort's figures that ask for the coordinator."""

    cohort_id: int
    name: str
    at_risk: int = 0  # active pairs overdue for a meeting or asking for help
    requests_waiting: int = 0  # mentees' requests no mentor answered yet
    to_grade: int = 0  # reflections submitted and not graded
    enrolment_open: bool = False
    not_enrolled: int | None = None  # roster members not enrolled (None: the roster was not read yet)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def course_next(cohorts: Iterable[CohortDue], failed_syncs: int = 0, failed_cohort_id: int | None = None) -> list[Item]:
    """The coordinator's lines: the pairs at risk first, then requests, grading, failed grade syncs and the roster."""
    items: list[Item] = []
    cohorts = list(cohorts)
    for c in cohorts:
        ids = {"cohort_id": c.cohort_id}
        if c.at_risk:
            items.append(Item("at_risk", f"{_plural(c.at_risk, 'pair needs', 'pairs need')} attention in {c.name}",
                              "pairs", ids, overdue=True))
    for c in cohorts:
        if c.requests_waiting:
            items.append(Item("requests", f"{_plural(c.requests_waiting, 'request waits', 'requests wait')} for a "
                                          f"mentor's answer in {c.name}", "requests", {"cohort_id": c.cohort_id}))
    for c in cohorts:
        if c.to_grade:
            items.append(Item("grading", f"{_plural(c.to_grade, 'reflection', 'reflections')} to grade in {c.name}",
                              "grading", {"cohort_id": c.cohort_id}))
    if failed_syncs and failed_cohort_id is not None:
        items.append(Item("grades", f"{_plural(failed_syncs, 'grade', 'grades')} could not be sent to the gradebook",
                          "grades", {"cohort_id": failed_cohort_id}, overdue=True))
    for c in cohorts:
        if c.enrolment_open and c.not_enrolled != 0:
            who = ("Check who in the course has not enrolled" if c.not_enrolled is None
                   else f"{_plural(c.not_enrolled, 'person', 'people')} of the course have not enrolled")
            items.append(Item("roster", f"{who} in {c.name} (enrolment is open)", "roster", {"cohort_id": c.cohort_id}))
    return items
