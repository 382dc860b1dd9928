"""The page number of a paginated list, read from the query string (``?page=3``) without ever failing."""
from __future__ import annotations

from typing import Any

from flask import request, url_for

from lti_app.mentoring.services.paging import MAX_PAGE


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
