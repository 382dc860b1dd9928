"""Surveys of a cohort, as pure functions over plain data: the pulse schedule, the exit round, the default
questions and the aggregates under the anonymity rule.

Rounds open and close at local midnight in the cohort's time zone (``zoneinfo``), converted to UTC, so a round
that spans a change to or from summer time still opens at midnight where the people live. No round opens before
the programme starts or after it ends.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from statistics import fmean
from zoneinfo import ZoneInfo

from lti_app.mentoring.domain.texts import N_, _

DEFAULT_FIRST_AFTER_DAYS = 30
DEFAULT_EVERY_DAYS = 60
DEFAULT_ANONYMITY_THRESHOLD = 5
ROUND_OPEN_DAYS = 14  # a pulse round stays open this long (never past the programme's end)
EXIT_OPEN_DAYS = 14  # an exit round stays open this long after the programme ends or the pair ended


# Words for the enums' values, translated where they are read (``label``).
SURVEY_KIND_LABELS = {"pulse": N_("Pulse survey"), "exit": N_("Exit survey")}
QUESTION_KIND_LABELS = {"likert": N_("Likert 1-5"), "scale": N_("Scale 0-10"), "choice": N_("Single choice"),
                        "text": N_("Free text")}
AUDIENCE_LABELS = {"mentors": N_("Mentors"), "mentees": N_("Mentees"), "both": N_("Both")}


class SurveyKind(str, enum.Enum):
    """The two surveys of a cohort."""

    PULSE = "pulse"
    EXIT = "exit"

    @property
    def label(self) -> str:
        """The kind in words."""
        return _(SURVEY_KIND_LABELS[self.value])


class QuestionKind(str, enum.Enum):
    """How a question is answered."""

    LIKERT = "likert"  # 1-5 with a label per point
    SCALE = "scale"  # 0-10
    CHOICE = "choice"  # one of a list
    TEXT = "text"  # free text

    @property
    def numeric(self) -> bool:
        """Whether answers have a mean."""
        return self in (QuestionKind.LIKERT, QuestionKind.SCALE)

    @property
    def label(self) -> str:
        """The kind in words."""
        return _(QUESTION_KIND_LABELS[self.value])


class Audience(str, enum.Enum):
    """Who is asked a question."""

    MENTORS = "mentors"
    MENTEES = "mentees"
    BOTH = "both"

    def includes(self, role: str) -> bool:
        """Whether a person in ``role`` ("mentor" or "mentee") is asked."""
        return self is Audience.BOTH or self.value == f"{role}s"

    @property
    def label(self) -> str:
        """Who is asked, in words (a choice of the question form)."""
        return _(AUDIENCE_LABELS[self.value])


# The default questions and their labels are saved with each cohort's surveys (in English, as written here):
# marked for the catalogues, translated where the defaults are shown before they are saved.
LIKERT_LABELS = (N_("Very poor"), N_("Poor"), N_("Fair"), N_("Good"), N_("Excellent"))
AGREE_LABELS = (N_("Strongly disagree"), N_("Disagree"), N_("Neutral"), N_("Agree"), N_("Strongly agree"))


@dataclass(frozen=True)
class QuestionSpec:
    """A question as plain data."""

    code: str
    text: str
    kind: QuestionKind
    required: bool = True
    audience: Audience = Audience.BOTH
    labels: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()


SATISFACTION = "satisfaction"

DEFAULT_QUESTIONS: tuple[QuestionSpec, ...] = (
    QuestionSpec(SATISFACTION, N_("How satisfied are you with your partner?"), QuestionKind.LIKERT, labels=LIKERT_LABELS),
    QuestionSpec("usefulness", N_("How useful are your meetings?"), QuestionKind.LIKERT, labels=LIKERT_LABELS),
    QuestionSpec("progress", N_("I am making progress on my goals."), QuestionKind.LIKERT, labels=AGREE_LABELS),
    QuestionSpec("learned", N_("What have you learned?"), QuestionKind.TEXT, required=False),
    QuestionSpec("taught", N_("What have you taught?"), QuestionKind.TEXT, required=False),
    QuestionSpec("recommend", N_("How likely are you to recommend the programme to a colleague (0-10)?"),
                 QuestionKind.SCALE),
)


def default_questions() -> tuple[QuestionSpec, ...]:
    """The default question set, drawn from the domain (both sides learn, both sides teach)."""
    return DEFAULT_QUESTIONS


def shown_text(text: str) -> str:
    """A stored question or label in the reader's language when it is one of the defaults (kept as English msgids);
    a text a coordinator wrote stays as they wrote it."""
    return _(text) if text in _DEFAULT_TEXTS else text


def default_questions_shown() -> list[QuestionSpec]:
    """The default questions in the reader's language, to show before a cohort's survey saves them (in English)."""
    return [replace(q, text=_(q.text), labels=tuple(_(label) for label in q.labels)) for q in DEFAULT_QUESTIONS]


@dataclass(frozen=True)
class RoundWindow:
    """When one round is open (UTC, aware)."""

    number: int
    opens_at: datetime
    closes_at: datetime
    reason: str = ""


def local_midnight(day: date, time_zone: str) -> datetime:
    """Midnight at the start of ``day`` in ``time_zone``, in UTC."""
    return datetime.combine(day, time(0), ZoneInfo(time_zone)).astimezone(timezone.utc)


def pulse_schedule(published_on: date | None, starts_on: date, ends_on: date, *, first_after_days: int,
                   every_days: int, time_zone: str = "UTC", enabled: bool = True) -> list[RoundWindow]:
    """The pulse rounds: ``first_after_days`` after the pairs were published, then every ``every_days``; none
    before the programme starts, none opening after it ends, each closing by the end of its last day."""
    if not enabled or published_on is None or first_after_days < 1 or every_days < 1:
        return []
    rounds, day, number = [], max(published_on + timedelta(days=first_after_days), starts_on), 1
    end = local_midnight(ends_on + timedelta(days=1), time_zone)
    while day <= ends_on:
        close_day = min(day + timedelta(days=ROUND_OPEN_DAYS), ends_on + timedelta(days=1))
        rounds.append(RoundWindow(number, local_midnight(day, time_zone), min(local_midnight(close_day, time_zone), end)))
        day, number = day + timedelta(days=every_days), number + 1
    return rounds


def exit_round(ends_on: date, time_zone: str = "UTC", number: int = 1) -> RoundWindow:
    """The exit round at the programme's end: it opens on the last day and stays open ``EXIT_OPEN_DAYS``."""
    opens = local_midnight(ends_on, time_zone)
    return RoundWindow(number, opens, local_midnight(ends_on + timedelta(days=EXIT_OPEN_DAYS + 1), time_zone),
                       N_("The programme ends."))  # saved with the round, as written


