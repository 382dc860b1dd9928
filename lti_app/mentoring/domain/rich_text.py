"""Rich text that participants write (notes, goal descriptions, reflections), sanitised with nh3 (Ammonia).

What survives: paragraphs, line breaks, emphasis, lists, quotes, headings of level 3-4, code and links
(http, https and mailto only, opened with ``rel="noopener noreferrer nofollow"``). Scripts, styles, event
handlers, images, iframes and every other attribute go. The stored text is the sanitised one, so a page
may mark it safe.
"""
from __future__ import annotations

import html as html_entities
import re

import nh3

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "blockquote", "h3", "h4", "code", "pre", "a",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_TAG = re.compile(r"<[^>]+>")


def sanitise(html: str | None) -> str:
    """The HTML with only the allowed tags and attributes left; plain text stays as it is (escaped)."""
    if not html:
        return ""
    return nh3.clean(html.strip(), tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), link_rel="noopener noreferrer nofollow")


def plain_text(html: str | None) -> str:
    """The words of sanitised HTML without tags (for lengths, summaries and CSV)."""
    return " ".join(html_entities.unescape(_TAG.sub(" ", html or "")).split())


def is_blank(html: str | None) -> bool:
    """True when the text has no words once tags are gone."""
    return not plain_text(html)
