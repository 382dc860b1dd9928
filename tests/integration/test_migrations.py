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


def test_cohorts_made_before_get_their_default_surveys_from_the_upgrade(app):
    _empty_database()
    upgrade(revision="15a1c0d5e003")  # the schema is the models' already: this revision only adds rows
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
