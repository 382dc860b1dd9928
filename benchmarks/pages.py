"""Benchmark: SQL queries and milliseconds of every instructor page, for a cohort of 500 and of 5,000 participants.

    .venv/bin/python benchmarks/pages.py [--sizes 500 5000] [--repeats 3] [--rebuild] [--folder DIR]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/pages .venv/bin/python benchmarks/pages.py

The cohorts are built once (a SQLite file in --folder, by default under the system's temporary folder, or the
PostgreSQL database at DATABASE_URL) and reused by later runs: each size is its own course, found again by its
LMS context id; --rebuild empties the database and builds them anew. A cohort of N participants is running,
with N/2 published pairs, each with an agreement, a meeting, a goal and a task, a feedback, and (one pair in five)
a request for help; one reflection for both sides, handed in by three in four (half of them graded); a third of
the mentors completed the programme, with their programme score waiting to be sent; N/50 withdrawn participants.

The pages are requested through the WSGI app with a test client signed in by a real LTI launch as the course's
instructor (the demo LMS of the test suite answers the launch and the roster), each once to warm up and then
--repeats times: the figures are the last run's queries (transaction bookkeeping left out, as in the tests) and
the median milliseconds, with the ratio of the biggest size to the smallest (the baseline measured in the same
run). A page whose queries grow with the cohort is marked GROWS and makes the run exit with status 1.
It is not a test: it prints figures.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, time as clock, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests_mock  # noqa: E402
from sqlalchemy import select  # noqa: E402

from lti_app import create_app  # noqa: E402
from lti_app.extensions import cache, db, utcnow  # noqa: E402
from lti_app.lti import keys  # noqa: E402
from lti_app.lti.models import Platform  # noqa: E402
from lti_app.mentoring.domain.cohort_settings import text_digest  # noqa: E402
from lti_app.mentoring.domain.cohort_state import CohortState  # noqa: E402
from lti_app.mentoring.domain.pair_feedback import FitAnswer  # noqa: E402
from lti_app.mentoring.domain.profile_fields import CareerStage, Channel, EnrolmentStatus, RoleWanted, SkillKind  # noqa: E402
from lti_app.mentoring.domain.reflections import Audience, RevisePolicy, SubmissionStatus  # noqa: E402
from lti_app.mentoring.domain.skills import default_skill  # noqa: E402
from lti_app.mentoring.models.cohort import Cohort, CohortSkill  # noqa: E402
from lti_app.mentoring.models.completion import CohortCompletion, Completion  # noqa: E402
from lti_app.mentoring.models.course import Course, CourseRole, Membership  # noqa: E402
from lti_app.mentoring.models.enrolment import Enrolment, EnrolmentSkill  # noqa: E402
from lti_app.mentoring.models.feedback import Feedback, FitCheck  # noqa: E402
from lti_app.mentoring.models.grade_outbox import GradeOutbox  # noqa: E402
from lti_app.mentoring.models.pairing import Pair, PairStatus  # noqa: E402
from lti_app.mentoring.models.person import Person  # noqa: E402
from lti_app.mentoring.models.reflection import ReflectionAssignment, Submission  # noqa: E402
from lti_app.mentoring.models.workspace import Agreement, Goal, Meeting, Task  # noqa: E402
from lti_app.mentoring.services.grade_outbox import record_score  # noqa: E402
from tests.lti_platform import LMS, cached_pem, make_test_lms, register_test_lms, route_to  # noqa: E402
from tests.queries import counted_queries  # noqa: E402
from tests.web.course_pages import CONTEXT_CLAIM, launch  # noqa: E402

COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"
GIVEN = ("Ada", "Bram", "Chloé", "Dev", "Eun", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kavya", "Luca", "Mei",
         "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tomás")
FAMILY = ("Adeyemi", "Bauer", "Chen", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ivanova", "Jensen",
          "Kowalski", "López", "Murphy", "Nakamura", "Okafor", "Petrov", "Rossi", "Singh", "Tanaka", "Walsh")
PAGES = [
    ("instructor home", ""),
    ("cohort", "cohorts/{cohort}"),
    ("people", "cohorts/{cohort}/participants/"),
    ("people, mentees named 'an', page 2", "cohorts/{cohort}/participants/?role=mentee&q=an&page=2"),
    ("one participant", "cohorts/{cohort}/participants/{enrolment}"),
    ("roster gap", "cohorts/{cohort}/roster"),
    ("matching", "cohorts/{cohort}/matching/"),
    ("pair health", "cohorts/{cohort}/pairs/"),
    ("pair health, at risk", "cohorts/{cohort}/pairs/?attention=at_risk"),
    ("one pair", "cohorts/{cohort}/pairs/{pair}"),
    ("completion", "cohorts/{cohort}/completion/"),
    ("completion, not completed, last page", "cohorts/{cohort}/completion/?state=not_completed&page=999999"),
    ("reflections", "cohorts/{cohort}/reflections/"),
    ("submissions", "cohorts/{cohort}/reflections/{assignment}/"),
    ("submissions, missing", "cohorts/{cohort}/reflections/{assignment}/?state=missing"),
    ("one submission", "cohorts/{cohort}/reflections/{assignment}/submissions/{submission}"),
]


def the_app(folder: Path):
    """The app on the benchmark's database (DATABASE_URL, else a SQLite file in ``folder``), as the tests run it."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'rementor-pages.sqlite'}"
    overrides = {"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": "tool.test", "PREFERRED_URL_SCHEME": "https"}
    if os.environ.get("REDIS_URL"):
        overrides.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=os.environ["REDIS_URL"], CACHE_KEY_PREFIX="rementor-bench:")
    return create_app("testing", overrides), url


