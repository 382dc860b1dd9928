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
import html
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._platform import INSTRUCTOR, LEARNER, JwksServer, Platform  # noqa: E402

ISSUER, CLIENT_ID, DEPLOYMENT = "https://lms-load.test", "rementor-load", "deployment-1"
STEPS = ("login", "login_window", "launch", "continue", "page")
CHECK_PAGE = re.compile(r'<div id="cookie-check" data-next="([^"]+)"')
ERROR_CODE = re.compile(r"<code>([A-Za-z]+)</code>")
CACHE_PREFIX = "rementor-load:"
MAX_LAUNCHES_PER_USER = 100_000  # a bound on each browser's loop besides the clock


@dataclass
class Served:
    """One set-up: its servers (process groups) and the port the load goes to."""

    key: str
    title: str
    port: int
    https: bool
    processes: list[subprocess.Popen] = field(default_factory=list)
    proxy: subprocess.Popen | None = None
    logs: list[Path] = field(default_factory=list)

    def all_processes(self) -> list[subprocess.Popen]:
        """The tool's servers and the proxy, if any."""
        return self.processes + ([self.proxy] if self.proxy else [])


@dataclass
class Tally:
    """What one browser saw."""

    launches: int = 0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {step: [] for step in STEPS})
    errors: Counter[str] = field(default_factory=Counter)


class StepFailed(Exception):
    """A step answered something other than what a working launch answers."""


# -- the browser ------------------------------------------------------------------------------------------
class Browser:
    """A browser with its own cookies; one connection per request, so a proxy spreads the steps."""

    def __init__(self, port: int, https: bool) -> None:
        self.port, self.https = port, https
        self.origin = f"{'https' if https else 'http'}://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        """Send one request to the tool; returns (status, headers, body)."""
        parts = urlsplit(urljoin(self.origin + "/", url))
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"Host": f"127.0.0.1:{self.port}", "Connection": "close", "User-Agent": "rementor-load"}
        if self.https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for cookie in response.headers.get_all("Set-Cookie") or []:
                self._keep(cookie)
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            connection.close()

    def _keep(self, set_cookie: str) -> None:
        name, _, rest = set_cookie.partition("=")
        value, _, attributes = rest.partition(";")
        expired = "max-age=0" in attributes.lower().replace(" ", "") or "1970" in attributes
        if expired:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value.strip()


def _expect(step: str, status: int, wanted: int, body: str) -> None:
    if status != wanted:
        code = ERROR_CODE.search(body)
        raise StepFailed(f"{step}: HTTP {status}" + (f" {code.group(1)}" if code else ""))


def one_launch(browser: Browser, platform: Platform, jwks_url: str, person: int, args, tally: Tally | None) -> None:
    """One full launch; step latencies go to ``tally`` (None during the warm-up). Raises StepFailed."""
    role = INSTRUCTOR if person % 25 == 0 else LEARNER
    target = browser.origin + "/lti/launch"
    login = {"iss": ISSUER, "login_hint": f"hint-{person}", "target_link_uri": target, "client_id": CLIENT_ID,
             "lti_deployment_id": DEPLOYMENT}

    def step(name: str, method: str, url: str, wanted: int, form: dict[str, str] | None = None):
        started = time.perf_counter()
        try:
            status, headers, body = browser.request(method, url, form)
        except (OSError, http.client.HTTPException) as exc:
            raise StepFailed(f"{name}: {type(exc).__name__}") from exc
        if tally is not None:
            tally.latencies[name].append((time.perf_counter() - started) * 1000)
        _expect(name, status, wanted, body)
        return headers, body

    _, page = step("login", "GET", "/lti/login?" + urlencode(login), 200)
    found = CHECK_PAGE.search(page)
    if not found:
        raise StepFailed("login: no cookie-check page")
    headers, _ = step("login_window", "GET", html.unescape(found.group(1)), 302)
    auth = parse_qs(urlsplit(headers.get("location", "")).query)
    if auth.get("redirect_uri", [""])[0] != target:
        raise StepFailed("login_window: redirect_uri is not the launch URL")
    token = platform.id_token(issuer=ISSUER, client_id=CLIENT_ID, deployment_id=DEPLOYMENT, nonce=auth["nonce"][0],
                              target=target, n=person, people=args.people, courses=args.courses, role=role)
    headers, _ = step("launch", "POST", target, 303, {"id_token": token, "state": auth["state"][0]})
    headers, _ = step("continue", "GET", headers.get("location", ""), 302)
    step("page", "GET", headers.get("location", ""), 200)


def run_browser(served: Served, platform: Platform, jwks_url: str, args, warm_until: float, until: float,
                tally: Tally, seed: int) -> None:
    """Launch again and again, as random people, until the clock runs out (or the loop's bound)."""
    rng = random.Random(seed)
    for _ in range(MAX_LAUNCHES_PER_USER):
        now = time.monotonic()
        if now >= until:
            return
        timed = now >= warm_until
        try:
            one_launch(Browser(served.port, served.https), platform, jwks_url, rng.randrange(args.people), args,
                       tally if timed else None)
        except StepFailed as exc:
            tally.errors[str(exc)] += 1  # the warm-up's too: the bar is no error at all
            continue
        if timed and time.monotonic() < until:
            tally.launches += 1


# -- the servers -----------------------------------------------------------------------------------------
def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env(extra: dict[str, str]) -> dict[str, str]:
    """This environment without the tool's own settings (a server gets exactly the ones given)."""
    names = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "REMENTOR_CONFIG", "CACHE_KEY_PREFIX", "PROXY_FIX_HOPS")
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update(extra)
    return env


