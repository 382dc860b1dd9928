"""An LMS administrator's refused registration in the administrator's language: the page's title, advice and detail
are whole translated sentences (German, French), the English page keeps its English ones, and the log stays English.

The registration page is opened without a launch, so its language is the browser's (``Accept-Language``).
"""
from __future__ import annotations

import html
import logging
from collections.abc import Callable

import pytest
import requests_mock
from flask_babel import force_locale

from lti_app.lti import claim_types, errors, outbound, platform_keys
from lti_app.lti.http import make_session
from tests.conftest import fresh_app
from tests.lti import simulated_lms
from tests.lti.local_servers import Resolver, refuse_connections

PLAIN_HTTP = "http://moodle.test/mod/lti/openid-configuration.php"
PRIVATE = "https://10.0.0.8/openid-configuration"
PRIVATE_ENDPOINT = "https://10.0.0.1/register"
INTRANET = "https://intranet.test/openid-configuration"

ADDRESS_TITLE = {
    "en": "ReMentor may not call your LMS at this address",
    "de": "ReMentor darf Ihr LMS unter dieser Adresse nicht aufrufen",
    "fr": "ReMentor n’est pas autorisé à contacter votre LMS à cette adresse",
}
ADDRESS_ADVICE = {
    "en": "ReMentor calls an LMS only over HTTPS on a public address.",
    "de": "ReMentor ruft ein LMS nur über HTTPS unter einer öffentlichen Adresse auf.",
    "fr": "ReMentor ne contacte un LMS qu’en HTTPS et à une adresse publique.",
}
CONFIGURATION_TITLE = {
    "en": "Your LMS's configuration cannot be used",
    "de": "Die Konfiguration Ihres LMS kann nicht verwendet werden",
    "fr": "La configuration de votre LMS n’est pas utilisable",
}
CONFIGURATION_ADVICE = {
    "en": "The LMS answered, but not with an LTI 1.3 platform configuration ReMentor can use",
    "de": "Das LMS hat geantwortet, aber nicht mit einer LTI-1.3-Plattformkonfiguration, die ReMentor nutzen kann",
    "fr": "Le LMS a répondu, mais pas avec une configuration de plateforme LTI 1.3 utilisable par ReMentor",
}


@pytest.fixture
def app(request):
    """No private host listed (production's default), so that every address below is refused."""
    yield from fresh_app(request, {"LTI_PRIVATE_HOSTS": []})


@pytest.fixture
def connections(monkeypatch):
    """Every address urllib3 tries to connect to; each attempt fails at once (nothing here may reach the network)."""
    return refuse_connections(monkeypatch)


def moodle_registration(mocker: requests_mock.Mocker, answer: dict | None = None, **configuration: str) -> str:
    """The registration URL of a simulated Moodle whose configuration has ``configuration``'s fields changed, and
    which answers its configuration URL with ``answer`` (requests-mock's keywords) when given."""
    moodle = simulated_lms.moodle()
    moodle.configuration.update(configuration)
    moodle.install(mocker)
    if answer is not None:
        mocker.get(moodle.config_url, **answer)
    return moodle.register_url(moodle.issue_token())


def configuration_at(url: str) -> Callable[[requests_mock.Mocker], str]:
    """A registration whose configuration URL is ``url`` (refused before any request)."""
    moodle = simulated_lms.moodle()
    return lambda mocker: moodle.register_url(moodle.issue_token(), url)


