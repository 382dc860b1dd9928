"""Profiles as numpy arrays over shared, sorted vocabularies: sets as 0/1 rows, categories as codes.

Vocabularies are sorted, so the order profiles arrive in never changes a number.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import numpy as np

from lti_app.mentoring.domain.matching.bits import bits
from lti_app.mentoring.domain.matching.types import Profile

MAX_LEVEL = 5
GAP_STEPS = tuple(range(1, MAX_LEVEL))  # level thresholds t: max(0, o - b) = #{t : b <= t < o}
STOPWORDS = frozenset(
    "about after also and are but can for from get have how into just learn learning like make more "
    "need new not our out over some that the their them then they this use using want what when which "
    "who will with within would you your better improve understand "
    "each other build building help helping work working skill skills able well good much many really thing things "
    "way ways lot try start keep one two three both everyone someone something very more most own same "
    "am an as at be by do go if in is it me my no of on or so to up us we".split()
)
WORD = re.compile(r"[^\W_]+")  # letters and digits
ASCII_WORDS = bytes(c if chr(c).isalnum() else 32 for c in range(128)) + b" " * 128  # other bytes: spaces


@lru_cache(maxsize=1 << 16)
def _keyword(word: str) -> str:
    """The keyword a lower-case word counts as: no plural 's'; '' for a stop word or a single letter."""
    if len(word) < 2 or word in STOPWORDS:
        return ""
    return word[:-1] if len(word) > 3 and word[-1] == "s" and word[-2] != "s" else word


def _keywords_in(text: str) -> dict[str, None]:
    """The keywords of a goal as the keys of a dict, in order of appearance."""
    text = text.casefold()
    words = text.encode().translate(ASCII_WORDS).decode().split() if text.isascii() else WORD.findall(text)
    found = dict.fromkeys(map(_keyword, words))
    found.pop("", None)
    return found


@lru_cache(maxsize=1 << 12)
def keyword_spellings(text: str) -> dict[str, str]:
    """Each keyword of a goal as its writer first spelled it ("HR", "Python"), for sentences people read."""
    found: dict[str, str] = {}
    for word in WORD.findall(text):
        keyword = _keyword(word.casefold())
        if keyword:
            found.setdefault(keyword, word)
    return found


def goal_keyword_list(text: str) -> tuple[str, ...]:
    """Keywords of a free-text goal in order of appearance: lower case, no stop words, no plural 's'."""
    return tuple(_keywords_in(text))


class Keywords(Sequence[tuple[str, ...]]):
    """The goal keywords of each person of one side (as `goal_keyword_list` has them), in one flat list."""

    def __init__(self, goals: Iterable[str]) -> None:
        self.words: list[str] = []
        self.offsets = [0]  # person k's keywords are words[offsets[k]:offsets[k + 1]]
        for text in goals:
            self.words.extend(_keywords_in(text))
            self.offsets.append(len(self.words))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, k: int) -> tuple[str, ...]:  # type: ignore[override]
        if k < 0:
            k += len(self.offsets) - 1
        if k < 0:
            raise IndexError(k)
        return tuple(self.words[self.offsets[k]:self.offsets[k + 1]])

    def rows(self) -> np.ndarray:
        """The person of every keyword in `words`."""
        return np.repeat(np.arange(len(self)), np.diff(self.offsets))


def goal_keywords(text: str) -> frozenset[str]:
    """The keywords of a goal as a set."""
    return frozenset(goal_keyword_list(text))


def seniority_key(person: Profile) -> float:
    """One number ordering people by (career_stage, seniority_years); years are clipped to 0..9,999."""
    years = float(person.seniority_years)
    years = min(max(years, 0.0), 9_999.0) if years == years else 9_999.0  # NaN counts as most senior
    return person.career_stage * 10_000.0 + years


def vocabulary(*groups: Iterable[Iterable[str]]) -> dict[str, int]:
    """Sorted vocabulary over several groups of sets (sorted so that input order never matters)."""
    words = sorted(set().union(*chain.from_iterable(groups)))
    return {w: i for i, w in enumerate(words)}


def categories(*groups: Iterable[str | None]) -> dict[str, int]:
    """Sorted vocabulary of categorical values (None and empty left out)."""
    return vocabulary([set().union(*groups) - {None, ""}])


def _flat(groups: Sequence[Iterable]) -> tuple[np.ndarray, list]:
    """Row number of every item, and the items, of a sequence of collections."""
    sizes = np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))
    return np.repeat(np.arange(len(groups)), sizes), list(chain.from_iterable(groups))


def multi_hot(sets: Sequence[Iterable], index: dict) -> np.ndarray:
    """(people, vocabulary) 0/1 float32 matrix; items missing from the index are ignored."""
    return _multi_hot(len(sets), *_flat(sets), index)


def _multi_hot(n: int, rows: np.ndarray, items: list, index: dict) -> np.ndarray:
    """`multi_hot` of n people from the row of every item and the items."""
    cols = np.fromiter(map(index.get, items, [-1] * len(items)), dtype=np.int64, count=len(items))
    matrix = np.zeros((n, len(index)), dtype=np.float32)
    keep = cols >= 0
    matrix[rows[keep], cols[keep]] = 1.0
    return matrix


def codes(values: Sequence[str | None], index: dict[str, int]) -> np.ndarray:
    """Integer codes of categorical values; -1 for unknown (None or empty)."""
    return np.array([index[v] if v else -1 for v in values], dtype=np.int32)


@dataclass(frozen=True)
class SkillArrays:
    """Skill levels of one side over a shared skill vocabulary."""

    can_teach: np.ndarray  # (people, steps * skills): offered level > t, one block per step t
    wants_step: np.ndarray  # (people, steps * skills): wanted with baseline <= t
    wanted_count: np.ndarray  # (people,) number of skills wanted
    skill_set: np.ndarray  # (people, skills) offered or wanted
    offered: np.ndarray  # (people, skills) int8 level offered, 0..5
    baseline: np.ndarray  # (people, skills) int8 level of a wanted skill, 1..5; 6 when not wanted
    names: tuple[str, ...]  # the skill codes, sorted


def taught(teacher: SkillArrays, learner: SkillArrays, teachers: np.ndarray,
           learners: np.ndarray) -> Iterator[tuple[str, ...]]:
    """For each (teacher row, learner row): the skills the learner wants that the teacher offers above the
    learner's baseline, biggest gap first, then by code (each tuple made as it is asked for)."""
    gap = teacher.offered[teachers].astype(np.int64) - learner.baseline[learners]
    n_skills, never = gap.shape[1], np.iinfo(np.int64).max
    rank = np.where(gap > 0, (MAX_LEVEL - gap) * n_skills + np.arange(n_skills), never)
    order = np.argsort(rank, axis=1, kind="stable")
    chosen = order[np.take_along_axis(rank, order, axis=1) < never]  # row after row, in order
    codes = np.array(teacher.names, dtype=object)[chosen].tolist()
    ends = np.cumsum((gap > 0).sum(axis=1)).tolist()
    return (tuple(codes[start:end]) for start, end in zip([0, *ends], ends))


