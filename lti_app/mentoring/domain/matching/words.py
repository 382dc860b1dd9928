"""The matching's sentences kept language-neutral: the English msgid and its values, written out when read.

Explanations and the reasons why someone is unpaired are kept (in the shared cache, in a pair's stored explanation,
on a background run) and read later by people who may read other languages. So they are kept as a `Phrase`: the
msgid (and its plural), the number that chooses the plural form, and the values, each a plain text (a name, a label
somebody wrote), a `Number`, a `Listed` list (joined the reader's way: "a, b and c") or another `Phrase`. `text()`
writes one out in the reader's language (``texts``); `to_json` / `from_json` keep one in a JSON column.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Union

from lti_app.mentoring.domain import texts


@dataclass(frozen=True, slots=True)
class Number:
    """A number in a sentence, written the reader's way: 5,000 / 5.000; ``decimals`` None: as few as needed."""

    value: float
    decimals: int | None = 0

    def text(self) -> str:
        return number_text(self.value, self.decimals)


@dataclass(frozen=True, slots=True)
class Listed:
    """Items joined the reader's way ("a, b and c")."""

    items: tuple[Value, ...]

    def text(self) -> str:
        return texts.join_list([shown(item) for item in self.items])


@dataclass(frozen=True, slots=True)
class Phrase:
    """A sentence (or part of one) as its English msgid and values; ``capital``: start it with a capital letter."""

    msgid: str
    values: tuple[tuple[str, Value], ...] = ()
    plural: str | None = None
    num: int | None = None
    capital: bool = False

    def text(self) -> str:
        """The sentence in the reader's language."""
        values = {name: shown(value) for name, value in self.values}
        if self.plural is not None:
            num = int(self.num or 0)
            values.setdefault("num", number_text(num, 0))  # %(num)s: written the reader's way
            said = texts._translator.ngettext(self.msgid, self.plural, num) % values  # num: already written
        else:
            said = texts._(self.msgid, **values)
        return said[:1].upper() + said[1:] if self.capital else said

    def __str__(self) -> str:
        return self.text()


Value = Union[str, Number, Listed, Phrase]


def phrase(msgid: str, **values: Any) -> Phrase:
    """``Phrase(msgid)`` with values given by name (ints become `Number`s); mark the msgid with ``N_``."""
    return Phrase(msgid, _values(values))


def ngettext(singular: str, plural_msgid: str, num: int, **values: Any) -> Phrase:
    """A phrase with a plural form chosen by ``num`` (``%(num)s`` in it is ``num``, written the reader's way).
    Named so that the extraction finds both forms."""
    return Phrase(singular, _values(values), plural_msgid, int(num))


def sentence(msgid: str, **values: Any) -> Phrase:
    """A phrase that starts a sentence (a name or "your partner" at its start gets a capital letter)."""
    return Phrase(msgid, _values(values), capital=True)


def _values(values: Mapping[str, Any]) -> tuple[tuple[str, Value], ...]:
    return tuple((name, Number(v) if isinstance(v, int) and not isinstance(v, bool) else v)
                 for name, v in values.items())


def shown(value: Value) -> str:
    """A value as the reader reads it."""
    return value if isinstance(value, str) else value.text()


def number_text(value: float, decimals: int | None = 0) -> str:
    """5,000 · 55 · 61.5, the reader's way when the application has installed a translator that knows numbers."""
    return texts.number(value, decimals=decimals)


def listed(items: Iterable[Value]) -> Listed:
    return Listed(tuple(items))


# JSON: a Phrase is {"msgid": ..., "values": {...}} (with "plural", "num", "capital" when it has them); a Number
# {"number": x, "decimals": d}; a Listed {"list": [...]}; a plain text stays a string.

def to_json(value: Value) -> Any:
    """The JSON form of a phrase or value."""
    if isinstance(value, str):
        return value
    return _json(value)


@lru_cache(maxsize=1 << 14)
def _json(value: Number | Listed | Phrase) -> Any:
    if isinstance(value, Number):
        return {"number": value.value, "decimals": value.decimals}
    if isinstance(value, Listed):
        return {"list": [to_json(item) for item in value.items]}
    found: dict[str, Any] = {"msgid": value.msgid, "values": {name: to_json(v) for name, v in value.values}}
    if value.plural is not None:
        found |= {"plural": value.plural, "num": value.num}
    if value.capital:
        found["capital"] = True
    return found


def from_json(data: Any) -> Value:
    """A phrase or value from its JSON form."""
    if isinstance(data, str):
        return data
    if "number" in data:
        return Number(data["number"], data.get("decimals", 0))
    if "list" in data:
        return Listed(tuple(from_json(item) for item in data["list"]))
    return Phrase(data["msgid"], tuple((name, from_json(v)) for name, v in dict(data.get("values") or {}).items()),
                  data.get("plural"), data.get("num"), bool(data.get("capital")))


def stored_text(data: Any) -> str:
    """A kept phrase (its JSON form, or a plain msgid kept before phrases were) in the reader's language."""
    if data is None:
        return ""
    if isinstance(data, str):
        return texts._(data)
    return shown(from_json(data))
