"""A cohort's own inactivity days: empty (the tool's MAIL_INACTIVITY_DAYS) by default, edited on the settings form
(1 to 365), kept by a copy, and used by ``notify run`` for that cohort's pairs."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.mail_notices import PairSide
from lti_app.mentoring.domain.scheduled_notices import QuietPair, instructor_digest_notices, quiet_pair_notices
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.services import mail_notices
from lti_app.mentoring.services.cohort_copies import next_round_fields
from tests.factories import make_cohort
from tests.factories_workspace import make_pair, make_running_cohort
from tests.web.course_pages import commit
from tests.web.test_cohort_pages import cohort_form

SINCE = datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)


def test_a_new_cohort_uses_the_tools_default_and_the_form_says_which(app, teacher):
    cohort = make_cohort(teacher.course)
    commit()
    assert cohort.inactivity_days is None
    html = teacher.get(f"instructor/cohorts/{cohort.id}/edit").get_data(as_text=True)
    assert 'name="inactivity_days"' in html and f"the tool's default ({app.config['MAIL_INACTIVITY_DAYS']} days)" in html


@pytest.mark.parametrize(("sent", "kept"), [("30", 30), ("1", 1), ("365", 365), ("", None)])
def test_the_setting_is_saved_and_empty_means_the_default(teacher, sent, kept):
    cohort = make_cohort(teacher.course, name="Pilot", skills=("ai_tools",), inactivity_days=10)
    commit()
    saved = teacher.post(f"instructor/cohorts/{cohort.id}/edit", cohort_form(name="Pilot", inactivity_days=sent))
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).inactivity_days == kept


@pytest.mark.parametrize("sent", ["0", "366", "-3", "abc", "1e3"])
def test_values_outside_1_to_365_are_refused_with_a_message(teacher, sent):
    cohort = make_cohort(teacher.course, name="Pilot", skills=("ai_tools",), inactivity_days=10)
    commit()
    page = teacher.post(f"instructor/cohorts/{cohort.id}/edit", cohort_form(name="Pilot", inactivity_days=sent))
    assert page.status_code == 422
    if sent.lstrip("-").isdigit():
        assert "Choose from 1 to 365 days." in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).inactivity_days == 10


def test_the_service_refuses_an_out_of_range_value_too(app):
    from lti_app.mentoring.errors import InvalidInput
    from lti_app.mentoring.services.cohorts import update_cohort

    cohort = make_cohort()
    fields = next_round_fields(cohort, utcnow().date())
    with pytest.raises(InvalidInput) as refused:
        update_cohort(cohort, fields.__class__(**{**fields.__dict__, "name": cohort.name, "inactivity_days": 0}))
    assert refused.value.field == "inactivity_days"


def test_a_copy_keeps_the_setting(app):
    cohort = make_cohort(inactivity_days=12)
    assert next_round_fields(cohort, utcnow().date()).inactivity_days == 12


def _quiet(**overrides):
    fields = dict(pair_id=4, course_id=2, cohort_name="Spring", starts_on=SINCE.date(), ends_on=SINCE.date() + timedelta(days=120),
                  since=SINCE, mentor=PairSide(1, "Ada", "mentor"), mentee=PairSide(2, "Grace", "mentee"),
                  instructor_ids=(9,))
    return QuietPair(**(fields | overrides))


def test_the_cohorts_own_days_win_over_the_default():
    at_ten = SINCE + timedelta(days=10)
    assert quiet_pair_notices([_quiet()], at_ten, 21) == []
    assert {n.kind for n in quiet_pair_notices([_quiet(inactivity_days=10)], at_ten, 21)} == {"inactivity_nudge"}
    assert {n.kind for n in quiet_pair_notices([_quiet(inactivity_days=5)], at_ten, 21)} == {"inactivity_nudge",
                                                                                             "inactivity_alert"}
    [digest] = instructor_digest_notices([_quiet(inactivity_days=10)], at_ten, 21)
    assert "Without activity for 10 days or more: 1" in digest.body_text
    [mixed] = instructor_digest_notices([_quiet(inactivity_days=10), _quiet(pair_id=5)], at_ten, 21)
    assert "as long as their cohort's setting or more: 1" in mixed.body_text


def test_notify_run_nudges_each_cohorts_pairs_by_its_own_setting(app):
    own, default = make_pair(make_running_cohort(inactivity_days=10)), make_pair(make_running_cohort())
    db.session.commit()
    now = datetime.combine(own.cohort.starts_on + timedelta(days=12), time(9), tzinfo=timezone.utc)
    written = mail_notices.note_due(now, inactivity_days=21, grace_days=365)
    nudged = {r.person_id for r in written if r.kind == "inactivity_nudge"}
    assert nudged == {own.mentor.person_id, own.mentee.person_id}
    assert not nudged & {default.mentor.person_id, default.mentee.person_id}
