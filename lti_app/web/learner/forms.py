"""The enrolment form: profile, skills with a baseline level each, and acceptance of the ground rules.

The skill rows depend on the cohort's catalogue, so ``enrolment_form(cohort)`` builds the form class per cohort.
Every rule is checked again by the enrolment service, which names the field a refusal belongs to.
"""
from __future__ import annotations

from typing import Any

import flask_babel
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, FloatField, Form, FormField, IntegerField, RadioField, SelectField, StringField, TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from lti_app.mentoring.domain.availability import ALL_BLOCKS, DAY_LABELS, DAYS, PARTS, block_code, time_zone_names
from lti_app.mentoring.domain.profile_fields import (
    COMMON_LANGUAGES, CareerStage, Channel, Generation, RoleWanted, SkillKind, is_email, parse_language_codes, parse_tags,
)
from lti_app.mentoring.domain.skills import LEVEL_LABELS
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.services.enrolments import ProfileFields, SkillChoice
from lti_app.web.forms import MultiCheckboxField, attach_error, choice_list

ROLE_HINTS = {
    RoleWanted.MENTOR.value: _l("You share what you know (often digital, social or inclusion skills) with a more senior colleague."),
    RoleWanted.MENTEE.value: _l("You learn from a less senior colleague and offer your experience in return."),
    RoleWanted.EITHER.value: _l("Your instructor's matching decides, from your seniority and skills."),
}


PART_HEADINGS = {"morning": _l("Morning"), "afternoon": _l("Afternoon"), "evening": _l("Evening")}


def _day_name(day: str) -> str:
    """The day's name in the page's language (Monday, Montag, lunes, lundi)."""
    locale = flask_babel.get_locale()
    return locale.days["format"]["wide"][DAYS.index(day)].capitalize() if locale is not None else DAY_LABELS[day]


def _time_zone_choices() -> list[SelectChoice]:
    """The IANA zones grouped by region (Europe, America, ...), cities readable."""
    zones = [SelectChoice("", _l("Choose your time zone")), SelectChoice("UTC", "UTC")]
    for name in time_zone_names()[1:]:
        region, _slash, place = name.partition("/")
        zones.append(SelectChoice(name, place.replace("_", " ").replace("/", " / "), optgroup=region))
    return zones


class SkillRow(Form):
    """One skill of the catalogue: not for me, offered or wanted, and the level today."""

    choice = SelectField(_l("Offer or learn"), default="", choices=choice_list([
        ("", _l("Not for me")), (SkillKind.OFFERED.value, _l("I can offer this")), (SkillKind.WANTED.value, _l("I want to learn this")),
    ]))
    level = SelectField(_l("Your level today"), default="", choices=choice_list([("", _l("Choose a level")), *((str(n), t) for n, t in LEVEL_LABELS.items())]))

    def validate_level(self, field: Any) -> None:
        if self.choice.data and not field.data:
            raise ValidationError(_("Rate your level today from 1 to 5."))


