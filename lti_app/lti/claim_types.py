"""The JSON type of every claim the tool reads (LTI 1.3 core §5.1-5.4, AGS §3.1, NRPS §3.6.1, Deep Linking §4.4).

A launch body is checked in two steps, both here. Before the signature only the claims that find the
registration and those PyJWT reads while checking the signature (``TOKEN_CLAIMS``): ``Platform.find`` and the signature check then see plain
strings and numbers. After the signature every other claim the tool reads (``MESSAGE_CLAIMS``).

A claim marked REFUSE whose value has the wrong type refuses the launch (``InvalidClaim``): it says who launches,
where, what kind of launch it is or where the answer goes. One marked IGNORE (names, presentation, optional
services) is dropped and the launch goes on as if the platform had not sent it. JSON null counts as absent; the
presence checks (``messages.py``) decide about absent claims. A string must fit the column it is kept in, and hold
no NUL character or lone surrogate (PostgreSQL and UTF-8 cannot store them).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from lti_app.lti import claims as c
from lti_app.lti import errors

REFUSE, IGNORE = "refuse", "ignore"
_DROP: Any = object()


def is_text(value: Any, max_length: int = 255) -> bool:
    """A string of at most ``max_length`` characters that a database and a page can hold."""
    if not isinstance(value, str) or len(value) > max_length or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800"), which JSON can carry
        return False
    return True


def is_http_url(value: Any, max_length: int = 2000) -> bool:
    """An absolute http(s) URL with a host."""
    if not is_text(value, max_length):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:  # "http://[", "http://host:port"
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _is_number(value: Any, _: int) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_texts(value: Any, max_length: int) -> bool:
    return isinstance(value, list) and all(is_text(v, max_length) for v in value)


def _is_audience(value: Any, max_length: int) -> bool:
    return is_text(value, max_length) or (bool(value) and _is_texts(value, max_length))


def _is_scalar(value: Any, max_length: int) -> bool:
    return is_text(value, max_length) or _is_number(value, max_length) or isinstance(value, bool)


_FITS: dict[str, Callable[[Any, int], bool]] = {
    "string": is_text,
    "url": is_http_url,
    "strings": _is_texts,
    "audience": _is_audience,
    "number": _is_number,
    "flag": lambda v, _: isinstance(v, bool) or v in ("true", "false"),
    "scalar": _is_scalar,
    "object": lambda v, _: isinstance(v, dict),
    "any": lambda v, _: True,
}
# What a refusal says a claim of each kind must be (the claim's short name as %(claim)s); "any" is never refused.
_MUST_BE: dict[str, Callable[[str], LazyString]] = {
    "string": lambda claim: _l("The launch's %(claim)s must be a string.", claim=claim),
    "url": lambda claim: _l("The launch's %(claim)s must be an http(s) URL.", claim=claim),
    "strings": lambda claim: _l("The launch's %(claim)s must be a list of strings.", claim=claim),
    "audience": lambda claim: _l("The launch's %(claim)s must be a string or a list of strings.", claim=claim),
    "number": lambda claim: _l("The launch's %(claim)s must be a number.", claim=claim),
    "flag": lambda claim: _l("The launch's %(claim)s must be true or false.", claim=claim),
    "scalar": lambda claim: _l("The launch's %(claim)s must be a string, a number or true/false.", claim=claim),
    "object": lambda claim: _l("The launch's %(claim)s must be an object.", claim=claim),
}


@dataclass(frozen=True)
class Expect:
    """What one claim, or one member of an object claim, must be; and what a wrong value does."""

    kind: str
    wrong: str = REFUSE
    max_length: int = 255
    members: Mapping[str, Expect] = field(default_factory=dict)  # an object's members the tool reads
    each: Expect | None = None  # an object whose every member must be this (custom parameters)


def _text(wrong: str = IGNORE, max_length: int = 255) -> Expect:
    return Expect("string", wrong, max_length)


def _url(wrong: str = IGNORE, max_length: int = 1000) -> Expect:
    return Expect("url", wrong, max_length)


TOKEN_CLAIMS: dict[str, Expect] = {
    "iss": _text(REFUSE), "aud": Expect("audience"), "azp": _text(REFUSE), "sub": _text(REFUSE), "jti": _text(REFUSE),
    "exp": Expect("number"), "iat": Expect("number"), "nbf": Expect("number"),
}

MESSAGE_CLAIMS: dict[str, Expect] = {
    "nonce": _text(REFUSE), c.DEPLOYMENT_ID: _text(REFUSE),
    c.MESSAGE_TYPE: _text(REFUSE), c.VERSION: _text(REFUSE), c.TARGET_LINK_URI: _url(REFUSE, 2000),
    c.ROLES: Expect("strings", max_length=1000),
    c.CONTEXT: Expect("object", members={
        "id": _text(REFUSE), "title": _text(max_length=500), "label": _text(), "type": Expect("strings", IGNORE, 1000),
    }),
    c.RESOURCE_LINK: Expect("object", members={"id": _text(REFUSE), "title": _text(max_length=1000)}),
    "name": _text(), "given_name": _text(), "family_name": _text(), "email": _text(max_length=320),
    "locale": _text(max_length=35),
    c.LAUNCH_PRESENTATION: Expect("object", IGNORE, members={
        "document_target": _text(), "return_url": _url(max_length=2000), "locale": _text(max_length=35),
    }),
    c.CUSTOM: Expect("object", IGNORE, each=Expect("scalar", IGNORE, 4000)),
    c.AGS_ENDPOINT: Expect("object", IGNORE, members={
        "scope": Expect("strings", IGNORE, 1000), "lineitems": _url(), "lineitem": _url(),
    }),
    c.NRPS_SERVICE: Expect("object", IGNORE, members={
        "context_memberships_url": _url(), "service_versions": Expect("strings", IGNORE),
    }),
    c.DEEP_LINKING_SETTINGS: Expect("object", members={
        "deep_link_return_url": _url(REFUSE, 2000), "accept_types": Expect("strings"),
        "accept_presentation_document_targets": Expect("strings", IGNORE), "accept_multiple": Expect("flag", IGNORE),
        "auto_create": Expect("flag", IGNORE), "title": _text(max_length=1000), "text": _text(max_length=4000),
        "data": Expect("any"),
    }),
    c.TOOL_PLATFORM: Expect("object", IGNORE, members={
        "guid": _text(), "name": _text(), "product_family_code": _text(), "version": _text(), "url": _url(max_length=2000),
    }),
}


def label(name: str) -> str:
    """A claim's short name for people: ``context`` for https://purl.imsglobal.org/spec/lti/claim/context."""
    return name.rsplit("/", 1)[-1] if name.startswith("https://") else name


