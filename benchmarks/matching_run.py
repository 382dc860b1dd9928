"""Benchmark: the instructor's "Run the matching" at 5,000 x 5,000, from the click to the draft on screen.

    .venv/bin/python benchmarks/matching_run.py [--size 5000] [--repeats 3] [--sqlite PATH]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_match .venv/bin/python benchmarks/matching_run.py

Builds once (and reuses on later runs) a closed cohort of --size mentors and --size mentees in a database: a
SQLite file (default /tmp/rementor_matching_run.sqlite), or PostgreSQL when DATABASE_URL is given (a database of
its own: the cohort stays there between runs). Then, through the WSGI app (Flask's test client, an instructor's
session), it times each step a browser goes through, with the SQL statements and the process's peak memory (RSS)
of each step:
  * POST /matching/run: the cohort is bigger than MATCHING_INLINE_LIMIT, so a background run is queued; the job
    runs inline (JOBS_ASYNC off), as a worker would: profiles loaded, engine, explanations, pairs stored;
  * while a run works: the matching page and its status JSON (they must not read the cohort);
  * GET /matching/: the draft shown (first page, totals, reasons of the unpaired); then its last page.
The baseline, measured in the same run on the same profiles: the engine alone (``propose_pairs`` with the
explanations for the instructor), and the profiles' loading alone. It prints figures; it asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import delete, event, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.matching import BUSINESS, DEPARTMENTS, DIGITAL, GOAL_WORDS, INTERESTS  # noqa: E402
from lti_app import create_app  # noqa: E402
from lti_app.extensions import cache, db, utcnow  # noqa: E402
from lti_app.lti.models import Deployment, Platform  # noqa: E402
from lti_app.mentoring.domain.cohort_settings import text_digest  # noqa: E402
from lti_app.mentoring.domain.cohort_state import CohortState  # noqa: E402
from lti_app.mentoring.domain.matching.engine import propose_pairs  # noqa: E402
from lti_app.mentoring.domain.profile_fields import (  # noqa: E402
    CareerStage, EnrolmentStatus, Generation, RoleWanted, SkillKind,
)
from lti_app.mentoring.domain.skills import SkillCategory  # noqa: E402
from lti_app.mentoring.models.cohort import Cohort, CohortSkill  # noqa: E402
from lti_app.mentoring.models.course import Course, CourseRole, Membership  # noqa: E402
from lti_app.mentoring.models.enrolment import Enrolment, EnrolmentSkill  # noqa: E402
from lti_app.mentoring.models.matching_run import MatchingRun  # noqa: E402
from lti_app.mentoring.models.pairing import Pair  # noqa: E402
from lti_app.mentoring.models.person import Person  # noqa: E402
from lti_app.mentoring.services.matching import pairing as matching  # noqa: E402

ZONES = {"America/Los_Angeles": .10, "America/New_York": .25, "Europe/London": .30, "Europe/Berlin": .20,
         "Asia/Karachi": .05, "Asia/Singapore": .10}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
GENERATIONS = ("gen_z", "millennial", "gen_x", "baby_boomer")
RULES = "Confidentiality.\nNo role switching."
SIZES: list[int] = []  # the draft page's bytes, <form>s, <option>s and ticked-pair boxes


# ---- the cohort in the database, built once ----

def _name(size: int) -> str:
    return f"Benchmark cohort {size:,} x {size:,}"


def _enrolment(rng: np.random.Generator, junior: bool, cohort_id: int, person_id: int, boss: str | None) -> dict:
    """One enrolment's columns: juniors mentor (digital skills), seniors are mentored (business skills)."""
    stage = int(rng.choice([0, 1, 2], p=[.3, .5, .2])) if junior else int(rng.choice([2, 3, 4], p=[.25, .5, .25]))
    years = float(rng.uniform(*{0: (0, 2), 1: (1, 6), 2: (5, 15), 3: (10, 25), 4: (15, 35)}[stage]))
    blocks = {f"{rng.choice(WEEKDAYS)}_{rng.choice(['morning', 'afternoon', 'evening'])}" for _ in range(rng.integers(2, 5))}
    return dict(
        cohort_id=cohort_id, person_id=person_id, status=EnrolmentStatus.ENROLLED,
        role_wanted=RoleWanted.MENTOR if junior else RoleWanted.MENTEE,
        capacity=int(rng.choice([1, 2, 3], p=[.5, .3, .2])) if junior else None,
        experience_years=round(years, 1), career_stage=CareerStage(stage),
        generation=Generation(str(rng.choice(GENERATIONS[:2] if junior else GENERATIONS[1:]))) if rng.random() < .8 else None,
        department=str(rng.choice(DEPARTMENTS)), manager_email=boss,
        channels=sorted({str(c) for c in rng.choice(["video", "chat", "email", "phone", "in_person"], 2)}),
        availability=sorted(blocks), time_zone=str(rng.choice(list(ZONES), p=list(ZONES.values()))),
        languages=["en"] if rng.random() < .92 else ["es"], interests=sorted(set(rng.choice(INTERESTS, 3).tolist())),
        goals="I want to work on " + ", ".join(rng.choice(GOAL_WORDS, 5).tolist()) + ".",
        ground_rules_accepted_at=utcnow(), ground_rules_digest=text_digest(RULES),
    )


