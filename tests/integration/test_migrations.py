"""Migrations are the schema: upgrading an empty database gives exactly the models, and downgrading undoes it.

The suite runs on SQLite and, in CI, again on PostgreSQL (DATABASE_URL), so both dialects are checked.
"""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, text

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


def test_cohorts_made_before_get_their_default_surveys_from_the_upgrade(app):
    _empty_database()
    # the schema is the models' already: this revision only adds rows
    upgrade(revision=_revision_before("20261207_0830_default_surveys.py"))
    from sqlalchemy import select

    from lti_app.mentoring.domain.surveys import SurveyKind, default_questions
    from lti_app.mentoring.models.survey import Survey
    from lti_app.mentoring.services import surveys
    from tests.factories_workspace import make_running_cohort

    bare, with_pulse = make_running_cohort(), make_running_cohort()
    own = surveys.survey_of(with_pulse.id, SurveyKind.PULSE)
    own.current.questions[0].text = "Our own question?"
    db.session.commit()
    upgrade()
    db.session.expire_all()
    for cohort_id in (bare.id, with_pulse.id):
        assert {s.kind for s in db.session.scalars(select(Survey).where(Survey.cohort_id == cohort_id))} == set(SurveyKind)
    made = surveys.stored_survey(bare.id, SurveyKind.EXIT)
    expected = [(q.code, q.text, q.kind, q.required, q.audience, list(q.labels), list(q.choices)) for q in default_questions()]
    assert [(q.code, q.text, q.kind, q.required, q.audience, q.labels, q.choices) for q in made.current.questions] == expected
    assert made.current.number == 1 and [q.position for q in made.current.questions] == [1, 2, 3, 4, 5, 6]
    kept = surveys.stored_survey(with_pulse.id, SurveyKind.PULSE)
    assert kept.id == own.id and kept.current.questions[0].text == "Our own question?" and len(kept.versions) == 1
    db.session.commit()
    downgrade(revision="15a1c0d5e003")
    assert db.session.scalar(select(func.count(Survey.id))) == 4


def test_rebuilding_a_parent_table_on_sqlite_keeps_the_rows_that_point_at_it(app):
    """SQLite's batch mode copies, drops and renames a table: with foreign keys on, the DROP would delete every
    enrolment, pair and survey of the cohorts (ON DELETE CASCADE). The migrations run with them off."""
    from sqlalchemy import select

    from lti_app.mentoring.models.enrolment import Enrolment
    from tests.factories import make_enrolment
    from tests.factories_workspace import make_running_cohort

    _empty_database()
    upgrade()
    cohort = make_running_cohort()
    make_enrolment(cohort)
    db.session.commit()
    enrolments = db.session.scalar(select(func.count(Enrolment.id)))
    db.session.rollback()
    before = _revision_before("20261207_0506_cohort_inactivity_days.py")  # 0506 rebuilds `cohort` both ways
    downgrade(revision=before)
    assert db.session.execute(text("SELECT count(*) FROM enrolment")).scalar() == enrolments == 1
    db.session.rollback()
    upgrade()
    assert db.session.scalar(select(func.count(Enrolment.id))) == enrolments
    if db.engine.dialect.name == "sqlite":
        db.session.commit()
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1  # on again
