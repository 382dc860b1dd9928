"""Deep linking round trip: the instructor picks ReMentor in the LMS, the LMS accepts the signed answer."""
from __future__ import annotations

from urllib.parse import urlsplit

import jwt

from lti_app.demo import DEEP_LINKING_REQUEST
from tests.lti_platform import CLIENT_ID, TOOL, forms_of, path_of
from tests.web.course_pages import Session


def test_a_deep_linking_round_trip_places_one_resource_link(browser, client, platform):
    picker = browser.launch(platform.instructor.sub, DEEP_LINKING_REQUEST)
    assert picker.status_code == 200, picker.get_data(as_text=True)
    assert "/deep-link/" in browser.flow.continued.headers["Location"]
    assert "Add ReMentor to Reverse Mentoring Pilot" in picker.get_data(as_text=True)

    (choice,) = forms_of(picker)
    assert choice.method == "post" and "csrf_token" in choice.fields
    answer = client.post(path_of(choice.action), data=choice.fields)
    assert answer.status_code == 200
    (back,) = forms_of(answer)
    assert back.action == platform.deep_link_return_url and back.method == "post" and "data-autosubmit" in back.attrs

    items = platform.validate_deep_linking_response(back.fields["JWT"])
    assert len(items) == 1
    (item,) = items
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == f"{TOOL}/lti/launch" and item["title"] == "Reverse mentoring programme"
    assert item["custom"] == {"rementor_target": "programme"}
    body = jwt.decode(back.fields["JWT"], options={"verify_signature": False})
    assert body["iss"] == CLIENT_ID and body["aud"] == [platform.issuer]
    assert body["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert platform.placed_items == items


def test_the_choice_form_needs_its_csrf_token(browser, client, platform):
    picker = browser.launch(platform.instructor.sub, DEEP_LINKING_REQUEST)
    (choice,) = forms_of(picker)
    refused = client.post(path_of(choice.action), data={})
    assert refused.status_code == 400


def test_a_learner_deep_linking_launch_does_not_reach_the_picker(browser, platform):
    page = browser.launch(platform.learners[0].sub, DEEP_LINKING_REQUEST)
    assert page.status_code in (403, 404)
    assert "JWT" not in page.get_data(as_text=True)


def test_a_resource_link_launch_gets_no_picker_and_cannot_answer_the_platform(browser, client, platform):
    """The picker and its answer belong to a deep-linking launch: for a resource link's launch id both are 404."""
    page = browser.launch(platform.instructor.sub)
    assert page.status_code == 200
    context = browser.context()
    assert not context.is_deep_linking
    course_id = int(urlsplit(browser.flow.continued.headers["Location"]).path.split("/")[2])
    picker = f"/courses/{course_id}/deep-link/{context.launch_id}"
    assert client.get(picker).status_code == 404
    answer = client.post(picker, data={"csrf_token": Session(client, course_id).csrf_token(), "item": "programme"})
    assert answer.status_code == 404
    assert "JWT" not in answer.get_data(as_text=True)
