"""The vocabulary of a participant's profile: roles wanted, career stages, generations, channels, languages, tags.

Values are stable codes (stored in the database and handed to the matching engine); labels are for pages.
"""
from __future__ import annotations

import enum
import re
from collections.abc import Iterable

from lti_app.mentoring.domain.texts import N_, _

MAX_TAGS = 20
MAX_TAG_LENGTH = 40
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RoleWanted(str, enum.Enum):
    """The role a participant asks for. In reverse mentoring the mentor is the less senior partner."""

    MENTOR = "mentor"
    MENTEE = "mentee"
    EITHER = "either"

    @property
    def label(self) -> str:
        """A human label for pages."""
        return _(ROLE_LABELS[self.value])

    @property
    def can_mentor(self) -> bool:
        """Whether this person may be given mentees (and so states a capacity)."""
        return self is not RoleWanted.MENTEE

    @property
    def can_be_mentored(self) -> bool:
        """Whether this person may be given a mentor."""
        return self is not RoleWanted.MENTOR


class CareerStage(enum.IntEnum):
    """Seniority as an ordered scale: the reverse-direction rule compares these ordinals."""

    STUDENT = 0
    EARLY_CAREER = 1
    MID_CAREER = 2
    SENIOR = 3
    EXECUTIVE = 4

    @property
    def label(self) -> str:
        """A human label for pages."""
        return _(CAREER_STAGE_LABELS[self])


CAREER_STAGE_LABELS = {
    CareerStage.STUDENT: N_("Student or intern"),
    CareerStage.EARLY_CAREER: N_("Early career"),
    CareerStage.MID_CAREER: N_("Mid-career"),
    CareerStage.SENIOR: N_("Senior (manager, senior specialist, faculty)"),
    CareerStage.EXECUTIVE: N_("Executive or senior leadership"),
}


class Generation(str, enum.Enum):
    """Generations named in the sources: a profile field, optional, never a hard rule."""

    TRADITIONALIST = "traditionalist"
    BABY_BOOMER = "baby_boomer"
    GEN_X = "gen_x"
    MILLENNIAL = "millennial"
    GEN_Z = "gen_z"

    @property
    def label(self) -> str:
        """A human label for pages, with the birth years."""
        return _(GENERATION_LABELS[self])


GENERATION_LABELS = {
    Generation.TRADITIONALIST: N_("Traditionalist (born 1925-1945)"),
    Generation.BABY_BOOMER: N_("Baby boomer (born 1946-1964)"),
    Generation.GEN_X: N_("Generation X (born 1965-1980)"),
    Generation.MILLENNIAL: N_("Millennial (born 1981-1996)"),
    Generation.GEN_Z: N_("Generation Z (born 1997 or later)"),
}


class Channel(str, enum.Enum):
    """How a pair may talk."""

    VIDEO = "video"
    IN_PERSON = "in_person"
    CHAT = "chat"
    EMAIL = "email"
    PHONE = "phone"

    @property
    def label(self) -> str:
        """A human label for pages."""
        return _(CHANNEL_LABELS[self.value])


class SkillKind(str, enum.Enum):
    """Whether a participant offers a skill or wants to learn it."""

    OFFERED = "offered"
    WANTED = "wanted"


class EnrolmentStatus(str, enum.Enum):
    """Where an enrolment stands."""

    ENROLLED = "enrolled"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """A human label for pages."""
        return self.value.capitalize()


# The languages offered as checkboxes (ISO 639-1); any other ISO 639-1 code may be typed in.
COMMON_LANGUAGES: dict[str, str] = {
    "en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "pl": "Polish", "sv": "Swedish", "ga": "Irish", "ar": "Arabic", "zh": "Chinese",
    "hi": "Hindi", "ja": "Japanese", "ko": "Korean", "ru": "Russian", "tr": "Turkish", "uk": "Ukrainian",
    "sw": "Swahili", "yo": "Yoruba",
}
ISO_639_1 = frozenset(
    "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee "
    "el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io "
    "is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn "
    "mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se "
    "sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo "
    "wa wo xh yi yo za zh zu".split()
)


def language_label(code: str) -> str:
    """The English name of a common language, else its code."""
    return COMMON_LANGUAGES.get(code, code)


def parse_language_codes(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(valid ISO 639-1 codes, unknown entries) from text separated by commas or spaces."""
    entries = [part.strip().lower() for part in re.split(r"[,\s;]+", text or "") if part.strip()]
    valid = tuple(dict.fromkeys(e for e in entries if e in ISO_639_1))
    unknown = tuple(dict.fromkeys(e for e in entries if e not in ISO_639_1))
    return valid, unknown


def parse_tags(text: str | Iterable[str]) -> tuple[str, ...]:
    """Interest tags as written: split on commas and new lines, whitespace collapsed, repeats (ignoring case)
    dropped, at most 20. The matching compares them case-insensitively."""
    parts = re.split(r"[,\n]", text) if isinstance(text, str) else list(text)
    tags = (" ".join(part.split())[:MAX_TAG_LENGTH].strip() for part in parts)
    found: dict[str, str] = {}
    for tag in tags:
        if tag:
            found.setdefault(tag.casefold(), tag)
    return tuple(found.values())[:MAX_TAGS]


def normalise_email(value: str | None) -> str | None:
    """An e-mail address trimmed and lowercased, or None when blank."""
    value = (value or "").strip().lower()
    return value or None


def is_email(value: str) -> bool:
    """A plausible e-mail address (one @, a dot in the domain, no spaces)."""
    return bool(_EMAIL.match(value))


# labels are msgids, translated when a page asks for them
ROLE_LABELS = {"mentor": N_("Mentor"), "mentee": N_("Mentee"), "either": N_("Either role")}
CHANNEL_LABELS = {"video": N_("Video call"), "in_person": N_("In person"), "chat": N_("Chat"), "email": N_("E-mail"),
                  "phone": N_("Phone")}
