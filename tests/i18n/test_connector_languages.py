"""The LMS service connector's refusals and the launch libraries' own refusals, read in the reader's language.

An instructor whose LMS speaks German (or French) reads why the roster could not be fetched as whole sentences in
that language; the grade outbox row that keeps why a score was not sent stays English, whoever's request sent it,
and the logs stay English. A login or launch that pylti1p3 or PyJWT refused reads a sentence of ours, not the
libraries' English.
"""
from __future__ import annotations

import html
import logging

import pytest
import requests
from flask_babel import force_locale
from pylti1p3.exception import LtiException
from sqlalchemy import select

from lti_app.demo import HttpResponse
from lti_app.extensions import db
from lti_app.lti.library_refusals import in_our_words
from lti_app.lti.models import LtiContext
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.services import grade_outbox as outbox
from tests.factories import make_cohort
from tests.factories_grades import FlakyScores, lms_person
from tests.factories_reflections import make_assignment
from tests.factories_workspace import make_pair, make_running_cohort
from tests.lti_platform import LMS, cached_pem, path_of
from tests.web.course_pages import commit, launch

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}
ROSTER_PREFIX = {
    "en": "Your LMS did not give the course roster just now: ",
    "de": "Ihr LMS hat die Teilnehmerliste des Kurses gerade nicht geliefert: ",
    "fr": "Votre LMS n'a pas fourni la liste du cours à l'instant : ",
}


class TokenEndpoint:
    """Makes the LMS's token endpoint answer ``status`` with ``body``, or raise ``failure``; the rest answers as usual."""

    def __init__(self, lms, monkeypatch, *, status: int = 0, body: dict | None = None,
                 failure: Exception | None = None) -> None:
        self.original, self.status, self.body, self.failure = lms.handle, status, body, failure
        monkeypatch.setattr(lms, "handle", self.handle)

    def handle(self, method, url, headers=None, body=b""):
        if url.split("?")[0] == f"{LMS}/token":
            if self.failure is not None:
                raise self.failure
            return HttpResponse(self.status, self.body)
        return self.original(method, url, headers, body)


def refreshed_roster(app, platform, locale: str) -> str:
    """The roster page after the refresh button, for an instructor whose LMS speaks ``locale`` (unescaped)."""
    teacher = launch(app, platform, platform.instructor.sub, locale=locale)
    cohort = make_cohort(teacher.course)
    commit()
    page = teacher.post(f"instructor/cohorts/{cohort.id}/roster/refresh", follow_redirects=True)
    assert page.status_code == 200
    return html.unescape(page.get_data(as_text=True))


@pytest.mark.parametrize("locale, sentence", [
    ("de-DE", "Die Plattform hat kein Zugriffstoken ausgestellt (HTTP 401)."),
    ("fr-FR", "La plateforme a refusé de délivrer un jeton d’accès (HTTP 401)."),
    ("en-GB", "The platform refused an access token (HTTP 401)."),
])
def test_a_refused_access_token_reads_in_the_instructor_s_language(app, platform, monkeypatch, caplog, locale, sentence):
    TokenEndpoint(platform, monkeypatch, status=401, body={"error": "invalid_client"})
    with caplog.at_level(logging.WARNING):
        page = refreshed_roster(app, platform, locale)
    assert ROSTER_PREFIX[locale[:2]] + sentence in page
    if locale != "en-GB":
        assert "refused an access token" not in page
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("roster of course")]
    assert logged and all(m.endswith(": The platform refused an access token (HTTP 401).") for m in logged)


def test_a_token_endpoint_that_cannot_be_reached_reads_in_german(app, platform, monkeypatch, caplog):
    TokenEndpoint(platform, monkeypatch, failure=requests.ConnectionError("connection refused"))
    with caplog.at_level(logging.WARNING):
        page = refreshed_roster(app, platform, "de-DE")
    assert ROSTER_PREFIX["de"] + "Der Token-Endpunkt der Plattform war nicht erreichbar." in page
    assert "could not be reached" not in page and "connection refused" not in page
    assert "The platform's token endpoint could not be reached." in caplog.text


@pytest.mark.parametrize("status, sentence", [
    (503, "Der Token-Endpunkt der Plattform hat mit HTTP 503 geantwortet."),
    (200, "Der Token-Endpunkt der Plattform hat nicht mit JSON geantwortet."),
])
def test_a_token_endpoint_without_a_usable_answer_reads_in_german(app, platform, monkeypatch, status, sentence):
    TokenEndpoint(platform, monkeypatch, status=status)  # no body: not JSON
    assert ROSTER_PREFIX["de"] + sentence in refreshed_roster(app, platform, "de-DE")


def test_a_roster_service_that_cannot_be_reached_reads_in_french_with_its_address(app, platform, monkeypatch):
    teacher = launch(app, platform, platform.instructor.sub, locale="fr-FR")
    cohort = make_cohort(teacher.course)
    commit()
    url = db.session.scalar(select(LtiContext.memberships_url))
    original = platform.handle

    def unreachable_roster(method, called, headers=None, body=b""):
        if called.split("?")[0] == url:
            raise requests.ConnectionError("no route to host")
        return original(method, called, headers, body)

    monkeypatch.setattr(platform, "handle", unreachable_roster)
    page = html.unescape(teacher.post(f"instructor/cohorts/{cohort.id}/roster/refresh", follow_redirects=True)
                         .get_data(as_text=True))
    assert ROSTER_PREFIX["fr"] + f"La plateforme n’a pas pu être jointe à l’adresse {url}." in page
    assert "could not be reached" not in page


