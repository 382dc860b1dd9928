"""Migrations are the schema: upgrading an empty database gives exactly the models, and downgrading undoes it.

The suite runs on SQLite and, in CI, again on PostgreSQL (DATABASE_URL), so both dialects are checked.
"""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from lti_app.extensions import db

pytestmark = pytest.mark.alters_schema


def _empty_database() -> None:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
    else:
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()


def _schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        return compare_metadata(context, db.metadata)


def test_upgrading_an_empty_database_yields_exactly_the_models_schema(app):
    _empty_database()
    upgrade()
    assert _schema_differences() == []
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables


def test_downgrading_to_base_removes_every_table(app):
    _empty_database()
    upgrade()
    downgrade(revision="base")
    remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()


def test_the_check_notices_a_model_the_migrations_lack(app):
    _empty_database()
    upgrade()
    from sqlalchemy import Column, Integer, Table

    extra = Table("not_migrated", db.metadata, Column("id", Integer, primary_key=True))
    try:
        assert any(diff[0] == "add_table" for diff in _schema_differences())
    finally:
        db.metadata.remove(extra)


def test_registrations_from_the_first_release_are_approved_by_the_upgrade(app):
    _empty_database()
    upgrade(revision="cdb165f608af")
    db.session.execute(text(
        "INSERT INTO lti_platform (id, name, issuer, client_id, auth_login_url, auth_token_url, key_set_url, active, "
        "frame_origins, created_at) VALUES (1, 'Old', 'https://old.test', 'c', 'https://old.test/a', 'https://old.test/t', "
        "'https://old.test/k', true, '[]', '2026-01-01 00:00:00')"
    ))
    db.session.execute(text(
        "INSERT INTO lti_deployment (id, platform_id, deployment_id, active, created_at) VALUES (1, 1, 'd', true, '2026-01-01 00:00:00')"
    ))
    db.session.commit()
    upgrade()
    from lti_app.lti.models import Deployment, Platform

    platform = db.session.get(Platform, 1)
    assert platform.approved_at is not None and not platform.pending
    assert not db.session.get(Deployment, 1).pending


def _revision_before(file_name: str) -> str:
    """The revision the migration in ``file_name`` (under migrations/versions) revises."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / file_name
    spec = importlib.util.spec_from_file_location("migration_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.down_revision


def test_lms_contexts_are_renamed_by_the_lms_names_of_their_course_and_merged_per_lms_course(app):
    _empty_database()
    upgrade(revision=_revision_before("20261207_0901_lti_tables_stand_alone.py"))
    for pid, issuer in ((1, "https://moodle.test"), (2, "https://moodle.test"), (3, "https://other.test")):
        db.session.execute(text(
            "INSERT INTO lti_platform (id, name, issuer, client_id, auth_login_url, auth_token_url, key_set_url, "
            f"active, frame_origins, created_at) VALUES ({pid}, 'P{pid}', '{issuer}', 'c{pid}', '{issuer}/a', "
            f"'{issuer}/t', '{issuer}/k', true, '[]', '2026-01-01 00:00:00')"))
        db.session.execute(text("INSERT INTO lti_deployment (id, platform_id, deployment_id, active, created_at) "
                                f"VALUES ({pid}, {pid}, 'd', true, '2026-01-01 00:00:00')"))
        # the same context id in each: two registrations of one Moodle, and another LMS
        db.session.execute(text("INSERT INTO course (id, platform_id, deployment_id, context_id, created_at) "
                                f"VALUES ({pid}, {pid}, {pid}, 'C1', '2026-01-01 00:00:00')"))
        db.session.execute(text("INSERT INTO lti_context (id, course_id, platform_id, memberships_url, ags_scopes, "
                                f"updated_at) VALUES ({pid}, {pid}, {pid}, '{issuer}/m{pid}', '[]', "
                                "'2026-01-01 00:00:00')"))
    db.session.commit()
    upgrade()
    rows = db.session.execute(text("SELECT issuer, context_id, memberships_url FROM lti_context ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [("https://moodle.test", "C1", "https://moodle.test/m2"),
                                        ("https://other.test", "C1", "https://other.test/m3")]
    from lti_app.tasks.course_contexts import course_contexts

    found = course_contexts([1, 2, 3])
    assert {c: ctx.memberships_url for c, ctx in found.items()} == {
        1: "https://moodle.test/m2", 2: "https://moodle.test/m2", 3: "https://other.test/m3"}
    db.session.rollback()
    downgrade(revision=_revision_before("20261207_0901_lti_tables_stand_alone.py"))
    rows = db.session.execute(text("SELECT course_id, memberships_url FROM lti_context ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(1, "https://moodle.test/m2"), (3, "https://other.test/m3")]