@dataclass(frozen=True)
class SkillItems:
    """Every skill level of one side, flattened once (keys and values apart: no tuple per item)."""

    offered: tuple[np.ndarray, list[str], list[int]]  # (row of each item, skill codes, levels)
    wanted: tuple[np.ndarray, list[str], list[int]]

    @classmethod
    def of(cls, people: Sequence[Profile]) -> SkillItems:
        """Flatten the skill mappings of a side."""
        def flat(mappings: list[Mapping[str, int]]) -> tuple[np.ndarray, list[str], list[int]]:
            rows, codes = _flat(mappings)
            return rows, codes, list(chain.from_iterable(m.values() for m in mappings))
        return cls(flat([p.skills_offered for p in people]), flat([p.skills_wanted for p in people]))

    @property
    def codes(self) -> set[str]:
        """Every skill code offered or wanted."""
        return set(self.offered[1]) | set(self.wanted[1])


def _levels(n: int, flat: tuple[np.ndarray, list[str], list[int]], index: dict[str, int], low: int,
            empty: int) -> np.ndarray:
    """(people, skills) levels clipped to low..5; `empty` where absent."""
    rows, codes, values = flat
    levels = np.full((n, len(index)), empty, dtype=np.int8)
    if codes:
        cols = np.fromiter(map(index.__getitem__, codes), dtype=np.int64, count=len(codes))
        levels[rows, cols] = np.clip(np.array(values, dtype=np.int64), low, MAX_LEVEL)
    return levels