def _skill_rows(rng: np.random.Generator, enrolment_id: int, junior: bool, skill_ids: dict[str, int]) -> list[dict]:
    teach, learn = (DIGITAL, BUSINESS) if junior else (BUSINESS, DIGITAL)
    rows = [(s, SkillKind.OFFERED, int(rng.choice([3, 4, 5]))) for s in rng.choice(teach, rng.integers(2, 5), False)]
    rows += [(s, SkillKind.WANTED, int(rng.choice([1, 2]))) for s in rng.choice(learn, rng.integers(1, 4), False)]
    return [dict(enrolment_id=enrolment_id, skill_id=skill_ids[str(s)], kind=k, level=v) for s, k, v in rows]


def build(size: int, seed: int) -> tuple[int, int, int]:
    """(course id, cohort id, instructor's membership id): the cohort as left by an earlier run, or built now."""
    found = db.session.scalar(select(Cohort).where(Cohort.name == _name(size)))
    if found is not None:
        teacher = db.session.scalar(select(Membership.id).where(
            Membership.course_id == found.course_id, Membership.role == CourseRole.INSTRUCTOR))
        return found.course_id, found.id, teacher
    rng = np.random.default_rng(seed)
    platform = Platform(name="Benchmark LMS", issuer="https://bench.test", client_id="bench",
                        auth_login_url="https://bench.test/auth", auth_token_url="https://bench.test/token",
                        key_set_url="https://bench.test/jwks", deployments=[Deployment(deployment_id="1")])
    db.session.add(platform)
    db.session.flush()
    course = Course(platform_id=platform.id, deployment_id=platform.deployments[0].id, context_id="bench", title="Bench")
    teacher = Person(platform_id=platform.id, subject="teacher", name="Teacher")
    db.session.add_all([course, teacher])
    db.session.flush()
    membership = Membership(person=teacher, course=course, role=CourseRole.INSTRUCTOR)
    today = utcnow().date()
    cohort = Cohort(course_id=course.id, name=_name(size), state=CohortState.ENROLMENT_CLOSED, ground_rules=RULES,
                    enrolment_opens_on=today - timedelta(days=30), enrolment_closes_on=today - timedelta(days=1),
                    starts_on=today + timedelta(days=7), ends_on=today + timedelta(days=187), mentor_capacity=3)
    cohort.skills = [CohortSkill(code=code, label=code.replace("_", " ").capitalize(), position=i,
                                 category=SkillCategory.DIGITAL if code in DIGITAL else SkillCategory.LEADERSHIP)
                     for i, code in enumerate(DIGITAL + BUSINESS)]
    db.session.add_all([membership, cohort])
    db.session.flush()
    skill_ids = {s.code: s.id for s in cohort.skills}
    db.session.execute(insert(Person), [dict(platform_id=platform.id, subject=f"p{i}", name=f"Person {i:05d}",
                                             email=f"p{i}@bench.test") for i in range(2 * size)])
    people = dict(db.session.execute(select(Person.subject, Person.id).where(Person.platform_id == platform.id)).all())
    mentee_mail = [f"p{size + k}@bench.test" for k in range(size)]
    rows = [_enrolment(rng, i < size, cohort.id, people[f"p{i}"],
                       str(rng.choice(mentee_mail)) if rng.random() < .3 else None) for i in range(2 * size)]
    db.session.execute(insert(Enrolment), rows)
    ids = db.session.execute(select(Enrolment.person_id, Enrolment.id).where(Enrolment.cohort_id == cohort.id)).all()
    by_person = dict(ids)
    skills = [row for i in range(2 * size) for row in _skill_rows(rng, by_person[people[f"p{i}"]], i < size, skill_ids)]
    db.session.execute(insert(EnrolmentSkill), skills)
    db.session.commit()
    return course.id, cohort.id, membership.id


