"""Benchmark: ReMentor draining its grade outbox to an AGS endpoint, against bare authenticated POSTs.

    .venv/bin/python benchmarks/grade_sync.py [--rows 1000] [--repeats 3] [--batch-size 100] [--outage 60]

A local AGS platform (token and scores endpoints) is served by werkzeug on 127.0.0.1 in a thread, HTTP/1.1 with
keep-alive. In the same run, ``--repeats`` times, which one goes first alternating:
  baseline  ``--rows`` score POSTs with a bearer token over one ``requests.Session`` (the token fetched once);
  ReMentor  ``--rows`` pending scores (one per learner, recorded beforehand, not timed) drained from the outbox
            by ``grade_sync.send_entries`` as ``flask grades sync`` does: claims, AGS calls, outcomes, commits.
Then an outage: two scores per learner for ``--rows // 10`` learners, the endpoint answering 503 for
``--outage`` seconds; cron (``send_entries``) runs every 5 s of a clock the benchmark advances (nothing waits), and
the benchmark reports when the endpoint was tried, each row's attempts, and that every row arrived once, in order.

The database is a SQLite file in a temporary folder, or ``DATABASE_URL`` (a scratch database: its tables are
dropped and created). The cache is in-process, or Redis when ``REDIS_URL`` is set.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402
from werkzeug.wrappers import Request, Response  # noqa: E402

from config.settings import Base  # noqa: E402
from lti_app import create_app  # noqa: E402
from lti_app.extensions import cache, db, utcnow  # noqa: E402
from lti_app.lti import keys  # noqa: E402
from lti_app.lti.claims import AGS_SCOPE_LINEITEM, AGS_SCOPE_SCORE  # noqa: E402
from lti_app.lti.models import LtiContext  # noqa: E402
from lti_app.lti.services.ags import SCORE_TYPE  # noqa: E402
from lti_app.mentoring.models.grade_outbox import GradeOutbox  # noqa: E402
from lti_app.mentoring.services import grade_outbox  # noqa: E402
from lti_app.tasks import grades as grade_sync  # noqa: E402
from tests.factories import make_cohort, make_course, make_membership, make_person, make_platform  # noqa: E402
from tests.factories_reflections import make_assignment  # noqa: E402
from tests.queries import counted_queries  # noqa: E402

TOKEN = "benchmark-token"


class AgsServer:
    """A platform's token and scores endpoints on 127.0.0.1; ``down()`` says when scores are answered 503."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accepted: list[dict] = []
        self.refused: list[dict] = []
        self.token_requests = 0
        self.down = lambda: False
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="ags", daemon=True)

    @property
    def origin(self) -> str:
        """http://127.0.0.1:<port>."""
        return f"http://127.0.0.1:{self._server.server_port}"

    def wsgi(self, environ, start_response):
        """POST /token gives a token; POST …/scores takes a score (503 while down); anything else is 404."""
        request = Request(environ)
        if request.path == "/token" and request.method == "POST":
            with self.lock:
                self.token_requests += 1
            body = {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600}
            return Response(json.dumps(body), content_type="application/json")(environ, start_response)
        if request.path.endswith("/scores") and request.method == "POST":
            return self._score(request)(environ, start_response)
        return Response("not found", status=404)(environ, start_response)

    def _score(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Response('{"error": "bad token"}', status=401, content_type="application/json")
        score = json.loads(request.get_data())
        with self.lock:
            if self.down():
                self.refused.append(score)
                return Response('{"error": "down for maintenance"}', status=503, content_type="application/json")
            self.accepted.append(score)
        return Response("", status=200)

    def __enter__(self) -> AgsServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class Clock:
    """The outbox's and grade sync's now, moved by the benchmark."""

    def __init__(self) -> None:
        self.now: datetime = utcnow()
        grade_outbox.utcnow = grade_sync.utcnow = lambda: self.now  # type: ignore[assignment]


def make_app(folder: str, batch_size: int):
    """The tool on a SQLite file in ``folder`` (or DATABASE_URL), Redis when REDIS_URL is set."""
    overrides = {"GRADE_SYNC_BATCH_SIZE": batch_size, "SERVER_NAME": "tool.test"}
    if not os.environ.get("DATABASE_URL"):
        overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{folder}/grades.sqlite"
    if os.environ.get("REDIS_URL"):
        overrides.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=os.environ["REDIS_URL"], CACHE_KEY_PREFIX="rementor-bench:")
    return create_app("testing", overrides)


