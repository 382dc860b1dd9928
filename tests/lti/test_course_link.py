"""The link of a course's e-mail notices: the launch's return URL on the platform's own hosts, without session
parameters, kept per course by its launches."""
from __future__ import annotations

import pytest

from lti_app.lti.registrations import course_link


@pytest.mark.parametrize("given, kept", [
    ("https://moodle.test/mod/lti/return.php?course=2&launch_container=3&instanceid=1&sesskey=abc123",
     "https://moodle.test/mod/lti/return.php?course=2&launch_container=3&instanceid=1"),
    ("https://canvas.test/courses/7/external_content/success/external_tool_redirect",
     "https://canvas.test/courses/7/external_content/success/external_tool_redirect"),
    ("https://lms.test/c?id=1&access_token=x&SessionId=y&sig=z#frag", "https://lms.test/c?id=1"),
    ("javascript:alert(1)", None), ("/relative/path", None), ("", None), (None, None),
    ("https://lms.test/" + "a" * 2100, None),
])
def test_the_course_link_drops_session_parameters(given, kept):
    assert course_link(given) == kept


def test_a_launch_keeps_the_courses_link_without_its_session_parameters(app, platform):
    from lti_app.lti.claims import LAUNCH_PRESENTATION
    from lti_app.tasks.course_contexts import course_context as context_services
    from tests.web.course_pages import launch

    session = launch(app, platform, platform.learners[0].sub)
    row = context_services(session.course_id)
    assert row is not None and row.course_link and row.course_link.endswith(f"/courses/{session.course.context_id}")
    first = row.course_link
    moodle_like = {LAUNCH_PRESENTATION: {"document_target": "iframe",
                                         "return_url": f"{first}?id=4&sesskey=s3cret"}}
    launch(app, platform, platform.learners[0].sub, **moodle_like)
    assert context_services(session.course_id).course_link == f"{first}?id=4"
    launch(app, platform, platform.learners[0].sub, **{LAUNCH_PRESENTATION: {"document_target": "iframe"}})
    assert context_services(session.course_id).course_link == f"{first}?id=4"  # a launch without one keeps it
