"""Instructor forms of the matching: the cohort's rules, weights and directions, and a pair made by hand."""
from __future__ import annotations

import dataclasses
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from lti_app.mentoring.domain.matching.settings import (
    ALLOWED_DIRECTIONS, CRITERIA, Criterion, Direction, MatchMode, MatchSettings, Rules,
)
from lti_app.web.forms import choice_list

RULE_LABELS = {
    "reverse_seniority": _l("The mentor is less senior than the mentee"),
    "reporting_line": _l("Never pair people in the same reporting line"),
    "past_partners": _l("Never pair people who were partners before"),
    "shared_language": _l("Partners share a language"),
    "availability_overlap": _l("Partners' weekly availability overlaps"),
    "capacity": _l("A mentor takes no more mentees than their capacity"),
}
MODE_LABELS = {
    MatchMode.OPTIMAL: (_l("The engine pairs everyone"),
                        _l("The engine makes the best pairs for the whole cohort at once; you review them and publish.")),
    MatchMode.SELF_SELECT: (_l("Mentees choose their mentor"),
                            _l("Each mentee picks from the mentors who fit them, best fit first, and the mentor accepts "
                               "or declines; accepted pairs appear here pinned, and you publish.")),
    MatchMode.MUTUAL: (_l("Both sides rank each other"),
                       _l("Mentees and mentors each rank the people who fit them, and you compute the stable matching "
                          "from their rankings, then publish.")),
}
DIRECTION_WORDS = {  # one sentence each, with an example
    Direction.COMPLEMENTARY: _l("one partner offers what the other wants to learn, for example a mentor strong in "
                                "social media with a mentee who wants to learn it (skills only)"),
    Direction.SIMILAR: _l("the more the partners share, the better, for example both prefer video calls"),
    Direction.DIFFERENT: _l("the more they differ, the better, for example partners from different departments or "
                            "generations"),
}
DIRECTION_LABELS = {Direction.COMPLEMENTARY: _l("Complementary"), Direction.SIMILAR: _l("Similar"),
                    Direction.DIFFERENT: _l("Different")}
CRITERION_LABELS = {"skills": _l("Skills"), "channels": _l("Channels"), "interests": _l("Interests"), "goals": _l("Goals"),
                    "department": _l("Department"), "generation": _l("Generation")}
WEIGHT_LABELS = {"skills": _l("Skills weight"), "channels": _l("Channels weight"), "interests": _l("Interests weight"),
                 "goals": _l("Goals weight"), "department": _l("Department weight"), "generation": _l("Generation weight")}
DIRECTION_FIELD_LABELS = {
    "skills": _l("Skills direction"), "channels": _l("Channels direction"), "interests": _l("Interests direction"),
    "goals": _l("Goals direction"), "department": _l("Department direction"), "generation": _l("Generation direction")}


class MatchingSettingsForm(FlaskForm):
    """Mode, hard rules on or off, the minimum overlap, each criterion's weight (0-5) and direction, threshold, fairness."""

    # Optional: a form posted without it (an older page) keeps the cohort's mode.
    mode = RadioField(_l("How pairs are made"), choices=choice_list((m.value, label) for m, (label, _) in MODE_LABELS.items()),
                      validators=[Optional()])
    # Optional: disabled (so not sent) while its rule is off; the stored value is then kept.
    min_overlap_hours = IntegerField(_l("Minimum overlapping hours a week"), validators=[
        Optional(), NumberRange(0, 168, _l("Choose from 0 to 168 hours."))])
    min_score = FloatField(_l("Minimum score of a pair (0-100 points)"), validators=[
        InputRequired(_l("Give a minimum score.")), NumberRange(0, 100, _l("Choose from 0 to 100."))])
    fairness = BooleanField(_l("Fairness: lift the worst pair, even at some cost to the total"))

    @classmethod
    def for_settings(cls, settings: MatchSettings) -> MatchingSettingsForm:
        """The form filled with ``settings`` (on POST the submitted values win)."""
        data = {"min_overlap_hours": settings.rules.min_overlap_hours, "min_score": settings.min_score,
                "fairness": settings.fairness, "mode": settings.mode.value}
        data |= {f"rule_{name}": getattr(settings.rules, name) for name in RULE_LABELS}
        for name, criterion in settings.criteria.items():
            data |= {f"weight_{name}": int(round(criterion.weight)), f"direction_{name}": criterion.direction.value}
        return cls(data=data)

    @staticmethod
    def mode_hints() -> dict[str, str]:
        """One plain sentence per mode, shown under its radio button."""
        return {m.value: hint for m, (_, hint) in MODE_LABELS.items()}

    def rule_fields(self) -> list:
        """The rule checkboxes, in order."""
        return [self[f"rule_{name}"] for name in RULE_LABELS]

    def _direction(self, name: str, current: MatchSettings) -> Direction:
        """The direction chosen, or the stored one when none was sent (its select is disabled at weight 0)."""
        value = self[f"direction_{name}"].data
        allowed = {d.value: d for d in ALLOWED_DIRECTIONS[name]}
        return allowed.get(value) or current.criteria[name].direction

    def criterion_fields(self) -> list[tuple]:
        """(label, weight field, direction field) per criterion."""
        return [(CRITERION_LABELS[n], self[f"weight_{n}"], self[f"direction_{n}"]) for n in CRITERIA]

    def to_settings(self, current: MatchSettings) -> MatchSettings:
        """``current`` with this form's choices (pins and forbidden pairs are kept)."""
        hours = self.min_overlap_hours.data
        rules = Rules(**{name: self[f"rule_{name}"].data for name in RULE_LABELS},
                      min_overlap_hours=current.rules.min_overlap_hours if hours is None else hours)
        criteria = {n: Criterion(float(self[f"weight_{n}"].data), self._direction(n, current)) for n in CRITERIA}
        mode = MatchMode(self.mode.data) if self.mode.data else current.mode
        return dataclasses.replace(current, rules=rules, criteria=criteria, min_score=float(self.min_score.data),
                                   fairness=self.fairness.data, mode=mode)