def build_course(server: AgsServer, learners: int):
    """A platform served by ``server``, a course with its AGS endpoint, a reflection column, ``learners`` learners."""
    keys.ensure_key()
    platform = make_platform(issuer=server.origin, auth_token_url=f"{server.origin}/token")
    course = make_course(platform)
    db.session.add(LtiContext(course_id=course.id, platform_id=platform.id, lineitems_url=f"{server.origin}/lineitems",
                              ags_scopes=[AGS_SCOPE_LINEITEM, AGS_SCOPE_SCORE]))
    assignment = make_assignment(make_cohort(course), lineitem_url=f"{server.origin}/lineitems/1")
    people = []
    for _ in range(learners):
        person = make_person(platform)
        make_membership(person, course)
        people.append(person)
    db.session.commit()
    return course, assignment, people


def record(course, assignment, people, progress: str = "Completed") -> list[int]:
    """One pending score per person (committed); their outbox ids."""
    graded = progress == "Completed"
    ids = [grade_outbox.record_score(
        course_id=course.id, person_id=p.id, target="reflection", target_id=assignment.id, activity_progress=progress,
        grading_progress="FullyGraded" if graded else "PendingManual", score_given=7.0 if graded else None,
        score_maximum=10.0 if graded else None).id for p in people]
    db.session.commit()
    return ids


