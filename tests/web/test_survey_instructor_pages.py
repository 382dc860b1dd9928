"""The instructor's Surveys page through real launches: settings, the question editor and its versions, results
under the anonymity threshold, named answers only where privacy allows, with the opening logged."""
from __future__ import annotations

from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_settings import PrivacySetting
from lti_app.mentoring.domain.surveys import SurveyKind
from lti_app.mentoring.models.survey import SurveyNamesAccess, SurveyRound, SurveySettings, SurveyVersion
from lti_app.mentoring.services import surveys
from tests.factories import make_enrolment
from tests.factories_surveys import make_answer, make_round
from tests.web.course_pages import commit
from tests.web.pair_world import make_world

SETTINGS = {"pulse_enabled": "y", "pulse_first_after_days": "10", "pulse_every_days": "30", "anonymity_threshold": "3",
            "accept_late": "y", "time_zone": "Europe/Berlin"}
QUESTION = {"text": "Which channel works best?", "kind": "choice", "audience": "mentees", "required": "y",
            "choices": "Video\nChat"}


def base(world) -> str:
    return f"instructor/cohorts/{world.cohort.id}/surveys/"


def test_the_cohort_page_links_the_surveys_page_and_settings_lay_out_the_rounds(app, platform):
    world = make_world(app, platform)
    teacher = world.teacher
    assert base(world) in teacher.get(f"instructor/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert teacher.get(base(world)).status_code == 200
    assert teacher.post(base(world), SETTINGS).status_code == 303
    saved = db.session.scalar(select(SurveySettings))
    assert saved.anonymity_threshold == 3 and saved.pulse_every_days == 30 and saved.time_zone == "Europe/Berlin"
    pulse = surveys.survey_of(world.cohort.id, SurveyKind.PULSE)
    rounds = db.session.scalars(select(SurveyRound).where(SurveyRound.survey_id == pulse.id)).all()
    assert rounds and all(r.opens_at.date() >= world.cohort.starts_on - __import__("datetime").timedelta(days=1)
                          for r in rounds)
    assert "Round 1" in teacher.get(base(world)).get_data(as_text=True)


def test_bad_settings_are_refused_next_to_the_field(app, platform):
    world = make_world(app, platform)
    for bad in ({**SETTINGS, "pulse_every_days": "0"}, {**SETTINGS, "anonymity_threshold": "x"},
                {**SETTINGS, "time_zone": "Mars/Olympus"}):
        assert world.teacher.post(base(world), bad).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(SurveySettings)) == 0


def test_editing_a_survey_with_answers_makes_a_new_version_and_results_show_per_version(app, platform):
    world = make_world(app, platform)
    round_ = make_round(world.cohort)
    survey = round_.survey
    first_question = survey.current.questions[0].id
    make_answer(round_, world.pair.mentor, "mentor", satisfaction=4)
    commit()
    teacher = world.teacher
    changed = teacher.post(base(world) + f"pulse/questions/{first_question}",
                           {f"q{first_question}-{k}": v for k, v in
                            {"text": "How is your partnership?", "kind": "likert", "audience": "both",
                             "required": "y"}.items()})
    assert changed.status_code == 303
    versions = db.session.scalars(select(SurveyVersion).where(SurveyVersion.survey_id == survey.id)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].questions[0].text.startswith("How satisfied")  # the answered version is untouched
    assert versions[1].questions[0].text == "How is your partnership?"
    assert teacher.post(base(world) + "pulse/questions", QUESTION).status_code == 303
    assert len(versions[1].questions) == 7  # no third version: version 2 has no answers yet
    page = teacher.get(base(world)).get_data(as_text=True)
    assert "Version 1: 1 answer" in page and "Fewer than 5 people" in page


def test_question_editor_refuses_bad_input_and_other_ids_without_a_500(app, platform):
    world = make_world(app, platform)
    teacher = world.teacher
    teacher.get(base(world) + "pulse/")
    assert teacher.post(base(world) + "pulse/questions", {**QUESTION, "choices": "Only one"}).status_code == 422
    assert teacher.post(base(world) + "pulse/questions", {**QUESTION, "kind": "essay"}).status_code == 422
    assert teacher.post(base(world) + "pulse/questions", {**QUESTION, "text": ""}).status_code == 422
    assert teacher.get(base(world) + "weekly/").status_code == 404
    for path in ("pulse/questions/2147483647", "pulse/questions/99999999999/remove", "exit/questions/1"):
        assert teacher.post(base(world) + path, {}).status_code == 404, path


def test_results_appear_at_the_threshold_with_free_text_without_names(app, platform):
    world = make_world(app, platform)
    round_ = make_round(world.cohort)
    for n in range(5):
        enrolment = make_enrolment(world.cohort)
        make_answer(round_, enrolment, satisfaction=n % 5 + 1, learned=f"Lesson {n}")
    commit()
    page = world.teacher.get(base(world)).get_data(as_text=True)
    assert "Version 1: 5 answers" in page and "Lesson 3" in page and ">3.0<" in page
    assert world.pair.mentor.person.display_name not in page


def test_named_answers_open_only_with_a_reason_where_privacy_allows_and_are_logged(app, platform):
    world = make_world(app, platform)
    round_ = make_round(world.cohort)
    make_answer(round_, world.pair.mentee, satisfaction=2)
    commit()
    teacher = world.teacher
    assert teacher.post(base(world) + "pulse/names", {"reason": "short"}).status_code == 422
    opened = teacher.post(base(world) + "pulse/names", {"reason": "The mentee asked for help with the pair."})
    assert opened.status_code == 200 and world.pair.mentee.person.display_name in opened.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SurveyNamesAccess)) == 1


def test_named_answers_stay_closed_under_a_stricter_privacy_setting(app, platform):
    world = make_world(app, platform, privacy=PrivacySetting.STATUS_ONLY)
    make_answer(make_round(world.cohort), world.pair.mentee, satisfaction=2)
    commit()
    refused = world.teacher.post(base(world) + "pulse/names", {"reason": "The mentee asked for help with the pair."})
    assert world.pair.mentee.person.display_name not in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SurveyNamesAccess)) == 0


def test_the_named_answers_page_counts_the_same_queries_at_two_cohort_sizes(app, platform):
    from tests.queries import counted_queries

    counts = []
    for size in (2, 8):
        world = make_world(app, platform) if not counts else world
        round_ = make_round(world.cohort)
        for _ in range(size):
            make_answer(round_, make_enrolment(world.cohort), satisfaction=3)
        commit()
        with counted_queries() as statements:
            page = world.teacher.post(base(world) + "pulse/names", {"reason": "Checking the pilot's follow-up."})
        assert page.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
