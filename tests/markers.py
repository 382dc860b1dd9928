"""Markers for tests that need a service the embedded default does without."""
from __future__ import annotations

import os

import pytest

REDIS_URL = os.environ.get("REDIS_URL")

# The first pass of .ci/run is the embedded default (no Redis, on purpose); its PostgreSQL pass sets REDIS_URL.
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="needs Redis (REDIS_URL): the embedded default runs without it; CI's PostgreSQL pass has it"
)