def the_lms():
    """The test suite's demo LMS, registered with the tool once (a later run finds its registration again)."""
    keys.ensure_key(cached_pem("tool"))
    db.session.commit()
    row = db.session.scalar(select(Platform).where(Platform.issuer == LMS))
    if row is None:
        return register_test_lms()
    lms = make_test_lms()
    lms.registration_id = row.id
    return lms


def context_of(size: int) -> dict:
    """The launch claim of the course that holds the cohort of ``size``."""
    return {CONTEXT_CLAIM: {"id": f"bench-pages-{size}", "label": f"B{size}", "title": f"Benchmark {size}",
                            "type": [COURSE_OFFERING]}}


def _at(day) -> datetime:
    return datetime.combine(day, clock(), tzinfo=timezone.utc)


def _cohort(course: Course, size: int) -> Cohort:
    today = utcnow().date()
    cohort = Cohort(course_id=course.id, name=f"Cohort of {size:,}", description="Benchmark cohort.",
                    state=CohortState.RUNNING, enrolment_opens_on=today - timedelta(days=60),
                    enrolment_closes_on=today - timedelta(days=40), starts_on=today - timedelta(days=30),
                    ends_on=today + timedelta(days=150), meeting_cadence_days=14, ground_rules="Confidentiality.")
    codes = ("ai_tools", "social_media_strategy", "strategic_thinking", "career_navigation")
    cohort.skills = [CohortSkill(code=s.code, label=s.label, category=s.category, position=i)
                     for i, s in enumerate(default_skill(c) for c in codes)]
    db.session.add(cohort)
    db.session.flush()
    return cohort


def _people(course: Course, cohort: Cohort, size: int) -> list[Enrolment]:
    """``size`` learners of the course enrolled in the cohort (half mentors), one in fifty withdrawn."""
    now, digest = utcnow(), text_digest(cohort.ground_rules)
    enrolments = []
    for i in range(size):
        person = Person(platform_id=course.platform_id, subject=f"bench-{size}-{i}", email=f"p{i}@bench.test",
                        name=f"{GIVEN[i % 20]} {FAMILY[(i // 20) % 20]} {i}")
        db.session.add(Membership(person=person, course=course, role=CourseRole.LEARNER))
        mentor = i % 2 == 0
        enrolment = Enrolment(
            cohort=cohort, person=person, role_wanted=RoleWanted.MENTOR if mentor else RoleWanted.MENTEE,
            capacity=1 if mentor else None, experience_years=2.0 if mentor else 15.0,
            career_stage=CareerStage.EARLY_CAREER if mentor else CareerStage.SENIOR, time_zone="Europe/London",
            channels=[Channel.VIDEO.value], availability=["tue_morning"], languages=["en"], interests=[],
            goals="Learn and teach.", ground_rules_accepted_at=now, ground_rules_digest=digest,
            status=EnrolmentStatus.WITHDRAWN if i % 50 == 49 else EnrolmentStatus.ENROLLED)
        enrolment.skills = [EnrolmentSkill(skill=cohort.skills[0 if mentor else 1], kind=SkillKind.OFFERED, level=4),
                            EnrolmentSkill(skill=cohort.skills[2 if mentor else 3], kind=SkillKind.WANTED, level=2)]
        enrolments.append(enrolment)
    db.session.add_all(enrolments)
    db.session.flush()
    return enrolments


