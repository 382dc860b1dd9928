"""The notices ``notify run`` sends as time passes, decided without a database: the inactivity nudge and alert, the
quiet-pair warning, the overdue meeting, the instructors' weekly digest and the digest of held notices for those who
chose one. Each is written in its reader's language. The notices of an event (a pair published, an agreement
waiting, a grade posted) and the mail rules are in ``mail_notices``."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from html import escape
from zoneinfo import ZoneInfo

from lti_app.mentoring.domain import texts
from lti_app.mentoring.domain.mail_notices import Languages, Notice, PairSide, in_language_of
from lti_app.mentoring.domain.quiet_pairs import QuietVerdict
from lti_app.mentoring.domain.texts import _, ngettext


@dataclass(frozen=True)
class QuietPair:
    """An active pair as the inactivity and overdue notices need it. ``since``: its last activity, else when it
    was published. ``instructor_ids``: the people to alert."""

    pair_id: int
    course_id: int
    cohort_name: str
    starts_on: date
    ends_on: date
    since: datetime
    mentor: PairSide
    mentee: PairSide
    instructor_ids: tuple[int, ...] = ()
    next_meeting_due: date | None = None
    overdue: bool = False
    programme_over: bool = False
    warning: QuietVerdict | None = None  # set when the quiet-pair warning is due (``quiet_pairs.pairs_to_warn``)
    inactivity_days: int | None = None  # the cohort's own setting; None: the tool's default

    def days_idle_allowed(self, default: int) -> int:
        """The days without activity before the nudge: the cohort's own, else ``default``."""
        return self.inactivity_days or default


def _running(pair: QuietPair, today: date) -> bool:
    return not pair.programme_over and pair.starts_on <= today <= pair.ends_on


def quiet_pair_notices(pairs: Iterable[QuietPair], now: datetime, days: int, zone: str = "UTC",
                       languages: Languages | None = None) -> list[Notice]:
    """An inactivity nudge to both (active) partners after their cohort's days without activity (``days`` when the
    cohort sets none), and an alert to the course's instructors after twice as long. One of each per quiet spell (the occasion is the last activity), so
    a pair that becomes active and then quiet again is nudged again. Time is real elapsed time (UTC); whether the
    programme runs is judged on the calendar day in ``zone``. Nothing before the programme starts or after it ends.
    Each notice in the language of its reader (``languages``)."""
    moment = now.astimezone(timezone.utc)
    today = moment.astimezone(ZoneInfo(zone)).date()
    notices = []
    for pair in pairs:
        allowed = pair.days_idle_allowed(days)
        if not _running(pair, today) or allowed <= 0:
            continue
        idle = moment - pair.since.astimezone(timezone.utc)
        stamp = pair.since.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S")
        occasion = f"pair:{pair.pair_id}:since:{stamp}"
        if idle >= timedelta(days=allowed):
            for me, partner in ((pair.mentor, pair.mentee), (pair.mentee, pair.mentor)):
                if not me.active:
                    continue
                with in_language_of(languages, me.person_id):
                    text = ngettext("Nothing has happened in your pair with %(partner)s for %(num)d day. Plan your "
                                    "next meeting or note what you did in your pair's workspace.",
                                    "Nothing has happened in your pair with %(partner)s for %(num)d days. Plan your "
                                    "next meeting or note what you did in your pair's workspace.",
                                    idle.days, partner=partner.name)
                    subject = _("Time to meet %(partner)s again?", partner=partner.name)
                notices.append(Notice(me.person_id, "inactivity_nudge", occasion, subject, text,
                                      f"<p>{escape(text)}</p>", pair.course_id))
        if idle >= timedelta(days=2 * allowed):
            for instructor in pair.instructor_ids:
                with in_language_of(languages, instructor):
                    text = ngettext("The pair of %(mentor)s and %(mentee)s in %(cohort)s has had no activity for "
                                    "%(num)d day.",
                                    "The pair of %(mentor)s and %(mentee)s in %(cohort)s has had no activity for "
                                    "%(num)d days.",
                                    idle.days, mentor=pair.mentor.name, mentee=pair.mentee.name,
                                    cohort=pair.cohort_name)
                    subject = _("A quiet pair in %(cohort)s", cohort=pair.cohort_name)
                notices.append(Notice(instructor, "inactivity_alert", occasion, subject, text,
                                      f"<p>{escape(text)}</p>", pair.course_id))
    return notices


