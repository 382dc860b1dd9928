"""Benchmark: full LTI 1.3 launches of ReMentor against a stock pylti1p3next baseline.

    .venv/bin/python benchmarks/launch.py [--launches N] [--database-url URL --redis-url URL]

One launch = OIDC login (cookie-check page, then the new-window login: 302 to the platform with state
and nonce) + the signed id_token POST (303 to /lti/continue/<token>) + the continue step (302) + the
learner home (200), driven with Flask's test client over https://tool.test. The platform side (RSA
signing, the JWKS served by a real http.server on 127.0.0.1) is not counted as server time; server time
is the time spent inside the tool's WSGI app, summed over the launch's five requests: wall time, and the CPU time of
the thread that ran them (the tool's own CPU: the database's and Redis's processes are not in it). Statements are
the SQL statements the tool sent (transaction bookkeeping left out). Launches are returning people (100 learners
over 10 courses, each launched in the warm-up), as in a lesson where a class opens the tool again.

By default the tool runs on a SQLite file and the in-process cache. With ``--database-url`` (a database the
benchmark may empty: it drops and creates the tables) and ``--redis-url`` it runs on the production stack's
stores, PostgreSQL and Redis, with the registration records in Redis as in production.

Variants, same app, same launches, interleaved in blocks so drift hits both alike:
  ReMentor  the real /lti/login and /lti/launch (platform key set cached in the shared cache);
  baseline  /lti/login, then a benchmark-only route validating with stock FlaskMessageLaunch
            (no public-key caching: one JWKS fetch per launch, no one-time nonce, no azp check).
"""
from __future__ import annotations

import argparse
import html
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pylti1p3.contrib.flask import FlaskCacheDataStorage, FlaskMessageLaunch, FlaskRequest  # noqa: E402
from sqlalchemy import event  # noqa: E402

from benchmarks._platform import JwksServer, Platform  # noqa: E402
from lti_app import create_app  # noqa: E402
from lti_app.extensions import cache, csrf, db  # noqa: E402
from lti_app.lti import claims, keys  # noqa: E402
from lti_app.lti.models import Deployment, Platform as PlatformRow  # noqa: E402
from lti_app.lti.tool_config import DatabaseToolConf  # noqa: E402
from lti_app.web.launch.routes import finish_launch  # noqa: E402

TOOL = "https://tool.test"
DEPLOYMENT = "deployment-1"
WARMUP = 100  # every one of the 100 learners launches once: the timed launches are returning people
BLOCK = 25
CHECK_PAGE = re.compile(r'<div id="cookie-check" data-next="([^"]+)"')


def baseline_launch():
    """pylti1p3next as shipped: stock validate(), then the same recording as launch.launch."""
    tool_conf = DatabaseToolConf()
    message = FlaskMessageLaunch(FlaskRequest(), tool_conf, launch_data_storage=FlaskCacheDataStorage(cache)).validate()
    context = claims.build_context(message.get_launch_id(), message.get_launch_data())
    return finish_launch(context, tool_conf)


