"""The coordinator's "What's next": which lines a course's figures ask for, in which order."""
from lti_app.mentoring.domain.course_next import CohortDue, course_next


def test_nothing_due_gives_no_line():
    assert course_next([CohortDue(1, "Spring")]) == []


def test_lines_in_order_and_worded():
    items = course_next([CohortDue(1, "Spring", at_risk=2, requests_waiting=1, to_grade=3),
                         CohortDue(2, "Autumn", enrolment_open=True, not_enrolled=4)], failed_syncs=1, failed_cohort_id=1)
    assert [i.kind for i in items] == ["at_risk", "requests", "grading", "grades", "roster"]
    assert items[0].label == "2 pairs need attention in Spring" and items[0].overdue
    assert items[1].label.startswith("1 request waits")
    assert items[3].label == "1 grade could not be sent to the gradebook"
    assert items[4].label.startswith("4 people of the course") and items[4].ids == {"cohort_id": 2}


def test_roster_line_when_not_read_and_none_when_everyone_enrolled():
    assert course_next([CohortDue(2, "A", enrolment_open=True)])[0].label.startswith("Check who")
    assert course_next([CohortDue(2, "A", enrolment_open=True, not_enrolled=0)]) == []
    assert course_next([CohortDue(2, "A", enrolment_open=False, not_enrolled=5)]) == []
