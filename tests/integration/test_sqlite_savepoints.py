"""A savepoint inside a request's transaction never commits on its own, on SQLite as on PostgreSQL."""
from __future__ import annotations

from sqlalchemy import func, select

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
