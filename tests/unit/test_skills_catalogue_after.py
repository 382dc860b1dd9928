"""The set arithmetic of editing a cohort's skill catalogue (``skills.catalogue_after``)."""
from __future__ import annotations

from lti_app.mentoring.domain.skills import DEFAULT_CATALOGUE, MAX_LABEL_LENGTH, Skill, SkillCategory, catalogue_after

FIRST, SECOND = DEFAULT_CATALOGUE[0], DEFAULT_CATALOGUE[1]


def custom(code: str, label: str) -> Skill:
    return Skill(code, label, SkillCategory.CUSTOM)


def test_defaults_come_in_the_catalogues_order_then_the_custom_labels_in_theirs():
    found = catalogue_after((), [SECOND.code, FIRST.code], ["Podcasting", "Knitting"])
    assert [s.code for s in found[:2]] == [FIRST.code, SECOND.code]
    assert [s.label for s in found[2:]] == ["Podcasting", "Knitting"]


def test_a_custom_skill_that_stays_keeps_its_code_and_label_whatever_its_case_now():
    kept = custom("podcasting", "Podcasting")
    found = catalogue_after([kept], [], ["  PODCASTING ", "podcasting"])
    assert found == (kept,)


def test_a_new_label_never_takes_a_code_a_skill_of_the_catalogue_has():
    found = catalogue_after([custom("podcasting", "Podcasting old")], [], ["Podcasting"])
    assert found[0].code != "podcasting" and found[0].label == "Podcasting"


def test_blank_and_overlong_labels():
    found = catalogue_after((), [], ["", "   ", "x" * (MAX_LABEL_LENGTH + 50)])
    assert len(found) == 1 and len(found[0].label) == MAX_LABEL_LENGTH


def test_a_default_row_that_stays_is_the_same_skill_and_an_unticked_one_goes():
    row = Skill(FIRST.code, "Label as stored", FIRST.category)
    found = catalogue_after([row, SECOND], [FIRST.code], [])
    assert found == (row,)
