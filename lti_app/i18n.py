"""Languages: which one a page, a message or a mail is written in, and the tool's translator.

A person's language is, in this order: the one they chose on their page (``Person.language``), the launch's
``locale`` claim (``de-DE`` -> German), the browser's ``Accept-Language``, English. English is written the
British way (1 March 2026), like the tool's own words. Catalogues live in ``lti_app/translations`` (German,
Spanish, French), compiled and kept in the repository; ``make translations`` extracts and compiles them.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import flask_babel
from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, get_datetime_format
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from flask import Flask, g, has_request_context, request

from lti_app.mentoring.domain import texts

if TYPE_CHECKING:
    from lti_app.mentoring.models.person import Person

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LANGUAGES = texts.LANGUAGES
language_of = texts.language_of  # the pages' and the mail's rule is one
ENGLISH_FORMATS = "en_GB"  # the tool's English: 1 March 2026, 24-hour times
babel = flask_babel.Babel()


def language_of_person(person: Person | None) -> str:
    """The language to write to ``person`` in, away from their browser (a mail): their choice, their LMS's, English."""
    return "en" if person is None else texts.reader_language(person.language, person.locale)


def speak_to(person: Person | None = None, *, locale: str | None = None) -> None:
    """From here on, this request speaks ``person``'s language (or the launch's ``locale`` before there is one)."""
    chosen = (language_of(person.language) or language_of(person.locale)) if person is not None else None
    g.rementor_language = chosen or language_of(locale)
    flask_babel.refresh()


def select_locale() -> str:
    """Flask-Babel's locale selector: the person's or launch's language, the browser's, English."""
    language = g.get("rementor_language")
    if language is None and has_request_context():
        language = request.accept_languages.best_match(LANGUAGES)
    return babel_locale(language or "en")


def babel_locale(language: str) -> str:
    return ENGLISH_FORMATS if language == "en" else language


def current_language() -> str:
    """The two-letter language of what is being written now."""
    locale = flask_babel.get_locale()
    return locale.language if locale is not None else "en"


def _formats() -> Locale:
    return flask_babel.get_locale() or Locale.parse(ENGLISH_FORMATS)


def long_date(day: date) -> str:
    """1 March 2026 · 1. März 2026 · 1 de marzo de 2026 · 1 mars 2026."""
    return format_date(day, format="long", locale=_formats())


def day_month(day: date) -> str:
    """1 March · 1. März · 1 de marzo · 1 mars."""
    return format_skeleton("MMMMd", day, locale=_formats())


def utc_moment(moment: datetime) -> str:
    """A moment on the tool's clock, the reader's way and saying so: 7 Dec 2026, 14:08 UTC · 07.12.2026, 14:08 UTC
    (pages for instructors, whose own zone the LMS does not send; naive values are UTC, as stored)."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    locale = _formats()
    day, clock = format_date(moment, "medium", locale=locale), format_time(moment, "short", tzinfo=timezone.utc, locale=locale)
    return get_datetime_format("medium", locale=locale).replace("{1}", day).replace("{0}", clock) + " UTC"


def number(value: float, decimals: int | None = None) -> str:
    """A number on a page, the reader's way: 5,000 · 5.000 · 3.5 · 3,5 (``decimals`` digits after the point)."""
    return texts.number(value, decimals=decimals)


def figure(value: Any) -> Any:
    """One cell of a table of figures as the reader writes it: counts and means by the locale (5.000, 3,5),
    shares as percentages (25 %), days as short dates; a value that knows its own shown form (``shown()``) gives
    it; words as they are."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if hasattr(value, "shown"):
        return value.shown()
    if isinstance(value, (int, float)):
        return texts.number(value)
    if isinstance(value, date):
        return format_date(value, format="medium", locale=_formats())
    return value


def in_sentence(label: Any) -> str:
    """A label as it reads inside a sentence: "Every 2 weeks" -> "every 2 weeks", but German keeps its nouns
    capitalised ("alle 2 Wochen", "Ihr Rollenwunsch: Mentee")."""
    text = str(label)
    return text if current_language() == "de" else text[:1].lower() + text[1:]


class BabelTexts:
    """The programme layer's translator (``lti_app.mentoring.domain.texts``), backed by Flask-Babel."""

    def gettext(self, message: str) -> str:
        return flask_babel.get_translations().ugettext(message)

    def ngettext(self, singular: str, plural: str, num: int) -> str:
        return flask_babel.get_translations().ungettext(singular, plural, num)

    def long_date(self, day: date) -> str:
        return long_date(day)

    def day_month(self, day: date) -> str:
        return day_month(day)

    def day_month_short(self, day: date) -> str:
        return format_skeleton("MMMd", day, locale=_formats())

    def month_year(self, day: date) -> str:
        return format_skeleton("yMMM", day, locale=_formats())

    def join_list(self, items: list[str]) -> str:
        return format_list(items, locale=_formats()) if items else ""

    def number(self, value: float, grouping: bool = True, *, decimals: int | None = None) -> str:
        """5,000 · 5.000 · 61.5 · 61,5: ``decimals`` fixes the digits after the point (None: as many as the number
        has, up to three); without ``grouping`` no thousands separator (10000)."""
        if decimals is None:
            return format_decimal(value, locale=_formats(), group_separator=grouping)
        pattern = ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=_formats())

    def percent(self, share: float) -> str:
        """25% · 25 %: a whole percentage."""
        return format_percent(share, locale=_formats())

    @contextmanager
    def in_language(self, language: str) -> Iterator[None]:
        with flask_babel.force_locale(babel_locale(language_of(language) or "en")):
            yield


def page_language() -> dict[str, Any]:
    """``<html lang dir>`` and the language menu's choices, for every template."""
    locale = _formats()
    return {
        "page_lang": str(locale).replace("_", "-"),
        "page_dir": "rtl" if locale.character_order == "right-to-left" else "ltr",
        "languages": LANGUAGES,
    }


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(long_date=long_date, day_month=day_month, in_sentence=in_sentence, number=number,
                                  figure=figure, percent=texts.percent, utc_moment=utc_moment)
    app.context_processor(page_language)

    @app.before_request
    def forget_last_requests_language() -> None:
        # an app context a test keeps open spans requests: each request chooses its language again
        g.pop("rementor_language", None)
        flask_babel.refresh()

    texts.install(BabelTexts())
