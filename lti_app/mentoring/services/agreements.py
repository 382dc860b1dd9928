"""The pair's agreement: either partner proposes or edits the terms, each writes their own expectations, both sign.

Both sign the same text: a change to the terms after one partner signed clears the signatures, and a
signature is refused when the agreement changed since the signer read it. Every function flushes, none commits.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.profile_fields import Channel
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.models.workspace import Agreement
from lti_app.mentoring.services import mail_notices
from lti_app.mentoring.services.pairs import PairSeat
from lti_app.mentoring.services.workspace_rules import check_fresh, check_open, clean_text, flush_fresh, stale_refusal
from lti_app.mentoring.domain.texts import N_, _

WHAT = "The agreement"
TERMS = ("channel", "cadence_days", "confidentiality", "no_role_switching")


@dataclass(frozen=True)
class AgreementTerms:
    """The terms as one partner submits them; ``expectations`` are that partner's own words."""

    channel: Channel
    cadence_days: int
    confidentiality: bool
    no_role_switching: bool
    expectations: str


def agreement_of(pair: Pair) -> Agreement | None:
    """The pair's agreement, or None before either partner proposed terms."""
    return db.session.scalar(select(Agreement).where(Agreement.pair_id == pair.id))


def proposed_terms(seat: PairSeat) -> AgreementTerms:
    """Terms to start from: a channel both partners chose (else the mentee's first), the cohort's cadence."""
    mine, theirs = seat.me.channels or [], seat.partner.channels or []
    mentee = seat.me if seat.role == "mentee" else seat.partner
    shared = [c for c in mine if c in theirs]
    channel = Channel((shared or mentee.channels or [Channel.VIDEO.value])[0])
    return AgreementTerms(channel, seat.pair.cohort.meeting_cadence_days, True, True, "")


def _check_terms(terms: AgreementTerms) -> str:
    if not 1 <= terms.cadence_days <= 92:
        raise InvalidInput(_("Meet at least every 92 days (and at most daily)."), field="cadence_days")
    return clean_text(terms.expectations, "expectations", N_("Write what you expect from your partnership."),
                      N_("Keep what you expect from your partnership under %(max)d characters."), required=False)


def _create(seat: PairSeat, terms: AgreementTerms, expectations: str) -> Agreement:
    agreement = Agreement(pair_id=seat.pair.id, **{name: getattr(terms, name) for name in TERMS},
                          mentor_expectations=expectations if seat.is_mentor else "",
                          mentee_expectations="" if seat.is_mentor else expectations)
    try:
        with db.session.begin_nested():
            db.session.add(agreement)
    except IntegrityError as raced:  # the partner proposed terms at the same moment
        raise InvalidInput(stale_refusal(WHAT)) from raced
    return agreement


def save_terms(seat: PairSeat, terms: AgreementTerms, version: int | None) -> Agreement:
    """Propose or change the terms (and the editor's own expectations); a change clears both signatures. Flushes."""
    check_open(seat.pair)
    expectations = _check_terms(terms)
    agreement = agreement_of(seat.pair)
    if agreement is None:
        if version is not None:
            raise InvalidInput(stale_refusal(WHAT))
        agreement = _create(seat, terms, expectations)
        db.session.flush()
        return agreement
    check_fresh(agreement, version, WHAT)
    wanted = {name: getattr(terms, name) for name in TERMS}
    wanted[f"{seat.role}_expectations"] = expectations
    changed = {name: value for name, value in wanted.items() if getattr(agreement, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(agreement, name, value)
        agreement.mentor_signed_at = agreement.mentee_signed_at = None
        agreement.updated_at = utcnow()
    flush_fresh(WHAT)
    return agreement


def sign_agreement(seat: PairSeat, version: int | None) -> Agreement:
    """Sign the terms as read at ``version``; both expectations must be written. Signing twice changes nothing."""
    check_open(seat.pair)
    agreement = agreement_of(seat.pair)
    if agreement is None:
        raise InvalidInput(_("There is nothing to sign yet: propose the terms first."))
    check_fresh(agreement, version, WHAT)
    if not agreement.expectations(seat.role):
        raise InvalidInput(_("Write what you expect from your partnership before you sign."), field="expectations")
    if not agreement.expectations("mentee" if seat.is_mentor else "mentor"):
        raise InvalidInput(_("%(name)s has not written their expectations yet: you both sign once both are written.",
                             name=seat.partner.person.display_name))
    if agreement.signed_at(seat.role) is None:
        setattr(agreement, f"{seat.role}_signed_at", utcnow())
        flush_fresh(WHAT)
        mail_notices.note_agreement_signed(seat, agreement)  # the partner who has not signed is told
    return agreement


def missing_steps(agreement: Agreement | None, seat: PairSeat) -> list[str]:
    """What stands between the pair and a signed agreement, addressed to the viewer."""
    partner = seat.partner.person.display_name
    if agreement is None:
        return [_("Propose the terms: channel, how often you meet, confidentiality and your expectations."),
                _("Both of you sign: you and %(partner)s.", partner=partner)]
    other = "mentee" if seat.is_mentor else "mentor"
    steps = []
    if not agreement.expectations(seat.role):
        steps.append(_("Write your expectations."))
    if not agreement.expectations(other):
        steps.append(_("%(partner)s writes their expectations.", partner=partner))
    if agreement.signed_at(seat.role) is None:
        steps.append(_("Sign the agreement."))
    if agreement.signed_at(other) is None:
        steps.append(_("%(partner)s signs the agreement.", partner=partner))
    return steps