class EnrolmentFormBase(FlaskForm):
    """The fields every cohort's form has; the skill rows are added per cohort."""

    role_wanted = RadioField(_l("Which role do you want?"), choices=choice_list((r.value, r.label) for r in RoleWanted),
                             invalid_choice_message=_l("Choose mentor, mentee or either."))
    capacity = IntegerField(_l("If you mentor: how many mentees can you take?"), validators=[Optional(), NumberRange(1, 20)])
    experience_years = FloatField(_l("Years of work experience"), validators=[
        InputRequired(_l("Give your years of experience (0 if none yet).")), NumberRange(0, 70, _l("Give a number from 0 to 70."))])
    career_stage = RadioField(_l("Career stage"), coerce=int, choices=choice_list((int(s), s.label) for s in CareerStage),
                              invalid_choice_message=_l("Choose your career stage."))
    generation = SelectField(_l("Generation (optional)"), default="", choices=choice_list([("", _l("Prefer not to say")), *((g.value, g.label) for g in Generation)]))
    department = StringField(_l("Department or team (optional)"), validators=[Optional(), Length(max=200)])
    manager_email = StringField(_l("Your manager's e-mail (optional)"), validators=[Optional(), Length(max=320)])
    channels = MultiCheckboxField(_l("How would you like to talk?"), choices=choice_list((c.value, c.label) for c in Channel))
    availability = MultiCheckboxField(_l("When can you usually meet?"), choices=choice_list((b, b) for b in ALL_BLOCKS))
    time_zone = SelectField(_l("Your time zone"), default="", choices=_time_zone_choices())
    languages = MultiCheckboxField(_l("Languages you can use in the programme"), choices=choice_list(COMMON_LANGUAGES.items()))
    other_languages = StringField(_l("Other languages (two-letter codes, e.g. “ta, ms”)"), validators=[Optional(), Length(max=200)])
    interests = StringField(_l("Interests (optional, separated by commas)"), validators=[Optional(), Length(max=800)])
    goals = TextAreaField(_l("What do you want to get out of the programme?"), validators=[
        InputRequired(_l("Describe what you want to get out of the programme.")), Length(max=4000)])
    accepts_ground_rules = BooleanField(_l("I have read the ground rules and the privacy setting above, and I accept them."),
                                        validators=[InputRequired(_l("Accept the ground rules to take part."))])

    skill_fields: tuple[tuple[Any, str], ...] = ()  # (skill, field name), set per cohort

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra_errors: dict[str, list[str]] = {}  # errors of a group, by the id of its fieldset

    @property
    def errors(self) -> dict[Any, Any]:
        return {**super().errors, **self.extra_errors}

    def add_refusal(self, field: str | None, message: str) -> None:
        """Show a service's refusal where it belongs: the skills table, a field, or above the form."""
        if field == "skills":
            self.extra_errors.setdefault("skills", []).append(message)
        else:
            attach_error(self, field, message)

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then the rule that ties role and skills together."""
        valid = super().validate(extra_validators)
        role, kinds = self.role_wanted.data, {row.choice.data for _skill, row in self.skill_rows()}
        if role in ("mentor", "either") and "offered" not in kinds:
            self.extra_errors.setdefault("skills", []).append(_("As a mentor, choose at least one skill you can offer."))
        if role in ("mentee", "either") and "wanted" not in kinds:
            self.extra_errors.setdefault("skills", []).append(_("As a mentee, choose at least one skill you want to learn."))
        return valid and not self.extra_errors

    def validate_time_zone(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_("Choose your time zone from the list."))

    def validate_channels(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_("Choose at least one way to talk."))

    def validate_availability(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_("Choose at least one time of the week when you can meet."))

    def validate_languages(self, field: Any) -> None:
        if not field.data and not parse_language_codes(self.other_languages.data or "")[0]:
            raise ValidationError(_("Choose at least one language you can use."))

    def validate_manager_email(self, field: Any) -> None:
        if field.data and not is_email(field.data.strip()):
            raise ValidationError(_("Give your manager's e-mail address, like name@example.org."))

    def validate_other_languages(self, field: Any) -> None:
        unknown = parse_language_codes(field.data or "")[1]
        if unknown:
            raise ValidationError(_("These are not two-letter ISO 639-1 codes: %(codes)s.", codes=", ".join(unknown)))

    def availability_grid(self) -> list[tuple[str, list[Any]]]:
        """The availability checkboxes as rows of a week: (day label, [morning, afternoon, evening])."""
        options = {option.data: option for option in self.availability}
        return [(_day_name(day), [options[block_code(day, part)] for part in PARTS]) for day in DAYS]

    @staticmethod
    def availability_parts() -> list[tuple[str, str]]:
        """The columns of the availability grid: (part, heading)."""
        return [(part, f"{PART_HEADINGS[part]} {start:02d}-{end:02d}") for part, (start, end) in PARTS.items()]

    def skill_groups(self) -> list[tuple[Any, list[tuple[Any, Any]]]]:
        """The skill rows grouped by catalogue category, in catalogue order."""
        groups: dict[Any, list[tuple[Any, Any]]] = {}
        for skill, row in self.skill_rows():
            groups.setdefault(skill.category, []).append((skill, row))
        return list(groups.items())

    def skill_rows(self) -> list[tuple[Any, Any]]:
        """(catalogue skill, its sub-form) in catalogue order."""
        return [(skill, self[name]) for skill, name in self.skill_fields]

    def to_profile(self) -> ProfileFields:
        """The form's values for the enrolment service."""
        skills = {skill.code: SkillChoice(SkillKind(row.choice.data), int(row.level.data))
                  for skill, row in self.skill_rows() if row.choice.data and row.level.data}
        languages = (*(self.languages.data or ()), *parse_language_codes(self.other_languages.data or "")[0])
        role = RoleWanted(self.role_wanted.data)
        return ProfileFields(
            role_wanted=role, capacity=self.capacity.data if role.can_mentor else None,
            experience_years=float(self.experience_years.data), career_stage=CareerStage(self.career_stage.data),
            generation=Generation(self.generation.data) if self.generation.data else None,
            department=self.department.data, manager_email=self.manager_email.data,
            channels=tuple(Channel(c) for c in self.channels.data or ()), availability=tuple(self.availability.data or ()),
            time_zone=self.time_zone.data or "", languages=tuple(dict.fromkeys(languages)),
            interests=parse_tags(self.interests.data or ""), goals=self.goals.data or "", skills=skills,
            accepts_ground_rules=bool(self.accepts_ground_rules.data),
        )


def enrolment_form(cohort: Cohort, enrolment: Enrolment | None = None) -> EnrolmentFormBase:
    """The form for ``cohort``, filled from ``enrolment`` when editing (submitted values win on POST)."""
    names = tuple((skill, f"skill_{skill.code}") for skill in cohort.skills)
    form_class = type("EnrolmentForm", (EnrolmentFormBase,), {
        "skill_fields": names, **{name: FormField(SkillRow, label=skill.label_shown) for skill, name in names},
    })
    form = form_class(data=_data_of(enrolment) if enrolment else {"capacity": cohort.mentor_capacity})
    form.capacity.validators = [Optional(), NumberRange(1, cohort.mentor_capacity, _("Choose from 1 to %(max)s.", max=cohort.mentor_capacity))]
    return form


def _data_of(enrolment: Enrolment) -> dict[str, Any]:
    common = [code for code in enrolment.languages if code in COMMON_LANGUAGES]
    data: dict[str, Any] = {
        "role_wanted": enrolment.role_wanted.value, "capacity": enrolment.capacity or enrolment.cohort.mentor_capacity,
        "experience_years": enrolment.experience_years, "career_stage": int(enrolment.career_stage),
        "generation": enrolment.generation.value if enrolment.generation else "", "department": enrolment.department,
        "manager_email": enrolment.manager_email, "channels": enrolment.channels, "availability": enrolment.availability,
        "time_zone": enrolment.time_zone, "languages": common, "goals": enrolment.goals,
        "other_languages": ", ".join(code for code in enrolment.languages if code not in COMMON_LANGUAGES),
        "interests": ", ".join(enrolment.interests),
        # accepted already, unless the instructor has changed the rules since (then they are read and ticked again)
        "accepts_ground_rules": enrolment.is_active and enrolment.accepted_current_ground_rules,
    }
    for row in enrolment.skills:
        data[f"skill_{row.skill.code}"] = {"choice": row.kind.value, "level": str(row.level)}
    return data
