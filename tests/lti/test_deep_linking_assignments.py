"""Placing reflections by deep linking: the LMS accepts each with its line item, and launches of it land on it."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from lti_app.demo import DEEP_LINKING_REQUEST
from lti_app.extensions import db
from lti_app.mentoring.domain.profile_fields import RoleWanted
from lti_app.mentoring.models.person import Person
from tests.factories import make_cohort, make_course, make_enrolment
from tests.factories_reflections import make_assignment
from tests.lti_platform import TOOL, forms_of, path_of
from tests.web.course_pages import commit, launch

CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


@pytest.fixture
def course(app, platform):
    """The demo course, as the tool knows it after a first launch by its instructor and by a learner."""
    launch(app, platform, platform.learners[0].sub)
    return launch(app, platform, platform.instructor.sub).course


@pytest.fixture
def assignment(platform, course):
    cohort = make_cohort(course, name="Pilot")
    learner = db.session.scalar(select(Person).where(Person.subject == platform.learners[0].sub))
    make_enrolment(cohort, learner, role_wanted=RoleWanted.MENTEE)
    found = make_assignment(cohort, title="First month", points=12.5)
    commit()
    return found


def place(browser, client, platform, value: str) -> list[dict]:
    """Pick ``value`` in the picker of a fresh deep-linking launch; the items the LMS accepted."""
    picker = browser.launch(platform.instructor.sub, DEEP_LINKING_REQUEST)
    (choice,) = forms_of(picker)
    answer = client.post(path_of(choice.action), data={**choice.fields, "item": value})
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    (back,) = forms_of(answer)
    return platform.validate_deep_linking_response(back.fields["JWT"])


def lms_creates_the_column(platform, item: dict) -> str:
    """What the LMS does with a placed item's line item: a gradebook column, whose URL later launches carry."""
    number = str(platform.next_line_item_number())
    platform.line_items[number] = {**item["lineItem"], "id": f"{platform.lineitems_url}/{number}"}
    return platform.line_items[number]["id"]


def placed_link_claims(platform, item: dict, lineitem_url: str | None) -> dict:
    ags = {"scope": [SCORE_SCOPE], "lineitems": platform.lineitems_url, **({"lineitem": lineitem_url} if lineitem_url else {})}
    return {CUSTOM: item["custom"], AGS: ags}


def test_the_picker_offers_the_programme_and_each_reflection_of_this_course_only(browser, platform, course, assignment):
    elsewhere = make_assignment(make_cohort(make_course(platform.registration)), title="Somebody else's")
    commit()
    html = browser.launch(platform.instructor.sub, DEEP_LINKING_REQUEST).get_data(as_text=True)
    assert 'value="programme"' in html and "Reverse mentoring programme" in html
    assert f'value="reflection-{assignment.id}"' in html and "First month" in html and "12.5 points" in html
    assert f'value="reflection-{elsewhere.id}"' not in html and "Somebody else" not in html


def test_a_reflection_is_accepted_with_its_line_item_and_custom_parameters(browser, client, platform, assignment):
    (item,) = place(browser, client, platform, f"reflection-{assignment.id}")
    assert item["type"] == "ltiResourceLink" and item["url"] == f"{TOOL}/lti/launch" and item["title"] == "First month"
    assert item["custom"] == {"rementor_target": "reflection", "rementor_assignment": str(assignment.id)}
    assert item["lineItem"] == {"label": "First month", "scoreMaximum": 12.5, "resourceId": f"reflection-{assignment.id}",
                                "tag": "reflection"}
    assert platform.placed_items == [item]


def test_the_programme_is_still_placed_without_a_line_item(browser, client, platform, assignment):
    (item,) = place(browser, client, platform, "programme")
    assert item["custom"] == {"rementor_target": "programme"} and "lineItem" not in item


def test_a_choice_that_was_not_offered_is_refused(browser, client, platform, assignment):
    picker = browser.launch(platform.instructor.sub, DEEP_LINKING_REQUEST)
    (choice,) = forms_of(picker)
    refused = client.post(path_of(choice.action), data={**choice.fields, "item": "reflection-999"})
    assert refused.status_code == 400 and "JWT" not in refused.get_data(as_text=True)


def test_a_learner_launching_the_placed_link_lands_on_it_and_its_column_is_kept(app, browser, client, platform, assignment):
    (item,) = place(browser, client, platform, f"reflection-{assignment.id}")
    column = lms_creates_the_column(platform, item)
    learner = platform.learners[0]
    page = browser.launch(learner.sub, **placed_link_claims(platform, item, column))
    assert page.status_code == 200 and "First month" in page.get_data(as_text=True)
    assert browser.flow.continued.headers["Location"].endswith(f"/learner/reflections/{assignment.id}")
    db.session.expire_all()
    assert assignment.lineitem_url == column
    browser.launch(learner.sub, **placed_link_claims(platform, item, f"{platform.lineitems_url}/999"))
    db.session.expire_all()
    assert assignment.lineitem_url == column  # kept once known

    (write,) = [f for f in forms_of(page) if f.method == "post"]
    fields = {name: value for name, value in write.fields.items() if name != "save"}
    submitted = client.post(urlsplit(browser.flow.continued.headers["Location"]).path, data={**fields, "body": "My first month"})
    assert submitted.status_code == 303
    number = column.rsplit("/", 1)[1]
    assert platform.results[number][learner.sub]["activityProgress"] == "Submitted"  # the score went to that column


def test_staff_launching_the_placed_link_land_on_its_submissions(browser, client, platform, assignment):
    (item,) = place(browser, client, platform, f"reflection-{assignment.id}")
    page = browser.launch(platform.instructor.sub, **placed_link_claims(platform, item, None))
    assert page.status_code == 200
    assert browser.flow.continued.headers["Location"].endswith(
        f"/instructor/cohorts/{assignment.cohort_id}/reflections/{assignment.id}/")
    db.session.expire_all()
    assert assignment.lineitem_url is None  # that launch carried no column
    assert assignment.placed_at is not None  # but the placement is known
    assert "Placed in the course by deep linking" in page.get_data(as_text=True)
    assert "Not placed in the course yet" not in page.get_data(as_text=True)


@pytest.mark.parametrize("which", ["another course's", "unknown", "not a number"])
def test_a_link_to_a_reflection_this_course_lacks_lands_on_home_with_a_message(browser, platform, course, assignment, which):
    elsewhere = make_assignment(make_cohort(make_course(platform.registration)), title="Elsewhere")
    commit()
    ids = {"another course's": str(elsewhere.id), "unknown": "424242", "not a number": "first"}
    claims = {CUSTOM: {"rementor_target": "reflection", "rementor_assignment": ids[which]},
              AGS: {"scope": [SCORE_SCOPE], "lineitems": platform.lineitems_url, "lineitem": f"{platform.lineitems_url}/5"}}
    page = browser.launch(platform.learners[0].sub, **claims)
    html = page.get_data(as_text=True)
    assert browser.flow.continued.headers["Location"].endswith("/learner/")
    assert page.status_code == 200 and "a reflection this course does not have" in html and "Elsewhere" not in html
    db.session.expire_all()
    assert elsewhere.lineitem_url is None


def test_a_placed_links_line_item_on_another_host_is_not_kept(browser, client, platform, assignment):
    (item,) = place(browser, client, platform, f"reflection-{assignment.id}")
    page = browser.launch(platform.learners[0].sub,
                          **placed_link_claims(platform, item, "https://collector.example.net/lineitems/7"))
    assert page.status_code == 200  # the launch goes on: the column is simply not known yet
    db.session.expire_all()
    assert assignment.lineitem_url is None
