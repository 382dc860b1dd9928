"""The programme's words in the reader's language, without the programme knowing where the language comes from.

The programme layer marks its sentences with ``_`` and ``ngettext`` (the same signatures as Flask-Babel's:
named ``%(name)s`` placeholders, ``num`` filled in for plurals) and module-level constants with ``N_``, to be
translated where they are shown (``_(CONSTANT)``). The application installs a translator at start
(``lti_app.i18n``): then a sentence comes out in the language of the request, or of ``in_language(...)`` for
mail. Without one (a script, a unit test) everything is English, dates as people write them: 1 March 2026.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any, Protocol


# The tool's languages, each named in itself (a menu lists them so): English is the source, the rest have catalogues.
LANGUAGES = {"en": "English", "de": "Deutsch", "es": "Español", "fr": "Français"}


def language_of(tag: str | None) -> str | None:
    """The tool's language for an LMS or browser language tag (``de-DE``, ``es_mx``, ``fr``), or None."""
    if not tag:
        return None
    language = tag.replace("_", "-").split("-", 1)[0].strip().lower()
    return language if language in LANGUAGES else None


def reader_language(chosen: str | None, locale: str | None) -> str:
    """The language to write to a person in, away from their browser (a mail): the one they chose
    (``Person.language``), else their LMS's (``Person.locale``, from the launch), else English."""
    return language_of(chosen) or language_of(locale) or "en"


class Translator(Protocol):
    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, num: int) -> str: ...

    def long_date(self, day: date) -> str: ...

    def day_month(self, day: date) -> str: ...

    def day_month_short(self, day: date) -> str: ...

    def month_year(self, day: date) -> str: ...

    def number(self, value: float, grouping: bool = True, *, decimals: int | None = None) -> str: ...

    def percent(self, share: float) -> str: ...

    def join_list(self, items: list[str]) -> str: ...

    def in_language(self, language: str) -> AbstractContextManager[None]: ...


class English:
    """The source language, used until the application installs its translator."""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, num: int) -> str:
        return singular if num == 1 else plural

    def long_date(self, day: date) -> str:
        return f"{day.day} {day:%B %Y}"

    def day_month(self, day: date) -> str:
        return f"{day.day} {day:%B}"

    def day_month_short(self, day: date) -> str:
        return f"{day.day} {day:%b}"

    def month_year(self, day: date) -> str:
        return f"{day:%b %Y}"

    def number(self, value: float, grouping: bool = True, *, decimals: int | None = None) -> str:
        shape = ("," if grouping else "") + ("g" if decimals is None else f".{decimals}f")
        return format(value, shape)

    def percent(self, share: float) -> str:
        return f"{share * 100:.0f}%"

    def join_list(self, items: list[str]) -> str:
        return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}" if items else ""

    @contextmanager
    def in_language(self, language: str) -> Iterator[None]:
        yield


_translator: Translator = English()


def install(translator: Translator) -> None:
    """Make every later sentence go through ``translator`` (the application does this once, at start)."""
    global _translator
    _translator = translator


def _(message: str, **values: Any) -> str:
    """``message`` in the reader's language, its ``%(name)s`` placeholders filled from ``values``."""
    text = _translator.gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, num: int, **values: Any) -> str:
    """The form of the sentence for ``num`` in the reader's language; ``%(num)d`` is ``num``."""
    values.setdefault("num", num)
    return _translator.ngettext(singular, plural, num) % values


def N_(message: str) -> str:  # noqa: N802 (the name extraction tools know)
    """Mark a constant for translation; translate it where it is shown, with ``_(CONSTANT)``."""
    return message


def long_date(day: date) -> str:
    """1 March 2026, or the reader's way of writing it (1. März 2026)."""
    return _translator.long_date(day)


def day_month(day: date) -> str:
    """1 March, or the reader's way of writing it."""
    return _translator.day_month(day)


def day_month_short(day: date) -> str:
    """21 Nov, or the reader's way of writing it (21. Nov.)."""
    return _translator.day_month_short(day)


def month_year(day: date) -> str:
    """Nov 2026 (the month of ``day``), or the reader's way of writing it (Nov. 2026)."""
    return _translator.month_year(day)


def number(value: float, grouping: bool = True, *, decimals: int | None = None) -> str:
    """10,000 (10000 without ``grouping``), 7.5, or the reader's way of writing them (10.000, 7,5); ``decimals``
    fixes the digits after the point (None: as many as the number has)."""
    return _translator.number(value, grouping, decimals=decimals)


def percent(share: float) -> str:
    """A share (0.25) as a whole percentage: 25%, or the reader's way of writing it (25 %)."""
    return _translator.percent(share)


def join_list(items: Iterable[str]) -> str:
    """"a, b and c" in the reader's language."""
    return _translator.join_list(list(items))


def in_language(language: str) -> AbstractContextManager[None]:
    """Write the sentences made inside in ``language`` (a mail to a person who reads another language)."""
    return _translator.in_language(language)
