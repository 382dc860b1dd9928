"""Matching pages through real launches: the instructor runs, edits and publishes; the learner sees their partner."""
from __future__ import annotations

import re

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services.matching import pairing as matching
from tests.factories import make_cohort
from tests.integration.test_matching_services import make_mentee, make_mentor
from tests.web.course_pages import OTHER_COURSE, commit, launch


def closed_cohort(course, mentors=2, mentees=2):
    cohort = make_cohort(course, state=CohortState.ENROLMENT_CLOSED, mentor_capacity=1)
    people = [make_mentor(cohort) for _ in range(mentors)], [make_mentee(cohort) for _ in range(mentees)]
    commit()
    return cohort, people


def test_an_instructor_runs_the_matching_and_sees_pairs_reasons_and_totals(teacher):
    cohort, ([m1, _], _) = closed_cohort(teacher.course, mentees=3)
    ran = teacher.post(f"instructor/cohorts/{cohort.id}/matching/run")
    assert ran.status_code == 303
    html = teacher.get(f"instructor/cohorts/{cohort.id}/matching/").get_data(as_text=True)
    assert "proposes 2 pairs" in html and "points" in html and m1.person.display_name in html
    assert "1 person is not paired" in html and "Pin</button>" in html and "Publish the pairs" in html
    assert "offer" in html.lower()  # an explanation sentence about the skills
    unpaired = teacher.get(f"instructor/cohorts/{cohort.id}/matching/?show=unmatched").get_data(as_text=True)
    assert "Not paired" in unpaired and "(mentee):" in unpaired and "Pin</button>" not in unpaired


def test_pin_forbid_and_pair_by_hand_from_the_proposal_page(teacher):
    cohort, _ = closed_cohort(teacher.course)
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/run")
    first, second = matching.pairs_of(cohort)
    assert teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/pin", {"pair_id": str(first.id)}).status_code == 303
    assert teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/forbid", {"pair_id": str(second.id)}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Pair, first.id).pinned and db.session.get(Pair, second.id) is None
    assert list(matching.settings_of(cohort).forbidden) == [(second.mentor_enrolment_id, second.mentee_enrolment_id)]
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/by-hand",
                 {"mentor": str(second.mentor_enrolment_id), "mentee": str(first.mentee_enrolment_id)})
    html = teacher.get(f"instructor/cohorts/{cohort.id}/matching/").get_data(as_text=True)
    assert "already has as many pinned partners" in html  # the mentee's one place is pinned


def test_the_settings_page_saves_rules_weights_and_keeps_pins(teacher):
    cohort, _ = closed_cohort(teacher.course)
    page = teacher.get(f"instructor/cohorts/{cohort.id}/matching/settings")
    assert page.status_code == 200 and "Partners share a language" in page.get_data(as_text=True)
    data = {"min_overlap_hours": "2", "min_score": "10", "fairness": "y", "rule_reverse_seniority": "y",
            "rule_capacity": "y"}
    for name in ("skills", "channels", "interests", "goals", "department", "generation"):
        data |= {f"weight_{name}": "5" if name == "skills" else "0",
                 f"direction_{name}": "complementary" if name == "skills" else "similar"}
    assert teacher.post(f"instructor/cohorts/{cohort.id}/matching/settings", data).status_code == 303
    db.session.expire_all()
    saved = matching.settings_of(cohort)
    assert (saved.rules.min_overlap_hours, saved.rules.shared_language, saved.fairness, saved.min_score) == (2, False, True, 10.0)
    assert saved.criteria["skills"].weight == 5 and saved.criteria["goals"].weight == 0
    bad = teacher.post(f"instructor/cohorts/{cohort.id}/matching/settings", data | {"weight_skills": "9"})
    assert bad.status_code == 422 and "Choose from 0 (off) to 5." in bad.get_data(as_text=True)


def test_publishing_needs_the_box_ticked_then_activates_the_pairs_and_refuses_a_second_time(teacher):
    cohort, _ = closed_cohort(teacher.course)
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/run")
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/publish")
    db.session.expire_all()
    assert cohort.state is CohortState.ENROLMENT_CLOSED
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/publish", {"confirmed": "y"})
    db.session.expire_all()
    assert cohort.state is CohortState.MATCHED
    assert set(db.session.scalars(select(Pair.status))) == {PairStatus.ACTIVE}
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/publish", {"confirmed": "y"})
    html = teacher.get(f"instructor/cohorts/{cohort.id}/matching/").get_data(as_text=True)
    assert "already published" in html and "are published" in html


