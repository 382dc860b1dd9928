"""The WSGI app the load benchmark serves under gunicorn: ``gunicorn --pythonpath benchmarks _served:app``.

``REMENTOR_CONFIG`` picks the settings class as usual; ``BENCH_OVERRIDES`` (JSON) adds overrides for the embedded
default (which has no environment variable for them); ``BENCH_TREE`` serves the tool from another checkout (an
older commit, to compare), else from this one.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, os.environ.get("BENCH_TREE") or str(Path(__file__).resolve().parent.parent))

from lti_app import create_app  # noqa: E402

app = create_app(None, json.loads(os.environ.get("BENCH_OVERRIDES") or "{}") or None)
