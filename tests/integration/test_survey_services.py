"""Survey rounds follow the schedule: answered rounds stay put, unanswered ones move or go, the exit round waits
at the programme's end; answers keep to one per person and round."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.surveys import SurveyKind
from lti_app.mentoring.models.survey import SurveyAnswer, SurveyRound
from lti_app.mentoring.services import cohorts, survey_admin, surveys
from tests.factories_surveys import make_answer
from tests.integration.test_cohort_services import fields
from tests.factories_workspace import at_midnight, make_pair, make_running_cohort


def _rounds(cohort, kind=SurveyKind.PULSE):
    survey = surveys.survey_of(cohort.id, kind)
    return db.session.scalars(select(SurveyRound).where(SurveyRound.survey_id == survey.id)
                              .order_by(SurveyRound.number)).all()


def test_a_changed_schedule_moves_unanswered_rounds_and_keeps_answered_ones(app):
    cohort = make_running_cohort()
    pair = make_pair(cohort)
    surveys.sync_rounds(cohort)
    first = _rounds(cohort)[0]
    assert first.opens_at == at_midnight(cohort.starts_on - timedelta(days=3) + timedelta(days=30))
    make_answer(first, pair.mentor, satisfaction=4)
    survey_admin.update_settings(cohort, pulse_first_after_days=10, pulse_every_days=20)
    rounds = _rounds(cohort)
    assert rounds[0].id == first.id and rounds[0].opens_at == first.opens_at  # answered: unchanged
    assert rounds[1].opens_at - rounds[0].opens_at != timedelta(days=60)
    survey_admin.update_settings(cohort, pulse_enabled=False)
    assert [r.id for r in _rounds(cohort)] == [first.id]


def test_the_exit_round_opens_on_the_last_day(app):
    cohort = make_running_cohort()
    make_pair(cohort)
    surveys.sync_rounds(cohort)
    (final,) = _rounds(cohort, SurveyKind.EXIT)
    assert final.opens_at == at_midnight(cohort.ends_on) and final.pair_id is None


def test_a_second_answer_changes_the_first(app):
    cohort = make_running_cohort()
    pair = make_pair(cohort)
    surveys.sync_rounds(cohort)
    now = _rounds(cohort)[0].opens_at + timedelta(hours=1)
    due = surveys.round_for(pair.mentee, _rounds(cohort)[0].id, now)
    raw = {"satisfaction": "3", "usefulness": "3", "progress": "3", "recommend": "6"}
    assert surveys.answer_round(pair.mentee, due, raw, now)[1] is True
    due = surveys.round_for(pair.mentee, due.round.id, now)
    assert surveys.answer_round(pair.mentee, due, raw | {"satisfaction": "5"}, now)[1] is False
    (answer,) = db.session.scalars(select(SurveyAnswer)).all()
    assert answer.values["satisfaction"] == 5 and answer.role == "mentee" and not answer.late


def test_questions_for_one_side_are_asked_of_that_side_only_and_a_withdrawn_person_is_asked_nothing(app):
    from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
    from lti_app.mentoring.domain.surveys import Audience, QuestionKind

    cohort = make_running_cohort()
    pair = make_pair(cohort)
    survey = surveys.survey_of(cohort.id, SurveyKind.PULSE)
    survey_admin.add_question(survey, text="What did you teach first?", kind=QuestionKind.TEXT,
                              audience=Audience.MENTORS, required=True, labels=[], choices=[])
    _, for_mentee = surveys.questions_for(survey.id, surveys.role_of(pair.mentee))
    _, for_mentor = surveys.questions_for(survey.id, surveys.role_of(pair.mentor))
    assert len(for_mentor) == len(for_mentee) + 1
    surveys.sync_rounds(cohort)
    now = _rounds(cohort)[0].opens_at + timedelta(hours=1)
    assert surveys.due_for(pair.mentee, now)
    pair.mentee.status = EnrolmentStatus.WITHDRAWN
    assert surveys.due_for(pair.mentee, now) == []


def test_moving_the_programmes_end_moves_the_exit_round(app):
    cohort = make_running_cohort()
    make_pair(cohort)
    surveys.sync_rounds(cohort)
    later = cohort.ends_on + timedelta(days=30)
    codes = tuple(s.code for s in cohort.skills)
    cohorts.update_cohort(cohort, replace(fields(name=cohort.name, skill_codes=codes, custom_skill_labels=(),
                                                 mentor_capacity=cohort.mentor_capacity),
                                          enrolment_opens_on=cohort.enrolment_opens_on,
                                          enrolment_closes_on=cohort.enrolment_closes_on,
                                          starts_on=cohort.starts_on, ends_on=later))
    (final,) = _rounds(cohort, SurveyKind.EXIT)
    assert final.opens_at == at_midnight(later)
