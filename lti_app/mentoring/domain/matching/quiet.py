"""The engine's run kept quiet: one BLAS thread and no garbage collection while a cohort is matched.

Why one BLAS thread: the engine's only BLAS calls are the score products (a fraction of a second at 5,000 x 5,000);
then comes the assignment, single-threaded. OpenBLAS's helper threads busy-wait for a while after each call, so on
a two-core server that also runs web workers they take the core the assignment (and the profiles' encoding, and
the thread mapping the cost matrix) needs: measured with other jobs running, the whole engine went from 3.5 s to
1.55 s median with one thread, the product itself costing about 0.1 s more. Why no collection: the explanations
make tens of thousands of small objects, and a full collection set off among 10,000 profiles costs ~0.1 s of
nothing; it runs after the engine instead. Both are restored on the way out, whatever happened.

The thread count is set through ``threadpoolctl`` (the library scikit-learn and joblib use for this), which finds
the BLAS libraries numpy and scipy loaded; where it finds none, nothing changes.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_limits


@contextmanager
def quiet_engine() -> Iterator[None]:
    """Inside the block: one BLAS thread, garbage collection off; both as they were afterwards."""
    collecting = gc.isenabled()
    with threadpool_limits(limits=1, user_api="blas"):
        gc.disable()
        try:
            yield
        finally:
            if collecting:
                gc.enable()
