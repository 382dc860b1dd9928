"""The coordinator's way through: each cohort's next step on the home page, the checklist, the guide."""
from __future__ import annotations

import re
import pytest

from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.next_steps import CohortFacts, checklist, next_step
from tests.factories import make_cohort, make_enrolment
from tests.queries import counted_queries
from tests.web.course_pages import commit, launch


@pytest.mark.parametrize(("state", "draft", "to_grade", "expected"), [
    (CohortState.DRAFT, False, 0, "Check the settings"),
    (CohortState.ENROLMENT_OPEN, False, 0, "Remind the people"),
    (CohortState.ENROLMENT_CLOSED, False, 0, "Run the matching"),
    (CohortState.ENROLMENT_CLOSED, True, 0, "Publish the pairs"),
    (CohortState.RUNNING, False, 2, "Follow up"),
    (CohortState.FINISHED, False, 0, None),
])
def test_the_next_step_follows_the_cohorts_state(state, draft, to_grade, expected):
    step = next_step(checklist(CohortFacts(state, 4, draft, to_grade)))
    assert (step.label.startswith(expected) if expected else step is None), step


def test_grading_stays_open_while_submissions_wait():
    steps = checklist(CohortFacts(CohortState.FINISHED, 4, False, 3))
    grading = next(s for s in steps if s.page == "reflections")
    assert not grading.done and "3 waiting" in grading.label


def test_the_home_page_says_each_cohorts_next_step_with_a_link(teacher):
    draft = make_cohort(teacher.course, name="Draft one", state=CohortState.DRAFT)
    closed = make_cohort(teacher.course, name="Closed one", state=CohortState.ENROLMENT_CLOSED)
    commit()
    html = teacher.get("instructor/").get_data(as_text=True)
    assert "Next step" in html and "The coordinator" in html
    assert re.search(rf'href="[^"]*/instructor/cohorts/{draft.id}/edit">Check the settings', html)
    assert re.search(rf'href="[^"]*/instructor/cohorts/{closed.id}/matching/">Run the matching', html)


def test_the_cohort_page_shows_the_checklist_and_a_draft_offers_no_matching_as_main_action(teacher):
    cohort = make_cohort(teacher.course, state=CohortState.DRAFT)
    commit()
    html = teacher.get(f"instructor/cohorts/{cohort.id}").get_data(as_text=True)
    assert "What to do next" in html and "Next</span>" in html
    assert "Match participants" not in html and "Matching settings" in html


def test_the_home_page_costs_the_same_queries_for_2_or_12_cohorts(teacher):
    def cost(n):
        for k in range(n):
            cohort = make_cohort(teacher.course, name=f"Cohort {n}-{k}", state=CohortState.ENROLMENT_CLOSED)
            make_enrolment(cohort)
        commit()
        with counted_queries() as queries:
            assert teacher.get("instructor/").status_code == 200
        return len(queries)

    assert cost(2) == cost(10)


def test_the_guide_explains_modes_privacy_and_the_gradebook(teacher, app, platform):
    html = teacher.get("instructor/guide").get_data(as_text=True)
    for words in ("Start with a pilot", "The engine pairs everyone", "Mentees choose their mentor",
                  "Both sides rank each other", "Activity and status only", "What goes to the gradebook"):
        assert words in html
    learner = launch(app, platform, platform.learners[0].sub)
    assert learner.get("instructor/guide").status_code == 403
