"""A person's choice of language for the tool, kept with the person (it holds in every course of theirs)."""
from __future__ import annotations

from lti_app.extensions import db
from lti_app.mentoring.domain.texts import LANGUAGES, _
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.person import Person


def choose_language(person_id: int, language: str | None) -> Person:
    """Keep ``language`` for this person (flushes); None or "" goes back to the LMS's language. Refuses others."""
    chosen = language or None
    if chosen is not None and chosen not in LANGUAGES:
        raise InvalidInput(_("Choose one of the languages listed."), field="language")
    person = db.session.get(Person, person_id)
    if person is None:
        raise NotFound(_("This person is not known here."))
    person.language = chosen
    db.session.flush()
    return person
