"""Forms of a pair's workspace: the agreement, meetings, tasks, and what all of them share.

Forms that change a shared row carry the ``version`` read; forms that create a row carry a ``form_token``
made when the page was drawn, so a second submit of the same page finds the first row instead of adding one.
The services check every rule again and name the field a refusal belongs to.
"""
from __future__ import annotations

import secrets
from typing import Any

from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from lti_app.mentoring.domain.cohort_settings import CADENCE_CHOICES
from lti_app.mentoring.domain.profile_fields import Channel
from lti_app.mentoring.domain.skills import LEVEL_LABELS
from lti_app.mentoring.models.workspace import Agreement
from lti_app.mentoring.services.agreements import AgreementTerms
from lti_app.mentoring.services.meetings import MeetingFields
from lti_app.mentoring.services.pairs import PairSeat
from lti_app.mentoring.services.tasks import TaskFields
from lti_app.web.forms import DayField, choice_list

CHANNELS = choice_list((c.value, c.label) for c in Channel)
RATINGS = choice_list([("", _l("Choose a rating")), *((str(n), text) for n, text in LEVEL_LABELS.items())])


def new_token() -> str:
    """A fresh token for one drawing of a form that creates something."""
    return secrets.token_urlsafe(24)


def as_int(value: Any) -> int | None:
    """An integer from a hidden or select field, or None when empty or not a number."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def people_choices(seat: PairSeat, blank: str | None = None) -> list:
    """The two partners as choices (you first), optionally after a blank choice."""
    people = [(str(seat.me.id), _("You (%(name)s)", name=seat.me.person.display_name)), (str(seat.partner.id), seat.partner.person.display_name)]
    return choice_list([("", blank), *people] if blank else people)


class VersionForm(FlaskForm):
    """A button that acts on a shared row as read at ``version``."""

    version = HiddenField()


class AgreementForm(FlaskForm):
    """The terms both partners agree; each partner writes their own expectations."""

    channel = RadioField(_l("How do you talk?"), choices=CHANNELS, invalid_choice_message=_l("Choose how you will talk."))
    cadence_days = SelectField(_l("How often do you meet?"), coerce=int, choices=choice_list(CADENCE_CHOICES),
                               invalid_choice_message=_l("Choose how often you meet."))
    confidentiality = BooleanField(_l("What we share stays between us unless we both agree otherwise."))
    no_role_switching = BooleanField(_l("The mentor stays the mentor and the mentee the mentee for the whole programme."))
    expectations = TextAreaField(_l("What you expect from this partnership, in your own words"),
                                 validators=[Length(max=4000, message=_l("Keep it under %(max)d characters."))])
    version = HiddenField()

    @classmethod
    def for_agreement(cls, seat: PairSeat, agreement: Agreement | None, proposed: AgreementTerms) -> AgreementForm:
        """The form filled from the agreement (or the proposed terms); a cadence off the list is offered too."""
        source = agreement or proposed
        data = {"channel": source.channel.value, "cadence_days": source.cadence_days,
                "confidentiality": source.confidentiality, "no_role_switching": source.no_role_switching,
                "expectations": agreement.expectations(seat.role) if agreement else "",
                "version": agreement.version if agreement else ""}
        form = cls(data=data)
        if source.cadence_days not in dict(CADENCE_CHOICES):
            form.cadence_days.choices = choice_list([*CADENCE_CHOICES, (source.cadence_days, ngettext("Every %(num)d day", "Every %(num)d days", source.cadence_days))])
        return form

    def to_terms(self) -> AgreementTerms:
        """The submitted terms for the agreement service."""
        return AgreementTerms(Channel(self.channel.data), int(self.cadence_days.data), bool(self.confidentiality.data),
                              bool(self.no_role_switching.data), self.expectations.data or "")


class MeetingForm(FlaskForm):
    """A meeting held, with action items that become tasks of the person chosen."""

    held_on = DayField(_l("Date of the meeting"), required=False)
    duration_minutes = IntegerField(_l("Length in minutes"), validators=[Optional()])
    channel = SelectField(_l("How you met"), choices=CHANNELS, validate_choice=False)
    topics = TextAreaField(_l("What you talked about"))
    notes = TextAreaField(_l("Notes (optional)"))
    action_items = TextAreaField(_l("Action items (optional, one per line)"))
    action_owner_enrolment_id = SelectField(_l("Who takes the action items?"), validate_choice=False)
    form_token = HiddenField(default=new_token)

    @classmethod
    def for_seat(cls, seat: PairSeat, channel: Channel | None) -> MeetingForm:
        """The form with the agreed channel preselected and the two partners to choose from."""
        form = cls(data={"channel": channel.value if channel else "", "duration_minutes": 45})
        form.action_owner_enrolment_id.choices = people_choices(seat, _("Choose who"))
        return form

    def to_fields(self) -> MeetingFields:
        """The submitted meeting for the meetings service."""
        return MeetingFields(self.held_on.data, self.duration_minutes.data, self.channel.data or "", self.topics.data or "",
                             self.notes.data or "", self.action_items.data or "", as_int(self.action_owner_enrolment_id.data))


class TaskForm(FlaskForm):
    """A task for one of the partners, perhaps for a goal, perhaps due by a date."""

    title = StringField(_l("What is to be done"), validators=[Length(max=300, message=_l("Keep it under %(max)d characters."))])
    owner_enrolment_id = SelectField(_l("Who does it"), validate_choice=False)
    due_on = DayField(_l("Due by (optional)"), required=False)
    goal_id = SelectField(_l("For the goal (optional)"), validate_choice=False)
    form_token = HiddenField(default=new_token)

    @classmethod
    def for_seat(cls, seat: PairSeat, goals: list[Any], goal_id: int | None = None, **kwargs: Any) -> TaskForm:
        """The form with the two partners and the pair's goals to choose from."""
        form = cls(data={"owner_enrolment_id": str(seat.me.id), "goal_id": str(goal_id or "")}, **kwargs)
        form.owner_enrolment_id.choices = people_choices(seat)
        form.goal_id.choices = choice_list([("", _("No goal")), *((str(g.id), g.title) for g in goals)])
        return form

    def to_fields(self) -> TaskFields:
        """The submitted task for the tasks service."""
        return TaskFields(self.title.data or "", as_int(self.owner_enrolment_id.data), self.due_on.data, as_int(self.goal_id.data))

