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


def _survey_rows() -> dict[str, int]:
    from lti_app.mentoring.models.survey import Survey, SurveyQuestion
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Survey, SurveyVersion, SurveyQuestion, SurveySettings, SurveyRound, SurveyNamesAccess)}


def test_the_surveys_pages_write_nothing_on_get_even_for_a_cohort_without_surveys(app, platform):
    from tests.queries import counted_queries
    world = make_world(app, platform)  # a cohort made by the factories: no surveys saved
    commit()
    before = _survey_rows()
    assert before["survey"] == 0
    with counted_queries() as seen:
        pages = [world.teacher.get(base(world) + path) for path in ("", "pulse/", "exit/")]
    assert [p.status_code for p in pages] == [200, 200, 200]
    db.session.expire_all()
    assert _survey_rows() == before
    assert not [s for s in seen.seen if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    html = pages[1].get_data(as_text=True)
    assert 'id="defaults-note"' in html and "How satisfied are you with your partner?" in html
    assert "pulse/questions/" not in html  # no edit or remove form without saved question ids
    assert 'id="defaults-pulse"' in pages[0].get_data(as_text=True)


def test_the_first_change_saves_the_defaults_in_the_same_commit(app, platform):
    world = make_world(app, platform)
    commit()
    assert world.teacher.post(base(world) + "pulse/questions", QUESTION).status_code == 303
    db.session.expire_all()
    pulse = surveys.stored_survey(world.cohort.id, SurveyKind.PULSE)
    assert [q.text for q in pulse.current.questions][-1] == "Which channel works best?"
    assert len(pulse.current.questions) == 7 and pulse.current.number == 1  # the six defaults and the new one


def test_an_edit_of_a_question_of_a_survey_not_saved_yet_is_not_found(app, platform):
    world = make_world(app, platform)
    commit()
    assert world.teacher.post(base(world) + "pulse/questions/1", {"q1-text": "x"}).status_code == 404
    assert world.teacher.post(base(world) + "exit/questions/1/remove").status_code == 404
    assert _survey_rows()["survey"] == 0


def test_a_cohort_made_or_copied_on_its_page_has_its_surveys_from_the_start(app, platform):
    from dataclasses import replace
    from lti_app.mentoring.services.cohort_copies import copy_cohort, next_round_fields
    from lti_app.mentoring.services.cohorts import create_cohort
    from lti_app.extensions import utcnow
    world = make_world(app, platform)
    source = world.cohort
    surveys.survey_of(source.id, SurveyKind.PULSE).current.questions[0].text = "Our own first question?"
    surveys.settings_of(source.id).anonymity_threshold = 7
    fields = next_round_fields(source, utcnow().date())
    copy = copy_cohort(source, fields)
    fresh = create_cohort(source.course_id, replace(fields, name="Brand new"))
    copied = surveys.stored_survey(copy.id, SurveyKind.PULSE)
    assert copied.current.questions[0].text == "Our own first question?" and copied.current.number == 1
    assert surveys.stored_survey(copy.id, SurveyKind.EXIT) is not None
    assert surveys.current_settings(copy.id).anonymity_threshold == 7
    for kind in SurveyKind:
        made = surveys.stored_survey(fresh.id, kind)
        assert [q.code for q in made.current.questions][0] == "satisfaction"
    assert surveys.current_settings(fresh.id).id is None  # defaults, not saved
