"""The page shell, a refused launch and the error pages speak the browser's language when no person is known."""
from __future__ import annotations

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}


def test_a_refused_launch_is_explained_in_the_browser_s_language(app):
    page = app.test_client().post("/lti/launch", headers=FRENCH)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html
    assert "<h1>Votre navigateur n’a pas conservé la session de lancement</h1>" in html
    assert "<dt>Ce qui s’est passé</dt>" in html and "<dt>Code d’erreur</dt>" in html
    assert "<code>StateMismatch</code>" in html  # the code stays the same in every language
    assert ">Aller au contenu<" in html
    assert "Communiquez le code d’erreur à l’administrateur de votre LMS" in html


def test_the_404_page_is_in_the_browser_s_language(app):
    page = app.test_client().get("/no/such/page", headers=FRENCH)
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "<title>Erreur 404 · ReMentor</title>" in html and "<h1>Introuvable</h1>" in html
    assert "Cette page n’existe pas, ou elle ne vous est pas destinée." in html


def test_without_a_language_the_pages_stay_english(app):
    english = app.test_client().get("/no/such/page").get_data(as_text=True)
    assert "<h1>Not found</h1>" in english and "This page does not exist, or it is not yours to see." in english


def test_a_refusal_s_details_are_in_french_on_the_page_and_in_english_in_the_log(app, caplog):
    login = {"iss": "https://unknown-lms.example/<b>", "client_id": "c-1", "login_hint": "u", "lti1p3_new_window": "1"}
    page = app.test_client().get("/lti/login", query_string=login, headers=FRENCH)
    assert page.status_code == 403
    html = page.get_data(as_text=True)
    assert "Ce LMS n’est pas enregistré auprès de ReMentor" in html
    assert "<b>" not in html  # what the request said is escaped, also inside a translated sentence
    assert "L’émetteur &#39;https://unknown-lms.example/&lt;b&gt;&#39; avec l’ID client &#39;c-1&#39; n’est pas enregistré." in html
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("launch rejected")]
    assert logged == ["launch rejected: UnknownPlatform: Issuer 'https://unknown-lms.example/<b>' with client ID 'c-1' "
                      "is not registered."]
