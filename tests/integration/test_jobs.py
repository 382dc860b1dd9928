"""Background jobs: inline without Redis, on the RQ queue (run by a burst worker) with it."""
from __future__ import annotations

import os
import uuid

import pytest

from lti_app.tasks import jobs
from lti_app.extensions import cache
from tests.markers import needs_redis

REDIS_URL = os.environ.get("REDIS_URL")


@jobs.task
def remember(key: str, value: str) -> None:
    """A task that leaves a trace in the shared cache."""
    cache.set(key, value)


def test_a_job_runs_inline_when_jobs_are_not_async(app):
    assert jobs.enqueue(remember, "inline-key", "done") is None
    assert cache.get("inline-key") == "done"


def test_async_jobs_without_redis_are_refused_with_a_clear_message(app):
    app.config.update(JOBS_ASYNC=True, REDIS_URL=None)
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        jobs.enqueue(remember, "k", "v")


def test_the_worker_command_needs_redis(app, cli):
    app.config["REDIS_URL"] = None
    result = cli("worker", "--burst")
    assert result.exit_code != 0
    assert "REDIS_URL" in result.output


@needs_redis
def test_a_queued_job_is_run_by_the_worker(app, cli):
    queue_name = f"rementor-test-{uuid.uuid4().hex[:8]}"
    app.config.update(JOBS_ASYNC=True, REDIS_URL=REDIS_URL, JOBS_QUEUE=queue_name)
    key = f"queued-{uuid.uuid4().hex}"
    job_id = jobs.enqueue(remember, key, "by the worker")
    assert job_id is not None
    assert cache.get(key) is None  # queued, not run
    result = cli("worker", "--burst")
    assert result.exit_code == 0, result.output
    assert cache.get(key) == "by the worker"
    jobs.queue(app).delete(delete_jobs=True)
