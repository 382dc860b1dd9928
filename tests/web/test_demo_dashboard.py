"""``demo seed`` gives the demo programme a history, once, so every chart of its dashboard shows data."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.roster_snapshot import RosterSnapshot
from lti_app.mentoring.models.workspace import Meeting
from tests.web import test_demo
from tests.web.test_demo import _open_as
from tests.web.test_demo_programme import seed

demo_app = test_demo.dev_app


def test_the_seeded_history_fills_every_chart_once(demo_app):
    first = seed(demo_app)
    assert "a history" in first
    meetings = db.session.scalar(select(func.count()).select_from(Meeting))
    assert meetings == 10
    assert "Kept the history" in seed(demo_app)
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == meetings
    assert db.session.scalar(select(func.count()).select_from(RosterSnapshot)) == 2
    client = demo_app.test_client()
    _open_as(client, client.get("/demo/").get_data(as_text=True), "Launch as instructor")
    cohort = db.session.scalar(select(Cohort))
    page = client.get(f"/courses/{cohort.course_id}/instructor/cohorts/{cohort.id}/dashboard/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 4 and not any("No data yet" in svg for svg in svgs)
    assert "Non-participants" in html and "No meeting for" in html or "never met" in html