# Each case: how to start the registration, the error code, and per language the title, advice and detail.
CASES = {
    "plain-http-configuration-url": (configuration_at(PLAIN_HTTP), "RegistrationAddressRefused", ADDRESS_TITLE, ADDRESS_ADVICE, {
        "en": f"The configuration URL '{PLAIN_HTTP}' is not an HTTPS URL.",
        "de": f"Die Konfigurations-URL '{PLAIN_HTTP}' ist keine HTTPS-URL.",
        "fr": f"L’URL de configuration '{PLAIN_HTTP}' n’est pas une URL HTTPS.",
    }),
    "private-configuration-url": (configuration_at(PRIVATE), "RegistrationAddressRefused", ADDRESS_TITLE, ADDRESS_ADVICE, {
        "en": f"The configuration URL '{PRIVATE}' points to an address the tool may not call (private, reserved or unknown).",
        "de": f"Die Konfigurations-URL '{PRIVATE}' verweist auf eine Adresse, die das Tool nicht aufrufen darf "
              "(privat, reserviert oder unbekannt).",
        "fr": f"L’URL de configuration '{PRIVATE}' pointe vers une adresse que l’outil n’a pas le droit de contacter "
              "(privée, réservée ou inconnue).",
    }),
    "configuration-not-json": (lambda mocker: moodle_registration(mocker, {"text": "<html>Moodle</html>"}),
                               "InvalidPlatformConfiguration", CONFIGURATION_TITLE, CONFIGURATION_ADVICE, {
        "en": "The configuration is not JSON.",
        "de": "Die Konfiguration ist kein JSON.",
        "fr": "La configuration n’est pas du JSON.",
    }),
    "configuration-too-large": (lambda mocker: moodle_registration(mocker, {"text": "{" + " " * 300_000 + "}"}),
                                "InvalidPlatformConfiguration", CONFIGURATION_TITLE, CONFIGURATION_ADVICE, {
        "en": "The configuration is larger than 256 KiB.",
        "de": "Die Konfiguration ist größer als 256 KiB.",
        "fr": "La configuration dépasse 256 Kio.",
    }),
    "private-registration-endpoint": (lambda mocker: moodle_registration(mocker, registration_endpoint=PRIVATE_ENDPOINT),
                                      "InvalidPlatformConfiguration", CONFIGURATION_TITLE, CONFIGURATION_ADVICE, {
        "en": f"The configuration's registration_endpoint '{PRIVATE_ENDPOINT}' points to an address the tool may not "
              "call (private, reserved or unknown).",
        "de": f"Der Wert '{PRIVATE_ENDPOINT}' im Feld registration_endpoint der Konfiguration verweist auf eine Adresse, "
              "die das Tool nicht aufrufen darf (privat, reserviert oder unbekannt).",
        "fr": f"La valeur '{PRIVATE_ENDPOINT}' du champ registration_endpoint de la configuration pointe vers une adresse "
              "que l’outil n’a pas le droit de contacter (privée, réservée ou inconnue).",
    }),
    "http-key-set-in-configuration": (lambda mocker: moodle_registration(mocker, jwks_uri="http://moodle.test/certs.php"),
                                      "InvalidPlatformConfiguration", CONFIGURATION_TITLE, CONFIGURATION_ADVICE, {
        "en": "The configuration's jwks_uri 'http://moodle.test/certs.php' is not an HTTPS URL.",
        "de": "Der Wert 'http://moodle.test/certs.php' im Feld jwks_uri der Konfiguration ist keine HTTPS-URL.",
        "fr": "La valeur 'http://moodle.test/certs.php' du champ jwks_uri de la configuration n’est pas une URL HTTPS.",
    }),
}
ALL_LANGUAGES = ("en", "de", "fr")
# The language tag a browser sends, and the lang attribute the page answers with.
BROWSER = {"en": ("en-GB,en;q=0.8", "en-GB"), "de": ("de-DE,de;q=0.9,en;q=0.5", "de"), "fr": ("fr-FR,fr;q=0.9", "fr")}


def refusal_page(client, url: str, language: str, code: str) -> str:
    """The refusal page in ``language`` (unescaped), after checking its language, its code and that it is one."""
    accept, lang = BROWSER[language]
    page = client.get(url, headers={"Accept-Language": accept})
    text = html.unescape(page.get_data(as_text=True))
    assert 400 <= page.status_code < 600, text[:500]
    assert f'<html lang="{lang}"' in text and f"<code>{code}</code>" in text
    return text