class ServerClock:
    """WSGI middleware: wall and CPU seconds spent inside the wrapped app (body included) since the last reset."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app, self.seconds, self.cpu_seconds, self.statements = wsgi_app, 0.0, 0.0, 0

    def reset(self) -> None:
        self.seconds = self.cpu_seconds = 0.0
        self.statements = 0

    def count_statement(self, conn, cursor, statement, *args) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO")):
            self.statements += 1

    def __call__(self, environ, start_response):
        started, cpu = time.perf_counter(), time.thread_time()
        result = self.wsgi_app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        self.seconds += time.perf_counter() - started
        self.cpu_seconds += time.thread_time() - cpu
        return [body]


class Variant:
    def __init__(self, name: str, slug: str, launch_path: str, platform: Platform, jwks_path: str) -> None:
        self.name, self.slug, self.launch_url = name, slug, TOOL + launch_path
        self.platform, self.jwks_path = platform, jwks_path
        self.issuer, self.client_id = f"https://lms-{slug}.test", f"rementor-{slug}"
        self.server_ms: list[float] = []
        self.cpu_ms: list[float] = []
        self.statements: list[int] = []
        self.wall_s = 0.0
        self.jwks_warmup = self.jwks_timed = 0


def expect(response, status: int, step: str) -> None:
    if response.status_code != status:
        raise SystemExit(f"{step}: expected {status}, got {response.status_code}\n{response.get_data(as_text=True)[:800]}")


def one_launch(app, clock: ServerClock, v: Variant, n: int) -> float:
    """One full launch in a fresh browser; returns its end-to-end seconds (server figures are on ``clock``)."""
    started = time.perf_counter()
    clock.reset()
    browser = app.test_client()
    login = {"iss": v.issuer, "login_hint": f"hint-{n}", "target_link_uri": v.launch_url,
             "client_id": v.client_id, "lti_deployment_id": DEPLOYMENT}
    r = browser.get(TOOL + "/lti/login", query_string=login)
    expect(r, 200, "login (cookie check)")
    found = CHECK_PAGE.search(r.get_data(as_text=True))
    if not found:
        raise SystemExit("login: no cookie-check data-next in the page")
    r = browser.get(html.unescape(found.group(1)))
    expect(r, 302, "login (new window)")
    auth = urlsplit(r.headers["Location"])
    params = {k: vals[0] for k, vals in parse_qs(auth.query).items()}
    assert f"{auth.scheme}://{auth.netloc}{auth.path}" == v.issuer + "/auth", auth
    assert params["redirect_uri"] == TOOL + "/lti/launch", params["redirect_uri"]
    token = v.platform.id_token(issuer=v.issuer, client_id=v.client_id, deployment_id=DEPLOYMENT,
                                nonce=params["nonce"], target=v.launch_url, n=n)
    r = browser.post(v.launch_url, data={"id_token": token, "state": params["state"]})
    expect(r, 303, "launch")
    location = r.headers["Location"]
    assert "/lti/continue/" in location, location
    r = browser.get(urljoin(TOOL, location))
    expect(r, 302, "continue")
    home = urljoin(TOOL, r.headers["Location"])
    assert "/learner/" in home, home
    r = browser.get(home)
    expect(r, 200, "learner home")
    return time.perf_counter() - started


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=300, help="timed launches per variant (default 300)")
    parser.add_argument("--few-ms", type=float, default=10.0,
                        help="the 'few milliseconds' bar for ReMentor's mean server time per launch (default 10)")
    parser.add_argument("--database-url", help="a database the benchmark may empty (default: a SQLite file)")
    parser.add_argument("--redis-url", help="Redis for the cache (default: the in-process cache)")
    args = parser.parse_args()
    if args.launches < 1:
        parser.error("--launches must be at least 1")

    workdir = tempfile.mkdtemp(prefix="rementor-bench-")
    try:
        platform = Platform()
        with JwksServer(platform.jwks) as jwks:
            app = create_app("testing", stores(args, workdir))
            app.add_url_rule("/bench/baseline-launch", "bench_baseline_launch", csrf.exempt(baseline_launch),
                             methods=["POST"])
            clock = ServerClock(app.wsgi_app)
            app.wsgi_app = clock  # type: ignore[method-assign]
            variants = [Variant("ReMentor", "a", "/lti/launch", platform, "/jwks/a"),
                        Variant("baseline (pylti1p3next defaults)", "b", "/bench/baseline-launch", platform, "/jwks/b")]
            with app.app_context():
                db.drop_all()
                db.create_all()
                cache.clear()
                keys.ensure_key()
                event.listen(db.engine, "before_cursor_execute", clock.count_statement)
                for v in variants:
                    row = PlatformRow(name=v.name, issuer=v.issuer, client_id=v.client_id,
                                      auth_login_url=v.issuer + "/auth", auth_token_url=v.issuer + "/token",
                                      key_set_url=jwks.url(v.jwks_path))
                    row.deployments = [Deployment(deployment_id=DEPLOYMENT)]
                    db.session.add(row)
                db.session.commit()
                db.session.remove()

            for v in variants:
                for n in range(WARMUP):
                    one_launch(app, clock, v, n)
                v.jwks_warmup = jwks.hits[v.jwks_path]
            done = 0
            while done < args.launches:
                size = min(BLOCK, args.launches - done)
                for v in variants if (done // BLOCK) % 2 == 0 else variants[::-1]:
                    for i in range(size):
                        v.wall_s += one_launch(app, clock, v, done + i)
                        v.server_ms.append(clock.seconds * 1000)
                        v.cpu_ms.append(clock.cpu_seconds * 1000)
                        v.statements.append(clock.statements)
                done += size
            for v in variants:
                v.jwks_timed = jwks.hits[v.jwks_path] - v.jwks_warmup
            with app.app_context():
                db.session.remove()
                cache.clear()
                for engine in db.engines.values():
                    engine.dispose()
        report(variants, args.launches, args.few_ms, "PostgreSQL" if args.database_url else "SQLite",
               "Redis" if args.redis_url else "the in-process cache")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def stores(args, workdir: str) -> dict:
    """The app's overrides: the tool's host, and the database and cache the run uses."""
    overrides = {"SERVER_NAME": "tool.test", "PREFERRED_URL_SCHEME": "https",
                 "SQLALCHEMY_DATABASE_URI": args.database_url or f"sqlite:///{workdir}/bench.sqlite"}
    if args.redis_url:
        overrides.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=args.redis_url, CACHE_KEY_PREFIX="rementor-bench:")
    return overrides


def report(variants: list[Variant], launches: int, few_ms: float, database: str, cache_kind: str) -> None:
    print(f"Full LTI 1.3 launches of returning learners (login + cookie check + launch + continue + learner home) "
          f"on {database} and {cache_kind}, {launches} timed per variant after {WARMUP} warm-up, "
          f"interleaved in blocks of {BLOCK}")
    print(f"{'variant':<34} {'launches':>8} {'launches/s':>10} {'server ms mean':>14} {'p95':>7} "
          f"{'CPU ms mean':>11} {'statements':>10} {'JWKS fetches':>22}")
    for v in variants:
        fetches = f"{v.jwks_timed} (+{v.jwks_warmup} warm-up)"
        print(f"{v.name:<34} {len(v.server_ms):>8} {len(v.server_ms) / v.wall_s:>10.1f} "
              f"{statistics.fmean(v.server_ms):>14.2f} {p95(v.server_ms):>7.2f} {statistics.fmean(v.cpu_ms):>11.2f} "
              f"{statistics.fmean(v.statements):>10.1f} {fetches:>22}")
    ours, base = variants
    ratio_ms = statistics.fmean(base.server_ms) / statistics.fmean(ours.server_ms)
    ratio_rate = (len(ours.server_ms) / ours.wall_s) / (len(base.server_ms) / base.wall_s)
    print(f"baseline server ms / ReMentor server ms: {ratio_ms:.2f}x (p95: {p95(base.server_ms) / p95(ours.server_ms):.2f}x)")
    print(f"ReMentor launches/s / baseline launches/s: {ratio_rate:.2f}x")
    mean = statistics.fmean(ours.server_ms)
    few, beats = mean < few_ms, ratio_ms > 1.0
    verdict = "MET" if few and beats else "NOT MET"
    print(f"verdict: target {verdict} - ReMentor costs {mean:.2f} ms of server time per full launch "
          f"({'under' if few else 'over'} the {few_ms:g} ms 'few milliseconds' bar) and is "
          f"{'faster' if beats else 'not faster'} than the baseline ({ratio_ms:.2f}x).")


if __name__ == "__main__":
    sys.exit(main())
