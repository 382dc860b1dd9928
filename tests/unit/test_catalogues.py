"""Every catalogue translates every string of the source, with the English placeholders, and is compiled."""
from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from lti_app.catalogues import problems, source_catalog
from lti_app.i18n import LANGUAGES, TRANSLATIONS

TRANSLATED = sorted(set(LANGUAGES) - {"en"})


@pytest.fixture(scope="module")
def source():
    return source_catalog()


def _catalog(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_translates_every_string_with_the_same_placeholders(source, language):
    assert len(source) > 0
    assert problems(source, _catalog(language)) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_the_catalogue(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        compiled = {_plain(m.id): _plain(m.string) for m in read_mo(mo) if m.id}
    written = {_plain(m.id): _plain(m.string) for m in _catalog(language) if m.id and not m.fuzzy}
    assert compiled == written, "run `make translations` to compile the catalogues"


def _plain(value):
    """A plural message's forms as a tuple, whichever reader gave them (the .mo reader gives lists)."""
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _english(*messages) -> Catalog:
    catalog = Catalog()
    for message in messages:
        catalog.add(message)
    return catalog


def _translated(language="de", **strings) -> Catalog:
    catalog = Catalog(locale=language)
    for message, string in strings.items():
        catalog.add(message, string)
    return catalog


def test_self_check_a_missing_an_empty_a_stale_and_a_changed_placeholder_are_reported():
    source = _english("Save", "Hello %(name)s", "Cancel", "Open")
    catalog = Catalog(locale="de")
    catalog.add("Save", "Speichern")
    catalog.add("Hello %(name)s", "Hallo %(person)s")
    catalog.add("Open", "")
    catalog.add("Gone", "Weg")
    found = problems(source, catalog)
    assert any("missing: 'Cancel'" in p for p in found)
    assert any("placeholders differ: 'Hello %(name)s'" in p for p in found)
    assert any("untranslated: 'Open'" in p for p in found)
    assert any("not in the source any more: 'Gone'" in p for p in found)
    assert not any("'Save'" in p for p in found)


def test_self_check_plural_forms_may_leave_out_the_number_but_never_change_a_placeholder():
    source = Catalog()
    source.add(("%(num)d pair", "%(num)d pairs"))
    good = Catalog(locale="de")
    good.add(("%(num)d pair", "%(num)d pairs"), ("ein Tandem", "%(num)d Tandems"))
    assert problems(source, good) == []
    bad = Catalog(locale="de")
    bad.add(("%(num)d pair", "%(num)d pairs"), ("%(n)d Tandem", "%(num)d Tandems"))
    assert problems(source, bad)
    fuzzy = Catalog(locale="de")
    fuzzy.add(("%(num)d pair", "%(num)d pairs"), ("ein Tandem", "%(num)d Tandems"), flags=["fuzzy"])
    assert any(p.startswith("fuzzy") for p in problems(source, fuzzy))
