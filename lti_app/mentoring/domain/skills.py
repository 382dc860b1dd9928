"""The skill catalogue: a default set with stable codes, grouped the way reverse-mentoring programmes use them.

Codes never change once published (profiles and the matching engine refer to them); labels may be reworded.
Instructors pick from the default catalogue per cohort and add skills of their own, which get codes
derived from their labels.
"""
from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from lti_app.mentoring.domain.texts import N_, _

MAX_CODE_LENGTH = 60
MAX_LABEL_LENGTH = 120
LEVELS = (1, 2, 3, 4, 5)
# labels are msgids: translate them where they are shown
LEVEL_LABELS = {
    1: N_("1 · New to it"),
    2: N_("2 · Beginner"),
    3: N_("3 · Comfortable"),
    4: N_("4 · Confident"),
    5: N_("5 · Could teach it"),
}


class SkillCategory(str, enum.Enum):
    """The groups of the catalogue."""

    DIGITAL = "digital"
    SOCIAL_MEDIA = "social_media"
    INCLUSION = "inclusion"
    LEADERSHIP = "leadership"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        """A human label for pages."""
        return _(CATEGORY_LABELS[self])


CATEGORY_LABELS = {
    SkillCategory.DIGITAL: N_("Digital skills"),
    SkillCategory.SOCIAL_MEDIA: N_("Social media"),
    SkillCategory.INCLUSION: N_("Inclusion and generations"),
    SkillCategory.LEADERSHIP: N_("Leadership and business"),
    SkillCategory.CUSTOM: N_("Added for this cohort"),
}


@dataclass(frozen=True)
class Skill:
    """One skill of a catalogue."""

    code: str
    label: str
    category: SkillCategory

    @property
    def label_shown(self) -> str:
        """The label in the reader's language if it is a default one, else as the instructor wrote it."""
        return shown_label(self.code, self.category, self.label)


def _group(category: SkillCategory, *pairs: tuple[str, str]) -> tuple[Skill, ...]:
    return tuple(Skill(code, label, category) for code, label in pairs)


# The labels are msgids, stored with each cohort's skills in English as written here and translated where they are
# shown (``shown_label``), so that an instructor's rewording is kept as typed.
DEFAULT_CATALOGUE: tuple[Skill, ...] = (
    *_group(
        SkillCategory.DIGITAL,
        ("ai_tools", N_("Generative AI and AI tools")),
        ("data_literacy", N_("Data literacy")),
        ("collaboration_tools", N_("Collaboration tools (shared documents, chat, video)")),
        ("digital_security", N_("Online security and privacy")),
        ("productivity_apps", N_("Mobile and productivity apps")),
        ("digital_content", N_("Video and digital content creation")),
    ),
    *_group(
        SkillCategory.SOCIAL_MEDIA,
        ("social_media_strategy", N_("Social media strategy")),
        ("personal_branding", N_("Professional presence online")),
        ("online_communities", N_("Online communities and new platforms")),
        ("digital_culture", N_("Digital culture and trends")),
    ),
    *_group(
        SkillCategory.INCLUSION,
        ("inclusive_language", N_("Inclusive language")),
        ("accessibility", N_("Accessibility")),
        ("generational_perspectives", N_("Generational perspectives and values")),
        ("diversity_equity_inclusion", N_("Diversity, equity and inclusion")),
        ("wellbeing", N_("Wellbeing at work")),
    ),
    *_group(
        SkillCategory.LEADERSHIP,
        ("strategic_thinking", N_("Strategic thinking")),
        ("stakeholder_management", N_("Stakeholder management")),
        ("career_navigation", N_("Career navigation")),
        ("business_acumen", N_("Business acumen")),
        ("decision_making", N_("Decision making")),
        ("presenting", N_("Presenting and public speaking")),
        ("professional_networking", N_("Professional networking")),
    ),
)
DEFAULT_CODES: frozenset[str] = frozenset(skill.code for skill in DEFAULT_CATALOGUE)
_BY_CODE = {skill.code: skill for skill in DEFAULT_CATALOGUE}


def default_skill(code: str) -> Skill | None:
    """The default catalogue's skill with ``code``, if any."""
    return _BY_CODE.get(code)


def is_default_label(code: str, category: SkillCategory, label: str) -> bool:
    """Whether a stored skill is a default one as the catalogue words it: a default code (never given to a skill an
    instructor added), not a custom category, and the default's English label, not reworded."""
    default = _BY_CODE.get(code)
    return default is not None and category is not SkillCategory.CUSTOM and label == default.label


def shown_label(code: str, category: SkillCategory, label: str) -> str:
    """A stored skill's label for a reader: a default label in the reader's language; a skill an instructor added
    or a default label they reworded exactly as typed."""
    return _(label) if is_default_label(code, category, label) else label


def slugify(label: str) -> str:
    """A code for a label: lowercase ASCII letters, digits and underscores."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return slug[:MAX_CODE_LENGTH].rstrip("_")


def clean_label(label: str) -> str:
    """A label with its whitespace collapsed."""
    return " ".join(label.split())


def custom_skills(labels: Iterable[str], taken: Iterable[str] = ()) -> tuple[Skill, ...]:
    """Skills for the instructor's own labels, with codes that collide neither with ``taken`` nor each other.

    Blank lines and repeated labels (ignoring case) are dropped; a label with no letters or digits
    gets a numbered code.
    """
    used = set(taken)
    seen_labels: set[str] = set()
    made: list[Skill] = []
    for raw in labels:
        label = clean_label(raw)[:MAX_LABEL_LENGTH]
        if not label or label.casefold() in seen_labels:
            continue
        seen_labels.add(label.casefold())
        base = slugify(label) or "skill"
        code, n = base, 2
        while code in used:
            suffix = f"_{n}"
            code, n = base[: MAX_CODE_LENGTH - len(suffix)] + suffix, n + 1
        used.add(code)
        made.append(Skill(code, label, SkillCategory.CUSTOM))
    return tuple(made)


def catalogue_after(current: Iterable[Skill], codes: Iterable[str], custom_labels: Iterable[str]) -> tuple[Skill, ...]:
    """The catalogue an edit asks for, in display order: the default skills ticked (the default catalogue's
    order), then one skill per custom label (blank and repeated labels dropped, case ignored).

    A skill that stays keeps its code and label: a default by its code, a custom one by its label ignoring case.
    A new custom label gets a code that no default skill and no skill of ``current`` has.
    """
    current = tuple(current)
    chosen = set(codes)
    kept = {s.code: s for s in current if s.category is not SkillCategory.CUSTOM}
    defaults = [kept.get(s.code, s) for s in DEFAULT_CATALOGUE if s.code in chosen]
    existing = {s.label.casefold(): s for s in current if s.category is SkillCategory.CUSTOM}
    labels: dict[str, str] = {}  # casefolded → the label as first written
    for raw in custom_labels:
        if label := clean_label(raw)[:MAX_LABEL_LENGTH]:
            labels.setdefault(label.casefold(), label)
    made = {s.label.casefold(): s for s in custom_skills(
        [label for key, label in labels.items() if key not in existing], DEFAULT_CODES | {s.code for s in current})}
    return (*defaults, *(existing.get(key) or made[key] for key in labels))
