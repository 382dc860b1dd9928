"""Self-select mode: a mentee requests a mentor who fits them (the mentor's answers: ``self_select_answers``).

Every function flushes, none commits.

The rules (where the issue was silent, these are this module's choices):
- A mentee is offered the mentors who pass the cohort's hard rules and minimum score with them and have a place
  left, best score first. A mentor's places are their capacity (always, in this mode: the mentor said how many
  mentees they take); each pinned pair of the draft takes one: an accepted request, or the instructor's own pin.
  Unpinned pairs of an engine run are only a proposal: an acceptance replaces them.
- A mentee has at most ``mentors_per_mentee`` mentors (pinned pairs) plus ONE open request at a time: they ask
  again after an answer or after withdrawing. A declined request cannot be made again to that mentor; a withdrawn one
  can. Only an open request can be withdrawn.
- Accepting makes the pair a pinned proposed pair of the draft (``matching_edits.pair_by_hand``: score and
  explanation as an engine run stores them, the pin kept in the settings), so the instructor sees it, may run the
  engine for the rest and publishes as usual. When an acceptance fills the mentor's places, their other open
  requests are declined with a note saying so.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.matching.engine import rank_mentors_for
from lti_app.mentoring.domain.matching.settings import MatchMode
from lti_app.mentoring.domain.matching.types import RankedMentor, Role
from lti_app.mentoring.errors import InvalidInput, NotFound
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.matching_choice import MESSAGE_LENGTH, MentorRequest, RequestStatus
from lti_app.mentoring.services.matching.pairing import Sides, pinned_keys, settings_of, sides_of
from lti_app.mentoring.services.matching.modes import check_choosing, check_side
from lti_app.mentoring.services.paging import Page, clamp_page
from lti_app.mentoring.domain.texts import _

OFFERS_PER_PAGE = 10  # mentors a mentee reads at once, each with why they fit


@dataclass(frozen=True)
class Offer:
    """A mentor the mentee may request, best fit first, with why in the mentee's words and any request made."""

    mentor_id: int
    name: str
    sentences: tuple[str, ...]
    request: MentorRequest | None


@dataclass(frozen=True)
class MenteeChoices:
    """What a mentee's page shows: one page of the mentors on offer, their own requests (newest first), places left."""

    page: Page[Offer]
    requests: list[MentorRequest]
    places_left: int

    @property
    def offers(self) -> list[Offer]:
        """The mentors on offer on this page, best fit first."""
        return self.page.items

    @property
    def open_request(self) -> MentorRequest | None:
        """The request waiting for an answer, if any."""
        return next((r for r in self.requests if r.is_open), None)


@dataclass(frozen=True)
class Draft:
    """The pinned pairs of the cohort's draft, counted per mentor and per mentee."""

    pairs: frozenset[tuple[int, int]]
    per_mentor: Counter
    per_mentee: Counter

    @classmethod
    def of(cls, cohort: Cohort) -> Draft:
        """Read the cohort's pinned proposed pairs."""
        pairs = pinned_keys(cohort)
        return cls(frozenset(pairs), Counter(m for m, _ in pairs), Counter(e for _, e in pairs))


def _offers(cohort: Cohort, sides: Sides, mentee: Enrolment, draft: Draft, explain: slice) -> list[RankedMentor]:
    """Mentors passing the rules and the minimum score with the mentee, with a place left, not already theirs
    (only the ranks in ``explain`` are explained)."""
    mentors = sides.of(sides.mentors)
    full = {p.id for p in mentors if draft.per_mentor[p.id] >= p.capacity}
    theirs = {mentor for mentor, pair_mentee in draft.pairs if pair_mentee == mentee.id}
    return list(rank_mentors_for(sides.profiles[mentee.id], mentors, settings_of(cohort), taken=draft.per_mentor,
                                 names=sides.names, labels=sides.labels, exclude=full | theirs, explain=explain))


def requests_where(*where) -> list[MentorRequest]:
    """The requests matching ``where``, newest first."""
    return list(db.session.scalars(select(MentorRequest).where(*where).order_by(MentorRequest.id.desc())))


def _between(mentee_id: int, mentor_id: int) -> MentorRequest | None:
    return db.session.scalar(select(MentorRequest).where(
        MentorRequest.mentee_enrolment_id == mentee_id, MentorRequest.mentor_enrolment_id == mentor_id))


def mentee_places(cohort: Cohort, mentee: Enrolment, draft: Draft) -> int:
    """How many more mentors this mentee may have in the draft."""
    return max(cohort.mentors_per_mentee - draft.per_mentee[mentee.id], 0)


def _window(number: int) -> slice:
    """The ranks shown on page ``number`` of a mentee's offers."""
    return slice((number - 1) * OFFERS_PER_PAGE, number * OFFERS_PER_PAGE)


def mentee_choices(cohort: Cohort, mentee: Enrolment, page: int | None = 1) -> MenteeChoices:
    """One page of the mentors a mentee may request (best fit first, explained to them) and the mentee's requests."""
    check_choosing(cohort, MatchMode.SELF_SELECT)
    sides = sides_of(cohort)
    check_side(sides, mentee, Role.MENTEE)
    draft, mine = Draft.of(cohort), requests_where(MentorRequest.mentee_enrolment_id == mentee.id)
    by_mentor = {r.mentor_enrolment_id: r for r in mine}
    left, number = mentee_places(cohort, mentee, draft), page or 1
    ranked = _offers(cohort, sides, mentee, draft, _window(number)) if left else []
    if clamp_page(number, len(ranked), OFFERS_PER_PAGE) != number:  # a page past the end shows the last one
        number = clamp_page(number, len(ranked), OFFERS_PER_PAGE)
        ranked = _offers(cohort, sides, mentee, draft, _window(number)) if ranked else []
    offers = [Offer(r.mentor_id, sides.names[r.mentor_id], tuple(c.sentence for c in r.explanation),
                    by_mentor.get(r.mentor_id)) for r in ranked[_window(number)]]
    return MenteeChoices(Page(offers, len(ranked), number, OFFERS_PER_PAGE), mine, left)


