"""A savepoint inside a request's transaction never commits on its own, on SQLite as on PostgreSQL; on SQLite a
transaction that may write begins IMMEDIATE."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from lti_app.extensions import db
from lti_app.lti.models import Platform
from tests.factories import make_platform


def test_rolling_back_after_a_released_savepoint_leaves_nothing_written(app):
    assert db.session.scalar(select(func.count()).select_from(Platform)) == 0
    db.session.commit()
    with db.session.begin_nested():  # the first statement of the transaction is the SAVEPOINT
        make_platform()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Platform)) == 0


def _begins_of(app, **request) -> list[str]:
    """The BEGIN statements SQLite receives for one read (inside a request like ``request``, or outside any)."""
    seen: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    db.session.rollback()
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        if request:
            with app.test_request_context(**request):
                db.session.scalar(select(func.count()).select_from(Platform))
                db.session.rollback()
        else:
            db.session.scalar(select(func.count()).select_from(Platform))
            db.session.rollback()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return seen


@pytest.mark.parametrize(("request_args", "begin"), [
    ({"path": "/healthz", "method": "GET"}, "BEGIN"),  # readers never queue for the write lock (WAL)
    ({"path": "/lti/launch", "method": "POST"}, "BEGIN IMMEDIATE"),  # writers take it first, so they wait, never fail
    ({"path": "/lti/register", "method": "GET"}, "BEGIN IMMEDIATE"),  # a GET that stores the platform's registration
    ({}, "BEGIN IMMEDIATE"),  # CLI commands and jobs write
])
def test_a_transaction_that_may_write_takes_the_sqlite_write_lock_when_it_begins(app, request_args, begin):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's row locks need no BEGIN IMMEDIATE")
    assert _begins_of(app, **request_args) == [begin]
