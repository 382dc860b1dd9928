"""The shared statement counter counts what a block reads and leaves transaction bookkeeping out."""
from __future__ import annotations

from sqlalchemy import text

from lti_app.extensions import db
from tests.queries import counted_queries


def test_the_counter_sees_each_statement_but_not_savepoints(app):
    with counted_queries() as seen:
        db.session.execute(text("SELECT 1"))
        with db.session.begin_nested():
            db.session.execute(text("SELECT 2"))
    assert len(seen) == 2, str(seen)


def test_the_counter_stops_counting_after_the_block(app):
    with counted_queries() as seen:
        db.session.execute(text("SELECT 1"))
    db.session.execute(text("SELECT 2"))
    assert seen.count == 1
