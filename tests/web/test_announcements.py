"""An instructor's announcement to a cohort: mailed to its active participants once, shown as a banner to them."""
from __future__ import annotations

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.models.mail_outbox import Announcement, MailOutbox
from lti_app.mentoring.models.person import Person
from tests.factories import make_cohort, make_enrolment
from tests.web.course_pages import OTHER_COURSE, launch


def _world(app, platform):
    learner = launch(app, platform, platform.learners[0].sub)
    teacher = launch(app, platform, platform.instructor.sub)
    cohort = make_cohort(learner.course)
    person = db.session.scalar(select(Person).where(Person.subject == platform.learners[0].sub))
    make_enrolment(cohort, person)
    db.session.commit()
    return learner, teacher, cohort, person


def test_an_announcement_is_mailed_once_and_shown_as_a_banner(app, platform):
    learner, teacher, cohort, person = _world(app, platform)
    page = teacher.get(f"instructor/cohorts/{cohort.id}")
    assert b"Send the announcement" in page.data
    sent = teacher.post(f"instructor/cohorts/{cohort.id}/announcement", {"message": "Kick-off on Monday <9:00>."})
    assert sent.status_code == 303
    (row,) = db.session.scalars(select(MailOutbox).where(MailOutbox.kind == "announcement")).all()
    assert row.person_id == person.id and "Kick-off on Monday" in row.body_text and "&lt;9:00&gt;" in row.body_html
    home = learner.get("learner/")
    assert b"Kick-off on Monday &lt;9:00&gt;." in home.data
    assert teacher.post(f"instructor/cohorts/{cohort.id}/announcement", {"message": "Second."}).status_code == 303
    assert db.session.query(Announcement).count() == 2
    assert b"Second." in learner.get("learner/").data


def test_an_empty_or_too_long_announcement_is_refused_on_the_form(app, platform):
    _, teacher, cohort, _ = _world(app, platform)
    for message in ("", "   ", "x" * 4001):
        response = teacher.post(f"instructor/cohorts/{cohort.id}/announcement", {"message": message})
        assert response.status_code == 422
    assert db.session.query(Announcement).count() == 0


def test_another_courses_cohort_answers_not_found(app, platform):
    _, _, cohort, _ = _world(app, platform)
    other = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    assert other.post(f"instructor/cohorts/{cohort.id}/announcement", {"message": "Hi"}).status_code == 404
    assert other.post("instructor/cohorts/999999/announcement", {"message": "Hi"}).status_code == 404
    assert db.session.query(Announcement).count() == 0
