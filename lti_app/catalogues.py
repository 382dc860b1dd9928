"""The translation catalogues, checked against the source: every string translated, placeholders kept.

``make translations`` extracts the strings marked in ``lti_app`` and ``templates`` (``babel.cfg``) into
``lti_app/translations/messages.pot``, updates each language's ``messages.po`` and compiles ``messages.mo``;
``tests/unit/test_catalogues.py`` fails when a catalogue misses a string, keeps an old one, has a fuzzy
translation, or changes a placeholder.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "N_": None,
            "ngettext": (1, 2), "lazy_ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")


def source_catalog(root: Path = ROOT) -> Catalog:
    """Every string marked for translation in the checkout, as a template catalogue."""
    with open(root / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    catalog = Catalog(project="ReMentor", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(root), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def placeholders(text: str) -> list[str]:
    """The %-placeholders of a message, ``%%`` left out, sorted (order may change in a translation)."""
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text.replace("%%", "")))


def problems(source: Catalog, catalog: Catalog) -> list[str]:
    """What keeps ``catalog`` from translating ``source``: missing, empty, fuzzy, stale or changed placeholders."""
    found = []
    for message in source:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        translated = catalog.get(key, context=message.context)
        if translated is None:
            found.append(f"missing: {key!r}")
            continue
        found.extend(_translation_problems(message, translated))
    wanted = {(m.id if isinstance(m.id, str) else m.id[0]) for m in source if m.id}
    found.extend(f"not in the source any more: {m.id if isinstance(m.id, str) else m.id[0]!r}"
                 for m in catalog if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in wanted)
    return found


def _translation_problems(english: Message, translated: Message) -> Iterable[str]:
    key = english.id if isinstance(english.id, str) else english.id[0]
    forms = [translated.string] if isinstance(translated.string, str) else list(translated.string)
    if translated.fuzzy:
        yield f"fuzzy: {key!r}"
    if not all(forms):
        yield f"untranslated: {key!r}"
        return
    if isinstance(english.id, str):
        if isinstance(translated.string, tuple):
            yield f"plural forms for a singular message: {key!r}"
        elif placeholders(translated.string) != placeholders(english.id):
            yield f"placeholders differ: {key!r} {placeholders(english.id)} vs {translated.string!r}"
        return
    if not isinstance(translated.string, tuple):
        yield f"a plural message without its forms: {key!r}"
        return
    allowed = set(placeholders(english.id[0])) | set(placeholders(english.id[1]))
    plural = placeholders(english.id[1])
    for form in forms:
        # a form may leave out the number (German "ein Tandem"), never add or rename a placeholder
        if not set(placeholders(form)) <= allowed:
            yield f"placeholders differ: {key!r} {plural} vs {form!r}"
    if placeholders(forms[-1]) != plural:
        yield f"placeholders differ: {key!r} {plural} vs {forms[-1]!r}"