def test_matching_pages_without_a_csrf_token_are_refused(teacher):
    cohort, _ = closed_cohort(teacher.course)
    answer = teacher.client.post(teacher.url(f"instructor/cohorts/{cohort.id}/matching/run"))
    assert answer.status_code == 400 and matching.pairs_of(cohort) == []


def test_another_courses_cohort_is_not_found_on_the_matching_pages(teacher, app, platform):
    elsewhere = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    foreign, _ = closed_cohort(elsewhere.course)
    assert teacher.get(f"instructor/cohorts/{foreign.id}/matching/").status_code == 404
    assert teacher.post(f"instructor/cohorts/{foreign.id}/matching/run").status_code == 404
    assert matching.pairs_of(foreign) == []


def test_a_learner_cannot_open_the_matching_pages(app, platform, teacher):
    learner = launch(app, platform, platform.learners[0].sub)
    cohort, _ = closed_cohort(teacher.course)
    assert learner.get(f"instructor/cohorts/{cohort.id}/matching/").status_code == 403


def test_once_published_a_learner_sees_their_partner_and_why_and_nobody_elses(app, platform, teacher):
    learner = launch(app, platform, platform.learners[0].sub)
    me = db.session.scalar(select(Person).where(Person.subject == platform.learners[0].sub))
    cohort = make_cohort(teacher.course, state=CohortState.ENROLMENT_CLOSED, mentor_capacity=1)
    make_mentee(cohort, person=me)
    other_mentor = make_mentor(cohort)
    commit()
    before = learner.get(f"learner/cohorts/{cohort.id}/enrolment").get_data(as_text=True)
    assert "Your partner" not in before
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/run")
    assert "Your partner" not in learner.get(f"learner/cohorts/{cohort.id}/enrolment").get_data(as_text=True)
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/publish", {"confirmed": "y"})
    html = learner.get(f"learner/cohorts/{cohort.id}/enrolment").get_data(as_text=True)
    assert f"Your partner: {other_mentor.person.display_name}" in html and "Why you were matched" in html
    assert re.search(r"<li>[^<]*you", html, re.I) and "points" not in html


def test_before_any_run_nobody_is_said_to_be_left_out(teacher):
    cohort, _ = closed_cohort(teacher.course, mentees=3)
    html = teacher.get(f"instructor/cohorts/{cohort.id}/matching/?show=unmatched").get_data(as_text=True)
    assert "fairness" not in html.lower() and "Left out" not in html and "(mentee):" not in html


def test_a_person_unpaired_by_hand_is_not_blamed_on_fairness_when_it_is_off(teacher):
    cohort, _ = closed_cohort(teacher.course)
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/run")
    first, _ = matching.pairs_of(cohort)
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/forbid", {"pair_id": str(first.id)})
    html = teacher.get(f"instructor/cohorts/{cohort.id}/matching/?show=unmatched").get_data(as_text=True)
    assert "fairness" not in html.lower()
    assert html.count("(mentor):") == 1 and html.count("(mentee):") == 1  # the two left unpaired, each with a reason


def test_pair_by_hand_starts_empty_so_nobody_is_paired_by_submitting_it_as_shown(teacher):
    cohort, _ = closed_cohort(teacher.course, mentors=3, mentees=3)
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/run")
    first, *_ = matching.pairs_of(cohort)
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/forbid", {"pair_id": str(first.id)})
    html = teacher.get(f"instructor/cohorts/{cohort.id}/matching/").get_data(as_text=True)
    fields = re.findall(r'<input[^>]*name="(mentor|mentee)"[^>]*>', html)
    assert sorted(fields) == ["mentee", "mentor"]
    for tag in re.findall(r'<input[^>]*name="(?:mentor|mentee)"[^>]*>', html):
        assert 'value=""' in tag or "value=" not in tag  # nothing chosen in advance
    refused = teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/by-hand", {"mentor": "", "mentee": ""})
    assert refused.status_code in (303, 422) and len(matching.pairs_of(cohort)) == 2
