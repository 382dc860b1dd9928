"""Who reads an explanation: 'you' for the viewer, a name (or 'your partner') for the other, in agreeing English."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Viewer = Literal["mentee", "mentor", "instructor"]


@dataclass(frozen=True, slots=True)
class Voice:
    """Who reads the sentence: 'you' for the viewer, a name (or 'your partner') for the other."""

    mentor: str
    mentee: str
    viewer: Viewer

    def does(self, role: str, verb: str) -> str:
        """Subject and verb agreeing: 'you offer', 'Sam offers'."""
        subject = self.mentor if role == "mentor" else self.mentee
        return f"{subject} {verb}" if subject == "you" else f"{subject} {verb}s"

    @property
    def both(self) -> str:
        """'you both' or 'Sam and Alex both'."""
        return "you both" if self.viewer != "instructor" else f"{self.mentor} and {self.mentee} both"

    @property
    def pair(self) -> str:
        """'you and Sam' or 'Sam and Alex'."""
        return f"{self.mentee} and {self.mentor}" if self.viewer == "mentee" else f"{self.mentor} and {self.mentee}"

    @property
    def goals(self) -> str:
        """'your goals' or "Sam's and Alex's goals"."""
        return "your goals" if self.viewer != "instructor" else f"{self.mentor}'s and {self.mentee}'s goals"