def early_exit_round(ended_at: datetime, reason: str, number: int, time_zone: str = "UTC") -> RoundWindow:
    """The exit round of a pair ended early: it opens at once and stays open ``EXIT_OPEN_DAYS`` local days."""
    local_day = ended_at.astimezone(ZoneInfo(time_zone)).date()
    return RoundWindow(number, ended_at, local_midnight(local_day + timedelta(days=EXIT_OPEN_DAYS + 1), time_zone),
                       reason)


def is_late(answered_at: datetime, closes_at: datetime) -> bool:
    """An answer given after its round closed."""
    return answered_at >= closes_at


@dataclass(frozen=True)
class QuestionFigure:
    """One question's result: how many answered, the mean (None under the threshold), the counts per value."""

    answered: int
    mean: float | None
    counts: dict[str, int] = field(default_factory=dict)
    shown: bool = False


def aggregate(values: list[object], kind: QuestionKind, threshold: int) -> QuestionFigure:
    """One question's answers aggregated; no figure at all where fewer than ``threshold`` people answered."""
    given = [v for v in values if v not in (None, "")]
    if len(given) < max(threshold, 1):
        return QuestionFigure(len(given), None)
    counts: dict[str, int] = {}
    for value in given:
        counts[str(value)] = counts.get(str(value), 0) + 1
    mean = round(fmean(float(v) for v in given), 2) if kind.numeric else None  # type: ignore[arg-type]
    return QuestionFigure(len(given), mean, counts if kind is not QuestionKind.TEXT else {}, True)


