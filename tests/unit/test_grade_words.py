"""The programme's words for a score, and the AGS words they are sent as."""
from __future__ import annotations

from lti_app.lti.services import ags
from lti_app.mentoring.domain.grade_states import Marking, Progress
from lti_app.tasks.grade_sending import AGS_ACTIVITY, AGS_GRADING


def test_every_progress_is_sent_as_an_activity_progress_the_lms_takes():
    assert set(AGS_ACTIVITY) == set(Progress) and set(AGS_ACTIVITY.values()) <= set(ags.ACTIVITY_PROGRESS)


def test_every_marking_is_sent_as_a_grading_progress_the_lms_takes():
    assert set(AGS_GRADING) == set(Marking) and set(AGS_GRADING.values()) <= set(ags.GRADING_PROGRESS)


def test_a_final_completed_score_is_sent_as_ags_says_a_graded_one_is():
    assert (AGS_ACTIVITY[Progress.COMPLETED], AGS_GRADING[Marking.FINAL]) == ("Completed", "FullyGraded")
