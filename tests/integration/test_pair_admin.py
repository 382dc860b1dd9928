"""Ending a pair, re-pairing a person through the matching engine (keeping its rules), starting and closing a cohort."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.lti.models import Platform
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.pair_feedback import FitAnswer
from lti_app.mentoring.domain.profile_fields import CareerStage
from lti_app.mentoring.errors import IllegalTransition, InvalidInput
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.feedback import PairEnding
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.services import pair_admin
from lti_app.mentoring.services.pairs import pair_for_partner
from tests.factories import make_person
from tests.factories_feedback import make_fit_check
from tests.factories_workspace import make_pair, make_running_cohort
from tests.integration.test_matching_services import make_mentee, make_mentor


@dataclass
class Programme:
    cohort: object
    mentors: list[Enrolment]
    mentees: list[Enrolment]
    pairs: list[Pair]
    teacher: object


@pytest.fixture
def programme(app):
    """Mentors m0..m2 (one place each; m1 offers more), mentees e0..e1; pairs m0-e0 and m2-e1; m1 is free."""
    cohort = make_running_cohort(mentor_capacity=1)
    mentors = [make_mentor(cohort), make_mentor(cohort, offered={"ai_tools": 5}), make_mentor(cohort)]
    mentees = [make_mentee(cohort), make_mentee(cohort)]
    pairs = [make_pair(cohort, mentor=mentors[0], mentee=mentees[0]), make_pair(cohort, mentor=mentors[2], mentee=mentees[1])]
    teacher = make_person(db.session.get(Platform, cohort.course.platform_id))
    return Programme(cohort, mentors, mentees, pairs, teacher)


def pair_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Pair))


def test_ending_a_pair_keeps_the_reason_and_lowers_its_flags(programme):
    pair = programme.pairs[0]
    flag = make_fit_check(pair, pair.mentee, FitAnswer.WANT_NEW_PARTNER)
    pair_admin.end_pair(pair, programme.teacher, "  The mentee asked for a new partner. ")
    assert pair.status is PairStatus.ENDED and pair.ended_at is not None and flag.handled_at is not None
    ending = db.session.scalar(select(PairEnding))
    assert (ending.pair_id, ending.person_id, ending.reason) == (pair.id, programme.teacher.id, "The mentee asked for a new partner.")
    seen = pair_for_partner(programme.cohort.course_id, pair.id, pair.mentor.person_id)
    assert seen.pair.status is PairStatus.ENDED  # both partners still reach it, as ended
    with pytest.raises(InvalidInput, match="already ended"):
        pair_admin.end_pair(pair, programme.teacher, "Again, by a colleague.")


def test_ending_needs_a_reason_and_writes_nothing_without_one(programme):
    with pytest.raises(InvalidInput) as refused:
        pair_admin.end_pair(programme.pairs[0], programme.teacher, " no ")
    assert refused.value.field == "reason" and programme.pairs[0].status is PairStatus.ACTIVE
    assert db.session.scalar(select(func.count()).select_from(PairEnding)) == 0


def test_a_person_is_re_paired_only_after_their_pair_ended(programme):
    options = pair_admin.repair_options(programme.cohort, programme.pairs[0], "mentee")
    assert "End this pair first" in options.refusal and options.candidates == []
    with pytest.raises(InvalidInput, match="End this pair first"):
        pair_admin.repair_person(programme.cohort, programme.pairs[0], "mentee")
    assert pair_count() == 2


def test_a_mentee_is_offered_mentors_with_room_who_pass_the_rules_never_a_past_partner(programme):
    m0, m1, m2 = programme.mentors
    m3 = make_mentor(programme.cohort)  # a fourth mentor, free, offering less than m1
    pair_admin.end_pair(programme.pairs[0], programme.teacher, "A new start for both.")
    options = pair_admin.repair_options(programme.cohort, programme.pairs[0], "mentee")
    assert [c.enrolment_id for c in options.candidates] == [m1.id, m3.id]  # not m0 (past partner), not m2 (full)
    assert options.candidates[0].score > options.candidates[1].score and options.candidates[0].explanation
    new = pair_admin.repair_person(programme.cohort, programme.pairs[0], "mentee")  # take the best
    assert (new.mentor_enrolment_id, new.mentee_enrolment_id, new.status) == (m1.id, programme.mentees[0].id, PairStatus.ACTIVE)
    assert new.published_at is not None and new.round == programme.pairs[0].round
    assert pair_for_partner(programme.cohort.course_id, new.id, programme.mentees[0].person_id).partner.id == m1.id


def test_re_pairing_with_a_past_partner_is_refused_and_writes_nothing(programme):
    pair_admin.end_pair(programme.pairs[0], programme.teacher, "A new start for both.")
    with pytest.raises(InvalidInput, match="were partners before"):
        pair_admin.repair_person(programme.cohort, programme.pairs[0], "mentee", programme.mentors[0].id)
    assert pair_count() == 2


def test_re_pairing_with_a_partner_who_breaks_a_rule_or_has_no_room_is_refused(programme):
    senior = make_mentor(programme.cohort, career_stage=CareerStage.EXECUTIVE, experience_years=35.0)
    pair_admin.end_pair(programme.pairs[0], programme.teacher, "A new start for both.")
    assert senior.id not in {c.enrolment_id for c in pair_admin.repair_options(programme.cohort, programme.pairs[0], "mentee").candidates}
    with pytest.raises(InvalidInput, match="the mentor is not less senior than the mentee") as refused:
        pair_admin.repair_person(programme.cohort, programme.pairs[0], "mentee", senior.id)
    assert refused.value.field == "partner"
    with pytest.raises(InvalidInput, match="no room left"):
        pair_admin.repair_person(programme.cohort, programme.pairs[0], "mentee", programme.mentors[2].id)
    with pytest.raises(InvalidInput, match="Choose someone from the list"):
        pair_admin.repair_person(programme.cohort, programme.pairs[0], "mentee", programme.mentees[1].id)
    assert pair_count() == 2


def test_a_mentor_is_offered_mentees_without_a_mentor_who_pass_the_rules(programme):
    e2 = make_mentee(programme.cohort)
    make_mentee(programme.cohort, languages=["fr"])  # no shared language: never offered
    pair_admin.end_pair(programme.pairs[0], programme.teacher, "The mentor changed team.")
    options = pair_admin.repair_options(programme.cohort, programme.pairs[0], "mentor")
    assert [c.enrolment_id for c in options.candidates] == [e2.id]  # not e0 (past), not e1 (has a mentor)
    new = pair_admin.repair_person(programme.cohort, programme.pairs[0], "mentor", e2.id)
    assert (new.mentor_enrolment_id, new.mentee_enrolment_id) == (programme.mentors[0].id, e2.id)


def test_a_partner_from_an_earlier_cohort_of_the_course_is_never_offered(programme):
    earlier = make_running_cohort(programme.cohort.course)
    m1, e0 = programme.mentors[1], programme.mentees[0]
    make_pair(earlier, mentor=make_mentor(earlier, person=m1.person), mentee=make_mentee(earlier, person=e0.person),
              status=PairStatus.ENDED)
    pair_admin.end_pair(programme.pairs[0], programme.teacher, "A new start for both.")
    options = pair_admin.repair_options(programme.cohort, programme.pairs[0], "mentee")
    assert m1.id not in {c.enrolment_id for c in options.candidates}
    with pytest.raises(InvalidInput, match="were partners before"):
        pair_admin.repair_person(programme.cohort, programme.pairs[0], "mentee", m1.id)


def test_closing_a_running_cohort_finishes_it_and_ends_every_active_pair(programme):
    pair_admin.end_pair(programme.pairs[0], programme.teacher, "Ended earlier.")
    ended = pair_admin.close_cohort(programme.cohort, programme.teacher)
    assert [p.id for p in ended] == [programme.pairs[1].id] and programme.cohort.state is CohortState.FINISHED
    assert {p.status for p in programme.pairs} == {PairStatus.ENDED}
    reasons = db.session.scalars(select(PairEnding.reason).order_by(PairEnding.id)).all()
    assert reasons == ["Ended earlier.", "The cohort was closed."]
    with pytest.raises(IllegalTransition):
        pair_admin.close_cohort(programme.cohort, programme.teacher)


def test_a_matched_cohort_starts_before_it_can_be_closed(app):
    cohort = make_running_cohort(state=CohortState.MATCHED)
    pair = make_pair(cohort)
    teacher = make_person(db.session.get(Platform, cohort.course.platform_id))
    with pytest.raises(IllegalTransition, match="finish"):
        pair_admin.close_cohort(cohort, teacher)
    assert pair.status is PairStatus.ACTIVE and cohort.state is CohortState.MATCHED
    pair_admin.start_programme(cohort)
    assert cohort.state is CohortState.RUNNING
    pair_admin.close_cohort(cohort, teacher)
    assert (cohort.state, pair.status) == (CohortState.FINISHED, PairStatus.ENDED)


def test_re_pairing_waits_for_a_matched_or_running_cohort(programme):
    pair_admin.end_pair(programme.pairs[0], programme.teacher, "A new start for both.")
    programme.cohort.state = CohortState.FINISHED
    assert "re-paired while the programme runs" in pair_admin.repair_options(programme.cohort, programme.pairs[0], "mentee").refusal
