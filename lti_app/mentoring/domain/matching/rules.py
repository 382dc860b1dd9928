"""Hard rules: which mentor-mentee pairs may be made at all.

A pair is eligible when it breaks none of the rules that are on. Two rules are always on: a person is
never paired with themselves (same person key on both sides) and a forbidden pair is never made.
"Less senior" compares (career_stage, seniority_years) lexicographically, strictly lower for the mentor.
The reporting line is the chain of managers followed through every profile given (both sides): the
mentor must not be above or below the mentee in it. Managers who are not enrolled end the chain there.

Rules between two people's attributes (seniority, language, availability, capacity) are dense and
evaluated on blocks of mentor rows; rules naming particular pairs (same person, forbidden, reporting
line, past partners) are sparse lists of cells.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from lti_app.mentoring.domain.matching.arrays import SideArrays
from lti_app.mentoring.domain.matching.bits import Members, common_bits, holders, unpack_rows
from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.domain.matching.types import Profile

# in this order: the first of equally common rules is the one named as the main obstacle
RULES = ("self", "forbidden", "capacity", "reverse_seniority", "reporting_line", "past_partners",
         "shared_language", "availability_overlap")
SPARSE = ("self", "forbidden", "reporting_line", "past_partners")
MAX_CHAIN = 64  # reporting chains longer than this are cut (and cycles stop at the first repeat)
Cells = tuple[np.ndarray, np.ndarray]
Index = slice | np.ndarray


def manager_chain(key: str, manager_of: Mapping[str, str]) -> list[str]:
    """Keys of the person's manager, the manager's manager, and so on."""
    chain: list[str] = []
    seen = {key}
    while (key := manager_of.get(key)) and key not in seen and len(chain) < MAX_CHAIN:
        chain.append(key)
        seen.add(key)
    return chain


def _positions(keys: Sequence[str | None]) -> dict[str, Sequence[int]]:
    """Row numbers of the people holding each person key: a range of one row, or a list when several hold
    it (a range is small and never tracked by the garbage collector; keys are mostly unique)."""
    rows: dict[str, Sequence[int]] = {}
    for row, key in enumerate(keys):
        if key:
            if (held := rows.get(key)) is None:
                rows[key] = range(row, row + 1)
            else:
                rows[key] = [*held, row]
    return rows


def _cells(pairs: Iterable[tuple[int, int]]) -> Cells:
    """(rows, cols) arrays from (row, col) pairs, without repeats, sorted."""
    unique = sorted(set(pairs))
    return (np.array([i for i, _ in unique], dtype=np.int64), np.array([j for _, j in unique], dtype=np.int64))


def _keys(people: Sequence[Profile]) -> list[str | None]:
    """Person keys compare case-insensitively, surrounding spaces ignored (None when empty)."""
    return [p.key.strip().casefold() if p.key else None for p in people]


@dataclass(frozen=True)
class KeyIndex:
    """Person keys of both sides (as `_keys` has them) and where each key sits on each side."""

    mentor_keys: list[str | None]
    mentee_keys: list[str | None]
    mentor_rows: Mapping[str, Sequence[int]]
    mentee_cols: Mapping[str, Sequence[int]]

    @classmethod
    def of(cls, mentors: Sequence[Profile], mentees: Sequence[Profile]) -> KeyIndex:
        """Normalise and index the keys once."""
        mentor_keys, mentee_keys = _keys(mentors), _keys(mentees)
        return cls(mentor_keys, mentee_keys, _positions(mentor_keys), _positions(mentee_keys))


def reporting_line(mentors: Sequence[Profile], mentees: Sequence[Profile], index: KeyIndex | None = None) -> Cells:
    """Pairs where one of the two manages the other, directly or further up the chain."""
    index = index or KeyIndex.of(mentors, mentees)
    mentor_keys, mentee_keys = index.mentor_keys, index.mentee_keys
    manager_of: dict[str, str] = {}
    for key, person in zip([*mentor_keys, *mentee_keys], [*mentors, *mentees]):
        if key and person.manager_key and key not in manager_of:
            manager_of[key] = person.manager_key.strip().casefold()
    mentor_rows, mentee_cols = index.mentor_rows, index.mentee_cols
    found = [(i, j) for j, key in enumerate(mentee_keys) if key in manager_of
             for a in manager_chain(key, manager_of) for i in mentor_rows.get(a, ())]
    found += [(i, j) for i, key in enumerate(mentor_keys) if key in manager_of
              for a in manager_chain(key, manager_of) for j in mentee_cols.get(a, ())]
    return _cells(found)


def same_person(mentors: Sequence[Profile], mentees: Sequence[Profile], index: KeyIndex | None = None) -> Cells:
    """Pairs where both profiles belong to the same person."""
    index = index or KeyIndex.of(mentors, mentees)
    return _cells((i, j) for i, key in enumerate(index.mentor_keys) if key for j in index.mentee_cols.get(key, ()))


def id_cells(mentors: Sequence[Profile], mentees: Sequence[Profile], pairs: Iterable[tuple[int, int]]) -> Cells:
    """Cells of (mentor_id, mentee_id) pairs whose two people are both present."""
    mentor_row = {p.id: i for i, p in enumerate(mentors)}
    mentee_col = {p.id: j for j, p in enumerate(mentees)}
    return _cells((mentor_row[a], mentee_col[b]) for a, b in pairs if a in mentor_row and b in mentee_col)


def past_pairs(mentors: Sequence[Profile], mentees: Sequence[Profile]) -> Cells:
    """Pairs where either side lists the other as a past partner."""
    pairs = {(p.id, other) for p in mentors for other in p.past_partners}
    pairs |= {(other, p.id) for p in mentees for other in p.past_partners}
    return id_cells(mentors, mentees, pairs)


@dataclass(frozen=True)
class RuleBook:
    """The rules of one cohort, ready to test any block of pairs."""

    settings: MatchSettings
    m: SideArrays
    e: SideArrays
    sparse: Mapping[str, Cells]

    @classmethod
    def build(cls, mentors: Sequence[Profile], mentees: Sequence[Profile], m: SideArrays, e: SideArrays,
              settings: MatchSettings) -> RuleBook:
        """Collect the sparse cells once; dense rules are evaluated on demand."""
        index = KeyIndex.of(mentors, mentees)
        sparse = {"self": same_person(mentors, mentees, index),
                  "forbidden": id_cells(mentors, mentees, settings.forbidden)}
        if settings.rules.reporting_line:
            sparse["reporting_line"] = reporting_line(mentors, mentees, index)
        if settings.rules.past_partners:
            sparse["past_partners"] = past_pairs(mentors, mentees)
        return cls(settings, m, e, sparse)

    @property
    def names(self) -> tuple[str, ...]:
        """The rules in force, in report order."""
        r = self.settings.rules
        on = {"capacity": r.capacity, "reverse_seniority": r.reverse_seniority, "shared_language": r.shared_language,
              "availability_overlap": r.availability_overlap and r.min_overlap_hours > 0}
        return tuple(name for name in RULES if name in self.sparse or on.get(name, False))

    def passes(self, name: str, rows: Index, cols: Index, mentee_major: bool = False) -> np.ndarray:
        """Where the pairs of mentor rows x mentee cols keep a dense rule ((cols, rows) if mentee_major)."""
        m, e = self.m, self.e
        a, b = (e, m) if mentee_major else (m, e)
        ia, ib = (cols, rows) if mentee_major else (rows, cols)
        if name == "capacity":
            room = m.capacity[rows] > 0
            n_e = len(e.ids[cols])
            return np.repeat(room[None, :], n_e, axis=0) if mentee_major else np.repeat(room[:, None], n_e, axis=1)
        if name == "reverse_seniority":  # the mentor is strictly less senior
            if mentee_major:
                return e.seniority[cols][:, None] > m.seniority[rows][None, :]
            return m.seniority[rows][:, None] < e.seniority[cols][None, :]
        if name == "shared_language":
            return common_bits(a.languages[ia], b.languages[ib], 1)
        return common_bits(a.availability[ia], b.availability[ib], self.settings.rules.min_overlap_hours)

    @cached_property
    def _held(self) -> dict[str, tuple[Members, np.ndarray]]:
        """Rules kept by sharing any one member: (the mentees' members, holders among the mentors, packed)."""
        sets = {"shared_language": (self.e.languages, self.m.languages)}
        if self.settings.rules.min_overlap_hours <= 1:
            sets["availability_overlap"] = (self.e.availability, self.m.availability)
        return {name: (Members.of(mine), holders(theirs)) for name, (mine, theirs) in sets.items() if name in self.names}

    def ok_block(self, cols: slice) -> np.ndarray:
        """(block of mentees, every mentor): pairs that pass the dense rules (shared members as bit words)."""
        words, ok = None, None
        for mine, held in self._held.values():
            shared = mine.shared_any(cols, held)
            words = shared if words is None else np.bitwise_and(words, shared, out=words)
        if words is not None:
            ok = unpack_rows(words, len(self.m.ids))
        for name in self.names:
            if name in self.sparse or name in self._held or (name == "capacity" and (self.m.capacity > 0).all()):
                continue  # the capacity rule only strikes mentors who take no mentees at all
            keeps = self.passes(name, slice(None), cols, mentee_major=True)
            ok = keeps if ok is None else np.logical_and(ok, keeps, out=ok)
        return np.ones((len(self.e.ids[cols]), len(self.m.ids)), dtype=bool) if ok is None else ok

    def failures(self, rows: np.ndarray, cols: np.ndarray) -> dict[str, np.ndarray]:
        """For each rule in force, where the pairs of rows x cols break it."""
        row_at = np.full(self.m.ids.size, -1)
        row_at[rows] = np.arange(len(rows))
        col_at = np.full(self.e.ids.size, -1)
        col_at[cols] = np.arange(len(cols))
        result = {}
        for name in self.names:
            if name in self.sparse:
                r, c = row_at[self.sparse[name][0]], col_at[self.sparse[name][1]]
                keep = (r >= 0) & (c >= 0)
                result[name] = np.zeros((len(rows), len(cols)), dtype=bool)
                result[name][r[keep], c[keep]] = True
            else:
                result[name] = ~self.passes(name, rows, cols)
        return result