def _check_new_request(cohort: Cohort, sides: Sides, mentee: Enrolment, mentor_id: int) -> None:
    """InvalidInput when the mentee may not ask this mentor now."""
    is_open = MentorRequest.status == RequestStatus.REQUESTED
    if waiting := requests_where(MentorRequest.mentee_enrolment_id == mentee.id, is_open):
        raise InvalidInput(_("You already asked %(name)s: wait for their answer, or withdraw that request first.",
                             name=waiting[0].mentor.person.display_name))
    draft = Draft.of(cohort)
    if not mentee_places(cohort, mentee, draft):
        raise InvalidInput(_("You already have as many mentors as this cohort allows."))
    if mentor_id not in {r.mentor_id for r in _offers(cohort, sides, mentee, draft, explain=slice(0, 0))}:
        raise InvalidInput(_("This mentor is not available to you: their places are taken, or the pair does not fit "
                           "the cohort's rules."))


def request_mentor(cohort: Cohort, mentee: Enrolment, mentor_id: int, message: str = "") -> MentorRequest:
    """Ask a mentor on offer to mentor this mentee; asking again (a double submit) returns the same request. Flushes."""
    check_choosing(cohort, MatchMode.SELF_SELECT)
    sides = sides_of(cohort)
    check_side(sides, mentee, Role.MENTEE)
    message = (message or "").strip()
    if len(message) > MESSAGE_LENGTH:
        raise InvalidInput(_("Keep the message under %(max)d characters.", max=MESSAGE_LENGTH), field="message")
    existing = _between(mentee.id, mentor_id)
    if existing is not None and existing.status in (RequestStatus.REQUESTED, RequestStatus.ACCEPTED):
        return existing
    if existing is not None and existing.status is RequestStatus.DECLINED:
        raise InvalidInput(_("%(name)s declined your request; choose another mentor.",
                             name=existing.mentor.person.display_name))
    _check_new_request(cohort, sides, mentee, mentor_id)
    return _open(existing, cohort_id=cohort.id, mentee_enrolment_id=mentee.id, mentor_enrolment_id=mentor_id,
                 message=message)


def _open(request: MentorRequest | None, **fields) -> MentorRequest:
    """Write the open request (a new row, or a withdrawn one opened again) inside a savepoint: when a concurrent
    submit won the race, the database refuses the second and the winner (to this mentor) is the answer."""
    try:
        with db.session.begin_nested():
            if request is None:
                request = MentorRequest(**fields)
                db.session.add(request)
            else:
                request.status, request.message, request.note = RequestStatus.REQUESTED, fields["message"], None
                request.requested_at, request.answered_at = utcnow(), None
    except IntegrityError:
        winner = _between(fields["mentee_enrolment_id"], fields["mentor_enrolment_id"])
        if winner is not None and winner.status in (RequestStatus.REQUESTED, RequestStatus.ACCEPTED):
            return winner
        raise InvalidInput(_("You already have an open request: wait for its answer, or withdraw it first.")) from None
    return request


def request_of(cohort: Cohort, request_id: int, **who: Enrolment) -> MentorRequest:
    """The cohort's request ``request_id`` of this mentee or to this mentor; NotFound for anyone else's."""
    found = db.session.get(MentorRequest, request_id)
    if found is None or found.cohort_id != cohort.id or any(
            getattr(found, f"{role}_enrolment_id") != e.id for role, e in who.items()):
        raise NotFound(_("There is no such request of yours in this cohort."))
    return found


def withdraw_request(cohort: Cohort, mentee: Enrolment, request_id: int) -> MentorRequest:
    """Take back an open request (withdrawing twice is harmless). Flushes."""
    check_choosing(cohort, MatchMode.SELF_SELECT)
    found = request_of(cohort, request_id, mentee=mentee)
    if found.status is RequestStatus.WITHDRAWN:
        return found
    if not found.is_open:
        if found.status is RequestStatus.ACCEPTED:
            raise InvalidInput(_("%(name)s already answered this request (accepted); it can no longer be withdrawn.",
                                 name=found.mentor.person.display_name))
        raise InvalidInput(_("%(name)s already answered this request (declined); it can no longer be withdrawn.",
                             name=found.mentor.person.display_name))
    found.status = RequestStatus.WITHDRAWN
    flush_or_refuse()
    return found


def flush_or_refuse() -> None:
    """Flush; a request changed by someone else meanwhile (its version moved on) is refused, nothing overwritten."""
    try:
        db.session.flush()
    except StaleDataError:
        raise InvalidInput(_("This request changed at the same moment (an answer or a withdrawal): "
                           "look at it again.")) from None


def cohortrequests_where(cohort: Cohort) -> list[MentorRequest]:
    """Every request of the cohort, newest first (for the instructor: who asked whom, and the answer)."""
    return requests_where(MentorRequest.cohort_id == cohort.id)
