"""Every learner and instructor route against every role: the right person gets in, everyone else is refused.

Routes are read from the URL map, so a new page is covered the day it is added.
"""
from __future__ import annotations

import re
from html import unescape
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_settings import PrivacySetting
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.workspace import Milestone
from tests.factories import make_cohort, make_enrolment
from tests.factories_feedback import make_fit_check
from tests.factories_reflections import make_assignment, make_submission
from tests.factories_surveys import make_round
from lti_app.mentoring.domain.surveys import SurveyKind
from lti_app.mentoring.services.surveys import survey_of
from tests.factories_workspace import make_goal, make_pair, make_task
from tests.web.course_pages import OTHER_COURSE, Session, commit, launch

AUDIENCES = ("learner", "instructor")
REFUSED = {401, 403, 404}


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    method: str

    @property
    def audience(self) -> str:
        return self.endpoint.split(".")[0]

    @property
    def has_ids(self) -> bool:
        return bool(set(PLACEHOLDER.findall(self.rule)) - {"course_id"})

    def path(self, course_id: int, ids: dict[str, object]) -> str:
        values = {"course_id": course_id, **ids}
        return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), self.rule)


PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>")


def course_routes(app) -> list[Route]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in AUDIENCES:
            found += [Route(rule.endpoint, rule.rule, m) for m in sorted({"GET", "POST"} & (rule.methods or set()))]
    # GETs first: the POSTs change state; withdrawing from the cohort last, as it closes the learner's other pages
    return sorted(found, key=lambda r: (r.method, r.rule.endswith("/enrolment/withdraw"), r.rule))


@dataclass
class World:
    learner_a: Session
    instructor_a: Session
    learner_b: Session
    instructor_b: Session
    ids_a: dict[str, object]  # a value for every URL placeholder in course A (the learner's own records)
    ids_b: dict[str, object]


@pytest.fixture
def world(app, platform) -> World:
    learner_a = launch(app, platform, platform.learners[0].sub)
    instructor_a = launch(app, platform, platform.instructor.sub)
    learner_b = launch(app, platform, platform.learners[1].sub, **OTHER_COURSE)
    instructor_b = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    assert learner_a.course_id == instructor_a.course_id != learner_b.course_id == instructor_b.course_id
    person_a = db.session.scalar(select(Person).where(Person.subject == platform.learners[0].sub))
    person_b = db.session.scalar(select(Person).where(Person.subject == platform.learners[1].sub))
    # the widest privacy setting, so that the confidential pages open for the course's own instructor
    cohort_a = make_cohort(learner_a.course, privacy=PrivacySetting.EVERYTHING_WITH_LOG)
    cohort_b = make_cohort(learner_b.course)
    make_cohort(learner_a.course, name="Second A")  # somewhere to move to
    enrolment_a, enrolment_b = make_enrolment(cohort_a, person_a), make_enrolment(cohort_b, person_b)
    ids_a = {"cohort_id": cohort_a.id, "enrolment_id": enrolment_a.id, **records_of(cohort_a, enrolment_a)}
    ids_b = {"cohort_id": cohort_b.id, "enrolment_id": enrolment_b.id}
    commit()
    return World(learner_a, instructor_a, learner_b, instructor_b, ids_a, ids_b)


def records_of(cohort, enrolment) -> dict[str, object]:
    """A published pair in which ``enrolment`` mentors, with a goal, milestone, task, fit check, reflection."""
    pair = make_pair(cohort, mentor=enrolment)
    goal = make_goal(pair)
    milestone = Milestone(goal_id=goal.id, title="First step", due_on=cohort.ends_on)
    db.session.add(milestone)
    assignment = make_assignment(cohort)
    db.session.flush()
    return {"pair_id": pair.id, "goal_id": goal.id, "milestone_id": milestone.id, "task_id": make_task(pair).id,
            "fit_check_id": make_fit_check(pair, pair.mentee).id, "assignment_id": assignment.id,
            "submission_id": make_submission(assignment, enrolment).id, "round_number": 1,
            "content": "meeting_notes", "side": "mentee", "round_id": make_round(cohort).id,
            "kind": "pulse", "question_id": survey_of(cohort.id, SurveyKind.PULSE).current.questions[0].id}