for _name, _label in RULE_LABELS.items():
    setattr(MatchingSettingsForm, f"rule_{_name}", BooleanField(_label))
for _name in CRITERIA:
    setattr(MatchingSettingsForm, f"weight_{_name}", IntegerField(WEIGHT_LABELS[_name], validators=[
        InputRequired(_l("Give a weight.")), NumberRange(0, 5, _l("Choose from 0 (off) to 5."))]))
    _choices = [(d.value, DIRECTION_LABELS[d]) for d in Direction if d in ALLOWED_DIRECTIONS[_name]]
    setattr(MatchingSettingsForm, f"direction_{_name}", SelectField(DIRECTION_FIELD_LABELS[_name],
                                                                    choices=choice_list(_choices), validate_choice=False))


class HandPairForm(FlaskForm):
    """A mentor and a mentee to pair, typed or picked from a short list ("Name #id", an id, or a unique name):
    never a select of the whole cohort."""

    mentor = StringField(_l("Mentor"), validators=[InputRequired(_l("Choose a mentor.")), Length(max=300)])
    mentee = StringField(_l("Mentee"), validators=[InputRequired(_l("Choose a mentee.")), Length(max=300)])


class PublishForm(FlaskForm):
    """Publishing cannot be undone here, so the instructor ticks a box to confirm."""

    confirmed = BooleanField(_l("I have reviewed the pairs: publish them, so each participant sees their partner"),
                             validators=[InputRequired(_l("Tick the box to confirm you want to publish."))])


def _whole_number(value):
    """A posted id as an int, or None when it is not one."""
    return int(value) if value and str(value).isdigit() and len(str(value)) <= 12 else None


class SwapForm(FlaskForm):
    """Two draft pairs whose mentees trade places: (m1, e1), (m2, e2) become (m1, e2), (m2, e1). The page ticks two
    pairs (``pair_id`` twice); ``first`` and ``second`` name them the other way."""

    first = HiddenField(filters=[_whole_number])
    second = HiddenField(filters=[_whole_number])


class AllowPairForm(FlaskForm):
    """Take one pair off the forbidden list: ``forbidden`` ("mentor-mentee", a radio of the page's one form), or
    the two enrolment ids as ``mentor_id`` and ``mentee_id``."""

    forbidden = HiddenField()
    mentor_id = HiddenField(filters=[_whole_number])
    mentee_id = HiddenField(filters=[_whole_number])

    def key(self) -> tuple[int, int] | None:
        """(mentor id, mentee id) chosen, or None."""
        if found := re.fullmatch(r"(\d{1,12})-(\d{1,12})", self.forbidden.data or ""):
            return int(found.group(1)), int(found.group(2))
        if None in (self.mentor_id.data, self.mentee_id.data):
            return None
        return self.mentor_id.data, self.mentee_id.data


class RoundPublishForm(PublishForm):
    """Publishing a new round: the round the page showed travels in the form, so publishing it twice is refused."""

    round = HiddenField(validators=[InputRequired()], filters=[_whole_number])
