"""The pure rules of reflections: when writing is allowed, what a grade may be, plain text as paragraphs."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from lti_app.mentoring.domain.reflections import (
    Audience, Criterion, RevisePolicy, SubmissionStatus, as_html, check_grade, local_day, write_refusal,
)
from lti_app.mentoring.errors import InvalidInput

OPENS, DUE = date(2026, 3, 1), date(2026, 3, 15)
RUBRIC = (Criterion("Insight", "", 6.0), Criterion("Evidence", "", 4.0))


def refusal(status=None, today=DUE, accept_late=False, revise_until=RevisePolicy.UNTIL_DUE):
    return write_refusal(status=status, opens_on=OPENS, due_on=DUE, accept_late=accept_late, revise_until=revise_until, today=today)


@pytest.mark.parametrize(("case", "expected"), [
    ({"today": date(2026, 2, 28)}, "opens on 1 March 2026"),
    ({"today": OPENS}, None),
    ({"today": DUE}, None),
    ({"today": date(2026, 3, 16)}, "does not accept late work"),
    ({"today": date(2026, 3, 16), "accept_late": True}, None),
    ({"today": date(2026, 3, 16), "accept_late": True, "status": SubmissionStatus.SUBMITTED}, "stays as it is"),
    ({"today": date(2026, 3, 16), "accept_late": True, "status": SubmissionStatus.SUBMITTED,
      "revise_until": RevisePolicy.UNTIL_GRADED}, None),
    ({"today": OPENS, "status": SubmissionStatus.GRADED, "revise_until": RevisePolicy.UNTIL_GRADED}, "is graded"),
])
def test_when_a_participant_may_write(case, expected):
    found = refusal(**case)
    assert (found is None) if expected is None else (expected in found)


def test_audiences_include_their_sides():
    assert Audience.MENTORS.includes("mentor") and not Audience.MENTORS.includes("mentee")
    assert Audience.BOTH.includes("mentor") and Audience.BOTH.includes("mentee")


def test_a_grade_is_the_rubric_sum_when_no_score_is_given_and_must_agree_with_it_otherwise():
    assert check_grade(10.0, RUBRIC, None, (5.0, 3.5)) == 8.5
    assert check_grade(10.0, RUBRIC, 8.5, (5.0, 3.5)) == 8.5
    assert check_grade(10.0, (), 0.0, None) == 0.0
    with pytest.raises(InvalidInput):
        check_grade(10.0, RUBRIC, 9.0, (5.0, 3.5))
    with pytest.raises(InvalidInput):
        check_grade(10.0, (), float("nan"), None)


def test_the_day_of_a_moment_depends_on_the_time_zone_and_an_unknown_zone_is_utc():
    moment = datetime(2026, 3, 16, 3, 0, tzinfo=timezone.utc)
    assert local_day(moment, "America/Los_Angeles") == date(2026, 3, 15)
    assert local_day(moment, "Asia/Tokyo") == date(2026, 3, 16)
    assert local_day(moment, "Nowhere/Special") == local_day(moment, None) == date(2026, 3, 16)


def test_plain_text_becomes_paragraphs_and_html_is_left_for_the_sanitiser():
    assert as_html("One\ntwo\n\n\nThree & <four") == "<p>One<br>two</p><p>Three &amp; &lt;four</p>"
    assert as_html("<p>Already <em>HTML</em></p>") == "<p>Already <em>HTML</em></p>"
    assert as_html("   ") == ""
