"""The profile vocabulary: ordered career stages, optional generation, language codes and interest tags."""
from __future__ import annotations

from lti_app.mentoring.domain.cohort_settings import PrivacySetting, default_matching_settings, text_digest
from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.domain.profile_fields import (
    CareerStage, Generation, RoleWanted, is_email, normalise_email, parse_language_codes, parse_tags,
)


def test_career_stages_are_ordinals_from_student_to_executive():
    assert [int(s) for s in CareerStage] == [0, 1, 2, 3, 4]
    assert CareerStage.STUDENT < CareerStage.SENIOR < CareerStage.EXECUTIVE


def test_generations_have_labels_with_birth_years():
    assert Generation.GEN_Z.label == "Generation Z (born 1997 or later)"
    assert len(Generation) == 5


def test_who_may_mentor_and_who_may_be_mentored():
    assert [r.can_mentor for r in RoleWanted] == [True, False, True]
    assert [r.can_be_mentored for r in RoleWanted] == [False, True, True]


def test_language_codes_are_split_checked_and_deduplicated():
    assert parse_language_codes("GA, fr;fr  xx klingon") == (("ga", "fr"), ("xx", "klingon"))
    assert parse_language_codes("") == ((), ())


def test_interest_tags_keep_their_spelling_drop_repeats_ignoring_case_and_are_capped():
    assert parse_tags("Podcasts, hiking\n  Board   GAMES,podcasts,,") == ("Podcasts", "hiking", "Board GAMES")
    assert len(parse_tags(",".join(f"tag{i}" for i in range(50)))) == 20


def test_e_mail_addresses_are_normalised_and_checked():
    assert normalise_email("  Boss@Example.ORG ") == "boss@example.org"
    assert normalise_email("   ") is None
    assert is_email("boss@example.org") and not is_email("boss@localhost") and not is_email("a b@c.d")


def test_every_privacy_setting_explains_itself_in_plain_words():
    for setting in PrivacySetting:
        assert setting.label and "instructors" in setting.explanation.lower()


def test_matching_defaults_are_the_engines_own_and_a_fresh_copy_each_time():
    first = default_matching_settings()
    first["rules"]["capacity"] = False
    assert default_matching_settings()["rules"]["capacity"] is True
    assert set(first["criteria"]) == {"skills", "goals", "interests", "channels", "department", "generation"}
    assert "mentors_per_mentee" not in first  # the cohort's own column
    assert MatchSettings.from_dict(default_matching_settings()) == MatchSettings()


def test_the_digest_of_a_text_ignores_line_endings_and_trailing_spaces():
    assert text_digest("a \r\nb\n") == text_digest("a\nb")
    assert text_digest("a") != text_digest("b")
