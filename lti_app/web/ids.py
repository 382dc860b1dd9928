"""Row ids in URLs and forms: only numbers an id column can hold reach the database.

PostgreSQL refuses a number beyond its ``integer`` in a query (an error, so a 500), and SQLite one beyond 64 bits
(``OverflowError``); a bigger number in a URL or a form names no row of ours, so it is answered as not found
before any query. Every route names its database ids ``<id:…>``: the one converter that does it.
"""
from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter

MAX_ID = 2_147_483_647


def is_row_id(text: str) -> bool:
    """Whether ``text`` (from a form) is a number an id column can hold."""
    return text.isdigit() and len(text) <= len(str(MAX_ID)) and 0 < int(text) <= MAX_ID


class IdConverter(BaseConverter):
    """``<id:name>``: a row id (1 … 2^31-1, digits only); anything else is not found.

    Beyond the id range it raises NotFound itself: a ValidationError would let Werkzeug try the other rules and
    answer 405 where a rule of the same path takes another method.
    """

    regex = r"\d{1,10}"
    weight = 50
    part_isolating = True

    def to_python(self, value: str) -> int:
        """The id; 404 when no id column can hold it."""
        if not is_row_id(value):
            raise NotFound()
        return int(value)

    def to_url(self, value: int) -> str:
        """An id as it appears in URLs."""
        return str(int(value))