def reset(cohort_id: int) -> None:
    """Back to a cohort with no draft, no run, no pin."""
    db.session.execute(delete(Pair).where(Pair.cohort_id == cohort_id))
    db.session.execute(delete(MatchingRun).where(MatchingRun.cohort_id == cohort_id))
    cohort = db.session.get(Cohort, cohort_id)
    cohort.matching_settings = {**cohort.matching_settings, "pinned": [], "forbidden": []}
    db.session.commit()
    db.session.expire_all()


# ---- measuring ----

@dataclass
class Step:
    seconds: float
    queries: int
    peak_mb: float


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark of this process (Linux), so each step reports its own peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def measured(into: list[Step]):
    """Time the block, count its SQL statements, and take the peak memory it reached."""
    seen = [0]

    def count(*_args) -> None:
        seen[0] += 1

    _reset_peak()
    event.listen(db.engine, "before_cursor_execute", count)
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        event.remove(db.engine, "before_cursor_execute", count)
        into.append(Step(elapsed, seen[0], _peak_mb()))


def browser(app, course_id: int, membership_id: int):
    """A test client holding an instructor's session in the course (as after a launch)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["courses"] = {str(course_id): {"m": membership_id, "l": "benchmark"}}
    return client


def click_to_draft(app, client, base: str, cohort_id: int, steps: dict[str, list[Step]]) -> None:
    """One click on Run, the job, the page while a run works (a queued run put back for it), the draft's pages."""
    reset(cohort_id)
    with measured(steps["POST run (queues the job; the job runs inline)"]):
        answer = client.post(base + "run")
    assert answer.status_code == 303, answer.status_code
    with measured(steps["GET the draft (first page, totals, reasons)"]):
        page = client.get(base)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "points" in html
    SIZES[:] = [len(page.data), html.count("<form"), html.count("<option"), html.count('name="pair_id"')]
    with measured(steps["GET the draft's last page"]):
        assert client.get(base + "?page=1000").status_code == 200
    edits(client, base, cohort_id, steps)
    run = MatchingRun(cohort_id=cohort_id)
    db.session.add(run)
    db.session.commit()
    with measured(steps["GET the page while a run works"]):
        assert "running in the background" in client.get(base).get_data(as_text=True)
    with measured(steps["GET the run's status JSON"]):
        assert client.get(base + "runs/latest").status_code == 200
    db.session.delete(run)
    db.session.commit()


def edits(client, base: str, cohort_id: int, steps: dict[str, list[Step]]) -> None:
    """Two ticked pairs pinned, then a swap of two others, then the draft shown again (its reasons worked out anew)."""
    ids = list(db.session.scalars(select(Pair.id).where(Pair.cohort_id == cohort_id).order_by(Pair.id).limit(4)))
    with measured(steps["POST pin (two ticked pairs)"]):
        assert client.post(base + "pairs/pin", data={"pair_id": [str(i) for i in ids[:2]]}).status_code == 303
    with measured(steps["POST swap (two ticked pairs)"]):
        assert client.post(base + "pairs/swap", data={"pair_id": [str(i) for i in ids[2:]]}).status_code == 303
    cache.clear()  # the same edits of an earlier round made the same draft: its reasons would still be kept
    with measured(steps["GET the draft after edits (reasons anew)"]):
        assert client.get(base).status_code == 200


