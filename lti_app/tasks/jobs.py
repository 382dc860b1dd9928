"""Background jobs: an RQ queue on Redis in production, inline in the embedded default.

``enqueue(task, *args)`` runs ``task(*args)`` at once in this process when ``JOBS_ASYNC`` is off (the default
without Redis: one process, nothing to set up), and otherwise puts it on the RQ queue, where
``flask --app lti_app worker`` (``tasks.cli``; or ``rq worker`` with the same environment) runs it. Tasks are
module-level functions of ``lti_app.tasks`` decorated with ``@task`` (a queued job names its function by import
path): they get an application context whichever process runs them, and they
commit their own work (they run after the request that asked for them has committed).
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context

F = TypeVar("F", bound=Callable[..., Any])


def task(func: F) -> F:
    """Make ``func`` runnable by a worker without an app: it then builds one (settings from the environment)."""

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return func(*args, **kwargs)
        from lti_app import create_app

        with create_app().app_context():
            return func(*args, **kwargs)

    return run  # type: ignore[return-value]


def jobs_async(app: Flask | None = None) -> bool:
    """True when jobs go to the RQ queue rather than run inline."""
    return bool((app or current_app).config["JOBS_ASYNC"])


def redis_connection(app: Flask | None = None):
    """A Redis client for the job queue (``REDIS_URL``)."""
    from redis import Redis

    url = (app or current_app).config["REDIS_URL"]
    if not url:
        raise RuntimeError("JOBS_ASYNC needs REDIS_URL: the job queue lives in Redis.")
    return Redis.from_url(url)


def queue(app: Flask | None = None):
    """The RQ queue of this installation."""
    from rq import Queue

    config = (app or current_app).config
    return Queue(config["JOBS_QUEUE"], connection=redis_connection(app),
                 default_timeout=config["JOBS_TIMEOUT_SECONDS"])


def enqueue(func: Callable[..., Any], *args: Any, job_id: str | None = None,
            retry_intervals: Sequence[int] = ()) -> str | None:
    """Run ``func(*args)`` now (inline) or queue it; the RQ job id when queued, else None.

    ``retry_intervals`` (seconds) make RQ retry a failed job that many times with those waits; inline there is no
    retry here (a task that must not lose work keeps its own record of what is still to do).
    """
    if not jobs_async():
        func(*args)
        return None
    from rq import Retry

    retry = Retry(max=len(retry_intervals), interval=list(retry_intervals)) if retry_intervals else None
    job = queue().enqueue(func, *args, job_id=job_id, retry=retry)
    return job.id


def run_worker(app: Flask, *, burst: bool = False) -> bool:
    """Work the queue in this process (no fork per job, so the app and its connection pool are reused)."""
    from rq import SimpleWorker

    with app.app_context():
        worker = SimpleWorker([queue(app)], connection=redis_connection(app))
        return worker.work(burst=burst, with_scheduler=True)
