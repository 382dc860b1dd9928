"""Shared fixtures: an app per test on a fresh schema, a client that speaks HTTPS like an LMS iframe does."""
from __future__ import annotations

import copy
import os
from collections import OrderedDict

import pytest
from sqlalchemy import text

from lti_app import create_app
from lti_app.extensions import cache, db

pytest_plugins = ["tests.lti_platform"]

TOOL_URL = "https://tool.test"


_postgres_schema_ready = False


def _reset_schema() -> None:
    """Empty tables for the next test. On PostgreSQL the schema is built once and emptied with one TRUNCATE (building
    forty tables per test would double the suite's time); tests marked ``alters_schema`` make the next one rebuild it."""
    global _postgres_schema_ready
    if db.engine.dialect.name != "postgresql":
        db.drop_all()
        db.create_all()
        return
    if _postgres_schema_ready:
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        db.session.execute(text("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
        db.create_all()
        _postgres_schema_ready = True
    db.session.commit()


# Apps built for earlier tests, by their settings, with the settings they were built with. Building one costs a
# quarter of a second (URL rules compiled, every template compiled again in its own Jinja environment), so tests
# with the same settings share one; each gets the settings, cache and sign-in counts as they were at the start.
_built_apps: OrderedDict[str, tuple[object, dict]] = OrderedDict()
_KEPT_APPS = 8


def _app_with(overrides: dict, own: bool):
    """A Testing app with ``overrides``: a new one, or one built before with the same settings, reset."""
    if own or "SQLALCHEMY_DATABASE_URI" in overrides:  # routes or a database (tmp_path) of the test's own
        return create_app("testing", overrides)
    key = repr(sorted(overrides.items()))
    if key in _built_apps:
        _built_apps.move_to_end(key)
        app, settings = _built_apps[key]
        app.config.clear()
        app.config.update(copy.deepcopy(settings))
        app.extensions["rementor_limiter"].reset()
        return app
    app = create_app("testing", overrides)
    _built_apps[key] = (app, copy.deepcopy(dict(app.config)))
    if len(_built_apps) > _KEPT_APPS:
        _built_apps.popitem(last=False)
    return app


def fresh_app(request, extra: dict | None = None, *, own: bool = False):
    """A Testing app (with ``extra`` settings) on an empty schema and an empty cache: the body of the ``app`` fixture,
    for a module whose ``app`` needs other settings (``yield from fresh_app(request, {...})``). ``own=True`` builds
    one for this test alone, for a test that adds routes to it."""
    global _postgres_schema_ready
    overrides = {"SERVER_NAME": "tool.test", "PREFERRED_URL_SCHEME": "https"}
    if os.environ.get("REDIS_URL"):
        overrides.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=os.environ["REDIS_URL"], CACHE_KEY_PREFIX="rementor-test:")
    overrides.update(extra or {})
    app = _app_with(overrides, own)
    with app.app_context():
        _reset_schema()
        cache.clear()
        yield app
        db.session.remove()
        cache.clear()
        if request.node.get_closest_marker("alters_schema"):
            _postgres_schema_ready = False
        for engine in db.engines.values():
            engine.dispose()


def file_database(tmp_path) -> dict:
    """Settings for a SQLite file under ``tmp_path`` (threads each get a connection; the in-memory database has one),
    or none when DATABASE_URL names another database."""
    if os.environ.get("DATABASE_URL"):
        return {}
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite'}"}


@pytest.fixture
def app(request):
    """A Testing app with an empty schema and an empty cache."""
    yield from fresh_app(request)


@pytest.fixture
def client(app):
    """A test client whose requests are HTTPS on the tool's host (so Secure cookies flow)."""
    return app.test_client()


@pytest.fixture
def tool_key(app):
    """The tool's signing key."""
    from lti_app.lti import keys

    key, _ = keys.ensure_key()
    db.session.commit()
    return key


@pytest.fixture
def cli(app):
    """Run a ``flask --app lti_app`` command: ``cli("platform", "list")`` returns the click result."""
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=list(args))
        db.session.remove()
        return result

    return run
