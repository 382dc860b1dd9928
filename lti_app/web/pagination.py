"""The page number of a paginated list, read from the query string (``?page=3``) without ever failing."""
from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import format_number, gettext as _, ngettext

from lti_app.mentoring.services.paging import MAX_PAGE, Page


def requested_page() -> int:
    """The ``page`` argument as a positive number; anything else (missing, text, negative, huge) reads as 1 or the last."""
    raw = request.args.get("page", "")
    if not raw.isdigit():
        return 1
    return max(1, min(int(raw[:8]), MAX_PAGE))


def page_url(number: int, **overrides: Any) -> str:
    """This page's URL with the same filters and another page number."""
    args = {**request.args.to_dict(), **overrides, "page": number}
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def _sentences(noun_many: str, total: int, numbers: dict[str, str]) -> tuple[str, str, str]:
    """A list's count as whole sentences (no rows; all on one page; one page of several), by the noun a template
    names its rows by. A list of anything else needs its own sentences here (gluing a noun would not translate)."""
    one_page = {"count": numbers["total"]}  # ngettext's own num is the bare number
    if noun_many == "people":
        return (_("No people."), ngettext("%(count)s person.", "%(count)s people.", total, **one_page),
                _("%(first)s–%(last)s of %(total)s people.", **numbers))
    if noun_many == "pairs":
        return (_("No pairs."), ngettext("%(count)s pair.", "%(count)s pairs.", total, **one_page),
                _("%(first)s–%(last)s of %(total)s pairs.", **numbers))
    if noun_many == "participants":
        return (_("No participants."), ngettext("%(count)s participant.", "%(count)s participants.", total, **one_page),
                _("%(first)s–%(last)s of %(total)s participants.", **numbers))
    if noun_many == "requests":
        return (_("No requests."), ngettext("%(count)s request.", "%(count)s requests.", total, **one_page),
                _("%(first)s–%(last)s of %(total)s requests.", **numbers))
    if noun_many == "mentors fit you":
        return (_("No mentors fit you."), ngettext("%(count)s mentor fits you.", "%(count)s mentors fit you.", total, **one_page),
                _("%(first)s–%(last)s of %(total)s mentors fit you.", **numbers))
    raise ValueError(f"page_summary has no sentences for a list of {noun_many!r}: add them to _sentences")


def page_summary(page: Page[Any], noun_one: str, noun_many: str) -> str:
    """"No people." · "1 person." · "51–100 of 5,000 people.": in the page's language, numbers in its format.
    (``noun_one`` is the macro's English name for one row; the sentences themselves come from ``_sentences``.)"""
    numbers = {"first": format_number(page.first), "last": format_number(page.last), "total": format_number(page.total)}
    none, one_page, several = _sentences(noun_many, page.total, numbers)
    return none if page.total == 0 else one_page if page.pages == 1 else several
