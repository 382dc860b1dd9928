"""The agreement: proposed by either partner, each writes their expectations, both sign the same text."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.domain.profile_fields import Channel
from lti_app.mentoring.errors import InvalidInput
from lti_app.mentoring.models.pairing import PairStatus
from lti_app.mentoring.models.workspace import Agreement
from lti_app.mentoring.services import agreements
from lti_app.mentoring.services.agreements import AgreementTerms
from tests.factories_workspace import make_pair, seats


def terms(**overrides) -> AgreementTerms:
    fields = {"channel": Channel.VIDEO, "cadence_days": 14, "confidentiality": True, "no_role_switching": True,
              "expectations": "Weekly check-ins and honest feedback."}
    fields.update(overrides)
    return AgreementTerms(**fields)


@pytest.fixture
def pair(app):
    found = make_pair()
    db.session.commit()
    return found


def signed_by_both(pair):
    mentor, mentee = seats(pair)
    agreement = agreements.save_terms(mentor, terms(expectations="Patience with my questions."), None)
    agreements.save_terms(mentee, terms(expectations="Show me the tools you use."), agreement.version)
    agreements.sign_agreement(mentor, agreement.version)
    agreements.sign_agreement(mentee, agreement.version)
    db.session.commit()
    return agreement


def test_proposed_terms_start_from_a_channel_both_chose_and_the_cohorts_cadence(pair):
    mentor, _ = seats(pair)
    proposed = agreements.proposed_terms(mentor)
    assert (proposed.channel, proposed.cadence_days) == (Channel.CHAT, 14)  # video+chat and chat+in person share chat
    assert proposed.confidentiality and proposed.no_role_switching


def test_each_partner_writes_their_own_expectations_and_both_sign(pair):
    agreement = signed_by_both(pair)
    assert agreement.mentor_expectations == "Patience with my questions."
    assert agreement.mentee_expectations == "Show me the tools you use."
    assert agreement.fully_signed and agreements.missing_steps(agreement, seats(pair)[0]) == []


def test_until_both_signed_the_missing_steps_are_listed_for_the_viewer(pair):
    mentor, mentee = seats(pair)
    assert len(agreements.missing_steps(None, mentor)) == 2
    agreement = agreements.save_terms(mentor, terms(), None)
    steps = agreements.missing_steps(agreement, mentor)
    assert steps == [f"{mentee.me.person.display_name} writes their expectations.", "Sign the agreement.",
                     f"{mentee.me.person.display_name} signs the agreement."]


def test_changing_the_terms_after_one_signature_clears_it_so_both_sign_the_same_text(pair):
    mentor, mentee = seats(pair)
    agreement = signed_by_both(pair)
    agreements.save_terms(mentee, terms(expectations="Show me the tools you use.", cadence_days=7), agreement.version)
    assert (agreement.mentor_signed_at, agreement.mentee_signed_at, agreement.cadence_days) == (None, None, 7)


def test_saving_the_same_terms_keeps_the_signatures(pair):
    _, mentee = seats(pair)
    agreement = signed_by_both(pair)
    agreements.save_terms(mentee, terms(expectations="Show me the tools you use."), agreement.version)
    assert agreement.fully_signed


def test_a_stale_edit_is_refused_and_writes_nothing(pair):
    mentor, mentee = seats(pair)
    agreement = agreements.save_terms(mentor, terms(), None)
    read_at = agreement.version
    agreements.save_terms(mentee, terms(expectations="Mine."), read_at)
    db.session.commit()
    with pytest.raises(InvalidInput, match="changed since you opened this page"):
        agreements.save_terms(mentor, terms(cadence_days=28), read_at)
    db.session.rollback()
    assert db.session.get(Agreement, agreement.id).cadence_days == 14


def test_a_second_proposal_from_a_page_read_before_the_first_is_refused(pair):
    mentor, mentee = seats(pair)
    agreements.save_terms(mentor, terms(), None)
    with pytest.raises(InvalidInput, match="changed since you opened this page"):
        agreements.save_terms(mentee, terms(), None)
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == 1


def test_signing_needs_both_expectations_and_the_version_read(pair):
    mentor, mentee = seats(pair)
    agreement = agreements.save_terms(mentor, terms(), None)
    with pytest.raises(InvalidInput, match="has not written their expectations yet"):
        agreements.sign_agreement(mentor, agreement.version)
    with pytest.raises(InvalidInput, match="before you sign") as refused:
        agreements.sign_agreement(mentee, agreement.version)
    assert refused.value.field == "expectations"
    old = agreement.version
    agreements.save_terms(mentee, terms(expectations="Mine."), agreement.version)
    with pytest.raises(InvalidInput, match="changed since you opened this page"):
        agreements.sign_agreement(mentor, old)
    assert agreement.mentor_signed_at is None


def test_signing_twice_keeps_the_first_signature(pair):
    mentor, _ = seats(pair)
    agreement = signed_by_both(pair)
    first = agreement.mentor_signed_at
    agreements.sign_agreement(mentor, agreement.version)
    assert agreement.mentor_signed_at == first


def test_nothing_can_be_signed_before_terms_exist_or_changed_after_the_pair_ended(pair):
    mentor, _ = seats(pair)
    with pytest.raises(InvalidInput, match="propose the terms first"):
        agreements.sign_agreement(mentor, None)
    pair.status = PairStatus.ENDED
    with pytest.raises(InvalidInput, match="has ended"):
        agreements.save_terms(mentor, terms(), None)


@pytest.mark.parametrize(("overrides", "field"), [({"cadence_days": 0}, "cadence_days"), ({"cadence_days": 93}, "cadence_days"),
                                                  ({"expectations": "x" * 4001}, "expectations")])
def test_out_of_range_terms_are_refused_on_their_field(pair, overrides, field):
    with pytest.raises(InvalidInput) as refused:
        agreements.save_terms(seats(pair)[0], terms(**overrides), None)
    assert refused.value.field == field
    assert db.session.scalar(select(func.count()).select_from(Agreement)) == 0