def test_a_stored_service_url_on_a_foreign_host_reads_in_german(app, platform):
    teacher = launch(app, platform, platform.instructor.sub, locale="de-DE")
    cohort = make_cohort(teacher.course)
    db.session.scalar(select(LtiContext)).memberships_url = "https://evil.test/memberships"
    commit()
    page = html.unescape(teacher.post(f"instructor/cohorts/{cohort.id}/roster/refresh", follow_redirects=True)
                         .get_data(as_text=True))
    assert ROSTER_PREFIX["de"] + "Die Dienst-URL auf 'evil.test' liegt auf keinem der Hosts der Plattform." in page
    assert "is not on one of the platform" not in page


def test_a_score_the_lms_could_not_take_keeps_its_reason_in_english_under_a_german_status(app, platform, monkeypatch):
    """The row is sent again inside the German instructor's request ("retry now"): its reason is still English."""
    teacher = launch(app, platform, platform.instructor.sub, locale="de-DE")
    cohort = make_running_cohort(teacher.course, name="Pilot")
    pair = make_pair(cohort, lms_person(platform, teacher.course, platform.learners[0].sub),
                     lms_person(platform, teacher.course, platform.learners[1].sub))
    assignment = make_assignment(cohort, title="Woche 1")
    entry = outbox.record_score(course_id=teacher.course_id, person_id=pair.mentor.person_id, target="reflection",
                                target_id=assignment.id, activity_progress="Completed", grading_progress="FullyGraded",
                                score_given=6, score_maximum=10)
    commit()
    FlakyScores(platform, monkeypatch, [requests.ConnectionError])

    retried = teacher.post(f"instructor/cohorts/{cohort.id}/completion/retry", {"entry_id": str(entry.id)})
    assert retried.status_code == 303
    db.session.expire_all()
    stored = db.session.get(GradeOutbox, entry.id).last_error
    assert stored.startswith("The platform could not be reached at https://lms.test/") and stored.endswith("/scores.")

    page = html.unescape(teacher.get(f"instructor/cohorts/{cohort.id}/completion/").get_data(as_text=True))
    assert "wartet auf Versand (Versuch 2, nächster am " in page and f": {stored}" in page


def test_a_launch_without_the_login_s_cookie_reads_in_german_and_logs_the_library_s_words(client, platform, caplog):
    with caplog.at_level(logging.WARNING):
        page = client.post("/lti/launch", headers=GERMAN)
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 400 and "<code>StateMismatch</code>" in text
    assert "Der Start kam ohne das Cookie der Anmeldung, die ihn begonnen hat (lti1p3-session-id)." in text
    assert "Missing cookie" not in text
    messages = [r.getMessage() for r in caplog.records]
    assert "pylti1p3 refused the launch: Missing cookie session-id" in messages
    assert ("launch rejected: StateMismatch: The launch came without the cookie of the login that started it "
            "(lti1p3-session-id).") in messages


@pytest.mark.parametrize("query, german, library", [
    ({"iss": LMS}, "Die Anmeldeanfrage des LMS hat keinen Login-Hinweis (login_hint).", "Could not find login hint"),
    ({"login_hint": "u"}, "Die Anmeldeanfrage des LMS nennt keinen Issuer (iss).", "Could not find issuer"),
])
def test_a_login_the_library_refuses_reads_in_german(client, platform, query, german, library):
    page = client.get("/lti/login", query_string={**query, "lti1p3_new_window": "1"}, headers=GERMAN)
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 400 and "<code>InvalidLogin</code>" in text
    assert german in text and library not in text


@pytest.mark.parametrize("login, german", [
    (False, "Der Start aus dem LMS konnte nicht gelesen werden. Technisches Detail (auf Englisch): A new refusal"),
    (True, "Die Anmeldeanfrage des LMS konnte nicht gelesen werden. Technisches Detail (auf Englisch): A new refusal"),
])
def test_a_library_refusal_we_do_not_know_reads_as_a_generic_sentence_with_its_words_as_detail(app, login, german):
    with app.test_request_context():
        sentence = in_our_words(LtiException("A new refusal"), login=login)
        with force_locale("de"):
            assert str(sentence) == german
        with force_locale("en_GB"):
            assert str(sentence).endswith("could not be read. Technical detail (in English): A new refusal")


@pytest.mark.parametrize("id_token, french", [
    ("not-a-jwt", "Le jeton de lancement (id_token) n’est pas un JSON Web Token : il ne comporte pas trois parties."),
    ("a.b.c", "L’en-tête ou le contenu du jeton de lancement ne peut pas être décodé."),
])
def test_a_launch_token_the_library_cannot_read_reads_in_french(browser, platform, id_token, french):
    assert browser.launch(platform.learners[0].sub, follow=False).status_code == 303  # the login's state cookie is set
    fields = {**browser.flow.form["fields"], "id_token": id_token}
    page = browser.client.post(path_of(browser.flow.form["action"]), data=fields, headers={"Accept-Language": "fr-FR"})
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 401 and "<code>InvalidToken</code>" in text
    assert french in text and "JWT must contain" not in text and "can't be decoded" not in text


@pytest.mark.parametrize("overrides, german, pyjwt", [
    ({"key": cached_pem("intruder")}, "Die Signatur des Start-Tokens passt nicht zum Schlüssel der Plattform.",
     "Signature verification failed"),
    ({"aud": "someone-else"}, "Das Start-Token ist nicht an die Client-ID von ReMentor gerichtet (aud).",
     "Invalid audience"),
], ids=["signed-by-another-key", "another-audience"])
def test_a_launch_token_pyjwt_refuses_reads_in_german(browser, platform, overrides, german, pyjwt):
    browser.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de-DE"
    page = browser.launch(platform.learners[0].sub, **overrides)
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 401 and "<code>InvalidToken</code>" in text
    assert german in text and pyjwt not in text