def _pairs(cohort: Cohort, enrolments: list[Enrolment]) -> list[Pair]:
    active = [e for e in enrolments if e.status is EnrolmentStatus.ENROLLED]
    mentors = [e for e in active if e.role_wanted is RoleWanted.MENTOR]
    mentees = [e for e in active if e.role_wanted is RoleWanted.MENTEE]
    published = _at(cohort.starts_on - timedelta(days=3))
    pairs = [Pair(cohort_id=cohort.id, mentor_enrolment_id=m.id, mentee_enrolment_id=e.id, status=PairStatus.ACTIVE,
                  score=0.8, published_at=published) for m, e in zip(mentors, mentees)]
    db.session.add_all(pairs)
    db.session.flush()
    return pairs


def _workspaces(cohort: Cohort, pairs: list[Pair]) -> None:
    """Each pair's agreement, meeting, goal with a task, feedback; one in five asks for help."""
    now, today = utcnow(), utcnow().date()
    goals = [Goal(pair_id=p.id, owner_enrolment_id=p.mentee_enrolment_id, title=f"Goal {i}", baseline_rating=2,
                  target_rating=4, target_on=today + timedelta(days=60), version=1) for i, p in enumerate(pairs)]
    db.session.add_all(goals)
    db.session.flush()
    for i, (p, goal) in enumerate(zip(pairs, goals)):
        db.session.add(Agreement(pair_id=p.id, channel=Channel.VIDEO, cadence_days=14, mentor_expectations="Patience.",
                                 mentee_expectations="Honesty.", mentor_signed_at=now, mentee_signed_at=now, version=1))
        db.session.add(Meeting(pair_id=p.id, held_on=today - timedelta(days=5 + i % 20), duration_minutes=45,
                               channel=Channel.VIDEO, topics="Getting started", logged_by_enrolment_id=p.mentee_enrolment_id,
                               version=1))
        db.session.add(Task(pair_id=p.id, goal_id=goal.id, title=f"Task {i}", owner_enrolment_id=p.mentee_enrolment_id,
                            done_at=now if i % 2 else None, version=1))
        db.session.add(Feedback(pair_id=p.id, author_enrolment_id=p.mentor_enrolment_id, round_number=1, working="Good",
                                not_working="Nothing", change="More"))
        if i % 5 == 0:
            db.session.add(FitCheck(pair_id=p.id, author_enrolment_id=p.mentee_enrolment_id, answer=FitAnswer.WANT_HELP,
                                    comment="We cannot find a time."))
    db.session.flush()


def _reflections(cohort: Cohort, pairs: list[Pair], grader: Person) -> None:
    """One reflection for both sides, handed in by three in four (half graded); a third of the mentors completed."""
    today, now = utcnow().date(), utcnow()
    assignment = ReflectionAssignment(cohort_id=cohort.id, title="Halfway reflection", prompt="<p>What did you learn?</p>",
                                      audience=Audience.BOTH, opens_on=today - timedelta(days=7), due_on=today + timedelta(days=7),
                                      points=10.0, rubric=[], accept_late=False, revise_until=RevisePolicy.UNTIL_DUE)
    db.session.add(assignment)
    db.session.flush()
    writers = [e for p in pairs for e in (p.mentor_enrolment_id, p.mentee_enrolment_id)]
    for i, enrolment_id in enumerate(writers):
        if i % 4 != 3:
            graded = i % 2 == 0
            db.session.add(Submission(
                assignment_id=assignment.id, enrolment_id=enrolment_id, body="<p>I learnt a lot.</p>", submitted_at=now,
                status=SubmissionStatus.GRADED if graded else SubmissionStatus.SUBMITTED, score=8.0 if graded else None,
                graded_at=now if graded else None, graded_by_person_id=grader.id if graded else None))
    db.session.add(CohortCompletion(cohort_id=cohort.id, enabled=True, min_meetings=1, require_goals_rerated=False,
                                    require_all_reflections=False, grade_points=90, score_maximum=100))
    for p in pairs[::3]:
        entry = record_score(course_id=cohort.course_id, person_id=p.mentor.person_id, target="programme",
                             target_id=cohort.id, activity_progress="Completed", grading_progress="FullyGraded",
                             score_given=90, score_maximum=100)
        db.session.add(Completion(enrolment_id=p.mentor_enrolment_id, cohort_id=cohort.id, outbox_id=entry.id))
    db.session.flush()


def build(course: Course, size: int, grader: Person) -> Cohort:
    """The cohort of ``size`` participants with everything the pages show, committed."""
    cohort = _cohort(course, size)
    pairs = _pairs(cohort, _people(course, cohort, size))
    _workspaces(cohort, pairs)
    _reflections(cohort, pairs, grader)
    db.session.commit()
    return cohort


