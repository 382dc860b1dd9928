"""The request's one commit point (web/unit_of_work) through real pages: a refused service writes and sends
nothing; a meeting that completes the programme is committed once, with its completions, and their scores are
dispatched after that commit."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select

from lti_app.extensions import db
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.completion import Completion
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.models.workspace import Meeting
from lti_app.mentoring.services import completion, grade_outbox, meetings
from lti_app.tasks import grades
from tests.factories_grades import enable_completion
from tests.web.course_pages import commit
from tests.web.test_workspace_pages import count, meeting_form, ws  # noqa: F401  (ws is a fixture)


@pytest.fixture
def journal(app, monkeypatch):
    """What the request did, in order: "commit" for each database COMMIT, ("dispatch", ids) for each dispatch."""
    seen: list = []
    real_dispatch = grades.dispatch

    def dispatch(ids):
        seen.append(("dispatch", sorted(ids)))
        return real_dispatch(ids)

    def on_commit(connection):
        seen.append("commit")

    monkeypatch.setattr(grades, "dispatch", dispatch)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "commit", on_commit)
    yield seen
    event.remove(engine, "commit", on_commit)


def test_a_refused_service_writes_nothing_and_dispatches_nothing(ws, journal, monkeypatch):
    enable_completion(ws.cohort, min_meetings=1)
    commit()

    def refused_after_writing(seat, fields, token, today):  # a service that wrote a score, then refused
        grade_outbox.record_score(course_id=ws.cohort.course_id, person_id=ws.pair.mentor.person_id,
                                  target="programme", target_id=ws.cohort.id, activity_progress="Completed",
                                  grading_progress="FullyGraded", score_given=1, score_maximum=1)
        completion.note_activity([seat.me.id, seat.partner.id])
        raise InvalidInput("Say what you talked about.", field="topics")

    monkeypatch.setattr(meetings, "log_meeting", refused_after_writing)
    journal.clear()
    page = ws.mentor.post(ws.base + "meetings/new", meeting_form(ws))
    assert page.status_code == 422 and "Say what you talked about." in page.get_data(as_text=True)
    assert not any(step != "commit" for step in journal)  # no dispatch at all
    assert count(GradeOutbox) == 0 and count(Meeting) == 0 and count(Completion) == 0


def test_a_meeting_that_completes_the_programme_is_one_commit_then_its_scores_are_dispatched(ws, journal):
    enable_completion(ws.cohort, min_meetings=1)
    commit()
    journal.clear()
    page = ws.mentor.post(ws.base + "meetings/new", meeting_form(ws))
    assert page.status_code == 303
    programme = sorted(db.session.scalars(select(GradeOutbox.id).where(GradeOutbox.target == "programme")))
    assert len(programme) == 2 and count(Completion) == 2 and count(Meeting) == 1
    first_dispatch = next(i for i, step in enumerate(journal) if step != "commit")
    assert journal[:first_dispatch] == ["commit"]  # the meeting and both completions: one commit, before sending
    assert journal[first_dispatch] == ("dispatch", programme)
    assert [step for step in journal if step != "commit"] == [("dispatch", programme)]  # dispatched once


def test_any_rollback_of_the_request_drops_what_it_noted_but_a_savepoints_does_not(app):
    from lti_app.extensions import db
    from lti_app.mentoring.services import completion, grade_outbox
    import lti_app.tasks.grades  # noqa: F401 - registers the listener

    db.session.info[grade_outbox.RECORDED_KEY] = [7]
    db.session.info[completion.NOTED_KEY] = {3}
    with db.session.begin_nested() as savepoint:
        savepoint.rollback()
    assert db.session.info[grade_outbox.RECORDED_KEY] == [7]  # the outer transaction may still commit them
    db.session.rollback()
    assert grade_outbox.RECORDED_KEY not in db.session.info and completion.NOTED_KEY not in db.session.info