def start_gunicorn(port: int, workers: int, threads: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    """gunicorn serving benchmarks/_served.py in its own process group, output to ``log``."""
    command = [str(Path(sys.executable).parent / "gunicorn"), "--pythonpath", str(ROOT / "benchmarks"),
               "-k", "gthread", "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
               "--backlog", "1024", "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning", "_served:app"]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=_clean_env(env), stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, cwd=env.get("BENCH_TREE") or str(ROOT))


def wait_ready(port: int, https: bool, seconds: float = 60) -> None:
    """Wait until the tool answers /healthz with 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Browser(port, https).request("GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the tool on port {port} did not become ready in {seconds:.0f} s")


def stop(served: Served) -> None:
    """Stop the process groups this run started: TERM, then KILL after a few seconds."""
    for process in served.all_processes():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in served.all_processes():
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def cpu_seconds(processes: list[subprocess.Popen]) -> float:
    """User + system CPU of every live process in these process groups (gunicorn masters and their workers)."""
    groups = {p.pid for p in processes}
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in groups:  # field 5 of stat, the process group, after the name
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


# -- the set-ups -----------------------------------------------------------------------------------------
def prepare_stores(database_url: str, redis_url: str | None, jwks_url: str) -> None:
    """Empty the tool's tables and cache keys, then register the platform, its deployment and the tool's key."""
    from lti_app import create_app
    from lti_app.extensions import cache, db
    from lti_app.lti import keys
    from lti_app.lti.models import Deployment, Platform as PlatformRow

    overrides = {"SQLALCHEMY_DATABASE_URI": database_url}
    if redis_url:
        overrides.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url, CACHE_KEY_PREFIX=CACHE_PREFIX)
    app = create_app("testing", overrides)
    with app.app_context():
        db.drop_all()
        db.create_all()
        cache.clear()
        keys.ensure_key()
        row = PlatformRow(name="Load LMS", issuer=ISSUER, client_id=CLIENT_ID, auth_login_url=ISSUER + "/auth",
                          auth_token_url=ISSUER + "/token", key_set_url=jwks_url)
        row.deployments = [Deployment(deployment_id=DEPLOYMENT)]
        db.session.add(row)
        db.session.commit()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def _production_env(args, workdir: Path) -> dict[str, str]:
    return {"REMENTOR_CONFIG": "production", "SECRET_KEY": secrets.token_hex(16), "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url, "CACHE_KEY_PREFIX": CACHE_PREFIX, "REMENTOR_INSTANCE_DIR": str(workdir),
            "PROXY_FIX_HOPS": "1", "LOG_LEVEL": "WARNING", "BENCH_TREE": args.tree or ""}


def _embedded(args, workdir: Path, jwks_url: str) -> tuple[Served, list[tuple[int, int, dict[str, str]]]]:
    database = f"sqlite:///{workdir / 'embedded.sqlite'}"
    prepare_stores(database, None, jwks_url)
    served = Served("a", f"(a) embedded default: SQLite file, in-process cache, 1 process "
                         f"(gunicorn 1 worker x {args.threads} threads)", free_port(), https=False)
    overrides = {"DEBUG": False, "DEMO_ENABLED": False, "SQLALCHEMY_DATABASE_URI": database}
    env = {"REMENTOR_CONFIG": "development", "BENCH_OVERRIDES": json.dumps(overrides),
           "REMENTOR_INSTANCE_DIR": str(workdir), "LOG_LEVEL": "WARNING", "BENCH_TREE": args.tree or ""}
    return served, [(served.port, 1, env)]


def _production(key: str, args, workdir: Path, jwks_url: str) -> tuple[Served, list[tuple[int, int, dict[str, str]]]]:
    prepare_stores(args.database_url, args.redis_url, jwks_url)
    instances = 1 if key == "b" else 2
    served = Served(key, f"({key}) production: {instances} gunicorn instance{'s' * (instances > 1)} x "
                         f"{args.workers} workers x {args.threads} threads, PostgreSQL and Redis"
                         + (", behind benchmarks/_proxy.py (round robin per connection)" if key == "c" else ""),
                    free_port(), https=True)
    env = _production_env(args, workdir)
    return served, [(served.port if key == "b" else free_port(), args.workers, env) for _ in range(instances)]


def start(key: str, args, workdir: Path, jwks_url: str) -> Served:
    """Prepare the stores and start the servers of set-up ``key`` (and the proxy of c); the caller stops them."""
    served, ports = _embedded(args, workdir, jwks_url) if key == "a" else _production(key, args, workdir, jwks_url)
    for n, (port, workers, env) in enumerate(ports):
        log = workdir / f"{key}-server-{n}.log"
        served.logs.append(log)
        served.processes.append(start_gunicorn(port, workers, args.threads, env, log))
    try:
        for port, _, _ in ports:
            wait_ready(port, served.https)
        if key == "c":
            log = workdir / "c-proxy.log"
            served.logs.append(log)
            with log.open("ab") as out:
                served.proxy = subprocess.Popen(
                    [sys.executable, str(ROOT / "benchmarks" / "_proxy.py"), str(served.port), *(str(p) for p, _, _ in ports)],
                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            wait_ready(served.port, served.https)
    except BaseException:
        stop(served)
        raise
    return served


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


def load(served: Served, platform: Platform, jwks_url: str, args) -> Result:
    """Run ``args.users`` browsers for the warm-up and then ``args.seconds``; collect their tallies."""
    started = time.monotonic()
    warm_until = started + args.warmup
    until = warm_until + args.seconds
    tallies = [Tally() for _ in range(args.users)]
    threads = [threading.Thread(target=run_browser, args=(served, platform, jwks_url, args, warm_until, until, t, n),
                                daemon=True) for n, t in enumerate(tallies)]
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
                    results.append(load(served, platform, jwks_url, args))
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
