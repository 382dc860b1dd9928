"""What the self-select and mutual modes share: the cohort's mode, the check that choosing is open, a person's side.

Choosing happens while the cohort's enrolment is closed and its pairs are not yet published, and only in the mode
the instructor set. A participant's side (mentor or mentee) is the one ``matching.split_sides`` gives them.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.matching.settings import MatchMode
from lti_app.mentoring.domain.matching.types import Role
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.domain.texts import N_, _, ngettext
from lti_app.mentoring.errors import IllegalTransition, InvalidInput
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.matching_choice import MentorRequest, Ranking, RequestStatus
from lti_app.mentoring.services.matching.pairing import Sides, settings_of, split_sides
from lti_app.mentoring.services.matching.guards import check_no_busy_run
from lti_app.mentoring.services.paging import Page, page_of

MODE_WORDS = {MatchMode.OPTIMAL: N_("the matching engine"), MatchMode.SELF_SELECT: N_("mentees choosing their mentor"),
              MatchMode.MUTUAL: N_("mutual ranking")}  # msgids: translated where shown


def mode_of(cohort: Cohort) -> MatchMode:
    """How the cohort's pairs are made."""
    return settings_of(cohort).mode


def choosing_open(cohort: Cohort, mode: MatchMode) -> bool:
    """Whether participants choose in ``mode`` now: enrolment closed, pairs not published, the cohort in that mode."""
    return cohort.state is CohortState.ENROLMENT_CLOSED and mode_of(cohort) is mode


def check_choosing(cohort: Cohort, mode: MatchMode) -> None:
    """IllegalTransition unless participants choose in ``mode`` now, saying why not."""
    if cohort.state.matching_inputs_locked:
        raise IllegalTransition(_("The pairs of this cohort are published; choices no longer change them."))
    if cohort.state is not CohortState.ENROLMENT_CLOSED:
        raise IllegalTransition(_("Choosing starts when enrolment has closed."))
    if mode_of(cohort) is not mode:
        raise IllegalTransition(_("In this cohort pairs are made by %(current)s, not by %(wanted)s.",
                                  current=_(MODE_WORDS[mode_of(cohort)]), wanted=_(MODE_WORDS[mode])))


def side_in(sides: Sides, enrolment: Enrolment) -> Role | None:
    """The side ``enrolment`` is on among ``sides``; None when it is not an active participant."""
    if any(e.id == enrolment.id for e in sides.mentors):
        return Role.MENTOR
    if any(e.id == enrolment.id for e in sides.mentees):
        return Role.MENTEE
    return None


def check_side(sides: Sides, enrolment: Enrolment, wanted: Role | None = None) -> Role:
    """The participant's side; InvalidInput when they are not active or not on the ``wanted`` side."""
    side = side_in(sides, enrolment)
    if side is None:
        raise InvalidInput(_("Only active participants of this cohort choose partners."))
    if wanted is not None and side is not wanted:
        raise InvalidInput(_("This page is for mentors; in this cohort you are a mentee.") if wanted is Role.MENTOR
                           else _("This page is for mentees; in this cohort you are a mentor."))
    return side


def side_of(cohort: Cohort, enrolment: Enrolment) -> Role | None:
    """The participant's side in the cohort (without building profiles); None unless active."""
    if not enrolment.is_active:
        return None
    people = list(db.session.scalars(select(Enrolment).where(
        Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED)))
    mentors = split_sides(people, cohort.mentors_per_mentee)[0]
    return Role.MENTOR if enrolment in mentors else Role.MENTEE


def check_settings_change(cohort: Cohort, wanted: MatchMode) -> None:
    """The matching settings may be saved in every state before the cohort finishes (they only matter when a draft
    is made), but the mode may not change under choices participants already made, nor after the first publish.
    The refusal names the mode field."""
    if cohort.state is CohortState.FINISHED:
        raise IllegalTransition(_("This cohort is finished: its matching settings no longer change."))
    check_no_busy_run(cohort)
    current = mode_of(cohort)
    if wanted is current:
        return
    if cohort.state.matching_inputs_locked:
        raise InvalidInput(_("How pairs are made is locked: the pairs of this cohort were made by %(mode)s and are "
                             "published.", mode=_(MODE_WORDS[current])), field="mode")
    made = choices_made(cohort)
    if made:
        raise InvalidInput(ngettext("How pairs are made is locked: participants already made %(num)d choice (requests "
                                    "or rankings) under %(mode)s. The other settings can still change.",
                                    "How pairs are made is locked: participants already made %(num)d choices "
                                    "(requests or rankings) under %(mode)s. The other settings can still change.",
                                    made, mode=_(MODE_WORDS[current])), field="mode")