def baseline(cohort_id: int, steps: dict[str, list[Step]]) -> None:
    """The same cohort's profiles loaded, and the engine alone on them."""
    db.session.expire_all()
    cohort = db.session.get(Cohort, cohort_id)
    with measured(steps["baseline: profiles loaded (sides_of)"]):
        sides = matching.sides_of(cohort)
    mentors, mentees = sides.sides()
    settings = matching.settings_of(cohort)
    with measured(steps["baseline: engine alone (propose_pairs)"]):
        propose_pairs(mentors, mentees, settings, names=sides.names, labels=sides.labels, viewer="instructor")
    db.session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=5000, help="mentors and mentees (each)")
    parser.add_argument("--repeats", type=int, default=3, help="clicks timed (after one warm-up)")
    parser.add_argument("--sqlite", default="/tmp/rementor_matching_run.sqlite", help="file used without DATABASE_URL")
    parser.add_argument("--seed", type=int, default=20240501)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{args.sqlite}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "JOBS_ASYNC": False})
    with app.app_context():
        db.create_all()
        start = time.perf_counter()
        course_id, cohort_id, membership_id = build(args.size, args.seed)
        print(f"database: {db.engine.url.render_as_string(hide_password=True)}; cohort ready in "
              f"{time.perf_counter() - start:.1f} s ({args.size:,} mentors x {args.size:,} mentees)")
        client = browser(app, course_id, membership_id)
        base = f"/courses/{course_id}/instructor/cohorts/{cohort_id}/matching/"
        steps: dict[str, list[Step]] = {}
        for name in ("POST run (queues the job; the job runs inline)", "GET the draft (first page, totals, reasons)",
                     "GET the draft's last page", "POST pin (two ticked pairs)", "POST swap (two ticked pairs)",
                     "GET the draft after edits (reasons anew)", "GET the page while a run works", "GET the run's status JSON",
                     "baseline: profiles loaded (sides_of)", "baseline: engine alone (propose_pairs)"):
            steps[name] = []
        for k in range(args.repeats + 1):  # the first round warms up
            click_to_draft(app, client, base, cohort_id, steps)
            baseline(cohort_id, steps)
            if k == 0:
                for kept in steps.values():
                    kept.clear()
        report(steps, args.repeats)
        reset(cohort_id)


def report(steps: dict[str, list[Step]], repeats: int) -> None:
    print(f"best (median) of {repeats} after a warm-up; statements and peak memory of the median step")
    print(f"{'':52s}{'seconds':>10s}{'median':>10s}{'queries':>10s}{'peak MB':>10s}")
    for name, found in steps.items():
        median = sorted(found, key=lambda s: s.seconds)[len(found) // 2]
        print(f"{name:52s}{min(s.seconds for s in found):10.2f}{statistics.median(s.seconds for s in found):10.2f}"
              f"{median.queries:10d}{median.peak_mb:10.0f}")
    click = [a.seconds + b.seconds for a, b in zip(steps["POST run (queues the job; the job runs inline)"],
                                                    steps["GET the draft (first page, totals, reasons)"])]
    engine = [s.seconds for s in steps["baseline: engine alone (propose_pairs)"]]
    print(f"the draft page: {SIZES[0]:,} bytes, {SIZES[1]} forms, {SIZES[2]} options, {SIZES[3]} pairs listed")
    print(f"click to draft on screen: {min(click):.2f} s best, {statistics.median(click):.2f} s median (target < 5 s); "
          f"{statistics.median(click) / statistics.median(engine):.2f}x the engine alone (median)")


if __name__ == "__main__":
    main()
