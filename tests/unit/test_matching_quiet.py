"""The engine runs with one BLAS thread and no garbage collection, and leaves both as it found them."""
from __future__ import annotations

import gc

import numpy as np
import pytest

from threadpoolctl import threadpool_info

from lti_app.mentoring.domain.matching.quiet import quiet_engine


def threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_inside_the_engine_blas_has_one_thread_and_nothing_is_collected():
    np.ones((2, 2)) @ np.ones((2, 2))  # numpy's BLAS is loaded
    before, collecting = threads(), gc.isenabled()
    assert before, "numpy's wheel brings a BLAS: its thread count should be found"
    with quiet_engine():
        assert threads() == [1] * len(before) and not gc.isenabled()
    assert threads() == before and gc.isenabled() == collecting


def test_both_are_restored_when_the_engine_fails():
    before = threads()
    with pytest.raises(ValueError), quiet_engine():
        raise ValueError("a pinned pair cannot be kept")
    assert threads() == before and gc.isenabled()


def test_collection_stays_off_after_the_engine_when_it_was_off_before():
    gc.disable()
    try:
        with quiet_engine():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
