"""Self-select mode, the mentor's side: the requests waiting for them, accepting and declining (see ``self_select``).

Every function flushes, none commits. An answer is given under a lock on the mentor, to the version of the request
the page showed; when an acceptance fills the mentor's places their other open requests are declined, saying so.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.matching.engine import explain_pair, score_matrix
from lti_app.mentoring.domain.matching.settings import MatchMode
from lti_app.mentoring.domain.matching.types import Role
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.matching_choice import MentorRequest, RequestStatus
from lti_app.mentoring.services.matching.pairing import settings_of, sides_of
from lti_app.mentoring.services.matching.edits import pair_by_hand
from lti_app.mentoring.services.matching.modes import check_choosing, check_side
from lti_app.mentoring.services.self_select import Draft, flush_or_refuse, mentee_places, request_of, requests_where
from lti_app.mentoring.domain.texts import N_, _

FULL_NOTE = N_("The mentor's places filled up before they answered.")  # kept in the row: English, translated when shown


@dataclass(frozen=True)
class Incoming:
    """A request as its mentor sees it: the mentee's name and why they fit, in the mentor's words."""

    request: MentorRequest
    name: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class MentorInbox:
    """A mentor's requests (open ones first) and places left."""

    requests: list[Incoming]
    places_left: int


def mentor_inbox(cohort: Cohort, mentor: Enrolment) -> MentorInbox:
    """A mentor's requests (open first, withdrawn ones left out), each mentee explained to the mentor."""
    check_choosing(cohort, MatchMode.SELF_SELECT)
    sides = sides_of(cohort)
    check_side(sides, mentor, Role.MENTOR)
    settings, me = settings_of(cohort), sides.profiles[mentor.id]
    found = []
    answerable = MentorRequest.status != RequestStatus.WITHDRAWN
    for request in requests_where(MentorRequest.mentor_enrolment_id == mentor.id, answerable):
        if (mentee := sides.profiles.get(request.mentee_enrolment_id)) is None:
            continue  # the mentee has left the cohort
        _, explanation = explain_pair(me, mentee, settings, viewer="mentor", names=sides.names, labels=sides.labels)
        found.append(Incoming(request, sides.names[mentee.id], tuple(c.sentence for c in explanation)))
    found.sort(key=lambda i: not i.request.is_open)
    return MentorInbox(found, max(me.capacity - Draft.of(cohort).per_mentor[mentor.id], 0))


def _answerable(cohort: Cohort, mentor: Enrolment, request_id: int, version: int | None,
                answered: RequestStatus) -> MentorRequest:
    """The request read afresh under a lock on its mentor; refused unless open and at the version the page showed.

    A request already ``answered`` that way (a double submit) comes back as it is.
    """
    db.session.scalar(select(Enrolment).where(Enrolment.id == mentor.id).with_for_update()
                      .execution_options(populate_existing=True))  # one answer of this mentor at a time
    found = request_of(cohort, request_id, mentor=mentor)
    db.session.refresh(found)  # as committed by now, not as first read
    name = found.mentee.person.display_name
    if found.status is answered:
        return found
    if found.status is RequestStatus.WITHDRAWN:
        raise InvalidInput(_("%(name)s withdrew this request before you answered; nothing was changed.", name=name))
    if not found.is_open:
        if found.status is RequestStatus.ACCEPTED:
            raise InvalidInput(_("You already accepted this request; nothing was changed."))
        raise InvalidInput(_("You already declined this request; nothing was changed."))
    if version is not None and found.version != version:
        raise InvalidInput(_("%(name)s's request changed since you opened the page: look at it again, then answer.",
                             name=name))
    return found


def accept_request(cohort: Cohort, mentor: Enrolment, request_id: int, version: int | None = None) -> MentorRequest:
    """Accept a request: the pair joins the draft, pinned; accepting twice is harmless. Flushes."""
    check_choosing(cohort, MatchMode.SELF_SELECT)
    found = _answerable(cohort, mentor, request_id, version, RequestStatus.ACCEPTED)
    if found.status is RequestStatus.ACCEPTED:
        return found
    sides, draft, mentee = sides_of(cohort), Draft.of(cohort), found.mentee
    check_side(sides, mentor, Role.MENTOR)
    capacity = sides.profiles[mentor.id].capacity
    if draft.per_mentor[mentor.id] >= capacity:
        raise InvalidInput(_("All your places are taken, so you cannot accept more mentees."))
    if mentee.id not in sides.profiles or not mentee_places(cohort, mentee, draft):
        raise InvalidInput(_("%(name)s no longer needs a mentor here; this request cannot be accepted.",
                             name=mentee.person.display_name))
    if not score_matrix([sides.profiles[mentor.id]], [sides.profiles[mentee.id]], settings_of(cohort)).eligible[0, 0]:
        raise InvalidInput(_("This pair no longer fits the cohort's rules; your instructor can tell you more."))
    found.status, found.answered_at = RequestStatus.ACCEPTED, utcnow()
    flush_or_refuse()  # before the pair: a request withdrawn meanwhile makes none
    pair_by_hand(cohort, mentor, mentee)
    if draft.per_mentor[mentor.id] + 1 >= capacity:
        _close_openrequests_where(mentor, FULL_NOTE)
    return found


def _close_openrequests_where(mentor: Enrolment, note: str) -> None:
    """Decline the mentor's other open requests, saying why (one statement: a request withdrawn meanwhile is skipped)."""
    db.session.execute(
        update(MentorRequest).where(MentorRequest.mentor_enrolment_id == mentor.id,
                                    MentorRequest.status == RequestStatus.REQUESTED)
        .values(status=RequestStatus.DECLINED, note=note, answered_at=utcnow(), version=MentorRequest.version + 1)
        .execution_options(synchronize_session=False))
    for loaded in list(db.session.identity_map.values()):  # read them afresh when next used
        if isinstance(loaded, MentorRequest) and loaded.mentor_enrolment_id == mentor.id:
            db.session.expire(loaded)


def decline_request(cohort: Cohort, mentor: Enrolment, request_id: int, version: int | None = None) -> MentorRequest:
    """Decline a request; the mentee may ask someone else (declining twice is harmless). Flushes."""
    check_choosing(cohort, MatchMode.SELF_SELECT)
    found = _answerable(cohort, mentor, request_id, version, RequestStatus.DECLINED)
    if found.is_open:
        found.status, found.answered_at = RequestStatus.DECLINED, utcnow()
        flush_or_refuse()
    return found
