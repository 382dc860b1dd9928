"""The reminder to roster members who have not enrolled: written, previewed, sent once, through a real SMTP server."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from lti_app.extensions import cache, db, utcnow
from lti_app.lti.models import Platform
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.enrol_reminders import KIND, Invitee, plan_reminder
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.course import CourseRole
from lti_app.mentoring.models.mail_outbox import MailOutbox
from lti_app.mentoring.models.person import Person
from lti_app.web.instructor.roster import CACHE_PREFIX, CourseRoster, RosterPerson
from tests.factories import make_cohort, make_enrolment
from tests.queries import counted_queries
from tests.web.course_pages import commit, launch


@pytest.fixture
def teacher(app, platform):
    return launch(app, platform, platform.instructor.sub)


def _token(html: str) -> str:
    return re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', html).group(1)


def _hidden(html: str, name: str) -> str:
    tag = next(t for t in re.findall(r"<input [^>]*>", html) if f'name="{name}"' in t and 'type="hidden"' in t)
    return unescape(re.search(r'value="([^"]*)"', tag).group(1))


def _preview(teacher, cohort, **data):
    page = teacher.get(f"instructor/cohorts/{cohort.id}/roster").get_data(as_text=True)
    form = {"token": _token(page), "subject": "Please join", "body": "Enrol this week.\n\nThanks.", **data}
    return teacher.post(f"instructor/cohorts/{cohort.id}/roster/reminder/preview", form)


def _send_form(preview_html: str) -> dict:
    return {"token": _token(preview_html), "to": _hidden(preview_html, "to"), "subject": _hidden(preview_html, "subject"),
            "body": _hidden(preview_html, "body")}


def _roster(course_id: int, size: int, without_email: int = 0) -> None:
    people = tuple(RosterPerson(f"r-{i}", f"Roster Person {i}", None if i < without_email else f"r{i}@example.test",
                                CourseRole.LEARNER, True) for i in range(size))
    cache.set(f"{CACHE_PREFIX}{course_id}", CourseRoster(people, utcnow(), False), timeout=600)


def test_the_plan_lists_who_is_reachable_and_refuses_an_empty_message():
    plan = plan_reminder([Invitee("a", "Ann", "ann@x.test"), Invitee("b", "Bo", None), Invitee("a", "Ann", "ann@x.test")],
                         "  Join   us ", "Line one.\r\n\r\nLine two.")
    assert plan.subject == "Join us" and plan.body_html == "<p>Line one.</p><p>Line two.</p>"
    assert [p.user_id for p in plan.reachable] == ["a"] and [p.user_id for p in plan.unreachable] == ["b"]
    with pytest.raises(InvalidInput):
        plan_reminder([], "Subject", "  ")
    with pytest.raises(InvalidInput):
        plan_reminder([], "", "Body")


def test_the_roster_page_offers_a_prefilled_reminder_while_enrolment_is_open(app, teacher, platform):
    cohort = make_cohort(teacher.course, name="Pilot")
    commit()
    html = teacher.get(f"instructor/cohorts/{cohort.id}/roster").get_data(as_text=True)
    assert "Remind them to enrol" in html and "Join the reverse mentoring programme “Pilot”" in html
    assert "Preview the reminder" in html


def test_preview_then_send_mails_each_reachable_learner_once_end_to_end(app, smtp, teacher, platform):
    enrolled = platform.learners[0]
    launch(app, platform, enrolled.sub)
    cohort = make_cohort(teacher.course, name="Pilot")
    make_enrolment(cohort, db.session.scalar(select(Person).where(Person.subject == enrolled.sub)))
    commit()
    preview = _preview(teacher, cohort)
    html = unescape(preview.get_data(as_text=True))
    assert preview.status_code == 200 and "What will be sent" in html and "Please join" in html
    assert "Enrol this week." in html and platform.learners[1].email in html and enrolled.email not in html
    assert smtp.inbox.messages == [] and db.session.scalar(select(func.count(MailOutbox.id))) == 0  # nothing yet
    form = _send_form(preview.get_data(as_text=True))
    sent = teacher.post(f"instructor/cohorts/{cohort.id}/roster/reminder", form)
    assert sent.status_code == 303
    expected = len(platform.learners) - 1
    assert len(smtp.inbox.messages) == expected
    message = next(m for m in smtp.inbox.messages if m["To"] == platform.learners[1].email)
    assert message["Subject"] == "Please join" and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Enrol this week." in message.get_body(("plain",)).get_content()
    # the learner who never launched is now a person of the course's LMS: their first launch finds them
    person = db.session.scalar(select(Person).where(Person.subject == platform.learners[1].sub))
    assert person is not None and person.email == platform.learners[1].email
    again = teacher.post(f"instructor/cohorts/{cohort.id}/roster/reminder", form)  # a double submit
    assert again.status_code == 303 and len(smtp.inbox.messages) == expected
    assert db.session.scalar(select(func.count(MailOutbox.id)).where(MailOutbox.kind == KIND)) == expected
    page = teacher.get(f"instructor/cohorts/{cohort.id}/roster").get_data(as_text=True)
    assert "sent already" in page
    learner = launch(app, platform, platform.learners[1].sub)  # the roster's person is the one who launches
    assert db.session.scalar(select(func.count(Person.id)).where(Person.subject == platform.learners[1].sub)) == 1
    assert learner.get("learner/").status_code == 200


def test_people_without_an_email_are_listed_as_not_reachable(app, smtp, teacher):
    cohort = make_cohort(teacher.course)
    commit()
    _roster(teacher.course_id, 3, without_email=1)
    preview = _preview(teacher, cohort)
    html = preview.get_data(as_text=True)
    assert "Not reachable" in html and "Roster Person 0" in html.split("Not reachable")[1]
    sent = teacher.post(f"instructor/cohorts/{cohort.id}/roster/reminder", _send_form(html))
    assert sent.status_code == 303 and sorted(m["To"] for m in smtp.inbox.messages) == ["r1@example.test", "r2@example.test"]
    assert "Not reachable (no e-mail address in the roster): 1" in unescape(
        teacher.get(f"instructor/cohorts/{cohort.id}/roster").get_data(as_text=True))


def test_only_the_learners_the_preview_listed_are_mailed(app, smtp, teacher):
    cohort = make_cohort(teacher.course)
    commit()
    _roster(teacher.course_id, 2)
    form = _send_form(_preview(teacher, cohort).get_data(as_text=True))
    _roster(teacher.course_id, 4)  # two more arrived in the roster after the preview
    teacher.post(f"instructor/cohorts/{cohort.id}/roster/reminder", form)
    assert sorted(m["To"] for m in smtp.inbox.messages) == ["r0@example.test", "r1@example.test"]


def test_a_roster_member_the_lms_s_other_registration_knows_is_mailed_as_that_person(app, smtp, teacher):
    from tests.factories import make_person, make_platform

    cohort = make_cohort(teacher.course)
    course_registration = db.session.get(Platform, teacher.course.platform_id)
    other = make_platform(issuer=course_registration.issuer, client_id="another-client")
    known = make_person(other, email="known@example.test")
    known.subject = "r-0"
    commit()
    _roster(teacher.course_id, 2)
    teacher.post(f"instructor/cohorts/{cohort.id}/roster/reminder", _send_form(_preview(teacher, cohort).get_data(as_text=True)))
    assert db.session.scalar(select(func.count(Person.id)).where(Person.subject == "r-0")) == 1  # no second one
    assert db.session.scalar(select(MailOutbox.person_id).where(MailOutbox.to_address == "known@example.test")) == known.id
    assert sorted(m["To"] for m in smtp.inbox.messages) == ["known@example.test", "r1@example.test"]


@pytest.mark.parametrize("state", [CohortState.DRAFT, CohortState.ENROLMENT_CLOSED, CohortState.RUNNING])
def test_no_reminder_goes_out_unless_enrolment_is_open(app, smtp, teacher, state):
    cohort = make_cohort(teacher.course)
    commit()
    _roster(teacher.course_id, 2)
    page = teacher.get(f"instructor/cohorts/{cohort.id}/roster").get_data(as_text=True)
    form = {"token": _token(page), "subject": "Join", "body": "Please.", "to": "r-0\nr-1"}
    cohort.state = state
    commit()
    for path in ("roster/reminder/preview", "roster/reminder"):
        refused = teacher.post(f"instructor/cohorts/{cohort.id}/{path}", form)
        assert refused.status_code == 303
    html = unescape(teacher.get(f"instructor/cohorts/{cohort.id}/roster").get_data(as_text=True))
    assert "A reminder goes out only while enrolment is open." in html and "Preview the reminder" not in html
    assert smtp.inbox.messages == [] and db.session.scalar(select(func.count(MailOutbox.id))) == 0


def test_an_enrolment_window_that_has_closed_refuses_too(app, smtp, teacher):
    cohort = make_cohort(teacher.course, enrolment_opens_on=utcnow().date() - timedelta(days=30),
                         enrolment_closes_on=utcnow().date() - timedelta(days=1))
    commit()
    _roster(teacher.course_id, 1)
    refused = teacher.post(f"instructor/cohorts/{cohort.id}/roster/reminder",
                           {"token": "a" * 32, "subject": "Join", "body": "Please.", "to": "r-0"})
    assert refused.status_code == 303 and smtp.inbox.messages == []


@pytest.mark.parametrize("data", [
    {}, {"token": "not-a-token", "subject": "S", "body": "B", "to": "r-0"}, {"token": "a" * 32, "subject": "", "body": "B"},
    {"token": "a" * 32, "subject": "S" * 201, "body": "B"}, {"token": "a" * 32, "subject": "S", "body": "B" * 4001},
])
def test_a_bad_form_is_shown_again_with_its_errors_never_a_500(app, smtp, teacher, data):
    cohort = make_cohort(teacher.course)
    commit()
    _roster(teacher.course_id, 1)
    for path in ("roster/reminder/preview", "roster/reminder"):
        assert teacher.post(f"instructor/cohorts/{cohort.id}/{path}", data).status_code == 422
    assert smtp.inbox.messages == []


def test_a_post_without_the_csrf_token_is_refused(app, smtp, teacher):
    cohort = make_cohort(teacher.course)
    commit()
    _roster(teacher.course_id, 1)
    page = teacher.get(f"instructor/cohorts/{cohort.id}/roster").get_data(as_text=True)
    refused = teacher.client.post(teacher.url(f"instructor/cohorts/{cohort.id}/roster/reminder"),
                                  data={"token": _token(page), "subject": "S", "body": "B", "to": "r-0"})
    assert refused.status_code in (400, 422) and smtp.inbox.messages == []


def _send_queries(teacher, cohort, size: int) -> tuple[int, int]:
    _roster(teacher.course_id, size, without_email=1)
    form = _send_form(_preview(teacher, cohort).get_data(as_text=True))
    db.session.commit()
    db.session.expire_all()
    with counted_queries() as previewed:
        teacher.post(f"instructor/cohorts/{cohort.id}/roster/reminder/preview", form)
    with counted_queries() as seen:
        sent = teacher.post(f"instructor/cohorts/{cohort.id}/roster/reminder", form)
    assert sent.status_code == 303
    return len(previewed), len(seen)


def test_preview_and_send_cost_the_same_queries_for_a_small_roster_and_a_bigger_one(app, teacher, monkeypatch):
    from lti_app.tasks import mail as mail_tasks

    handed_over: list[int] = []  # the send after the commit is one SMTP exchange per mail: counted elsewhere
    monkeypatch.setattr(mail_tasks, "dispatch", lambda ids: handed_over.extend(ids))
    small, big = make_cohort(teacher.course), make_cohort(teacher.course)
    commit()
    _send_queries(teacher, small, 2)  # warms what the session caches
    few = _send_queries(teacher, make_cohort(teacher.course), 3)
    commit()
    many = _send_queries(teacher, big, 12)
    assert few == many, f"{few} queries at 3 roster members, {many} at 12"
    assert len(handed_over) == 1 + 2 + 11
