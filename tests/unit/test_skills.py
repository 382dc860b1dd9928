"""The default skill catalogue has stable, unique codes; instructors' own skills get codes that never collide."""
from __future__ import annotations

from lti_app.mentoring.domain.skills import (
    DEFAULT_CATALOGUE, DEFAULT_CODES, SkillCategory, custom_skills, default_skill, is_default_label, shown_label, slugify,
)
from tests.unit.test_explain_languages import reading


def test_the_default_catalogue_has_unique_codes_in_every_group_but_custom():
    codes = [s.code for s in DEFAULT_CATALOGUE]
    assert len(codes) == len(set(codes))
    assert {s.category for s in DEFAULT_CATALOGUE} == set(SkillCategory) - {SkillCategory.CUSTOM}
    assert all(slugify(code) == code for code in codes)


def test_the_codes_the_matching_engine_relies_on_are_there():
    for code in ("social_media_strategy", "ai_tools", "data_literacy", "collaboration_tools", "inclusive_language",
                 "accessibility", "generational_perspectives", "strategic_thinking", "stakeholder_management",
                 "career_navigation"):
        assert code in DEFAULT_CODES
    assert default_skill("ai_tools").category is SkillCategory.DIGITAL
    assert default_skill("nope") is None


def test_a_custom_skill_gets_a_code_from_its_label():
    (skill,) = custom_skills(["  Podcasting for  Beginners "])
    assert (skill.code, skill.label, skill.category) == ("podcasting_for_beginners", "Podcasting for Beginners", SkillCategory.CUSTOM)


def test_custom_codes_avoid_taken_codes_and_each_other():
    made = custom_skills(["AI tools", "AI-tools!", "ai tools"], taken=DEFAULT_CODES)
    assert [s.code for s in made] == ["ai_tools_2", "ai_tools_3"]


def test_blank_and_symbol_only_labels_are_handled():
    made = custom_skills(["", "   ", "✨", "Éire & Gaeilge"])
    assert [(s.code, s.label) for s in made] == [("skill", "✨"), ("eire_gaeilge", "Éire & Gaeilge")]


def test_a_long_label_keeps_a_code_within_the_column():
    (skill,) = custom_skills(["x" * 300])
    assert len(skill.code) <= 60 and len(skill.label) <= 120


def test_only_a_default_skill_as_the_catalogue_words_it_counts_as_default():
    assert is_default_label("ai_tools", SkillCategory.DIGITAL, "Generative AI and AI tools")
    assert not is_default_label("ai_tools", SkillCategory.DIGITAL, "AI for our faculty")  # reworded
    assert not is_default_label("accessibility", SkillCategory.CUSTOM, "Accessibility")  # added by the instructor
    assert not is_default_label("accessibility_2", SkillCategory.CUSTOM, "Accessibility")
    assert not is_default_label("podcasting", SkillCategory.DIGITAL, "Podcasting")


def test_a_default_label_reads_in_the_reader_s_language_and_the_instructor_s_words_as_typed(app):
    (custom,) = custom_skills(["Accessibility"], taken=DEFAULT_CODES)
    with reading(app, "de"):
        assert default_skill("ai_tools").label_shown == "Generative KI und KI-Werkzeuge"
        assert shown_label("accessibility", SkillCategory.INCLUSION, "Accessibility") == "Barrierefreiheit"
        assert custom.label_shown == "Accessibility"
        assert shown_label("ai_tools", SkillCategory.DIGITAL, "AI for our faculty") == "AI for our faculty"
    with reading(app, "en"):
        assert default_skill("ai_tools").label_shown == "Generative AI and AI tools"
