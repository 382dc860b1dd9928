"""An id beyond any id column, in any audience's URL, is not found (404) before the database sees it, never a 500."""
from __future__ import annotations

import re

import pytest

from tests.web.course_pages import launch

HUGE = str(10**12)

LEARNER_PAGES = [
    "learner/cohorts/{huge}", "learner/cohorts/{huge}/enrol", "learner/cohorts/{huge}/enrolment",
    "learner/cohorts/{huge}/choosing/", "learner/pairs/{huge}/", "learner/pairs/{huge}/feedback/{huge}",
    "learner/pairs/{huge}/goals/{huge}", "learner/reflections/{huge}",
]


@pytest.mark.parametrize("page", LEARNER_PAGES)
def test_a_learner_url_with_a_huge_id_is_not_found(app, platform, page):
    learner = launch(app, platform, platform.learners[0].sub)
    assert learner.get(page.format(huge=HUGE)).status_code == 404


@pytest.mark.parametrize("path", ["/courses/{huge}/", "/courses/{huge}/learner/", "/courses/{huge}/instructor/",
                                  "/courses/{huge}/platform/"])
def test_a_course_id_beyond_any_id_is_not_found_for_anyone(client, path):
    assert client.get(path.format(huge=HUGE)).status_code == 404


BEYOND = [str(2**31), str(2**63), str(2**64), "1" + "0" * 30]


def _id_routes(app):
    """Every route that names a database id, as (rule, methods it answers)."""
    return [rule for rule in app.url_map.iter_rules() if "<id:" in rule.rule]


def test_every_route_with_an_id_in_its_url_uses_the_id_converter(app):
    # No route parses an id with Werkzeug's unbounded ``int`` (that is what reached the database as an OverflowError).
    assert not [rule.rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule]
    assert len(_id_routes(app)) > 40


@pytest.mark.parametrize("number", BEYOND)
def test_every_route_answers_an_id_beyond_64_bits_as_not_found(app, platform, number):
    instructor = launch(app, platform, platform.instructor.sub)
    for rule in _id_routes(app):
        ids = sorted(name for name in rule.arguments if f"<id:{name}>" in rule.rule)
        # The huge number in every id but the course's (so the request reaches the course's pages), or in the
        # course's when it is the only id.
        huge = [name for name in ids if name != "course_id"] or ids
        values = {name: number if name in huge else str(instructor.course_id) for name in ids}
        path = re.sub(r"<(?:id:)?(\w+)>", lambda m: values.get(m.group(1), "x"), rule.rule)
        method = "GET" if "GET" in rule.methods else "POST"
        data = {"csrf_token": instructor.csrf_token()} if method == "POST" else None
        response = instructor.client.open(path, method=method, data=data)
        assert response.status_code == 404, (rule.rule, method, response.status_code)