def quiet_warning_notices(pairs: Iterable[QuietPair], today: date, languages: Languages | None = None) -> list[Notice]:
    """The quiet-pair warning to both partners of each pair whose warning is due (``QuietPair.warning``): unless
    they meet or log something, the pair is proposed to the instructor for closing on the verdict's day. Once per
    quiet spell (the occasion is the pair and its warning day: activity then quiet again is a new one). Nothing when
    a partner has withdrawn (the instructor re-matches, a meeting cannot help) or outside the programme's dates.
    Each in the language of its reader (``languages``), the dates written their way."""
    notices = []
    for pair in pairs:
        warning = pair.warning
        if warning is None or not _running(pair, today) or not (pair.mentor.active and pair.mentee.active):
            continue
        for me, partner in ((pair.mentor, pair.mentee), (pair.mentee, pair.mentor)):
            with in_language_of(languages, me.person_id):
                closing_on = texts.long_date(warning.propose_on)
                text = _("Nothing has happened in your pair with %(partner)s since %(since)s. Unless you meet or log "
                         "something in your pair's workspace, the pair will be proposed to your instructor for "
                         "closing on %(closing_on)s.",
                         partner=partner.name, since=texts.long_date(warning.quiet_since), closing_on=closing_on)
                subject = _("Your pair with %(partner)s may be closed on %(closing_on)s", partner=partner.name,
                            closing_on=closing_on)
            notices.append(Notice(me.person_id, "quiet_warning", f"pair:{pair.pair_id}:warning:{warning.warning_on.isoformat()}",
                                  subject, text, f"<p>{escape(text)}</p>", pair.course_id))
    return notices


def meeting_overdue_notices(pairs: Iterable[QuietPair], today: date, grace_days: int,
                            languages: Languages | None = None) -> list[Notice]:
    """A meeting overdue by the cadence plus ``grace_days``: both active partners, once per missed due date; each
    in the language of its reader (``languages``)."""
    notices = []
    for pair in pairs:
        due = pair.next_meeting_due
        if not _running(pair, today) or due is None or today < due + timedelta(days=grace_days):
            continue
        for me, partner in ((pair.mentor, pair.mentee), (pair.mentee, pair.mentor)):
            if me.active and partner.active:
                with in_language_of(languages, me.person_id):
                    text = _("Your meeting with %(partner)s was due on %(due)s. Agree a date together and log it in "
                             "your pair's workspace.", partner=partner.name, due=texts.day_month(due))
                    subject = _("Your meeting with %(partner)s is overdue", partner=partner.name)
                notices.append(Notice(me.person_id, "meeting_overdue", f"pair:{pair.pair_id}:due:{due.isoformat()}",
                                      subject, text, f"<p>{escape(text)}</p>", pair.course_id))
    return notices


def _digest_lines(course_pairs: list[QuietPair], quiet: list[QuietPair], overdue: list[QuietPair],
                  allowed: set[int]) -> list[str]:
    """The lines of an instructor's weekly digest, in the language being written."""
    if len(allowed) == 1:
        days = next(iter(allowed))
        quiet_line = ngettext("Without activity for %(num)d day or more: %(quiet)d",
                              "Without activity for %(num)d days or more: %(quiet)d", days, quiet=len(quiet))
    else:
        quiet_line = _("Without activity for as long as their cohort's setting or more: %(quiet)d", quiet=len(quiet))
    lines = [_("Active pairs: %(active)d", active=len(course_pairs)), quiet_line,
             _("With a meeting overdue: %(overdue)d", overdue=len(overdue))]
    return lines + [_("Quiet: %(mentor)s and %(mentee)s (%(cohort)s)", mentor=p.mentor.name, mentee=p.mentee.name,
                      cohort=p.cohort_name) for p in quiet[:20]]