def call(session: Session, route: Route, path: str):
    if route.method == "GET":
        return session.client.get(path)
    return session.client.post(path, data={"csrf_token": session.csrf_token()})


def statuses(who, routes: list[Route], course_id: int, ids: dict[str, object]) -> dict[str, int]:
    return {f"{r.method} {r.rule}": call(who, r, r.path(course_id, ids)).status_code for r in routes}


def test_the_routes_under_test_include_every_cohort_and_enrolment_page(app):
    endpoints = {r.endpoint for r in course_routes(app)}
    assert {"learner.enrol", "learner.withdraw", "instructor.new_cohort", "instructor.open_enrolment",
            "instructor.participants.move", "instructor.participants.roster",
            "instructor.participants.preview_reminder", "instructor.participants.send_reminder",
            "instructor.dashboard.show", "instructor.dashboard.report", "instructor.dashboard.table_csv",
            "instructor.dashboard.data_csv", "instructor.dashboard.named_survey_answers",
            "instructor.course_dashboard.course", "instructor.course_dashboard.course_csv",
            "learner.mail.preferences", "instructor.mail.preferences", "instructor.announcements.announce"} <= endpoints


def test_without_a_session_every_course_page_asks_to_launch_again(app, world):
    never_launched = Session(app.test_client(), world.learner_a.course_id)  # has a CSRF token, no launch
    found = statuses(never_launched, course_routes(app), world.learner_a.course_id, world.ids_a)
    assert set(found.values()) == {401}, found


@pytest.mark.parametrize("who, allowed", [("learner_a", "learner"), ("instructor_a", "instructor")])
def test_each_role_opens_its_own_pages_and_is_refused_the_others(app, world, who, allowed):
    session = getattr(world, who)
    routes = course_routes(app)
    found = statuses(session, routes, session.course_id, world.ids_a)
    refused = {key: status for key, status in found.items() if status in REFUSED}
    expected = {f"{r.method} {r.rule}": 403 for r in routes if r.audience != allowed}
    assert refused == expected
    assert max(found.values()) < 500, found


@pytest.mark.parametrize("who", ["learner_b", "instructor_b"])
def test_a_session_of_another_course_cannot_open_this_courses_pages(app, world, who):
    found = statuses(getattr(world, who), course_routes(app), world.learner_a.course_id, world.ids_a)
    assert set(found.values()) == {401}, found


@pytest.mark.parametrize("who", ["learner_b", "instructor_b"])
def test_ids_of_another_course_answer_not_found_in_ones_own_course(app, world, who):
    session = getattr(world, who)
    routes = [r for r in course_routes(app) if r.has_ids and r.audience == who.split("_")[0]]
    found = statuses(session, routes, session.course_id, world.ids_a)
    assert set(found.values()) == {404}, found


def test_an_enrolment_of_another_cohort_answers_not_found_even_in_the_same_course(app, world):
    cohort_b, enrolment_a = world.ids_b["cohort_id"], world.ids_a["enrolment_id"]
    page = world.instructor_b.get(f"instructor/cohorts/{cohort_b}/participants/{enrolment_a}")
    assert page.status_code == 404


def test_a_page_of_the_other_side_is_refused_on_the_tools_page_in_plain_words(app, platform):
    learner = launch(app, platform, platform.learners[0].sub)
    teacher = launch(app, platform, platform.instructor.sub)
    for browser, path, words in ((learner, "instructor/", "for the course's instructors"),
                                 (teacher, "learner/", "for the course's learners")):
        page = browser.get(path)
        html = unescape(page.get_data(as_text=True))
        assert page.status_code == 403 and words in html and "Not allowed" in html
        assert "read-protected" not in html  # Werkzeug's own words never reach a person


def test_an_error_without_a_message_of_its_own_is_said_in_plain_words(client):
    page = client.get("/courses/1/no-such-page")
    assert page.status_code == 404 and "does not exist" in page.get_data(as_text=True)
    assert "requested URL was not found" not in page.get_data(as_text=True)
