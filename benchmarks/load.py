"""Benchmark: N concurrent full LTI 1.3 launches for T seconds against a really served tool, in three set-ups.

    .venv/bin/python benchmarks/load.py [--users 50] [--seconds 120] [--variants a,b,c] \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_load --redis-url redis://127.0.0.1:6379/4

  (a) the embedded default: a SQLite file and the in-process cache in one process (gunicorn, 1 worker, threads),
      the development settings without the debugger;
  (b) the production settings under gunicorn with several workers on PostgreSQL and Redis;
  (c) two such gunicorn instances behind a round-robin proxy (benchmarks/_proxy.py: Debian's haproxy and nginx
      are not installed here), sharing PostgreSQL and Redis, as a site that outgrew one server runs it.
(b) and (c) need ``--database-url`` (a database the benchmark EMPTIES: it drops and creates the tool's tables)
and ``--redis-url`` (the benchmark clears the keys under its own prefix only).

The load client acts as the LMS and as ``--users`` browsers at once: it registers a platform whose key set a
small HTTP server on 127.0.0.1 serves, then each browser, with its own cookies, runs login (cookie-check page,
then the new-window login that redirects to the platform) → the signed id_token POST → continue → first page,
over and over for ``--seconds``, as a random one of ``--people`` people in ``--courses`` courses (one in 25 an
instructor). Plain HTTP on 127.0.0.1: for (b) and (c) the client sends ``X-Forwarded-Proto: https`` as a TLS
proxy would (the production default ``PROXY_FIX_HOPS=1`` trusts one hop), and it sends every cookie back, the
Secure ones included. It prints launches/s, p50/p95/p99 per step, errors by step, HTTP status and the error
page's code, and the servers' CPU per launch (user + system time of every server process, from /proc).
Everything listens on 127.0.0.1 only; each run stops by itself and kills the servers it started.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._load_client import STEPS, Tally, run_browser  # noqa: E402
from benchmarks._load_servers import Served, cpu_seconds, start, stop  # noqa: E402
from benchmarks._platform import JwksServer, Platform  # noqa: E402


@dataclass
class Result:
    """The figures of one set-up."""

    served: Served
    seconds: float
    launches: int
    latencies: dict[str, list[float]]
    errors: Counter[str]
    cpu_seconds: float
    proxy_cpu_seconds: float
    client_cpu_seconds: float


def load(served: Served, platform: Platform, args) -> Result:
    """Run ``args.users`` browsers for the warm-up and then ``args.seconds``; collect their tallies."""
    started = time.monotonic()
    warm_until = started + args.warmup
    until = warm_until + args.seconds
    tallies = [Tally() for _ in range(args.users)]
    threads = [threading.Thread(target=run_browser, args=(served.port, served.https, platform, args, warm_until, until,
                                                          t, n), daemon=True) for n, t in enumerate(tallies)]
    for thread in threads:
        thread.start()
    proxies = [served.proxy] if served.proxy else []
    time.sleep(max(0.0, warm_until - time.monotonic()))
    before = cpu_seconds(served.processes), cpu_seconds(proxies), time.process_time()
    time.sleep(max(0.0, until - time.monotonic()))
    after = cpu_seconds(served.processes), cpu_seconds(proxies), time.process_time()
    for thread in threads:
        thread.join(timeout=90)
    latencies = {step: [v for t in tallies for v in t.latencies[step]] for step in STEPS}
    errors = sum((t.errors for t in tallies), Counter())
    spent = [b - a for a, b in zip(before, after)]
    return Result(served, args.seconds, sum(t.launches for t in tallies), latencies, errors, *spent)


def percentile(values: list[float], p: int) -> float:
    """The ``p``-th percentile (NaN without values)."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def report(result: Result, args, first: Result | None) -> None:
    """Print one set-up's figures, its rate against the first set-up's of the run."""
    rate = result.launches / result.seconds
    print(result.served.title)
    line = (f"  {args.users} browsers, {result.seconds:.0f} s after a {args.warmup:.0f} s warm-up: "
            f"{result.launches} full launches, {rate:.1f} launches/s")
    if first is not None and first is not result and first.launches:
        line += f" ({rate / (first.launches / first.seconds):.2f}x {first.served.key})"
    print(line)
    if result.launches:
        proxy = (f", proxy {result.proxy_cpu_seconds * 1000 / result.launches:.1f} ms "
                 f"({result.proxy_cpu_seconds / result.seconds:.2f} cores)" if result.served.proxy else "")
        print(f"  CPU per full launch: tool {result.cpu_seconds * 1000 / result.launches:.1f} ms "
              f"({result.cpu_seconds / result.seconds:.2f} cores busy){proxy}, load client "
              f"{result.client_cpu_seconds * 1000 / result.launches:.1f} ms ({result.client_cpu_seconds / result.seconds:.2f} cores)")
    print(f"  {'step':<13}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for step in STEPS:
        values = result.latencies[step]
        print(f"  {step:<13}{len(values):>9}{percentile(values, 50):>9.1f}{percentile(values, 95):>9.1f}"
              f"{percentile(values, 99):>9.1f}")
    total = sum(result.errors.values())
    print(f"  errors: {total}" + ("" if total else " (bar met: 0 errors)"))
    for kind, count in result.errors.most_common():
        print(f"    {count:>6}  {kind}")
    if total:
        print(f"  server logs: {', '.join(str(p) for p in result.served.logs)}")
    sys.stdout.flush()


def arguments() -> tuple[argparse.Namespace, list[str]]:
    """The command line, checked, and the set-ups it names."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent browsers (default 50)")
    parser.add_argument("--seconds", type=float, default=120, help="timed seconds per set-up (default 120)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of load before the timing starts (default 5)")
    parser.add_argument("--variants", default="a,b,c", help="which set-ups, comma separated (default a,b,c)")
    parser.add_argument("--database-url", help="for (b) and (c): a PostgreSQL database the benchmark EMPTIES")
    parser.add_argument("--redis-url", help="for (b) and (c): Redis (only keys under the benchmark's prefix are cleared)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per production instance (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker (default 8)")
    parser.add_argument("--people", type=int, default=2000, help="distinct people launching (default 2000)")
    parser.add_argument("--courses", type=int, default=40, help="courses they launch into (default 40)")
    parser.add_argument("--tree", help="serve the tool from this checkout instead (e.g. an older commit, to compare)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' logs (printed path) after the run")
    args = parser.parse_args()
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    if not variants or set(variants) - {"a", "b", "c"}:
        parser.error("--variants takes a, b and c")
    if {"b", "c"} & set(variants) and not (args.database_url and args.redis_url):
        parser.error("(b) and (c) need --database-url and --redis-url")
    if args.users < 1 or args.seconds <= 0 or args.people < 1 or args.courses < 1:
        parser.error("--users, --seconds, --people and --courses must be positive")
    return args, variants


def main() -> int:
    """Run the set-ups one after the other; exit 1 when any launch failed."""
    args, variants = arguments()
    workdir = Path(tempfile.mkdtemp(prefix="rementor-load-"))
    platform = Platform()
    results: list[Result] = []
    failed = False
    try:
        with JwksServer(platform.jwks) as jwks:
            jwks_url = jwks.url("/jwks")
            for key in variants:
                served = start(key, args, workdir, jwks_url)
                try:
                    results.append(load(served, platform, args))
                finally:
                    stop(served)
                report(results[-1], args, results[0])
                failed = failed or bool(results[-1].errors)
    finally:
        if args.keep_logs or failed:
            print(f"server logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
