"""Sets as bits: rows of 0/1 packed into uint64 words, and the tests the hard rules make on them.

Bit k of word w is member 64 w + k. `holders` turns one side's bitsets around (for each member, the
people holding it), so that "shares at least one member" for a block of the other side is an OR of a
few rows of words rather than a test of every pair.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def bits(multi_hot_rows: np.ndarray) -> np.ndarray:
    """0/1 rows packed into uint64 words (bit k of word w is column 64 w + k)."""
    flags = multi_hot_rows.astype(bool)
    padding = (-flags.shape[1]) % 64 or (64 if flags.shape[1] == 0 else 0)  # at least one word
    flags = np.hstack([flags, np.zeros((flags.shape[0], padding), dtype=bool)])
    packed = np.packbits(flags, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view(np.uint64).reshape(flags.shape[0], flags.shape[1] // 64)


def _unpacked(words: np.ndarray) -> np.ndarray:
    return np.unpackbits(words.view(np.uint8), axis=1, bitorder="little").astype(np.float32)


def unpack_rows(words: np.ndarray, n: int) -> np.ndarray:
    """(rows, n) bools of rows of uint64 words (the inverse of `bits`)."""
    return np.unpackbits(np.ascontiguousarray(words).view(np.uint8), axis=1, count=n, bitorder="little").view(bool)


def holders(bitsets: np.ndarray) -> np.ndarray:
    """(members, words over people) uint64: bit i of row k is set when person i's bitset holds member k."""
    return bits(unpack_rows(bitsets, 64 * bitsets.shape[1]).T)


@dataclass(frozen=True)
class Members:
    """The members of every row of some bitsets, listed row after row (rows without members left out)."""

    members: np.ndarray  # the member of each item
    starts: np.ndarray  # first item of each listed row
    rows: np.ndarray  # the listed rows, ascending

    @classmethod
    def of(cls, bitsets: np.ndarray) -> Members:
        """List the members of each row."""
        rows, members = np.nonzero(unpack_rows(bitsets, 64 * bitsets.shape[1]))
        starts = np.flatnonzero(np.concatenate([rows[:1] >= 0, rows[1:] != rows[:-1]]))
        return cls(members, starts, rows[starts])

    def shared_any(self, block: slice, held: np.ndarray) -> np.ndarray:
        """(rows of the block, words over people) uint64: bit i of a row is set when the row shares a member
        with person i of `held` (from `holders`): the OR of the rows of `held` that the row's members name."""
        found = np.zeros((block.stop - block.start, held.shape[1]), dtype=np.uint64)
        first, stop = np.searchsorted(self.rows, [block.start, block.stop])
        if first < stop:
            begin = self.starts[first]
            end = self.starts[stop] if stop < len(self.starts) else len(self.members)
            found[self.rows[first:stop] - block.start] = np.bitwise_or.reduceat(
                held[self.members[begin:end]], self.starts[first:stop] - begin, axis=0)
        return found


def common_bits(a: np.ndarray, b: np.ndarray, at_least: int) -> np.ndarray:
    """(rows of a, rows of b): whether the two bitsets share at least `at_least` members."""
    if at_least <= 1:
        shared = a[:, :1] & b[:, 0][None, :]
        for w in range(1, a.shape[1]):
            shared |= a[:, w:w + 1] & b[:, w][None, :]
        return shared != 0
    if not hasattr(np, "bitwise_count"):  # numpy < 2.0: count with a product instead
        return (_unpacked(a) @ _unpacked(b).T) >= at_least - 0.5
    count = np.bitwise_count(a[:, :1] & b[:, 0][None, :])
    for w in range(1, a.shape[1]):
        count += np.bitwise_count(a[:, w:w + 1] & b[:, w][None, :])
    return count >= at_least
