"""Forms of the choosing pages: request a mentor, answer a request, rank the other side.

The ranking form has one select per candidate, so ``ranking_form(choices)`` builds its class per page.
"""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from lti_app.mentoring.models.matching_choice import MESSAGE_LENGTH
from lti_app.mentoring.services.mutual_ranking import RankingChoices
from lti_app.web.forms import choice_list


class RequestForm(FlaskForm):
    """Ask one mentor, with an optional short message."""

    mentor_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(_l("Choose a mentor."))])
    message = TextAreaField(_l("A short message (optional)"), validators=[
        Optional(), Length(max=MESSAGE_LENGTH, message=_l("Keep the message under %(max)d characters."))])


class AnswerForm(FlaskForm):
    """A button on one request (its id travels in the form): withdraw it, or answer it as the page showed it."""

    request_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(_l("Choose a request."))])
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class RankingFormBase(FlaskForm):
    """One rank select per candidate; ``ranks()`` gives enrolment id → rank for the ones ranked."""

    def rank_fields(self) -> list:
        """The rank selects, in the order the page lists the candidates."""
        return [self[name] for name in self.field_names]

    def ranks(self) -> dict[int, int]:
        """Enrolment id → rank, for each candidate given a rank."""
        return {int(name.removeprefix("rank_")): int(self[name].data) for name in self.field_names if self[name].data}


def ranking_form(choices: RankingChoices) -> RankingFormBase:
    """A ranking form for these candidates, filled with the ranks already given (on POST the submitted ones win)."""
    options = choice_list([("", _("Not ranked")), *((str(n), _("Choice %(rank)s", rank=n)) for n in range(1, choices.limit + 1))])
    names = [f"rank_{c.person_id}" for c in choices.candidates]
    fields = {name: SelectField(_("Your rank for %(name)s", name=choices.names[c.person_id]), choices=options)
              for name, c in zip(names, choices.candidates)}
    form_class = type("RankingForm", (RankingFormBase,), {**fields, "field_names": names})
    data = {f"rank_{person}": str(rank) for person, rank in choices.ranks.items() if rank <= choices.limit}
    return form_class(data=data)
