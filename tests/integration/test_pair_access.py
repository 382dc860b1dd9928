"""A pair is reached by its two partners and its course's staff only; every other id is NotFound."""
from __future__ import annotations

import pytest

from lti_app.extensions import db
from lti_app.lti.models import Platform
from lti_app.mentoring.errors import NotFound
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.services import pairs
from tests.factories import make_cohort, make_course, make_enrolment, make_person, make_platform


@pytest.fixture
def pair(app):
    platform = make_platform()
    cohort = make_cohort(make_course(platform))
    mentor = make_enrolment(cohort, make_person(platform), role_wanted="mentor", capacity=1)
    mentee = make_enrolment(cohort, make_person(platform), role_wanted="mentee")
    found = Pair(cohort_id=cohort.id, mentor_enrolment_id=mentor.id, mentee_enrolment_id=mentee.id, score=1.0,
                 status=PairStatus.ACTIVE)
    db.session.add(found)
    db.session.commit()
    return found


def test_each_partner_sees_the_pair_from_their_own_side(pair):
    course_id = pair.cohort.course_id
    as_mentor = pairs.pair_for_partner(course_id, pair.id, pair.mentor.person_id)
    as_mentee = pairs.pair_for_partner(course_id, pair.id, pair.mentee.person_id)
    assert (as_mentor.role, as_mentor.partner.id) == ("mentor", pair.mentee.id)
    assert (as_mentee.role, as_mentee.me.id) == ("mentee", pair.mentee.id)
    assert [s.pair.id for s in pairs.pairs_of_person(course_id, pair.mentor.person_id)] == [pair.id]


def test_someone_else_another_course_or_a_draft_is_not_found(pair):
    course_id = pair.cohort.course_id
    stranger = make_person(db.session.get(Platform, pair.cohort.course.platform_id))
    with pytest.raises(NotFound):
        pairs.pair_for_partner(course_id, pair.id, stranger.id)
    with pytest.raises(NotFound):
        pairs.pair_for_partner(course_id + 1, pair.id, pair.mentor.person_id)
    with pytest.raises(NotFound):
        pairs.pair_in_course(course_id + 1, pair.id)
    pair.status = PairStatus.PROPOSED
    db.session.commit()
    with pytest.raises(NotFound):
        pairs.pair_for_partner(course_id, pair.id, pair.mentor.person_id)
    with pytest.raises(NotFound):
        pairs.pair_in_course(course_id, pair.id)
