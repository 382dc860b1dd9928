"""Whether another SQLite connection can write right now: what a concurrent launch would meet."""
from __future__ import annotations

from lti_app.extensions import db


def write_elsewhere(person_id: int, wait_ms: int = 200) -> bool:
    """Write one row from a connection of its own, waiting at most ``wait_ms`` for the lock; whether it went through."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute("UPDATE person SET locale = 'de' WHERE id = ?", (person_id,))
        cursor.execute("COMMIT")
        return True
    except Exception as error:  # noqa: BLE001 - "database is locked" is the answer we look for
        if "locked" not in str(error):
            raise
        return False
    finally:
        raw.close()