def skill_arrays(n: int, items: SkillItems, index: dict[str, int]) -> SkillArrays:
    """Step-encoded levels so that sum over skills of max(0, offered - baseline) is one matrix product."""
    offered = _levels(n, items.offered, index, 0, 0)
    baseline = _levels(n, items.wanted, index, 1, MAX_LEVEL + 1)  # above every step: wants nothing
    can_teach = np.hstack([offered > t for t in GAP_STEPS]).astype(np.float32)
    wants_step = np.hstack([baseline <= t for t in GAP_STEPS]).astype(np.float32)
    wanted = baseline <= MAX_LEVEL
    skill_set = ((offered > 0) | wanted).astype(np.float32)
    return SkillArrays(can_teach, wants_step, wanted.sum(axis=1).astype(np.float64), skill_set, offered, baseline,
                       tuple(index))


def hour_bits(hours_of_people: Sequence[Iterable[int]]) -> np.ndarray:
    """Availability as three uint64 words per person (bit h = UTC hour-of-week h; others ignored)."""
    rows, items = _flat(hours_of_people)
    hours = np.fromiter(items, dtype=np.int64, count=len(items))
    keep = (hours >= 0) & (hours < 168)
    flags = np.zeros((len(hours_of_people), 192), dtype=bool)
    flags[rows[keep], hours[keep]] = True
    return bits(flags)


@dataclass(frozen=True)
class SideArrays:
    """One side of the cohort (mentors or mentees) as arrays, rows in the order given."""

    ids: np.ndarray
    seniority: np.ndarray  # career_stage * 10,000 + years: lower means strictly less senior, in that order
    capacity: np.ndarray
    languages: np.ndarray  # uint64 bitsets
    availability: np.ndarray  # uint64 bitsets over the 168 UTC hours of the week
    channels: np.ndarray
    interests: np.ndarray
    goals: np.ndarray  # over the keywords both sides use: no other keyword can be shared
    goal_count: np.ndarray  # every keyword of the person, for the normalisation
    goal_words: Keywords  # each person's keywords in order (for the explanations)
    department: np.ndarray
    generation: np.ndarray
    skills: SkillArrays


def side_arrays(people: Sequence[Profile], vocab: dict[str, dict[str, int]], keywords: Keywords,
                skills: SkillItems) -> SideArrays:
    """One side as arrays over the given vocabularies (goals: only the keywords both sides use)."""
    return SideArrays(
        ids=np.array([p.id for p in people], dtype=np.int64),
        seniority=np.array([seniority_key(p) for p in people], dtype=np.float64),
        capacity=np.array([p.capacity for p in people], dtype=np.int64),
        languages=bits(multi_hot([p.languages for p in people], vocab["languages"])),
        availability=hour_bits([p.availability for p in people]),
        channels=multi_hot([p.channels for p in people], vocab["channels"]),
        interests=multi_hot([p.interests for p in people], vocab["interests"]),
        goals=_multi_hot(len(people), keywords.rows(), keywords.words, vocab["goals"]),
        goal_count=np.diff(keywords.offsets).astype(np.float64),
        goal_words=keywords,
        department=codes([p.department for p in people], vocab["department"]),
        generation=codes([p.generation for p in people], vocab["generation"]),
        skills=skill_arrays(len(people), skills, vocab["skills"]),
    )


def encode(mentors: Sequence[Profile], mentees: Sequence[Profile]) -> tuple[SideArrays, SideArrays]:
    """Both sides over shared vocabularies (built from both sides, sorted)."""
    both = (mentors, mentees)
    goals = [Keywords([p.goals for p in side]) for side in both]
    skill_items = (SkillItems.of(mentors), SkillItems.of(mentees))
    vocab = {
        "languages": vocabulary(*([p.languages for p in side] for side in both)),
        "channels": vocabulary(*([p.channels for p in side] for side in both)),
        "interests": vocabulary(*([p.interests for p in side] for side in both)),
        "department": categories(*([p.department for p in side] for side in both)),
        "generation": categories(*([p.generation for p in side] for side in both)),
        "skills": vocabulary([skill_items[0].codes | skill_items[1].codes]),
        "goals": vocabulary([set(goals[0].words) & set(goals[1].words)]),
    }
    return side_arrays(mentors, vocab, goals[0], skill_items[0]), side_arrays(mentees, vocab, goals[1], skill_items[1])
