"""Who is still an active member of the course at the programme's end: participants, withdrawn participants and
the course's other learners, from the course's roster snapshots (``services/roster_snapshots``).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lti_app.mentoring.domain.programme_facts import ratio
from lti_app.mentoring.domain.texts import N_, _

SELF_SELECTION = N_("People chose to take part: those who did may have been more engaged with the course from the "
                  "start, so a difference here shows what went with taking part, not what taking part caused.")


@dataclass(frozen=True)
class RetentionGroup:
    label: str
    people: int
    still_active: int

    @property
    def share(self) -> float | None:
        return ratio(self.still_active, self.people)


@dataclass(frozen=True)
class Retention:
    """Who is still an active member of the course at the programme's end, by group."""

    groups: list[RetentionGroup]
    measured_on: date  # the day of the roster snapshot read as "the end"
    final: bool  # the snapshot is from the programme's end or later (else: the latest so far)
    caveat: str = SELF_SELECTION


def retention(participants: Iterable[str], withdrawn: Iterable[str], roster_learners: Iterable[str],
              active_at_end: Iterable[str], measured_on: date, ends_on: date) -> Retention:
    """Shares still active at the end: participants, withdrawn participants, the course's other learners.

    All are LMS user ids; ``roster_learners`` are the learners the roster ever listed over the programme.
    """
    taking, left = set(participants), set(withdrawn) - set(participants)
    others = set(roster_learners) - taking - left
    active = set(active_at_end)
    groups = [RetentionGroup(label, len(ids), len(ids & active)) for label, ids in (
        (_("Participants"), taking), (_("Withdrawn participants"), left), (_("Non-participants"), others))]
    return Retention(groups, measured_on, measured_on >= ends_on, _(SELF_SELECTION))
