"""What is due for the coordinator across a course: the instructor home's "What's next".

Pure: one ``CohortDue`` per cohort (counts the service gathered) and the course's failed grade syncs; each line
is a ``whats_next.Item`` naming its page (pairs, requests, grading, grades, roster) and its cohort.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lti_app.mentoring.domain.whats_next import Item
from lti_app.mentoring.domain.texts import _, ngettext


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


def course_next(cohorts: Iterable[CohortDue], failed_syncs: int = 0, failed_cohort_id: int | None = None) -> list[Item]:
    """The coordinator's lines: the pairs at risk first, then requests, grading, failed grade syncs and the roster."""
    items: list[Item] = []
    cohorts = list(cohorts)
    for c in cohorts:
        ids = {"cohort_id": c.cohort_id}
        if c.at_risk:
            items.append(Item("at_risk", ngettext(
                "%(num)d pair needs attention in %(cohort)s", "%(num)d pairs need attention in %(cohort)s", c.at_risk,
                cohort=c.name),
                              "pairs", ids, overdue=True))
    for c in cohorts:
        if c.requests_waiting:
            items.append(Item("requests", ngettext("%(num)d request waits for a mentor's answer in %(cohort)s",
                                                   "%(num)d requests wait for a mentor's answer in %(cohort)s",
                                                   c.requests_waiting, cohort=c.name), "requests",
                              {"cohort_id": c.cohort_id}))
    for c in cohorts:
        if c.to_grade:
            items.append(Item("grading", ngettext("%(num)d reflection to grade in %(cohort)s",
                                                       "%(num)d reflections to grade in %(cohort)s", c.to_grade,
                                                       cohort=c.name),
                              "grading", {"cohort_id": c.cohort_id}))
    if failed_syncs and failed_cohort_id is not None:
        items.append(Item("grades", ngettext("%(num)d grade could not be sent to the gradebook",
                                                    "%(num)d grades could not be sent to the gradebook", failed_syncs),
                          "grades", {"cohort_id": failed_cohort_id}, overdue=True))
    for c in cohorts:
        if c.enrolment_open and c.not_enrolled != 0:
            label = (_("Check who in the course has not enrolled in %(cohort)s (enrolment is open)", cohort=c.name)
                     if c.not_enrolled is None else ngettext(
                         "%(num)d person of the course has not enrolled in %(cohort)s (enrolment is open)",
                         "%(num)d people of the course have not enrolled in %(cohort)s (enrolment is open)",
                         c.not_enrolled, cohort=c.name))
            items.append(Item("roster", label, "roster", {"cohort_id": c.cohort_id}))
    return items
