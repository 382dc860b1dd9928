"""The partner signed and waits for you; a grade was posted: written with the event, once, and the pure rules."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.mail_notices import PairSide, agreement_waits_notice, grade_posted_notice
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.models.mail_outbox import MailOutbox
from lti_app.mentoring.services import agreements, grading
from lti_app.mentoring.services.agreements import AgreementTerms
from lti_app.mentoring.services.grading import GradeFields
from lti_app.mentoring.domain.profile_fields import Channel
from tests.factories import make_cohort, make_course, make_enrolment, make_person, make_platform
from tests.factories_reflections import make_assignment, make_submission
from tests.factories_workspace import make_pair, seats

SIGNED = datetime(2026, 3, 29, 1, 59, tzinfo=timezone.utc)


def _rows(kind):
    return list(db.session.scalars(select(MailOutbox).where(MailOutbox.kind == kind).order_by(MailOutbox.id)))


def test_the_waiting_partner_is_told_unless_they_signed_or_withdrew():
    partner = PairSide(2, "Grace", "mentee")
    notice = agreement_waits_notice(pair_id=1, agreement_id=5, course_id=3, signer_name="Ada <3", partner=partner,
                                    partner_signed=False, signed_at=SIGNED)
    assert notice.person_id == 2 and "Ada <3 signed" in notice.body_text and "Ada &lt;3" in notice.body_html
    assert agreement_waits_notice(pair_id=1, agreement_id=5, course_id=3, signer_name="Ada", partner=partner,
                                  partner_signed=True, signed_at=SIGNED) is None
    withdrawn = PairSide(2, "Grace", "mentee", active=False)
    assert agreement_waits_notice(pair_id=1, agreement_id=5, course_id=3, signer_name="Ada", partner=withdrawn,
                                  partner_signed=False, signed_at=SIGNED) is None


def test_the_occasion_is_the_same_moment_in_any_time_zone():
    partner = PairSide(2, "Grace", "mentee")
    in_berlin = SIGNED.astimezone(ZoneInfo("Europe/Berlin"))  # 03:59 summer time, the same moment
    first, second = (agreement_waits_notice(pair_id=1, agreement_id=5, course_id=3, signer_name="Ada", partner=partner,
                                            partner_signed=False, signed_at=moment) for moment in (SIGNED, in_berlin))
    assert first.occasion == second.occasion == "agreement:5:20260329T015900"
    a = grade_posted_notice(person_id=1, submission_id=9, course_id=3, title="T", score=7.5, points=10,
                            graded_at=in_berlin)
    assert a.occasion == "submission:9:20260329T015900" and "7.5 of 10" in a.body_text
    assert grade_posted_notice(person_id=1, submission_id=9, course_id=3, title="T", score=1, points=2,
                               graded_at=SIGNED, active=False) is None


def _terms(expectations):
    return AgreementTerms(channel=Channel.VIDEO, cadence_days=14, confidentiality=True, no_role_switching=True,
                          expectations=expectations)


def test_signing_first_tells_the_partner_once_and_the_second_signature_tells_nobody(app):
    pair = make_pair()
    db.session.commit()
    mentor, mentee = seats(pair)
    agreement = agreements.save_terms(mentor, _terms("Patience."), None)
    agreements.save_terms(mentee, _terms("Show me your tools."), agreement.version)
    agreements.sign_agreement(mentor, agreement.version)
    agreements.sign_agreement(mentor, agreement.version)  # a double submit
    (row,) = _rows("agreement_waits")
    assert row.person_id == mentee.me.person_id and row.course_id == pair.cohort.course_id
    agreements.sign_agreement(mentee, agreement.version)
    assert len(_rows("agreement_waits")) == 1


def test_a_grade_tells_the_writer_and_a_regrade_tells_them_again(app):
    cohort = make_cohort(make_course(make_platform()))
    grader = make_person(make_platform())
    assignment = make_assignment(cohort, points=20.0)
    submission = make_submission(assignment, make_enrolment(cohort))
    db.session.commit()
    grading.grade_submission(submission, GradeFields(15.0, None, ""), grader_person_id=grader.id,
                             expected_version=submission.version, now=SIGNED)
    grading.grade_submission(submission, GradeFields(15.0, None, ""), grader_person_id=grader.id,
                             expected_version=submission.version, now=SIGNED)  # the same grade again: no new row
    assert len(_rows("grade_posted")) == 1
    grading.grade_submission(submission, GradeFields(18.0, None, ""), grader_person_id=grader.id,
                             expected_version=submission.version, now=datetime(2026, 3, 30, tzinfo=timezone.utc))
    rows = _rows("grade_posted")
    assert len(rows) == 2 and {r.person_id for r in rows} == {submission.enrolment.person_id}
    assert "18 of 20" in rows[1].body_text


def test_a_withdrawn_writer_is_not_told(app):
    cohort = make_cohort(make_course(make_platform()))
    enrolment = make_enrolment(cohort)
    submission = make_submission(make_assignment(cohort, points=10.0), enrolment)
    enrolment.status = EnrolmentStatus.WITHDRAWN
    db.session.commit()
    grading.grade_submission(submission, GradeFields(5.0, None, ""), grader_person_id=make_person(make_platform()).id,
                             expected_version=submission.version)
    assert _rows("grade_posted") == []
