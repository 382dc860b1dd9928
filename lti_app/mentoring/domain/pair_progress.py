"""How a pair is doing, from plain dates and counts: the meeting cadence, overdue meetings, goal progress.

The cadence clock starts when the pair can first meet: the later of the programme's start and the day the
pair was published. The next meeting is due one cadence after the last meeting held (or after that start);
a pair is overdue once today is past that day. No meeting is due after the programme ends.
"""
from __future__ import annotations

from datetime import date, timedelta

from lti_app.mentoring.domain.cohort_state import long_date as _long
from lti_app.mentoring.domain.texts import N_, _

RATING_MIN, RATING_MAX = 1, 5
REREATING_WEEKS = 2  # re-rating opens this long before the programme ends (or at the goal's target date)


def first_meeting_day(starts_on: date, published_on: date | None) -> date:
    """The first day the pair may meet: the programme's start, or the day the pair was published if later."""
    return max(starts_on, published_on) if published_on else starts_on


def next_meeting_due(anchor: date, last_meeting_on: date | None, cadence_days: int, ends_on: date) -> date | None:
    """The day the next meeting is due: one cadence after the last meeting (or the anchor); None after the end."""
    due = (last_meeting_on or anchor) + timedelta(days=cadence_days)
    return due if due <= ends_on else None


def is_overdue(next_due: date | None, today: date) -> bool:
    """Today is past the day the next meeting was due."""
    return next_due is not None and today > next_due


def expected_meetings(anchor: date, cadence_days: int, today: date, ends_on: date) -> int:
    """How many meetings the cadence asked for between the anchor and today (or the end, if sooner)."""
    until = min(today, ends_on)
    if until < anchor:
        return 0
    return (until - anchor).days // cadence_days


# which date (as callers name it) → (refusal before the programme, refusal after it)
DATE_REFUSALS = {
    "The date": (N_("The date is before the programme starts (%(date)s)."),
                 N_("The date is after the programme ends (%(date)s).")),
    "The target date": (N_("The target date is before the programme starts (%(date)s)."),
                        N_("The target date is after the programme ends (%(date)s).")),
    "The due date": (N_("The due date is before the programme starts (%(date)s)."),
                     N_("The due date is after the programme ends (%(date)s).")),
}


def date_refusal(day: date, starts_on: date, ends_on: date, what: str = "The date") -> str | None:
    """Why ``day`` is outside the programme, or None when it is inside (``what``: a key of DATE_REFUSALS)."""
    before, after = DATE_REFUSALS.get(what, DATE_REFUSALS["The date"])
    if day < starts_on:
        return _(before, date=_long(starts_on))
    if day > ends_on:
        return _(after, date=_long(ends_on))
    return None


def meeting_date_refusal(held_on: date, first_day: date, ends_on: date, today: date) -> str | None:
    """Why a meeting cannot have been held on ``held_on``, or None: not in the future, not outside the programme."""
    if held_on > today:
        return _("A meeting is logged once it has been held: this date is in the future.")
    if held_on < first_day:
        return _("Your pair could first meet on %(date)s: this date is before it.", date=_long(first_day))
    if held_on > ends_on:
        return _("The programme ended on %(date)s: this date is after it.", date=_long(ends_on))
    return None


def rating_progress(baseline: int, target: int, rating: int | None) -> int:
    """Percent of the way from the baseline to the target the rating has come (0-100)."""
    if rating is None:
        return 0
    if target <= baseline:
        return 100 if rating >= target else 0
    share = (rating - baseline) / (target - baseline)
    return round(100 * min(1.0, max(0.0, share)))


def task_progress(done: int, total: int) -> int:
    """Percent of the tasks done (0 when there are none)."""
    return round(100 * done / total) if total else 0


def latest_rating(current: int | None, end_owner: int | None, end_partner: int | None) -> int | None:
    """The rating that stands: the end ratings (their mean, rounded down) once given, else the current one."""
    ends = [r for r in (end_owner, end_partner) if r is not None]
    return sum(ends) // len(ends) if ends else current


def goal_progress(progress_from: str, tasks_done: int, tasks_total: int, baseline: int, target: int,
                  rating: int | None) -> int:
    """A goal's progress in percent: from its tasks done, or from its rating between baseline and target."""
    if progress_from == "rating":
        return rating_progress(baseline, target, rating)
    return task_progress(tasks_done, tasks_total)


def goal_done(progress: int, end_owner: int | None, end_partner: int | None) -> bool:
    """A goal is done when its progress reached 100% or both partners gave their end rating."""
    return progress >= 100 or (end_owner is not None and end_partner is not None)


def rerating_opens_on(target_on: date, ends_on: date) -> date:
    """The day both partners may give their end ratings: the target date, or two weeks before the end if sooner."""
    return min(target_on, ends_on - timedelta(weeks=REREATING_WEEKS))
