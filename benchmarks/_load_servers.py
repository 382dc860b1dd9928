"""The load benchmark's servers: the tool under gunicorn in the three set-ups, and the stores they start from.

See benchmarks/load.py. Every server runs in its own process group, so that stopping one stops its workers.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks._load_client import CLIENT_ID, DEPLOYMENT, ISSUER, Browser

ROOT = Path(__file__).resolve().parent.parent
CACHE_PREFIX = "rementor-load:"


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
