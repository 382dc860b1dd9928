"""The engine's run kept quiet: one BLAS thread and no garbage collection while a cohort is matched.

Why one BLAS thread: the engine's only BLAS calls are the score products (a fraction of a second at 5,000 x 5,000);
then comes the assignment, single-threaded. OpenBLAS's helper threads busy-wait for a while after each call, so on
a two-core server that also runs web workers they take the core the assignment (and the profiles' encoding, and
the thread mapping the cost matrix) needs: measured with other jobs running, the whole engine went from 3.5 s to
1.55 s median with one thread, the product itself costing about 0.1 s more. Why no collection: the explanations
make tens of thousands of small objects, and a full collection set off among 10,000 profiles costs ~0.1 s of
nothing; it runs after the engine instead. Both are restored on the way out, whatever happened.

Without OpenBLAS (another BLAS, or a platform without /proc) the thread count is left alone; numbers never change.
"""
from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

_PREFIXES = ("scipy_openblas", "openblas")
_SUFFIXES = ("64_", "_64_", "", "_")


def _loaded_openblas() -> list[str]:
    """Paths of the OpenBLAS libraries this process has loaded (numpy's and scipy's wheels bring their own)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return []
    return sorted({line.split()[-1] for line in maps.splitlines()
                   if "openblas" in line.rsplit("/", 1)[-1] and ".so" in line.rsplit("/", 1)[-1]})


def _control(library: ctypes.CDLL) -> tuple[Callable[[], int], Callable[[int], None]] | None:
    for prefix in _PREFIXES:
        for suffix in _SUFFIXES:
            get = getattr(library, f"{prefix}_get_num_threads{suffix}", None)
            put = getattr(library, f"{prefix}_set_num_threads{suffix}", None)
            if get is not None and put is not None:
                get.restype, put.argtypes = ctypes.c_int, [ctypes.c_int]
                return get, put
    return None


@lru_cache(maxsize=1)
def _controls() -> tuple[tuple[Callable[[], int], Callable[[int], None]], ...]:
    """(get, set) thread-count functions of each loaded OpenBLAS (looked up once: numpy is imported by then)."""
    found = []
    for path in _loaded_openblas():
        try:
            control = _control(ctypes.CDLL(path))
        except OSError:
            continue
        if control is not None:
            found.append(control)
    return tuple(found)


@contextmanager
def quiet_engine() -> Iterator[None]:
    """Inside the block: one BLAS thread, garbage collection off; both as they were afterwards."""
    controls, collecting = _controls(), gc.isenabled()
    before = [get() for get, _ in controls]
    for _, put in controls:
        put(1)
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
        for (_, put), threads in zip(controls, before):
            put(threads)
