"""Which language a page speaks: the person's choice, the launch's locale, the browser's, English."""
from __future__ import annotations

from datetime import date

import pytest
import flask_babel
from flask import render_template_string

from lti_app.extensions import db
from lti_app.i18n import language_of, language_of_person
from lti_app.mentoring.domain import texts
from lti_app.mentoring.models.person import Person
from tests.web.course_pages import launch
from tests.web.test_demo import _follow_launch, dev_app, seed  # noqa: F401  (fixtures)

LAUNCH_PRESENTATION = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
LEARNER = "u-2001"


@pytest.mark.parametrize(("tag", "language"), [
    ("de-DE", "de"), ("de", "de"), ("es_mx", "es"), ("fr-CA", "fr"), ("EN-gb", "en"), ("pt-BR", None),
    ("", None), (None, None), ("x" * 35, None),
])
def test_an_lms_language_tag_names_one_of_the_tool_s_languages_or_none(tag, language):
    assert language_of(tag) == language


def test_a_learner_launched_in_german_gets_german_pages(app, platform):
    learner = launch(app, platform, LEARNER, locale="de-DE")
    page = learner.get("learner/").get_data(as_text=True)
    assert '<html lang="de" dir="ltr">' in page
    assert ">Sprache<" in page


def test_the_launch_presentation_locale_counts_too(app, platform):
    learner = launch(app, platform, LEARNER, locale=None, **{LAUNCH_PRESENTATION: {"document_target": "iframe", "locale": "es_ES"}})
    assert '<html lang="es"' in learner.get("learner/").get_data(as_text=True)