@pytest.mark.parametrize("language", ALL_LANGUAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_a_refused_registration_says_title_advice_and_detail_in_the_browser_s_language(app, case, language):
    start, code, title, advice, detail = CASES[case]
    with requests_mock.Mocker() as mocker:
        text = refusal_page(app.test_client(), start(mocker), language, code)
    assert f"<h1>{title[language]}</h1>" in text
    assert advice[language] in text
    assert f"<dd>{detail[language]}</dd>" in text
    if language != "en":
        assert detail["en"] not in text and advice["en"] not in text


def test_a_name_that_resolves_to_a_private_address_is_refused_in_german_and_logged_in_english(
        app, monkeypatch, connections, caplog):
    """Refused when the connection is made (not by the URL alone): the page speaks German, the log English."""
    monkeypatch.setattr("socket.getaddrinfo", Resolver({"intranet.test": [["127.0.0.1"]]}))
    with caplog.at_level(logging.WARNING):
        text = refusal_page(app.test_client(), simulated_lms.moodle().register_url("t", INTRANET), "de",
                            "RegistrationAddressRefused")
    assert f"<h1>{ADDRESS_TITLE['de']}</h1>" in text
    assert (f"<dd>Die Konfigurations-URL '{INTRANET}' verweist auf eine Adresse, die das Tool nicht aufrufen darf "
            "(privat, reserviert oder unbekannt).</dd>") in text
    assert f"RegistrationAddressRefused: The configuration URL '{INTRANET}' points to an address" in caplog.text
    assert "Konfigurations-URL" not in caplog.text
    assert connections == []


def test_a_registration_endpoint_that_resolves_to_a_private_address_is_refused_in_french(app, monkeypatch, connections):
    """The configuration passes; the POST to its registration endpoint is refused by the address it resolves to."""
    endpoint = "https://register.internal.test/register"
    monkeypatch.setattr("socket.getaddrinfo", Resolver({"register.internal.test": [["10.9.8.7"]]}))
    moodle = simulated_lms.moodle()
    moodle.configuration["registration_endpoint"] = endpoint
    with requests_mock.Mocker(real_http=True) as mocker:
        mocker.get(moodle.config_url, json=moodle.configuration)
        text = refusal_page(app.test_client(), moodle.register_url(moodle.issue_token()), "fr", "InvalidPlatformConfiguration")
    assert (f"<dd>La valeur '{endpoint}' du champ registration_endpoint de la configuration pointe vers une adresse "
            "que l’outil n’a pas le droit de contacter (privée, réservée ou inconnue).</dd>") in text
    assert connections == []


def test_a_refusal_reason_keeps_its_english_words_for_the_texts_that_stay_english():
    """``outbound.refusal`` answers a reason whose value is the English words the guard's own exception uses."""
    assert outbound.refusal(PLAIN_HTTP, frozenset()) == "is not an HTTPS URL"
    assert f"{outbound.refusal(PRIVATE, frozenset())}" == "points to an address the tool may not call (private, reserved or unknown)"
    assert outbound.refusal("https://[::1/x", frozenset()) is outbound.Refusal.NOT_A_URL
    assert outbound.refusal("https://moodle.example.edu/x", frozenset()) is None


# -- the same rule at launch: a key set URL, and a claim of the wrong type -------------------------------------------
@pytest.mark.parametrize(("url", "german"), [
    ("http://lms.test/jwks", "Die Schlüsselsatz-URL http://lms.test/jwks der Plattform ist keine HTTPS-URL."),
    ("https://192.168.4.4/jwks", "Die Schlüsselsatz-URL https://192.168.4.4/jwks der Plattform verweist auf eine "
                                 "Adresse, die das Tool nicht aufrufen darf (privat, reserviert oder unbekannt)."),
], ids=["plain-http", "private-address"])
def test_a_key_set_url_the_tool_may_not_call_is_refused_in_the_learner_s_language(app, url, german):
    with pytest.raises(outbound.PlatformAddressRefused) as refused:
        platform_keys.key_set(url, make_session(0.5, 0.5, frozenset()))
    with force_locale("de"):
        assert (str(refused.value.title), str(refused.value.detail)) == ("ReMentor darf diese LMS-Adresse nicht aufrufen", german)
        assert str(refused.value.advice).startswith("Die Registrierung des LMS nennt eine URL")
    with force_locale("en"):
        assert str(refused.value.title) == "ReMentor may not call this LMS address"
        assert str(refused.value.detail).startswith(f"The platform's key set URL {url} ")


@pytest.mark.parametrize(("body", "english", "german"), [
    ({"https://purl.imsglobal.org/spec/lti/claim/context": ["course"]},
     "The launch's context must be an object. It is a list.",
     "Der Claim context des Starts muss ein Objekt sein. Gesendet wurde eine Liste."),
    ({"https://purl.imsglobal.org/spec/lti/claim/target_link_uri": "x" * 2001},
     "The launch's target_link_uri must be an http(s) URL. It is a string of 2001 characters (at most 2000).",
     "Der Claim target_link_uri des Starts muss eine http(s)-URL sein. Gesendet wurde eine Zeichenkette mit 2001 "
     "Zeichen (höchstens 2000)."),
    ({"nonce": 7}, "The launch's nonce must be a string. It is a number.",
     "Der Claim nonce des Starts muss eine Zeichenkette sein. Gesendet wurde eine Zahl."),
], ids=["list-for-object", "too-long-url", "number-for-string"])
def test_a_claim_of_the_wrong_type_is_refused_in_two_whole_sentences(app, body, english, german):
    with pytest.raises(errors.InvalidClaim) as refused:
        claim_types.checked(body, claim_types.MESSAGE_CLAIMS)
    with force_locale("en"):
        assert str(refused.value.detail) == english
    with force_locale("de"):
        assert str(refused.value.detail) == german
