"""Forms shared by several pages."""
from __future__ import annotations

from typing import Any, Iterable

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from flask_wtf import FlaskForm
from wtforms import DateField, SelectMultipleField
from wtforms.validators import InputRequired, Optional
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: confirms a button press."""


class ShownLabel(LazyString):
    """A choice's label that the programme keeps as an English msgid (``N_``), translated each time it is shown,
    and escaped like any text (Flask-Babel's lazy strings count as markup: a label may hold a person's name)."""

    def __html__(self) -> str:
        return str(escape(str(self)))


def choice_list(pairs: Iterable[tuple[Any, str]], optgroup: str | None = None) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated in WTForms 3.3); a plain-text label is shown in
    the reader's language when the catalogue has it (the programme's ``N_`` constants), as it is otherwise."""
    return [SelectChoice(value, ShownLabel(gettext, label) if type(label) is str else label, optgroup=optgroup)
            for value, label in pairs]


def skill_choices(skills: Iterable[Any]) -> list[SelectChoice]:
    """Skills (a cohort's rows or the catalogue's) as choices by code, each label as the reader reads it
    (``label_shown``) and not looked up in the catalogue again: a skill an instructor added reads as typed."""
    return [SelectChoice(s.code, ShownLabel(str, s.label_shown)) for s in skills]


class DayField(DateField):
    """A date input (the browser's date picker shows it in the person's own format, so no example date is given)
    saying "Choose a date." when it is missing (if required) or unreadable; the error summary names the field:
    "Programme starts on: Choose a date." (templates/macros/forms.html)."""

    def __init__(self, label: Any, *, required: bool = True, **kwargs: Any) -> None:
        message = _l("Choose a date.")
        super().__init__(label, validators=[InputRequired(message) if required else Optional()], format="%Y-%m-%d",
                         **kwargs)
        self.unreadable = message

    def process_formdata(self, valuelist: list[Any]) -> None:
        """The date sent, or the field's own message when it is not one."""
        try:
            super().process_formdata(valuelist)
        except ValueError as unreadable:
            raise ValueError(self.unreadable) from unreadable


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (a multiple select that works for everyone without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def attach_error(form: Any, field: str | None, message: str) -> None:
    """Show a service's refusal next to the field it names, or above the form when it names none."""
    target = getattr(form, field, None) if field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, message]
    else:
        form.form_errors.append(message)
