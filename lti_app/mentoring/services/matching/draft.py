"""The matching page's draft one page at a time: filters, the totals, who is left unpaired, choosing people.

A draft of 5,000 pairs is never shown whole: the page lists 50 pairs (or 50 unpaired people) matching the
instructor's filters, with the totals of the whole draft. Everything here is read in a number of queries that
does not depend on the cohort's size (the pairs of a page with their people in one query). Nothing is written.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from lti_app.extensions import db
from lti_app.mentoring.domain.matching.types import Proposal, Role, Unmatched
from lti_app.mentoring.domain.texts import N_, _
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services.matching.pairing import Sides, current_proposal, shown_explanation, shown_status
from lti_app.mentoring.services.paging import Page, page_of, page_of_list
from lti_app.mentoring.services.participants import person_matches

SHOWS = {"all": N_("All pairs"), "pinned": N_("Pinned pairs"), "below": N_("Pairs scoring below"),
         "unmatched": N_("People not paired")}  # labels as msgids: translated where shown (``shown_filters``)
LISTED = 50  # people offered in each "pair by hand" list: enough to pick from, never the whole cohort
SEARCH_LENGTH = 100


@dataclass(frozen=True)
class DraftFilter:
    """Which rows of the draft the page lists: what to show, a score bound, a name to search."""

    show: str = "all"
    below: float | None = None
    q: str = ""

    @classmethod
    def parse(cls, show: str | None, below: str | None, q: str | None) -> DraftFilter:
        """Filters from the query string; anything unreadable falls back to no filter rather than an error."""
        try:
            bound = float(below) if below else None
        except ValueError:
            bound = None
        bound = bound if bound is not None and math.isfinite(bound) else None
        show = show if show in SHOWS else "all"
        return cls(show, bound, " ".join((q or "").split())[:SEARCH_LENGTH])


@dataclass(frozen=True)
class DraftPage:
    """What the matching page shows: the pairs' status, the whole draft's totals and reasons, one page of rows."""

    status: PairStatus | None  # PROPOSED: a draft; ACTIVE: the published pairs; None: no pairs
    proposal: Proposal
    page: Page  # of Pair, or of Unmatched when filters.show is "unmatched"
    filters: DraftFilter
    names: dict[int, str]
    hand_mentors: list[tuple[int, str]]
    hand_mentees: list[tuple[int, str]]

    @property
    def hand_limit(self) -> int:
        """At most this many people of each side are offered in the "pair by hand" lists."""
        return LISTED

    @property
    def has_draft(self) -> bool:
        """Whether the pairs shown are a draft the instructor can still change."""
        return self.status is PairStatus.PROPOSED


def _named(cohort: Cohort, q: str):
    """Ids of the cohort's enrolments whose person's name or e-mail contains ``q`` (a subquery)."""
    return select(Enrolment.id).join(Person, Enrolment.person_id == Person.id).where(
        Enrolment.cohort_id == cohort.id, person_matches(q))


def pairs_page(cohort: Cohort, status: PairStatus, filters: DraftFilter, number: int | None) -> Page[Pair]:
    """One page of the cohort's pairs of ``status`` under the filters, each with both people (two queries)."""
    statement = select(Pair).where(Pair.cohort_id == cohort.id, Pair.status == status)
    if filters.show == "pinned":
        statement = statement.where(Pair.pinned.is_(True))
    if filters.show == "below" and filters.below is not None:
        statement = statement.where(Pair.score < filters.below)
    if filters.q:
        named = _named(cohort, filters.q)
        statement = statement.where(or_(Pair.mentor_enrolment_id.in_(named), Pair.mentee_enrolment_id.in_(named)))
    statement = statement.options(joinedload(Pair.mentor).joinedload(Enrolment.person),
                                  joinedload(Pair.mentee).joinedload(Enrolment.person))
    page = page_of(statement.order_by(Pair.mentee_enrolment_id, Pair.mentor_enrolment_id), number)
    for pair in page.items:  # the stored explanation, written in the reader's language (as loaded: nothing to save)
        set_committed_value(pair, "explanation", shown_explanation(pair.explanation))
    return page


def unmatched_page(cohort: Cohort, proposal: Proposal, filters: DraftFilter, number: int | None) -> Page[Unmatched]:
    """One page of the people left unpaired (mentors first), those whose name contains the search if any."""
    found = list(proposal.unmatched)
    if filters.q:
        named = set(db.session.scalars(_named(cohort, filters.q)))
        found = [u for u in found if u.person_id in named]
    return page_of_list(found, number)


def names_of(ids: Iterable[int]) -> dict[int, str]:
    """Enrolment id → the person's display name, for these few enrolments (one query)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = db.session.execute(select(Enrolment.id, Person.name, Person.given_name, Person.family_name, Person.email)
                              .join(Person, Enrolment.person_id == Person.id).where(Enrolment.id.in_(wanted)))
    return {row.id: Person.display_name.fget(row) for row in rows}


def _hand_choices(proposal: Proposal, role: Role) -> list[int]:
    """The first LISTED unpaired people of one side (those a pair by hand is most often for)."""
    return [u.person_id for u in proposal.unmatched if u.role is role][:LISTED]


def draft_page(cohort: Cohort, filters: DraftFilter, number: int | None) -> DraftPage:
    """The matching page's content for these filters and page number (its profiles only built when the draft's
    reasons are not kept already)."""
    status = shown_status(cohort)
    proposal = current_proposal(cohort)[1]
    if filters.show == "unmatched":
        page = unmatched_page(cohort, proposal, filters, number)
    elif status is None:
        page = page_of_list([], number)
    else:
        page = pairs_page(cohort, status, filters, number)
    mentors, mentees = _hand_choices(proposal, Role.MENTOR), _hand_choices(proposal, Role.MENTEE)
    shown = [u.person_id for u in page.items] if filters.show == "unmatched" else []
    names = names_of([*mentors, *mentees, *shown])
    by_name = lambda ids: sorted(((i, names[i]) for i in ids if i in names), key=lambda c: (c[1].casefold(), c[0]))  # noqa: E731
    return DraftPage(status, proposal, page, filters, names, by_name(mentors), by_name(mentees))


def shown_filters() -> dict[str, str]:
    """The "show" filter's choices, labelled in the reader's language."""
    return {value: _(label) for value, label in SHOWS.items()}


def active_count(cohort: Cohort) -> int:
    """How many pairs of the published round meet now."""
    return db.session.scalar(select(func.count()).select_from(Pair).where(
        Pair.cohort_id == cohort.id, Pair.status == PairStatus.ACTIVE)) or 0


def chosen_person(sides: Sides, role: Role, text: str | None) -> int:
    """The enrolment id the instructor typed for one side: an id, "Name #id" (as the list offers), or a name that
    only one person of that side has; InvalidInput naming the side otherwise."""
    side = sides.mentors if role is Role.MENTOR else sides.mentees
    ids = {e.id for e in side}
    text = (text or "").strip()
    if found := re.fullmatch(r"(?:.*#)?\s*(\d{1,12})", text):
        if int(found.group(1)) in ids:
            return int(found.group(1))
    else:
        named = [i for i in ids if sides.names[i].casefold() == text.casefold()]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise InvalidInput(_("Several mentors are called %(name)s: choose one from the list (with its #number).",
                                 name=text) if role is Role.MENTOR else
                               _("Several mentees are called %(name)s: choose one from the list (with its #number).",
                                 name=text))
    raise InvalidInput(_("Choose a mentor of this cohort from the list, or type their name.") if role is Role.MENTOR
                       else _("Choose a mentee of this cohort from the list, or type their name."))