def url_values(cohort: Cohort) -> dict[str, int]:
    """The ids the page paths need: the cohort, its first pair and mentee, its reflection and a graded one."""
    pair = db.session.scalar(select(Pair).where(Pair.cohort_id == cohort.id).order_by(Pair.id))
    assignment = db.session.scalar(select(ReflectionAssignment).where(ReflectionAssignment.cohort_id == cohort.id))
    submission = db.session.scalar(select(Submission).where(Submission.assignment_id == assignment.id,
                                                            Submission.status == SubmissionStatus.GRADED))
    return {"cohort": cohort.id, "pair": pair.id, "enrolment": pair.mentee_enrolment_id, "assignment": assignment.id,
            "submission": submission.id}


def cohort_for(app, lms, size: int) -> tuple:
    """(signed-in instructor, the cohort of ``size``), building it when this database has none yet."""
    teacher = launch(app, lms, lms.instructor.sub, **context_of(size))
    course = db.session.get(Course, teacher.course_id)
    cohort = db.session.scalar(select(Cohort).where(Cohort.course_id == course.id, Cohort.name == f"Cohort of {size:,}"))
    if cohort is None:
        started = time.perf_counter()
        grader = db.session.scalar(select(Membership).where(Membership.course_id == course.id,
                                                            Membership.role == CourseRole.INSTRUCTOR)).person
        cohort = build(course, size, grader)
        print(f"built the cohort of {size:,} in {time.perf_counter() - started:.1f} s", flush=True)
    return teacher, cohort


def measure(teacher, path: str, repeats: int) -> tuple[int, float, int, int]:
    """(queries, median ms, bytes, status) of GET ``path`` after one warm-up request."""
    teacher.client.get(path)
    times, queries, size, status = [], 0, 0, 0
    for _ in range(repeats):
        db.session.expire_all()
        with counted_queries() as seen:
            started = time.perf_counter()
            response = teacher.client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        queries, size, status = len(seen), len(response.get_data()), response.status_code
    return queries, statistics.median(times), size, status


def main() -> int:
    """Build or find the cohorts, measure every page at each size, print the table; 1 when a page's queries grow."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="empty the database and build the cohorts again")
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "rementor-pages-benchmark")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    app, url = the_app(args.folder)
    sizes = sorted(args.sizes)
    results: dict[int, dict[str, tuple]] = {}
    with app.app_context(), requests_mock.Mocker(real_http=False) as mocker:
        if args.rebuild:
            db.drop_all()
        db.create_all()
        cache.clear()  # the LMS of an earlier run (its tokens, its keys) is gone: nothing of it may be reused
        lms = the_lms()
        route_to(lms, mocker)
        print(f"database: {url.split('@')[-1]}  sizes: {', '.join(f'{s:,}' for s in sizes)}  repeats: {args.repeats}")
        for size in sizes:
            teacher, cohort = cohort_for(app, lms, size)
            values = url_values(cohort)
            results[size] = {name: measure(teacher, teacher.url("instructor/" + path.format(**values)), args.repeats)
                             for name, path in PAGES}
    return report(results, sizes)


def report(results: dict[int, dict[str, tuple]], sizes: list[int]) -> int:
    """Print one line per page; the exit status is 1 when a page's queries grow with the cohort or a page fails."""
    low, high = sizes[0], sizes[-1]
    print(f"\n{'page':40} {'queries':>16} {'ms':>22} {'KB at ' + format(high, ','):>12}  status")
    print(f"{'':40} {format(low, ','):>6} {format(high, ','):>6} {'ratio':>3} {format(low, ','):>7} {format(high, ','):>7} {'ratio':>6}")
    bad = []
    for name, _ in PAGES:
        (q0, ms0, _, s0), (q1, ms1, kb1, s1) = results[low][name], results[high][name]
        grows = q1 != q0
        failed = s0 != 200 or s1 != 200
        if grows or failed:
            bad.append(name)
        mark = ("GROWS " if grows else "") + (f"HTTP {s0}/{s1}" if failed else "")
        print(f"{name:40} {q0:>6} {q1:>6} {q1 / max(q0, 1):>5.2f} {ms0:>7.1f} {ms1:>7.1f} {ms1 / max(ms0, 0.001):>6.2f}"
              f" {kb1 / 1024:>10.0f}  {mark or 'ok'}")
    if bad:
        print(f"\nFAIL: queries grow with the cohort, or the page failed, on: {', '.join(bad)}")
        return 1
    print(f"\nEvery page runs the same number of queries at {low:,} and at {high:,} participants.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
