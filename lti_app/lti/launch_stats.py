"""Launch statistics for the operators: each platform's newest successful launch and its refused launches.

A successful launch stamps ``Platform.last_launch_at`` (at most once a minute, so that a busy platform's
launches do not all queue on the lock of its one row): the time of the last stamp is kept in the cache, so
most launches skip even the query, and the UPDATE itself only moves a stamp older than a minute. A refused launch must write nothing to the
database, so refusals are counted in the shared cache instead: one counter per platform, day and error
code, kept a little longer than the window the dashboard shows.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from cachelib.redis import RedisCache
from sqlalchemy import or_, update

from lti_app.extensions import cache, db, utcnow
from lti_app.lti import errors
from lti_app.lti.models import Platform
from lti_app.lti.registration_cache import on_commit

LAST_LAUNCH_PRECISION = timedelta(minutes=1)
WINDOW_DAYS = 7
_KEEP_SECONDS = (WINDOW_DAYS + 1) * 24 * 3600
_PREFIX = "lti:launch-errors:"
_STAMP_PREFIX = "lti:last-launch:"


def note_launch(platform_id: int, now: datetime | None = None) -> bool:
    """Stamp the platform's newest successful launch, at most once a minute; True when the stamp moved."""
    now = now or utcnow()
    key = f"{_STAMP_PREFIX}{platform_id}"
    stamped = cache.get(key)
    if stamped is not None and now - stamped < LAST_LAUNCH_PRECISION:
        return False
    older = or_(Platform.last_launch_at.is_(None), Platform.last_launch_at <= now - LAST_LAUNCH_PRECISION)
    statement = update(Platform).where(Platform.id == platform_id, older).values(last_launch_at=now)
    moved = db.session.execute(statement.execution_options(synchronize_session=False)).rowcount > 0
    if moved:
        on_commit(lambda: cache.set(key, now, timeout=int(LAST_LAUNCH_PRECISION.total_seconds()) * 2))
    return moved


def error_codes() -> list[str]:
    """The code of every named launch error, sorted."""
    found: set[str] = set()
    pending: list[type[errors.LaunchError]] = [errors.LaunchError]
    while pending:
        cls = pending.pop()
        found.add(cls.__name__)
        pending.extend(cls.__subclasses__())
    return sorted(found)


def _key(platform_id: int, day: date, code: str) -> str:
    return f"{_PREFIX}{platform_id}:{day.isoformat()}:{code}"


def count_launch_error(platform_id: int, code: str, now: datetime | None = None) -> None:
    """Count one refused launch of ``platform_id`` under today's date (UTC) and its error code."""
    key = _key(platform_id, (now or utcnow()).date(), code)
    if cache.add(key, 1, timeout=_KEEP_SECONDS):
        return
    backend = cache.cache
    if isinstance(backend, RedisCache):
        backend.inc(key)  # atomic, and keeps the key's expiry
    else:
        # The in-process cache serves one process: a read-modify-write is good enough for a statistic.
        cache.set(key, int(cache.get(key) or 0) + 1, timeout=_KEEP_SECONDS)


def _days(now: datetime, days: int) -> list[date]:
    today = now.date()
    return [today - timedelta(days=n) for n in range(days)]


def launch_error_counts(
    platform_ids: Iterable[int], days: int = WINDOW_DAYS, now: datetime | None = None
) -> dict[int, Counter[str]]:
    """Refused launches of the last ``days`` days (today included) by platform and error code, in one cache read."""
    ids = list(platform_ids)
    codes, dates = error_codes(), _days(now or utcnow(), days)
    keys = [(pid, code, _key(pid, day, code)) for pid in ids for day in dates for code in codes]
    values = cache.get_many(*(key for _, _, key in keys)) if keys else []
    counts: dict[int, Counter[str]] = {pid: Counter() for pid in ids}
    for (pid, code, _), value in zip(keys, values):
        if value:
            counts[pid][code] += int(value)
    return counts
