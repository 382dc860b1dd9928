"""Running the same work in several threads at once, each with its own application context and database session."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from lti_app.extensions import db


def run_together(app: Any, action: Callable[[], Any], count: int = 2, timeout: float = 120) -> tuple[list[Any], list[str]]:
    """Start ``action()`` in ``count`` threads released together; (what each returned, what each raised)."""
    barrier, results, failures = threading.Barrier(count), [], []

    def run() -> None:
        with app.app_context():
            try:
                barrier.wait()
                results.append(action())
            except Exception as error:  # noqa: BLE001 - a crash in a thread must fail the test, not vanish
                failures.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, failures