def test_without_a_language_from_the_lms_the_browser_s_counts_and_english_is_last(app, platform):
    learner = launch(app, platform, LEARNER)
    db.session.get(Person, _person_id(learner)).locale = None
    db.session.commit()
    french = learner.client.get(learner.url("learner/"), headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr"' in french.get_data(as_text=True)
    other = learner.client.get(learner.url("learner/"), headers={"Accept-Language": "pt-BR"})
    assert '<html lang="en-GB"' in other.get_data(as_text=True)


def test_a_chosen_language_is_kept_over_the_lms_s_and_can_be_given_back(app, platform):
    learner = launch(app, platform, LEARNER, locale="de-DE")
    saved = learner.post("learner/language", {"language": "fr"})
    assert saved.status_code == 303
    page = learner.client.get(saved.headers["Location"]).get_data(as_text=True)
    assert '<html lang="fr"' in page and "Votre langue est enregistrée." in page
    assert db.session.get(Person, _person_id(learner)).language == "fr"
    again = launch(app, platform, LEARNER, locale="de-DE")  # a later launch keeps the choice
    assert '<html lang="fr"' in again.get("learner/").get_data(as_text=True)
    back = again.post("learner/language", {"language": ""})
    assert back.status_code == 303
    assert db.session.get(Person, _person_id(again)).language is None
    assert '<html lang="de"' in again.get("learner/").get_data(as_text=True)


def test_an_instructor_chooses_on_their_own_page(app, platform):
    teacher = launch(app, platform, platform.instructor.sub, locale="en")
    page = teacher.get("instructor/language").get_data(as_text=True)
    assert "Die Sprache" not in page and "The language of your course (English)" in page
    assert teacher.post("instructor/language", {"language": "es"}).status_code == 303
    assert '<html lang="es"' in teacher.get("instructor/").get_data(as_text=True)


@pytest.mark.parametrize("language", ["xx", "de-DE", "e" * 5000, "<script>"])
def test_a_language_the_tool_does_not_have_is_refused_and_nothing_is_kept(app, platform, language):
    learner = launch(app, platform, LEARNER, locale="de-DE")
    refused = learner.post("learner/language", {"language": language})
    assert refused.status_code == 422
    assert "Wählen Sie eine der aufgeführten Sprachen." in refused.get_data(as_text=True)
    assert db.session.get(Person, _person_id(learner)).language is None


def test_the_language_page_without_a_session_is_refused(client):
    assert client.get("/courses/1/learner/language").status_code == 401
    assert client.post("/courses/1/learner/language", data={"language": "de"}).status_code == 400  # no CSRF token


def test_mail_follows_the_person_not_the_browser():
    assert language_of_person(Person(locale="de-DE", language=None)) == "de"
    assert language_of_person(Person(locale="de-DE", language="fr")) == "fr"
    assert language_of_person(Person(locale="pt-BR", language=None)) == "en"
    assert language_of_person(None) == "en"


def test_dates_and_lists_are_written_the_reader_s_way(app):
    day = date(2026, 3, 1)
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert texts.long_date(day) == "1. März 2026"
        assert texts.join_list(["Anna", "Ben", "Cem"]) == "Anna, Ben und Cem"
        assert render_template_string("{{ day|long_date }} · {{ day|day_month }}", day=day) == "1. März 2026 · 1. März"
        with texts.in_language("es"):
            assert texts.long_date(day) == "1 de marzo de 2026"
            assert texts._("Save") == "Guardar"
        assert texts._("Save") == "Speichern"
    flask_babel.refresh()  # a new request chooses again (the app's before_request does it for real requests)
    with app.test_request_context():
        assert texts.long_date(day) == "1 March 2026"
        assert texts.join_list(["Anna", "Ben", "Cem"]) == "Anna, Ben and Cem"


def test_outside_the_application_the_programme_writes_english():
    english = texts.English()
    assert english.long_date(date(2026, 3, 1)) == "1 March 2026"
    assert english.join_list(["a"]) == "a" and english.join_list(["a", "b", "c"]) == "a, b and c"
    assert english.ngettext("%(num)d pair", "%(num)d pairs", 1) == "%(num)d pair"


def test_plurals_fill_in_the_number(app):
    with app.test_request_context():
        assert texts.ngettext("%(num)d pair", "%(num)d pairs", 1) == "1 pair"
        assert texts.ngettext("%(num)d pair", "%(num)d pairs", 3) == "3 pairs"
        assert texts._("%(a)s and %(b)s", a="x", b="y") == "x and y"


def _person_id(session) -> int:
    with session.client.session_transaction() as stored:
        membership_id = stored["courses"][str(session.course_id)]["m"]
    from lti_app.mentoring.models.course import Membership

    return db.session.get(Membership, membership_id).person_id


def test_the_demo_lms_launches_a_german_speaking_learner_and_an_instructor_in_spanish(dev_app, seed):
    seed()
    client = dev_app.test_client()
    start = client.get("/demo/").get_data(as_text=True)
    assert "Launch in Spanish" in start and "(their LMS speaks German)" in start
    german = _follow_launch(client, client.get("/demo/launch/u-2004"))
    assert '<html lang="de"' in german.get_data(as_text=True)
    spanish = _follow_launch(client, client.get("/demo/launch/u-1001?locale=es-ES"))
    assert '<html lang="es"' in spanish.get_data(as_text=True)
    english = _follow_launch(client, client.get("/demo/launch/u-1001"))
    assert '<html lang="en-GB"' in english.get_data(as_text=True)
    assert client.get("/demo/launch/u-1001?locale=<x>").status_code == 400
    assert "locale=es-ES" in client.get("/demo/course/u-1001?locale=es-ES").get_data(as_text=True)


def test_a_label_inside_a_sentence_loses_its_capital_except_in_german(app):
    from lti_app.i18n import in_sentence

    for language, label, shown in (("en", "Every 2 weeks", "every 2 weeks"), ("fr", "Toutes les 2 semaines", "toutes les 2 semaines"),
                                   ("de", "Alle 2 Wochen", "Alle 2 Wochen")):
        flask_babel.refresh()
        with app.test_request_context(headers={"Accept-Language": language}):
            assert in_sentence(label) == shown


def test_a_stored_default_survey_question_reads_in_the_reader_s_language_a_written_one_as_written(app):
    from lti_app.mentoring.domain.surveys import DEFAULT_QUESTIONS, LIKERT_LABELS
    from lti_app.mentoring.models.survey import SurveyQuestion

    default = SurveyQuestion(text=DEFAULT_QUESTIONS[0].text, labels=list(LIKERT_LABELS))
    written = SurveyQuestion(text="How is the weather in your team?", labels=["Grey", "Sunny"])
    flask_babel.refresh()
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert default.text_shown != default.text and default.text_shown.endswith("?")
        assert default.labels_shown != list(LIKERT_LABELS) and len(default.labels_shown) == len(LIKERT_LABELS)
        assert written.text_shown == "How is the weather in your team?" and written.labels_shown == ["Grey", "Sunny"]
    flask_babel.refresh()
    with app.test_request_context():
        assert default.text_shown == DEFAULT_QUESTIONS[0].text


def test_every_list_a_template_counts_has_whole_sentences(app):
    import re
    from pathlib import Path

    from lti_app.mentoring.services.paging import Page
    from lti_app.web.pagination import page_summary

    nouns = set()
    for template in Path("templates").rglob("*.html"):
        nouns |= set(re.findall(r"page_summary\([^,]+, '[^']+'(?: if \w+ else '[^']+')?, '([^']+)'", template.read_text()))
        nouns |= set(re.findall(r"else '([^']+)'\)", " ".join(re.findall(r"page_summary\([^)]*\)", template.read_text()))))
    assert {"people", "pairs", "participants", "requests", "mentors fit you"} <= nouns
    page = Page(items=[], total=0, number=1, size=50)
    with app.test_request_context():
        for noun in nouns:
            assert page_summary(page, "x", noun).startswith("No ")
        with pytest.raises(ValueError):
            page_summary(page, "thing", "things")
