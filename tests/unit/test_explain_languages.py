"""Explanations and the reasons why someone is unpaired are kept language-neutral and read in each reader's language."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace

import flask_babel

from lti_app.mentoring.domain.matching import words
from lti_app.mentoring.domain.matching.engine import explain_pair, propose_pairs
from lti_app.mentoring.domain.matching.explain import skill_label
from lti_app.mentoring.domain.skills import SkillCategory
from lti_app.mentoring.services.matching import cache as matching_cache
from lti_app.mentoring.services.matching.pairing import as_json, shown_explanation
from tests.unit.test_explain import ALEX, NAMES, SAM

@contextmanager
def reading(app, language: str):
    """A request from a browser that reads ``language`` (the app's context outlives requests: choose afresh)."""
    with app.test_request_context(headers={"Accept-Language": language}):
        flask_babel.refresh()
        yield
    flask_babel.refresh()


SKILLS_EN = ("Sam offers social media strategy, which you want to learn; in return you offer budgeting, which Sam "
             "wants to learn.")
SKILLS_ES = ("Sam ofrece social media strategy, algo que usted quiere aprender; a cambio, usted ofrece budgeting, algo "
             "que Sam quiere aprender.")


def test_a_pair_is_explained_in_spanish_and_its_stored_explanation_is_read_again_in_english(app):
    with reading(app, "es"):
        _, explanation = explain_pair(SAM, ALEX, viewer="mentee", names=NAMES)
        said = {c.criterion: c.sentence for c in explanation}
        assert said["skills"] == SKILLS_ES
        assert said["channels"] == "Comparten la preferencia por videollamadas."
        assert "(generación Z y baby boomers)" in said["generation"]  # generations by name, not by code
        stored = as_json(explanation)
    with reading(app, "en"):
        assert shown_explanation(stored)[0]["sentence"] == SKILLS_EN
        assert words.stored_text(stored[0]["phrase"]) == SKILLS_EN
    with reading(app, "es"):
        assert shown_explanation(stored)[0]["sentence"] == SKILLS_ES
        # without names the partner is a phrase too, and a list of more than three says how many more in words
        many = {f"skill_{k}": 5 for k in "abcde"}
        _, unnamed = explain_pair(replace(SAM, skills_offered=many), replace(ALEX, skills_wanted=dict.fromkeys(many, 1)),
                                  viewer="mentee")
        assert unnamed[0].sentence.startswith("Su pareja de mentoría ofrece skill a, skill b, skill c y 2 más, ")


def test_the_same_cached_reasons_read_in_english_then_spanish(app):
    mentor = replace(SAM, manager_key="person:101")  # the mentee is the mentor's manager: the reporting-line rule
    with reading(app, "de"):  # made in one language...
        proposal = propose_pairs([mentor], [ALEX])
        key = "matching:reasons:test-languages"
        matching_cache.keep_reasons(key, (proposal.unmatched, 1, 1))
    with reading(app, "en"):  # ...read by an English-speaking instructor
        kept, _, _ = matching_cache.kept_reasons(key)
        assert [u.message for u in kept] == [
            "No mentee passes the programme's rules; the most common obstacle: same reporting line (1 of 1 mentee).",
            "No mentor passes the programme's rules; the most common obstacle: same reporting line (1 of 1 mentor).",
        ]
    with reading(app, "es"):  # ...and by a Spanish-speaking one
        kept, _, _ = matching_cache.kept_reasons(key)
        assert kept[0].message == ("Ningún mentorizado cumple las normas del programa; el obstáculo más frecuente: la "
                                   "misma línea jerárquica (1 de 1 mentorizado).")
        assert kept[1].message.startswith("Ningún mentor cumple las normas del programa")


def test_a_cached_explanation_names_a_default_skill_in_each_reader_s_language_and_an_own_skill_as_typed(
        app):
    labels = {"social_media_strategy": skill_label("social_media_strategy", SkillCategory.SOCIAL_MEDIA,
                                                   "Social media strategy"),
              "budgeting": skill_label("budgeting", SkillCategory.CUSTOM, "Budgeting")}
    with reading(app, "en"):  # made by an English-speaking instructor's run...
        _, explanation = explain_pair(SAM, ALEX, viewer="mentee", names=NAMES, labels=labels)
        stored = as_json(explanation)
        assert stored[0]["sentence"] == ("Sam offers Social media strategy, which you want to learn; in return you offer "
                                         "Budgeting, which Sam wants to learn.")
    with reading(app, "de"):  # ...read by a German-speaking one: no English label left in the German sentence
        assert shown_explanation(stored)[0]["sentence"] == (
            "Sam bietet Social-Media-Strategie an, was Sie lernen möchten; im Gegenzug bieten Sie Budgeting an, was "
            "Sam lernen möchte.")
    with reading(app, "es"):
        assert "Estrategia en redes sociales" in shown_explanation(stored)[0]["sentence"]


def test_a_reworded_default_skill_is_kept_as_typed_in_an_explanation(app):
    labels = {"social_media_strategy": skill_label("social_media_strategy", SkillCategory.SOCIAL_MEDIA,
                                                   "Our channels strategy")}
    with reading(app, "de"):
        _, explanation = explain_pair(SAM, ALEX, viewer="mentee", names=NAMES, labels=labels)
        assert explanation[0].sentence.startswith("Sam bietet Our channels strategy an, was Sie lernen möchten")
