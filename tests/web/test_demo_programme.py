"""``demo seed`` also gives the demo course a running cohort with published pairs, once, so a demo learner
launching from /demo/ lands next to a pair workspace."""
from __future__ import annotations

from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.course import Membership
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.demo.programme import COHORT_NAME, demo_pairs
from tests.web import test_demo
from tests.web.test_demo import _open_as

demo_app = test_demo.dev_app  # a development app on a SQLite file, as the demo tests use


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def seed(app) -> str:
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    db.session.remove()
    assert result.exit_code == 0, result.output
    return result.output


def test_seeding_twice_makes_one_running_cohort_with_ten_learners_and_five_pairs(demo_app):
    first = seed(demo_app)
    assert f"Created the running cohort “{COHORT_NAME}” with 10 learners and 5 pairs" in first
    assert "Aiko Tanaka mentors Kwame Mensah" in first
    second = seed(demo_app)
    assert f"Kept the cohort “{COHORT_NAME}”" in second
    assert count(Cohort) == 1 and db.session.scalar(select(Cohort.state)).value == "running"
    assert (count(Enrolment), count(Membership)) == (10, 10)
    assert count(Pair, Pair.status == PairStatus.ACTIVE, Pair.published_at.is_not(None)) == 5
    assert [(m.sub, e.sub) for m, e in demo_pairs()][0] == ("u-2001", "u-2002")


def test_a_demo_learner_launching_after_the_seed_finds_their_pair_workspace(demo_app):
    seed(demo_app)
    client = demo_app.test_client()
    home = _open_as(client, client.get("/demo/").get_data(as_text=True), "Launch as Kwame Mensah")
    html = home.get_data(as_text=True)
    assert "Your pairs" in html and "Your pair with Aiko Tanaka" in html
    pair_id = db.session.scalar(select(Pair.id).order_by(Pair.id))
    course_id = db.session.scalar(select(Cohort.course_id))
    workspace = client.get(f"/courses/{course_id}/learner/pairs/{pair_id}/")
    assert workspace.status_code == 200 and "Propose the terms" in workspace.get_data(as_text=True)