def instructor_digest_notices(pairs: Iterable[QuietPair], now: datetime, days: int, zone: str = "UTC",
                              languages: Languages | None = None) -> list[Notice]:
    """The weekly digest to each instructor of a course with a running programme: its active pairs, the quiet
    ones (by each cohort's inactivity days, ``days`` when it sets none) and the overdue meetings. One per instructor, course and ISO week (of the day in ``zone``), so the first
    cron run of a week writes it. Each in the language of its reader (``languages``)."""
    moment = now.astimezone(timezone.utc)
    today = moment.astimezone(ZoneInfo(zone)).date()
    year, week, _weekday = today.isocalendar()
    week_name = f"{year}-W{week:02d}"
    by_course: dict[int, list[QuietPair]] = {}
    for pair in pairs:
        if _running(pair, today):
            by_course.setdefault(pair.course_id, []).append(pair)
    notices = []
    for course_id, course_pairs in sorted(by_course.items()):
        quiet = [p for p in course_pairs
                 if moment - p.since.astimezone(timezone.utc) >= timedelta(days=p.days_idle_allowed(days))]
        overdue = [p for p in course_pairs if p.overdue]
        allowed = {p.days_idle_allowed(days) for p in course_pairs}
        instructors = sorted({i for p in course_pairs for i in p.instructor_ids})
        for instructor in instructors:
            with in_language_of(languages, instructor):
                lines = _digest_lines(course_pairs, quiet, overdue, allowed)
                title = _("Your reverse mentoring programme this week:")
                text = f"{title}\n\n" + "\n".join(f"- {line}" for line in lines)
                html = (f"<p>{escape(title)}</p><ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines)
                        + "</ul>")
                subject = _("This week in your mentoring programme (%(week)s)", week=week_name)
            notices.append(Notice(instructor, "digest", f"week:{week_name}:course:{course_id}", subject, text,
                                  html, course_id))
    return notices


@dataclass(frozen=True)
class HeldNotice:
    """A single notice kept back from a person who chose the weekly digest (its outbox row, skipped)."""

    person_id: int
    subject: str
    body_text: str
    course_id: int | None
    created_at: datetime


LEARNER_DIGEST_LIMIT = 30  # notices gathered in one digest at most; the rest are counted


def iso_week(now: datetime, zone: str = "UTC") -> str:
    """The ISO week of the day ``now`` is in ``zone``, e.g. ``2027-W13``."""
    year, week, _weekday = now.astimezone(ZoneInfo(zone)).date().isocalendar()
    return f"{year}-W{week:02d}"


def week_start(moment: datetime, zone: str = "UTC") -> datetime:
    """Monday 00:00, in ``zone``, of the ISO week ``moment`` falls in there; in UTC (summer time taken into account)."""
    local = moment.astimezone(ZoneInfo(zone))
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, datetime.min.time(), tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def held_digest_notices(held: Iterable[HeldNotice], now: datetime, zone: str = "UTC",
                        languages: Languages | None = None) -> list[Notice]:
    """The weekly digest of a person who chose it: one mail gathering the notices kept back from them in the weeks
    before this one (``held``: those rows, oldest first; see ``mail_outbox.held_for_digest``), by the instructors'
    rule: once per ISO week of the day in ``zone``, written by the first cron run of the week. Nobody with nothing
    held gets a digest. Its frame is in the language of its reader (``languages``); the notices gathered are as
    they were written, in that person's language then."""
    week = iso_week(now, zone)
    by_person: dict[int, list[HeldNotice]] = {}
    for row in held:
        by_person.setdefault(row.person_id, []).append(row)
    notices = []
    for person_id, rows in sorted(by_person.items()):
        shown, rest = rows[:LEARNER_DIGEST_LIMIT], len(rows) - LEARNER_DIGEST_LIMIT
        with in_language_of(languages, person_id):
            more = ngettext("And %(num)d more: see your course.", "And %(num)d more: see your course.", rest)
            title = _("Your reverse mentoring notices of the past week:")
            text = (f"{title}\n\n" + "\n\n".join(f"* {r.subject}\n{r.body_text}" for r in shown)
                    + (f"\n\n{more}" if rest > 0 else ""))
            html = (f"<p>{escape(title)}</p>"
                    + "".join(f"<h3>{escape(r.subject)}</h3><p>{escape(r.body_text)}</p>" for r in shown)
                    + (f"<p>{escape(more)}</p>" if rest > 0 else ""))
            subject = _("Your week in reverse mentoring (%(week)s)", week=week)
        courses = {r.course_id for r in rows}
        notices.append(Notice(person_id, "digest", f"week:{week}:held", subject, text, html,
                              courses.pop() if len(courses) == 1 else None))
    return notices