def choices_made(cohort: Cohort) -> int:
    """How many mentor requests and rankings the cohort's participants have made (two counts, one query)."""
    requests = select(func.count()).select_from(MentorRequest).where(MentorRequest.cohort_id == cohort.id)
    rankings = select(func.count()).select_from(Ranking).where(Ranking.cohort_id == cohort.id)
    return int(db.session.scalar(select(requests.scalar_subquery() + rankings.scalar_subquery())) or 0)


PAIRING_NOTES = {  # (mode, enrolment still open, side or None): how this participant gets a partner
    (MatchMode.OPTIMAL, True, None): N_("Your instructor will pair you after enrolment closes; until then you can "
                                     "change your profile."),
    (MatchMode.OPTIMAL, False, None): N_("Enrolment is closed: your instructor is making the pairs. You can change your "
                                      "profile until they are published."),
    (MatchMode.SELF_SELECT, True, None): N_("When enrolment closes, mentees choose their mentor from the mentors on offer "
                                         "and mentors answer their requests; until then you can change your profile."),
    (MatchMode.SELF_SELECT, False, Role.MENTEE): N_("Enrolment is closed: choose your mentor now (below). Your instructor "
                                                 "publishes the pairs once mentees have chosen."),
    (MatchMode.SELF_SELECT, False, Role.MENTOR): N_("Enrolment is closed: mentees are choosing their mentors; answer "
                                                 "their requests (below). Your instructor publishes the pairs."),
    (MatchMode.MUTUAL, True, None): N_("When enrolment closes you rank the partners you would like; your instructor then "
                                    "makes the pairs from everyone's rankings."),
    (MatchMode.MUTUAL, False, None): N_("Enrolment is closed: rank the partners you would like (below); your instructor "
                                     "then makes the pairs from everyone's rankings."),
}


@dataclass(frozen=True)
class PartnerWay:
    """How this participant gets a partner now: the sentence for their page (None once pairs are out) and the
    choosing pages open to them ("choose", "requests" or "rank")."""

    note: str | None
    entries: list[str]


def partner_way(cohort: Cohort, enrolment: Enrolment) -> PartnerWay:
    """The participant's way to a partner in the cohort's mode and state. Their side (which reads the cohort's
    enrolments) is worked out at most once, and only in self-select after enrolment closes, where it matters."""
    if not enrolment.is_active:
        return PartnerWay(None, [])
    mode, state = mode_of(cohort), cohort.state
    still_open = state is CohortState.ENROLMENT_OPEN
    side = side_of(cohort, enrolment) if mode is MatchMode.SELF_SELECT and state is CohortState.ENROLMENT_CLOSED \
        else None
    note = _(PAIRING_NOTES[(mode, still_open, None if still_open else side)]) if state.profiles_editable else None
    entries: list[str] = []
    if state is CohortState.ENROLMENT_CLOSED and mode is MatchMode.MUTUAL:
        entries = ["rank"]
    elif state is CohortState.ENROLMENT_CLOSED and mode is MatchMode.SELF_SELECT:
        entries = ["requests" if side is Role.MENTOR else "choose"]
    return PartnerWay(note, entries)


def waiting_for(enrolment_ids: list[int]) -> dict[int, int]:
    """Mentor enrolment id → how many mentees' requests wait for their answer (one query for all of them)."""
    if not enrolment_ids:
        return {}
    return dict(db.session.execute(select(MentorRequest.mentor_enrolment_id, func.count()).where(
        MentorRequest.mentor_enrolment_id.in_(enrolment_ids), MentorRequest.status == RequestStatus.REQUESTED)
        .group_by(MentorRequest.mentor_enrolment_id)).all())


def request_counts(cohort: Cohort) -> dict[RequestStatus, int]:
    """How many of the cohort's requests are in each state (every state present, 0 when none), in one query."""
    rows = db.session.execute(select(MentorRequest.status, func.count()).where(MentorRequest.cohort_id == cohort.id)
                              .group_by(MentorRequest.status))
    return {status: 0 for status in RequestStatus} | {status: n for status, n in rows}


def requests_page(cohort: Cohort, number: int | None) -> Page[MentorRequest]:
    """One page of the cohort's requests, newest first, each with both people (for the instructor)."""
    return page_of(select(MentorRequest).where(MentorRequest.cohort_id == cohort.id).options(
        joinedload(MentorRequest.mentee).joinedload(Enrolment.person),
        joinedload(MentorRequest.mentor).joinedload(Enrolment.person)).order_by(MentorRequest.id.desc()), number)
