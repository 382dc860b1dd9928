"""Programme completion as pure rules: a cohort's requirements against one participant's facts.

A participant completes the programme when every rule the cohort switched on is met: at least N meetings
held (in their published pairs), every goal of their pairs re-rated at the end by both partners, every
reflection assigned to their side (mentors, mentees or both) submitted. A cohort with completion switched
on needs at least one rule, or everyone would complete on the first evaluation.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.domain import texts
from lti_app.mentoring.domain.texts import _, ngettext

MAX_MEETINGS = 200
MAX_SCORE = 10_000.0


@dataclass(frozen=True)
class CompletionRules:
    """What a cohort asks of each participant."""

    min_meetings: int = 0
    require_goals_rerated: bool = False
    require_all_reflections: bool = False

    @property
    def any(self) -> bool:
        """At least one rule is switched on."""
        return self.min_meetings > 0 or self.require_goals_rerated or self.require_all_reflections


@dataclass(frozen=True)
class CompletionFacts:
    """What one participant has done, as counts."""

    meetings_held: int = 0
    goals_rerated: bool = False
    reflections_expected: int = 0
    reflections_submitted: int = 0


@dataclass(frozen=True)
class RuleResult:
    """One rule for one participant: its name, a sentence for the instructor, met or not."""

    rule: str
    label: str
    met: bool


@dataclass(frozen=True)
class CompletionCheck:
    """Every switched-on rule for one participant."""

    results: tuple[RuleResult, ...]

    @property
    def complete(self) -> bool:
        """Every rule met (and at least one rule to meet)."""
        return bool(self.results) and all(r.met for r in self.results)


def check_completion(rules: CompletionRules, facts: CompletionFacts) -> CompletionCheck:
    """Which of the cohort's rules this participant meets."""
    results = []
    if rules.min_meetings > 0:
        held = facts.meetings_held
        results.append(RuleResult("meetings", ngettext(
            "%(held)d of %(num)d meeting held", "%(held)d of %(num)d meetings held", rules.min_meetings, held=held),
            held >= rules.min_meetings))
    if rules.require_goals_rerated:
        results.append(RuleResult("goals", _("goals re-rated") if facts.goals_rerated else _("goals not re-rated yet"),
                                  facts.goals_rerated))
    if rules.require_all_reflections:
        done, due = facts.reflections_submitted, facts.reflections_expected
        results.append(RuleResult("reflections", ngettext(
            "%(done)d of %(num)d reflection submitted", "%(done)d of %(num)d reflections submitted", due, done=done),
            done >= due))
    return CompletionCheck(tuple(results))


def sides_of(paired_as: Iterable[str], role_wanted: str) -> frozenset[str]:
    """The sides ("mentor", "mentee") a participant writes reflections for: the pairs they are in, else the role
    they asked for ("either" with no pair yet: neither side, so only reflections for both apply)."""
    sides = frozenset(paired_as)
    if sides:
        return sides
    return frozenset({role_wanted}) if role_wanted in ("mentor", "mentee") else frozenset()


def check_completion_settings(*, enabled: bool, rules: CompletionRules, grade_points: float, score_maximum: float) -> None:
    """Raise InvalidInput (with the field) unless the settings make sense."""
    if not 0 <= rules.min_meetings <= MAX_MEETINGS:
        raise InvalidInput(_("Ask for 0 to %(max)d meetings.", max=MAX_MEETINGS), field="min_meetings")
    if not 0 < score_maximum <= MAX_SCORE:
        raise InvalidInput(_("The maximum score is more than 0 and at most %(max)s.", max=texts.number(MAX_SCORE, grouping=False)),
                           field="score_maximum")
    if not 0 <= grade_points <= score_maximum:
        raise InvalidInput(_("The grade on completion is from 0 to the maximum (%(max)s).",
                             max=texts.number(score_maximum, grouping=False)), field="grade_points")
    if enabled and not rules.any:
        raise InvalidInput(_("Switch on at least one rule, or everyone completes at once."), field="min_meetings")
