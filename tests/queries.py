"""Count the SQL statements a block of code runs, to prove a page or job costs the same whatever the cohort's size."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from lti_app.extensions import db

# Transaction bookkeeping is not what a page reads: savepoints come from how a test nests the session, and SQLite
# gets an explicit BEGIN (lti_app.extensions) that PostgreSQL's driver sends outside the cursor.
_BOOKKEEPING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN")


@dataclass
class Statements:
    """The statements seen so far; ``len()`` is their number."""

    seen: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.seen)

    @property
    def count(self) -> int:
        """How many statements ran (without transaction bookkeeping)."""
        return len(self.seen)

    def __str__(self) -> str:
        return "\n".join(self.seen)


@contextmanager
def counted_queries(engine=None) -> Iterator[Statements]:
    """Count the statements ``engine`` (default ``db.engine``) runs inside the block, transaction bookkeeping left out."""
    engine = engine if engine is not None else db.engine
    statements = Statements()

    def count(conn, cursor, statement, *args) -> None:
        if not statement.lstrip().upper().startswith(_BOOKKEEPING):
            statements.seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries_of_request(client, url: str, expect: int = 200) -> int:
    """How many statements one GET of ``url`` runs (asserting its status), read afresh from the database."""
    db.session.commit()
    db.session.expire_all()
    with counted_queries() as seen:
        response = client.get(url)
    assert response.status_code == expect, response.get_data(as_text=True)[:500]
    return len(seen)