def bare_posts(server: AgsServer, people, rows: int) -> float:
    """Seconds for ``rows`` authenticated score POSTs over one session, the token fetched once."""
    session = requests.Session()
    started = time.perf_counter()
    token = session.post(f"{server.origin}/token", data={"grant_type": "client_credentials"}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": SCORE_TYPE}
    url = f"{server.origin}/lineitems/1/scores"
    for n in range(rows):
        body = {"userId": people[n % len(people)].subject, "activityProgress": "Completed",
                "gradingProgress": "FullyGraded", "scoreGiven": 7.0, "scoreMaximum": 10.0,
                "timestamp": utcnow().isoformat(timespec="milliseconds")}
        session.post(url, data=json.dumps(body), headers=headers).raise_for_status()
    return time.perf_counter() - started


def drain() -> tuple[float, Counter, int]:
    """Seconds to drain every due row, the counts by outcome, and the SQL statements run (BEGINs left out)."""
    db.session.expire_all()
    with counted_queries() as statements:
        started = time.perf_counter()
        counts = grade_sync.send_entries(None)
        seconds = time.perf_counter() - started
    return seconds, counts, len(statements)


def throughput(args, server: AgsServer) -> None:
    """Bare POSTs against the outbox drain, taking turns, and their figures."""
    course, assignment, people = build_course(server, args.rows)
    bare, ours, queries = [], [], []
    for run in range(args.repeats):
        if run % 2 == 0:  # alternate which goes first, so drift on a shared machine hits both alike
            bare.append(bare_posts(server, people, args.rows))
        record(course, assignment, people)
        before = len(server.accepted)
        seconds, counts, statements = drain()
        assert counts["sent"] == args.rows == len(server.accepted) - before, (counts, args.rows)
        ours.append(seconds)
        queries.append(statements)
        if run % 2 == 1:
            bare.append(bare_posts(server, people, args.rows))
    batches = -(-args.rows // args.batch_size)
    bare_s, ours_s = statistics.median(bare), statistics.median(ours)
    print(f"{args.rows} scores, batches of {args.batch_size}, {args.repeats} runs each (median; best in brackets)")
    print(f"  bare POSTs, one session   {bare_s:7.3f} s  ({min(bare):.3f})  {args.rows / bare_s:8.0f} rows/s")
    print(f"  ReMentor outbox drain     {ours_s:7.3f} s  ({min(ours):.3f})  {args.rows / ours_s:8.0f} rows/s")
    print(f"  drain rate / bare rate    {bare_s / ours_s:7.2f}  (target: 0.50 or more)")
    print(f"  SQL statements per drain  {statistics.median(queries):7.0f}  ({batches} batches + a last empty claim;"
          f" {statistics.median(queries) / (batches + 1):.1f} per batch)")
    print(f"  token requests            {server.token_requests:7d}  (one per baseline run; ReMentor's first, then cached)")


def outage(args, server: AgsServer) -> None:
    """Two scores per learner while the endpoint answers 503, cron every 5 s of a clock the benchmark advances."""
    clock = Clock()
    start = clock.now
    learners = max(1, args.rows // 10)
    course, assignment, people = build_course(server, learners)
    server.down = lambda: clock.now < start + timedelta(seconds=args.outage)
    tried_at: Counter = Counter()
    wrap = server._score

    def noting(request):
        tried_at[int((clock.now - start).total_seconds())] += 1
        return wrap(request)

    server._score = noting
    accepted_before = len(server.accepted)
    started = time.perf_counter()
    ids = record(course, assignment, people, "Submitted") + record(course, assignment, people, "Completed")
    grade_sync.dispatch(ids)  # after the commit, as a view does: the platform is down
    for _ in range(0, args.outage * 5, 5):
        clock.now += timedelta(seconds=5)
        grade_sync.send_entries(None)  # cron
    seconds = time.perf_counter() - started
    print(f"\nOutage: {len(ids)} scores ({learners} learners x 2), the endpoint answering 503 for {args.outage} s,"
          f" cron every 5 s of a clock advanced by the benchmark ({args.outage * 5} s simulated in {seconds:.2f} s)")
    print(f"  endpoint tried at (s)     {', '.join(f'{t} ({n}x)' for t, n in sorted(tried_at.items()))}")
    print(f"  refused while down        {len(server.refused)} POSTs")
    report_rows(args, ids, server.accepted[accepted_before:], learners, start)


def report_rows(args, ids: list[int], arrived: list[dict], learners: int, start: datetime) -> None:
    """Where the outage's rows ended up: states, arrivals once and in order, attempts, send times."""
    db.session.expire_all()
    rows = db.session.scalars(select(GradeOutbox).where(GradeOutbox.id.in_(ids))).all()
    states = Counter(r.state.value for r in rows)
    per_user: dict[str, list[str]] = {}
    for score in arrived:
        per_user.setdefault(score["userId"], []).append(score["activityProgress"])
    in_order = all(seq == ["Submitted", "Completed"] for seq in per_user.values()) and len(per_user) == learners
    print(f"  rows                      {dict(states)}; arrived {len(arrived)}, each once: {len(arrived) == len(ids)},"
          f" in order per learner: {in_order}")
    print(f"  attempts per row          {dict(sorted(Counter(r.attempts for r in rows).items()))}"
          f" (attempts: rows); backoff {args.base}/{args.base * 2}/{args.base * 4} s")
    sent_at = sorted({int((r.sent_at - start).total_seconds()) for r in rows if r.sent_at})
    print(f"  sent at (s)               {', '.join(map(str, sent_at))}")


def main() -> None:
    """Parse the options, serve the endpoint, run both parts on a fresh schema."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=Base.GRADE_SYNC_BATCH_SIZE)
    parser.add_argument("--outage", type=int, default=60, help="seconds the endpoint answers 503")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, AgsServer() as server:
        app = make_app(folder, args.batch_size)
        args.base = app.config["GRADE_SYNC_BACKOFF_BASE_SECONDS"]
        print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}, cache: {app.config['CACHE_TYPE']},"
              f" AGS endpoint {server.origin} (werkzeug, threaded, keep-alive)\n")
        with app.app_context():
            db.drop_all()
            db.create_all()
            cache.clear()
            throughput(args, server)
            outage(args, server)
            db.session.remove()
            db.drop_all()
            cache.clear()


if __name__ == "__main__":
    main()