def _described(value: Any, expect: Expect) -> LazyString:
    """What a refused value is, in one sentence (never the value itself: it may be megabytes)."""
    if isinstance(value, str):
        if len(value) > expect.max_length:
            return _l("It is a string of %(length)s characters (at most %(max)s).", length=len(value),
                      max=expect.max_length)
        if expect.kind == "url":
            return _l("It is a string that is not an http(s) URL.")
        return _l("It is a string the tool cannot store.")
    if isinstance(value, bool):
        return _l("It is true or false.")
    if isinstance(value, (int, float)):
        return _l("It is a number.")
    return _l("It is a list.") if isinstance(value, list) else _l("It is an object.")


def refused_claim(name: str, value: Any, expect: Expect) -> LazyString:
    """The refusal's two whole sentences: what the claim must be, then what it is."""
    must_be = _MUST_BE[expect.kind](name)
    return LazyString(lambda: f"{must_be} {_described(value, expect)}")


def _checked(value: Any, expect: Expect, name: str) -> Any:
    """``value`` checked (members too), or _DROP for an ignored wrong value; InvalidClaim for a refused one."""
    if not _FITS[expect.kind](value, expect.max_length):
        if expect.wrong == IGNORE:
            return _DROP
        raise errors.InvalidClaim(refused_claim(name, value, expect))
    if expect.kind != "object":
        return value
    members = dict.fromkeys(value, expect.each) if expect.each else expect.members
    return checked(value, members, prefix=name + ".")  # type: ignore[arg-type]


def checked(body: Mapping[str, Any], schema: Mapping[str, Expect], prefix: str = "") -> dict[str, Any]:
    """``body`` with each claim of ``schema`` checked: nulls and ignored wrong values dropped, refused ones raised."""
    kept = dict(body)
    for name, expect in schema.items():
        value = kept.pop(name, None)
        if value is None:
            continue
        value = _checked(value, expect, prefix + label(name))
        if value is not _DROP:
            kept[name] = value
    return kept
