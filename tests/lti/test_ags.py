"""Assignment and Grade Services against the demo LMS: line items, scores with exact fields, one token."""
from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from lti_app.lti import claims
from lti_app.lti.services.ags import AgsClient, NotALearner, Score, format_timestamp, next_timestamps
from lti_app.lti.services.connector import ServiceError
from lti_app.lti.services.platform_client import connector_for

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00")


def ags_after_launch(browser, platform, user_id):
    """An AgsClient for the endpoint the launch of ``user_id`` carried."""
    assert browser.launch(user_id).status_code == 200
    context = browser.context()
    assert context.ags is not None
    return AgsClient(connector_for(platform.registration), context.ags), context


def test_a_line_item_is_created_and_the_score_arrives_with_exactly_the_fields_sent(browser, platform):
    learner = platform.learners[0]
    ags, context = ags_after_launch(browser, platform, learner.sub)
    assert context.ags.lineitem_url == f"{platform.lineitems_url}/1"

    item = ags.create_line_item("Mentoring reflections", 10, resource_id="reflections", tag="reflection")
    assert item.id == f"{platform.lineitems_url}/2" and item.score_maximum == 10
    assert platform.line_items["2"]["label"] == "Mentoring reflections"
    assert [i.id for i in ags.line_items(tag="reflection")] == [item.id]

    sent = ags.post_score(item.id, Score(learner.sub, "Completed", "FullyGraded", score_given=7, score_maximum=10), learner=True)

    (received,) = platform.scores
    assert received == sent
    assert set(received) == {"userId", "scoreGiven", "scoreMaximum", "activityProgress", "gradingProgress", "timestamp"}
    assert (received["userId"], received["scoreGiven"], received["scoreMaximum"]) == (learner.sub, 7, 10)
    assert (received["activityProgress"], received["gradingProgress"]) == ("Completed", "FullyGraded")
    assert TIMESTAMP.fullmatch(received["timestamp"]), received["timestamp"]
    assert platform.results["2"][learner.sub]["scoreGiven"] == 7


def test_a_second_score_carries_a_strictly_later_timestamp_and_is_accepted(browser, platform):
    learner = platform.learners[1]
    ags, context = ags_after_launch(browser, platform, learner.sub)
    line_item = context.ags.lineitem_url
    ags.post_score(line_item, Score(learner.sub, "Submitted", "Pending"), learner=True)
    ags.post_score(line_item, Score(learner.sub, "Completed", "FullyGraded", score_given=90, score_maximum=100), learner=True)

    first, second = (datetime.fromisoformat(s["timestamp"]) for s in platform.scores)
    assert second > first
    assert platform.results["1"][learner.sub]["timestamp"] == platform.scores[1]["timestamp"]


def test_the_platform_refuses_a_score_that_is_not_later_than_the_last(browser, platform):
    learner = platform.learners[1]
    ags, context = ags_after_launch(browser, platform, learner.sub)
    score = Score(learner.sub, "Completed", "FullyGraded", score_given=1, score_maximum=2).to_json("2026-01-01T10:00:00.000+00:00")
    connector = ags.connector
    url = context.ags.lineitem_url + "/scores"
    connector.make_service_request(sorted(context.ags.scopes), url, is_post=True, data=json.dumps(score))
    with pytest.raises(ServiceError) as refused:
        connector.make_service_request(sorted(context.ags.scopes), url, is_post=True, data=json.dumps(score))
    assert refused.value.status_code == 409


def test_a_score_for_an_instructor_raises_not_a_learner(browser, platform):
    instructor = platform.instructor
    ags, context = ags_after_launch(browser, platform, instructor.sub)
    assert context.role is claims.Role.INSTRUCTOR
    with pytest.raises(NotALearner):
        ags.post_score(context.ags.lineitem_url, Score(instructor.sub, "Completed", "FullyGraded", 5, 10), learner=context.role is claims.Role.LEARNER)
    assert platform.scores == [] and platform.token_requests == []


def test_the_platform_itself_refuses_scores_for_people_who_are_not_learners(browser, platform):
    ags, context = ags_after_launch(browser, platform, platform.teaching_assistant.sub)
    with pytest.raises(ServiceError) as refused:
        ags.post_score(context.ags.lineitem_url, Score(platform.teaching_assistant.sub, "Completed", "FullyGraded", 5, 10), learner=True)
    assert refused.value.status_code == 422


def test_the_access_token_is_requested_once_and_reused(browser, platform):
    learner = platform.learners[2]
    ags, context = ags_after_launch(browser, platform, learner.sub)
    item = ags.create_line_item("Goals", 5, resource_id="goals")
    ags.post_score(item.id, Score(learner.sub, "Completed", "FullyGraded", 4, 5), learner=True)
    ags.line_items()
    # a new connector (another request, another worker) finds the token in the shared cache
    AgsClient(connector_for(platform.registration), context.ags).line_items(resource_id="goals")

    (request,) = platform.token_requests
    assert request["grant_type"] == "client_credentials"
    assert request["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assert set(request["scope"].split()) == set(context.ags.scopes)
    service_calls = [url for _, url in platform.calls if "/lineitems" in url]
    assert len(service_calls) == 4


def test_a_launch_restored_from_the_cache_uses_our_connector_for_services(browser, platform, app):
    from lti_app.lti.launch import ToolMessageLaunch
    from lti_app.lti.services.connector import ToolServiceConnector

    browser.launch(platform.learners[0].sub)
    launch_id = browser.context().launch_id
    with app.test_request_context(base_url="https://tool.test"):
        restored = ToolMessageLaunch.from_cache(launch_id, None, None)
        assert isinstance(restored.get_service_connector(), ToolServiceConnector)
        members = list(restored.get_nrps().get_members())
    assert len(members) == len(platform.people)


def test_timestamps_taken_for_a_batch_at_once_follow_the_last_one_of_each_column_and_user(app):
    clock = lambda: 1_767_323_045_000  # noqa: E731 - one millisecond for every call: only the cache makes them differ
    first = next_timestamps([("https://lms.test/lineitems/1", "u1"), ("https://lms.test/lineitems/1", "u2")], clock)
    again = next_timestamps([("https://lms.test/lineitems/1", "u1"), ("https://lms.test/lineitems/2", "u1")], clock)
    assert first == [format_timestamp(1_767_323_045_000)] * 2
    assert again == [format_timestamp(1_767_323_045_001), format_timestamp(1_767_323_045_000)]
    assert next_timestamps([]) == []
