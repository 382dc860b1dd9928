"""Row ids in URLs and forms: only numbers an id column can hold reach the database.

PostgreSQL refuses a number beyond its ``integer`` in a query (an error, so a 500); a bigger number in a URL
or a form names no row of ours, so it is answered as not found before any query.
"""
from __future__ import annotations

from typing import Any

from flask import abort

MAX_ID = 2_147_483_647


def is_row_id(text: str) -> bool:
    """Whether ``text`` (from a form) is a number an id column can hold."""
    return text.isdigit() and len(text) <= len(str(MAX_ID)) and 0 < int(text) <= MAX_ID


def refuse_impossible_ids(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A URL value preprocessor: 404 for an ``<int:...>`` beyond any id (before the view, or the database, sees it)."""
    if any(isinstance(v, int) and v > MAX_ID for v in (values or {}).values()):
        abort(404)
