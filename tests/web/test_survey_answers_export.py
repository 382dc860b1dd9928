"""The raw survey answers CSV: anonymous under the cohort's threshold, named only where the privacy setting allows
it and with the download logged, streamed like the other raw exports, and in a number of queries that does not grow."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_settings import PrivacySetting
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.survey import Survey, SurveyNamesAccess
from tests.factories_surveys import make_answer, make_round
from tests.factories_workspace import make_pair, make_running_cohort
from tests.queries import counted_queries, queries_of_request
from tests.web.course_pages import commit

HEADER = ["survey", "round", "round opened on", "questions version", "response", "role", "late", "enrolment id",
          "name", "question code", "question", "answer"]


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf") and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def answering(cohort, pairs: int, round_=None, **values):
    """``pairs`` new pairs of which both people answer ``round_`` (a new pulse round by default)."""
    round_ = round_ or make_round(cohort)
    for _ in range(pairs):
        pair = make_pair(cohort)
        make_answer(round_, pair.mentor, "mentor", satisfaction=4, recommend=9, **values)
        make_answer(round_, pair.mentee, "mentee", satisfaction=2, recommend=5, **values)
    commit()
    return round_


def every_name() -> set[str]:
    return {p.display_name for p in db.session.scalars(select(Person))}


def accesses() -> int:
    return db.session.scalar(select(func.count(SurveyNamesAccess.id)))


def test_above_the_threshold_one_row_per_answer_per_question_without_names(teacher):
    cohort = make_running_cohort(teacher.course)
    answering(cohort, 3, learned="=cmd|' /C calc'!A0")  # 6 answers: over the default threshold of 5
    rows = rows_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/data.csv?name=survey_answers"))
    assert rows[0] == HEADER
    body = rows[1:]
    assert len(body) == 6 * 3  # satisfaction, recommend and the free text, for each of the six
    assert {r[0] for r in body} == {"Pulse survey"} and {r[4] for r in body} == {"1", "2", "3", "4", "5", "6"}
    assert all(r[7] == "" and r[8] == "" for r in body)  # no enrolment id, no name
    assert not every_name() & {cell for r in body for cell in r}
    texts = [r for r in body if r[9] == "learned"]
    assert texts and all(r[11] == "'=cmd|' /C calc'!A0" for r in texts)  # free text kept, formula neutralised
    assert sorted(r[11] for r in body if r[9] == "satisfaction") == ["2"] * 3 + ["4"] * 3
    assert all(len(r[2]) == 10 and r[2][4] == "-" for r in body)  # ISO dates


def test_under_the_threshold_a_round_is_one_row_saying_so_with_no_values(teacher):
    cohort = make_running_cohort(teacher.course)
    answering(cohort, 3)  # 6 answers: shown
    answering(cohort, 2, learned="Something I would recognise")  # 4 answers: under 5
    rows = rows_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/data.csv?name=survey_answers"))
    second = [r for r in rows[1:] if r[1] == "2"]
    assert len(second) == 1 and second[0][4:11] == [""] * 7
    assert second[0][11] == "fewer than 5 answered this round with these questions: answers not shown"
    assert "Something I would recognise" not in str(rows)
    assert len([r for r in rows[1:] if r[1] == "1"]) == 12


def test_the_threshold_is_the_cohorts_setting(teacher):
    from lti_app.mentoring.services.surveys import settings_of
    cohort = make_running_cohort(teacher.course)
    settings_of(cohort.id).anonymity_threshold = 3
    answering(cohort, 2)  # 4 answers: over 3
    rows = rows_of(teacher.get(f"instructor/cohorts/{cohort.id}/dashboard/data.csv?name=survey_answers"))
    assert len(rows) == 1 + 4 * 2


def test_the_dashboard_lists_the_download_and_offers_names_only_where_the_privacy_setting_allows(teacher):
    closed = make_running_cohort(teacher.course)
    open_ = make_running_cohort(teacher.course, privacy=PrivacySetting.EVERYTHING_WITH_LOG)
    commit()
    page = teacher.get(f"instructor/cohorts/{closed.id}/dashboard/").get_data(as_text=True)
    assert "data.csv?name=survey_answers" in page and 'id="named-survey-answers"' not in page
    page = teacher.get(f"instructor/cohorts/{open_.id}/dashboard/").get_data(as_text=True)
    assert 'id="named-survey-answers"' in page and 'name="csrf_token"' in page


def test_names_with_a_reason_where_allowed_and_the_download_is_logged(teacher):
    cohort = make_running_cohort(teacher.course, privacy=PrivacySetting.EVERYTHING_WITH_LOG)
    answering(cohort, 1)  # 2 answers: under the threshold, yet named answers show them all (as the results page)
    before = accesses()
    rows = rows_of(teacher.post(f"instructor/cohorts/{cohort.id}/dashboard/survey-answers.csv",
                                {"reason": "A pair asked us to look into their answers."}))
    body = rows[1:]
    assert len(body) == 4 and all(r[7] and r[8] for r in body)
    db.session.expire_all()
    surveys = db.session.scalar(select(func.count(Survey.id)).where(Survey.cohort_id == cohort.id))
    assert surveys >= 1 and accesses() == before + surveys  # one opening per survey, as on the results page
    logged = db.session.scalars(select(SurveyNamesAccess).order_by(SurveyNamesAccess.id.desc())).first()
    assert logged.reason == "A pair asked us to look into their answers."


@pytest.mark.parametrize("reason", ["", "too short", "x" * 501])
def test_names_without_a_good_reason_go_back_to_the_dashboard_and_log_nothing(teacher, reason):
    cohort = make_running_cohort(teacher.course, privacy=PrivacySetting.EVERYTHING_WITH_LOG)
    answering(cohort, 1)
    before = accesses()
    response = teacher.post(f"instructor/cohorts/{cohort.id}/dashboard/survey-answers.csv", {"reason": reason})
    assert response.status_code == 303 and response.mimetype != "text/csv"
    db.session.expire_all()
    assert accesses() == before


def test_names_are_refused_where_the_privacy_setting_keeps_answers_anonymous(teacher):
    cohort = make_running_cohort(teacher.course)
    answering(cohort, 3)
    before = accesses()
    response = teacher.post(f"instructor/cohorts/{cohort.id}/dashboard/survey-answers.csv",
                            {"reason": "I would like to see the names please."}, follow_redirects=True)
    assert response.status_code == 200 and "keeps answers anonymous" in response.get_data(as_text=True)
    db.session.expire_all()
    assert accesses() == before


def test_the_queries_do_not_grow_with_the_cohort(teacher):
    cohort = make_running_cohort(teacher.course, privacy=PrivacySetting.EVERYTHING_WITH_LOG)
    round_ = answering(cohort, 3, learned="A lot")
    make_round(cohort)  # a round nobody answered
    commit()
    url = f"instructor/cohorts/{cohort.id}/dashboard/data.csv?name=survey_answers"

    def named() -> int:
        commit()
        db.session.expire_all()
        with counted_queries() as seen:
            assert teacher.post(f"instructor/cohorts/{cohort.id}/dashboard/survey-answers.csv",
                                {"reason": "Counting the queries of this download."}).status_code == 200
        return len(seen)

    small, small_named = queries_of_request(teacher, url), named()
    answering(cohort, 12, round_, learned="More")
    assert queries_of_request(teacher, url) == small
    assert named() == small_named


def test_the_named_download_needs_the_csrf_token(teacher):
    cohort = make_running_cohort(teacher.course, privacy=PrivacySetting.EVERYTHING_WITH_LOG)
    answering(cohort, 1)
    before = accesses()
    response = teacher.client.post(teacher.url(f"instructor/cohorts/{cohort.id}/dashboard/survey-answers.csv"),
                                   data={"reason": "A pair asked us to look into their answers."})
    assert response.status_code in (302, 303, 400) and response.mimetype != "text/csv"
    db.session.expire_all()
    assert accesses() == before
