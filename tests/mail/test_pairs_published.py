"""Pairs published: both partners are told who, why and the first step, in the publish's own transaction, once."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.mail_notices import (
    MailChoice, MailState, PairSide, PublishedPair, pairs_published_notices,
)
from lti_app.mentoring.domain.profile_fields import CareerStage, RoleWanted
from lti_app.mentoring.models.mail_outbox import MailOutbox
from lti_app.mentoring.services import mail_notices, mail_outbox
from lti_app.mentoring.services.matching import pairing as matching
from lti_app.web import unit_of_work
from tests.factories import make_cohort, make_enrolment
from tests.queries import counted_queries


def _pair(**overrides):
    fields = dict(pair_id=7, round=1, course_id=3, cohort_name="Spring <2027>",
                  mentor=PairSide(1, "Ada & co", "mentor"), mentee=PairSide(2, "Grace", "mentee"),
                  reasons=("You both speak French.", "Grace wants what Ada offers: AI tools."))
    return PublishedPair(**(fields | overrides))


def test_both_partners_are_told_who_why_and_the_first_step():
    to_mentor, to_mentee = pairs_published_notices([_pair()])
    assert (to_mentor.person_id, to_mentee.person_id) == (1, 2)
    assert to_mentor.occasion == to_mentee.occasion == "pair:7:round:1" and to_mentor.kind == "pairs_published"
    assert "Grace" in to_mentor.subject and "Ada & co" in to_mentee.subject
    assert "You are the mentor of Grace" in to_mentor.body_text and "You both speak French." in to_mentor.body_text
    assert "First step" in to_mentee.body_text and "workspace" in to_mentee.body_text
    assert "Ada &amp; co" in to_mentee.body_html and "Spring &lt;2027&gt;" in to_mentee.body_html  # escaped
    assert to_mentor.course_id == 3


def test_no_notice_for_a_withdrawn_partner_or_a_programme_that_is_over():
    withdrawn = _pair(mentee=PairSide(2, "Grace", "mentee", active=False))
    assert pairs_published_notices([withdrawn]) == []
    assert pairs_published_notices([_pair(programme_over=True)]) == []


def test_each_round_is_its_own_occasion_and_reasons_are_optional():
    first, second = pairs_published_notices([_pair()]), pairs_published_notices([_pair(round=2, reasons=())])
    assert first[0].occasion != second[0].occasion
    assert "Why you were paired" not in second[0].body_text


def _enrol(cohort, role, email):
    fields = ({"role_wanted": RoleWanted.MENTOR, "career_stage": CareerStage.STUDENT, "experience_years": 1.0,
               "capacity": 1, "offered": {"ai_tools": 4}, "wanted": {}} if role == "mentor" else
              {"role_wanted": RoleWanted.MENTEE, "career_stage": CareerStage.SENIOR, "experience_years": 20.0,
               "capacity": None, "offered": {}, "wanted": {"ai_tools": 1}})
    enrolment = make_enrolment(cohort, **fields)
    enrolment.person.email = email
    return enrolment


@pytest.fixture
def cohort(app):
    return make_cohort(state=CohortState.ENROLMENT_CLOSED, mentor_capacity=1)


def test_publishing_writes_one_notice_per_partner_in_the_same_transaction(app, smtp, cohort):
    mentor, mentee = _enrol(cohort, "mentor", "m@example.test"), _enrol(cohort, "mentee", "e@example.test")
    mail_outbox.set_choice(mentee.person_id, MailChoice.NONE)
    matching.run_matching(cohort)
    unit_of_work.act(matching.publish_pairs, cohort)
    rows = db.session.scalars(select(MailOutbox).order_by(MailOutbox.person_id)).all()
    by_person = {r.person_id: r for r in rows}
    assert set(by_person) == {mentor.person_id, mentee.person_id}
    assert by_person[mentor.person_id].state is MailState.SENT  # after the publish's commit
    assert [m["To"] for m in smtp.inbox.messages] == ["m@example.test"]
    assert by_person[mentee.person_id].state is MailState.SKIPPED  # chose no e-mail
    assert by_person[mentor.person_id].course_id == cohort.course_id


def test_a_refused_publish_writes_no_notice(app, cohort):
    with app.test_request_context():
        unit_of_work.act(matching.publish_pairs, cohort)  # nothing to publish: refused
    assert db.session.query(MailOutbox).count() == 0


def test_noting_is_idempotent_and_costs_the_same_queries_for_few_or_many_pairs(app):
    def world(n):
        cohort = make_cohort(state=CohortState.ENROLMENT_CLOSED, mentor_capacity=1)
        for i in range(n):
            _enrol(cohort, "mentor", f"m{n}-{i}@example.test"), _enrol(cohort, "mentee", f"e{n}-{i}@example.test")
        matching.run_matching(cohort)
        return matching.publish_pairs(cohort)

    few, many = world(2), world(8)
    db.session.query(MailOutbox).delete()
    db.session.flush()
    with counted_queries() as small:
        mail_notices.note_pairs_published(few)
    with counted_queries() as large:
        mail_notices.note_pairs_published(many)
    assert len(small) == len(large)
    assert mail_notices.note_pairs_published(many) == []  # already written: nothing twice
    assert db.session.query(MailOutbox).count() == 2 * (2 + 8)