def below_threshold(answered: int, threshold: int) -> bool:
    """Whether a group is too small to show."""
    return answered < max(threshold, 1)


def valid_answer(spec_kind: QuestionKind, raw: str, choices: tuple[str, ...] = ()) -> object | None:
    """The stored value of a raw form answer, or None when it is not a valid one (empty is None too)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if spec_kind is QuestionKind.TEXT:
        return raw[:4000]
    if spec_kind is QuestionKind.CHOICE:
        return raw if raw in choices else None
    if not raw.isdigit():
        return None
    low, high = (1, 5) if spec_kind is QuestionKind.LIKERT else (0, 10)
    return int(raw) if low <= int(raw) <= high else None


LOW_PULSE = 2  # a Likert answer at or under this is low
LOW_PULSE_QUESTIONS = (SATISFACTION, "usefulness")  # the default questions whose low answer puts a pair at risk


def is_low_pulse(values: dict[str, object]) -> bool:
    """Whether a pulse answer is low: 2 or less (of 1-5) for satisfaction with the partner or for the usefulness of
    the meetings. Other questions (progress, recommend, free text) never count: a slow start on goals is not a pair
    in trouble, and the recommendation is about the programme, not the pair."""
    given = [values.get(code) for code in LOW_PULSE_QUESTIONS]
    return any(type(v) is int and v <= LOW_PULSE for v in given)


def at_risk(latest_answers: dict[int, dict[str, object]]) -> list[int]:
    """Who gave a low latest pulse answer (``is_low_pulse``), from each person's latest pulse answer by id."""
    return sorted(k for k, values in latest_answers.items() if is_low_pulse(values or {}))


RECOMMEND = "recommend"
PROMOTER_FROM, DETRACTOR_UP_TO = 9, 6  # NPS-style: 9-10 promote, 0-6 detract, 7-8 are passive


@dataclass(frozen=True)
class Headline:
    """A cohort's survey figures in one line: answers given, and (only where at least the threshold of different
    people answered the question) the mean satisfaction with the partner and an NPS-style recommendation score,
    the share of 9-10 less the share of 0-6, from -100 to 100."""

    responses: int
    people: int
    satisfaction: float | None
    recommend: int | None
    threshold: int


def headline(answers: list[tuple[int, dict[str, object]]], threshold: int) -> Headline:
    """The ``Headline`` of (enrolment id, values) answers, pulse and exit rounds alike, each answer counted."""
    def given(code: str) -> tuple[list[int], int]:
        found = [(who, v) for who, values in answers for v in [(values or {}).get(code)] if type(v) is int]
        return [v for _, v in found], len({who for who, _ in found})
    satisfaction, satisfied_people = given(SATISFACTION)
    recommend, recommending_people = given(RECOMMEND)
    mean = None if below_threshold(satisfied_people, threshold) else round(fmean(satisfaction), 2)
    score = None
    if not below_threshold(recommending_people, threshold):
        promoters = sum(v >= PROMOTER_FROM for v in recommend)
        detractors = sum(v <= DETRACTOR_UP_TO for v in recommend)
        score = round(100 * (promoters - detractors) / len(recommend))
    return Headline(len(answers), len({who for who, _ in answers}), mean, score, threshold)


_DEFAULT_TEXTS = frozenset(
    [q.text for q in DEFAULT_QUESTIONS] + [label for q in DEFAULT_QUESTIONS for label in q.labels])
