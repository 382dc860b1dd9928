"""The engine's fast encodings give exactly what the plain definitions give."""
from __future__ import annotations

import re
from types import MappingProxyType

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lti_app.mentoring.domain.matching.explain import taught as taught_by_profiles
from lti_app.mentoring.domain.matching.arrays import STOPWORDS, Keywords, goal_keyword_list
from lti_app.mentoring.domain.matching.bits import Members, bits, common_bits, holders, unpack_rows
from lti_app.mentoring.domain.matching.cohort import Cohort
from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.domain.matching.types import Profile

SKILLS = ("ai", "budgeting", "video", "tiktok", "python")


def keywords_by_regex(text: str) -> tuple[str, ...]:
    """The definition: words of letters and digits, lower case, no stop words, no plural 's', once each."""
    words = [w for w in re.findall(r"[^\W_]+", text.casefold()) if len(w) > 1 and w not in STOPWORDS]
    return tuple(dict.fromkeys(w[:-1] if len(w) > 3 and w[-1] == "s" and w[-2] != "s" else w for w in words))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)) | st.text(alphabet=st.characters(max_codepoint=400)))
def test_goal_keywords_read_plain_ascii_and_any_other_text_by_the_same_definition(text):
    assert goal_keyword_list(text) == keywords_by_regex(text)


def test_keywords_of_a_side_keep_each_persons_words_in_order():
    goals = ["Learning TikTok, tiktok and podcasts!", "", "data_viz: dashboards & Ströme"]
    keywords = Keywords(goals)
    assert list(keywords) == [goal_keyword_list(g) for g in goals]
    assert keywords[-1] == ("data", "viz", "dashboard", "ströme") and len(keywords) == 3


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_sharing_any_member_as_bit_words_agrees_with_the_pairwise_test(seed):
    rng = np.random.default_rng(seed)
    n_a, n_b, members = (int(x) for x in rng.integers(0, 150, size=3))
    a, b = bits(rng.random((n_a, members)) < 0.05), bits(rng.random((n_b, members)) < 0.05)
    start = int(rng.integers(0, n_a + 1))
    block = slice(start, int(rng.integers(start, n_a + 1)))
    shared = unpack_rows(Members.of(a).shared_any(block, holders(b)), n_b)
    assert (shared == common_bits(a[block], b, 1)).all()


def person(pid: int, offered: dict[str, int], wanted: dict[str, int]) -> Profile:
    return Profile(id=pid, key=f"p{pid}", manager_key=None, seniority_years=1.0, career_stage=1, department=None,
                   generation=None, languages=frozenset({"en"}), availability=frozenset({1}), channels=frozenset(),
                   interests=frozenset(), goals="", skills_offered=MappingProxyType(offered),
                   skills_wanted=MappingProxyType(wanted))


levels = st.dictionaries(st.sampled_from(SKILLS), st.integers(0, 7), max_size=4)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(levels, levels), min_size=1, max_size=4), st.lists(st.tuples(levels, levels), min_size=1,
                                                                             max_size=4))
def test_skills_taught_from_the_level_arrays_are_those_the_profiles_give(mentor_skills, mentee_skills):
    mentors = [person(1 + k, *skills) for k, skills in enumerate(mentor_skills)]
    mentees = [person(101 + k, *skills) for k, skills in enumerate(mentee_skills)]
    cohort = Cohort.prepare(mentors, mentees, MatchSettings())
    rows, cols = np.divmod(np.arange(len(mentors) * len(mentees)), len(mentees))
    for (i, j), (to_mentee, to_mentor) in zip(zip(rows.tolist(), cols.tolist()), cohort.taught(rows, cols)):
        assert list(to_mentee) == taught_by_profiles(cohort.mentors[i], cohort.mentees[j])
        assert list(to_mentor) == taught_by_profiles(cohort.mentees[j], cohort.mentors[i])
