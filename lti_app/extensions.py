"""Flask extensions, created unbound and initialised by ``create_app``, and the shared column types."""
from __future__ import annotations

from datetime import datetime, timezone
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable

from flask import current_app, has_request_context, request
from flask_caching import Cache
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator
from sqlalchemy.orm import DeclarativeBase, registry

# Stable constraint names make migrations reviewable and portable between SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and read back timezone-aware, the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Model(DeclarativeBase):
    """Declarative base for every model, with the naming convention; datetimes are UTC."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Model)


# How long a SQLite connection waits for another one's write lock before it gives up ("database is locked"). A
# launch holds the lock for milliseconds; the wait only has to outlast a queue of them (a class opening the tool).
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Requests with these methods only read: their transactions may begin deferred, so readers never queue (WAL).
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: enforce foreign keys (ON DELETE CASCADE), WAL for concurrent readers, fewer fsyncs, wait for locks."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()
    # pysqlite opens transactions itself, only before writes, so a SAVEPOINT could open one that its RELEASE then
    # commits (a half-written request on rollback). SQLAlchemy's recipe: the driver stays out, we emit BEGIN.
    dbapi_connection.isolation_level = None


def writes_on_get(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that writes although it answers GET (e.g. dynamic registration): its transactions begin IMMEDIATE."""
    view.writes_on_get = True  # type: ignore[attr-defined]
    return view


_over_the_network: ContextVar[bool] = ContextVar("over_the_network", default=False)


def end_transaction() -> None:
    """Commit the session's transaction and keep what it loaded (nothing is re-read when used afterwards)."""
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


@contextmanager
def outside_write_lock() -> Iterator[None]:
    """Around calls to another server (an LMS may take seconds to answer): no transaction stays open across them.

    What was written so far is committed (loaded objects are kept), SQLite transactions begun inside only read
    (deferred: no write lock), and the one begun inside is ended on the way out, so writing afterwards starts afresh.
    Other requests, a class launching, never queue behind the network.
    """
    end_transaction()
    token = _over_the_network.set(True)
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    else:
        end_transaction()
    finally:
        _over_the_network.reset(token)


def _may_write() -> bool:
    """Whether this transaction may write: every one outside a request (CLI, jobs), and those of writing requests."""
    if _over_the_network.get():
        return False
    if not has_request_context():
        return True
    if request.method not in READING_METHODS:
        return True
    return getattr(current_app.view_functions.get(request.endpoint or ""), "writes_on_get", False)


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Any) -> None:
    """SQLite: start every transaction explicitly, so savepoints nest inside it (see ``_sqlite_pragmas``).

    A deferred transaction that reads and then writes fails at once (SQLITE_BUSY_SNAPSHOT, which no busy timeout
    retries) when another connection committed after its read. So a transaction that may write takes the write lock
    when it begins (``BEGIN IMMEDIATE``) and concurrent writers queue for it; reading requests stay deferred.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")


migrate = Migrate()
csrf = CSRFProtect()
cache = Cache()
mail = Mail()  # Flask-Mailman; lti_app.tasks.mail sends the outbox through it
