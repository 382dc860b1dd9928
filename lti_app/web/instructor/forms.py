"""Instructor forms: a cohort's settings, moving a participant, filtering the participant list."""
from __future__ import annotations

import uuid
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from lti_app.mentoring.domain import enrol_reminders
from lti_app.mentoring.domain.cohort_settings import CADENCE_CHOICES, DEFAULT_GROUND_RULES, PrivacySetting
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus, RoleWanted
from lti_app.mentoring.domain.skills import DEFAULT_CATALOGUE, SkillCategory
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.services.cohorts import CohortFields
from lti_app.mentoring.services.completion import StandingFilter
from lti_app.mentoring.services.grading import SUBMISSION_STATES, SubmissionFilter
from lti_app.mentoring.services.pair_health import ATTENTION, PAIR_STATES, PairFilter
from lti_app.mentoring.services.participants import ParticipantFilter, clean_search
from lti_app.web.forms import DayField, MultiCheckboxField, choice_list, skill_choices

def _date(label) -> DayField:
    return DayField(label)


class CohortForm(FlaskForm):
    """A cohort's settings."""

    name = StringField(_l("Name"), validators=[InputRequired(_l("Give the cohort a name.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    enrolment_opens_on = _date(_l("Enrolment opens on"))
    enrolment_closes_on = _date(_l("Enrolment closes on"))
    starts_on = _date(_l("Programme starts on"))
    ends_on = _date(_l("Programme ends on"))
    meeting_cadence_days = SelectField(_l("Meeting cadence"), choices=choice_list(CADENCE_CHOICES), coerce=int, default=14)
    feedback_interval_days = IntegerField(
        _l("Feedback every (days)"), default=30,
        validators=[Optional(), NumberRange(7, 92, _l("Choose from 7 to 92 days."))],  # empty: every 30 days
    )
    quiet_after_days = IntegerField(
        _l("Propose closing a pair after (days without activity)"), default=90,
        validators=[Optional(), NumberRange(14, 365, _l("Choose from 14 to 365 days."))],  # empty: 90 days
    )
    quiet_warning_days = IntegerField(
        _l("Warn the pair (days before)"), default=7,
        validators=[Optional(), NumberRange(1, 30, _l("Choose from 1 to 30 days."))],  # empty: 7 days
    )
    inactivity_days = IntegerField(
        _l("Nudge a pair after (days without activity)"),
        validators=[Optional(), NumberRange(1, 365, _l("Choose from 1 to 365 days."))],  # empty: MAIL_INACTIVITY_DAYS
    )
    mentor_capacity = IntegerField(
        _l("Mentees per mentor"), default=2,
        validators=[InputRequired(_l("Say how many mentees a mentor may take.")), NumberRange(1, 20, _l("Choose from 1 to 20."))],
    )
    mentors_per_mentee = IntegerField(
        _l("Mentors per mentee"), default=1,
        validators=[InputRequired(_l("Say how many mentors a mentee may have.")), NumberRange(1, 5, _l("Choose from 1 to 5."))],
    )
    skill_codes = MultiCheckboxField(_l("Skills from the catalogue"), choices=choice_list((s.code, s.label) for s in DEFAULT_CATALOGUE))
    custom_skills = TextAreaField(_l("Your own skills, one per line"), validators=[Optional(), Length(max=4000)])
    ground_rules = TextAreaField(
        _l("Ground rules"), default=lambda: _(DEFAULT_GROUND_RULES),  # in the instructor's language
        validators=[InputRequired(_l("Write the ground rules participants accept.")), Length(max=8000)],
    )
    privacy = RadioField(
        _l("What instructors may read of a pair's notes"), default=PrivacySetting.STATUS_ONLY.value,
        choices=choice_list((p.value, p.label) for p in PrivacySetting), validators=[InputRequired(_l("Choose a privacy setting."))],
    )

    def catalogue_groups(self) -> list[tuple[SkillCategory, list[Any]]]:
        """The skill checkboxes grouped by category, in catalogue order."""
        category_of = {s.code: s.category for s in DEFAULT_CATALOGUE}
        groups: dict[SkillCategory, list[Any]] = {}
        for option in self.skill_codes:
            groups.setdefault(category_of[option.data], []).append(option)
        return list(groups.items())

    @staticmethod
    def privacy_hints() -> dict[str, str]:
        """The plain-words explanation of each privacy setting, by value."""
        return {p.value: p.explanation for p in PrivacySetting}

    def to_fields(self) -> CohortFields:
        """The form's values for the cohort services."""
        return CohortFields(
            name=self.name.data or "", description=self.description.data or "",
            enrolment_opens_on=self.enrolment_opens_on.data, enrolment_closes_on=self.enrolment_closes_on.data,
            starts_on=self.starts_on.data, ends_on=self.ends_on.data,
            meeting_cadence_days=self.meeting_cadence_days.data, feedback_interval_days=self.feedback_interval_days.data or 30,
            quiet_after_days=self.quiet_after_days.data or 90, quiet_warning_days=self.quiet_warning_days.data or 7,
            inactivity_days=self.inactivity_days.data,
            mentor_capacity=self.mentor_capacity.data,
            mentors_per_mentee=self.mentors_per_mentee.data, ground_rules=self.ground_rules.data or "",
            privacy=PrivacySetting(self.privacy.data), skill_codes=tuple(self.skill_codes.data or ()),
            custom_skill_labels=tuple((self.custom_skills.data or "").splitlines()),
        )

    @classmethod
    def for_cohort(cls, cohort: Cohort) -> CohortForm:
        """The form filled with a cohort's settings (the submitted values win on POST)."""
        data = {name: getattr(cohort, name) for name in (
            "name", "description", "enrolment_opens_on", "enrolment_closes_on", "starts_on", "ends_on",
            "meeting_cadence_days", "feedback_interval_days", "quiet_after_days", "quiet_warning_days", "inactivity_days",
            "mentor_capacity", "mentors_per_mentee", "ground_rules")}
        data["privacy"] = cohort.privacy.value
        data["skill_codes"] = [s.code for s in cohort.skills if s.category is not SkillCategory.CUSTOM]
        data["custom_skills"] = "\n".join(s.label for s in cohort.skills if s.category is SkillCategory.CUSTOM)
        form = cls(data=data)
        kept = {s.code: s for s in cohort.skills if s.category is not SkillCategory.CUSTOM}
        form.skill_codes.choices = skill_choices(kept.get(s.code, s) for s in DEFAULT_CATALOGUE)  # as this cohort words them
        return form

    @classmethod
    def from_fields(cls, fields: CohortFields) -> CohortForm:
        """The form filled with plain cohort values (a copy's, before the instructor changes them)."""
        data = {name: getattr(fields, name) for name in (
            "name", "description", "enrolment_opens_on", "enrolment_closes_on", "starts_on", "ends_on",
            "meeting_cadence_days", "feedback_interval_days", "quiet_after_days", "quiet_warning_days", "inactivity_days",
            "mentor_capacity", "mentors_per_mentee", "ground_rules")}
        data |= {"privacy": fields.privacy.value, "skill_codes": list(fields.skill_codes),
                 "custom_skills": "\n".join(fields.custom_skill_labels)}
        return cls(data=data)

    @classmethod
    def new(cls) -> CohortForm:
        """An empty form with the default catalogue ticked."""
        return cls(data={"skill_codes": [s.code for s in DEFAULT_CATALOGUE]})


class ReminderForm(FlaskForm):
    """A reminder to the roster's learners who have not enrolled: written, previewed, then sent. ``token`` names
    this reminder (a double submit sends it once); ``to`` carries the LMS user ids the preview listed."""

    subject = StringField(_l("Subject"), validators=[InputRequired(_l("Write a subject.")), Length(max=enrol_reminders.MAX_SUBJECT)])
    body = TextAreaField(_l("Message"), validators=[InputRequired(_l("Write the reminder first.")),
                                                Length(max=enrol_reminders.MAX_BODY)])
    token = HiddenField(validators=[InputRequired(), Regexp(rf"^{enrol_reminders.TOKEN.pattern}$")])
    to = HiddenField(validators=[Optional(), Length(max=200_000)])

    @classmethod
    def fresh(cls, cohort: Cohort) -> ReminderForm:
        """The form as first shown: the subject and message prefilled, a new token."""
        return cls(formdata=None, data={
            "subject": enrol_reminders.default_subject(cohort.name),
            "body": enrol_reminders.default_body(cohort.name, cohort.enrolment_closes_on),
            "token": uuid.uuid4().hex})

    def recipients(self) -> set[str]:
        return {part for part in (self.to.data or "").split("\n") if part}


class MoveForm(FlaskForm):
    """Move a participant to another cohort of the course."""

    target = SelectField(_l("Move to cohort"), coerce=int, validators=[InputRequired(_l("Choose a cohort."))])


class ListFilterForm(FlaskForm):
    """The filters of a long list: a GET form (no CSRF token needed to read) with a search by name."""

    class Meta:
        csrf = False

    q = StringField(_l("Search by name or e-mail"), default="")

    @property
    def search(self) -> str:
        """The search as typed, tidied (empty: no search)."""
        return clean_search(self.q.data)

    def chosen(self, field: SelectField) -> str | None:
        """The value picked in ``field`` when it is one of its choices (anything else reads as 'any')."""
        return field.data if field.data and field.data in {c.value for c in field.choices} else None


class ParticipantFilterForm(ListFilterForm):
    """Filters of the participant list: role, status, skill, search."""

    role = SelectField(_l("Role wanted"), choices=choice_list([("", _l("Any role")), *((r.value, r.label) for r in RoleWanted)]), default="")
    status = SelectField(_l("Status"), choices=choice_list([("", _l("Any status")), *((s.value, s.label) for s in EnrolmentStatus)]), default="")
    skill = SelectField(_l("Skill"), default="")

    def to_filter(self) -> ParticipantFilter:
        """The chosen filters (unknown values count as 'any')."""
        role, status = self.chosen(self.role), self.chosen(self.status)
        return ParticipantFilter(role=RoleWanted(role) if role else None, status=EnrolmentStatus(status) if status else None,
                                 skill_code=self.chosen(self.skill), search=self.search)


class StandingFilterForm(ListFilterForm):
    """Filters of the completion list: completed or not, search."""

    state = SelectField(_l("Completion"), default="", choices=choice_list(
        [("", _l("Everyone")), ("completed", _l("Completed")), ("not_completed", _l("Not completed"))]))

    def to_filter(self) -> StandingFilter:
        """The chosen filters."""
        state = self.chosen(self.state)
        return StandingFilter(completed=None if state is None else state == "completed", search=self.search)


class SubmissionFilterForm(ListFilterForm):
    """Filters of an assignment's submissions: submitted, graded or missing, search."""

    state = SelectField(_l("Reflection"), default="", choices=choice_list([("", _l("Everyone")), *SUBMISSION_STATES.items()]))

    def to_filter(self) -> SubmissionFilter:
        """The chosen filters."""
        return SubmissionFilter(state=self.chosen(self.state), search=self.search)


class PairFilterForm(ListFilterForm):
    """Filters of the pair health list: active or ended, needing attention, search (either partner)."""

    status = SelectField(_l("Status"), default="", choices=choice_list([("", _l("Any status")), *PAIR_STATES.items()]))
    attention = SelectField(_l("Needs attention"), default="", choices=choice_list([("", _l("Any pair")), *ATTENTION.items()]))

    def to_filter(self) -> PairFilter:
        """The chosen filters."""
        return PairFilter(status=self.chosen(self.status), attention=self.chosen(self.attention), search=self.search)
