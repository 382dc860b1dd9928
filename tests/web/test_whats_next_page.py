"""The learner home's "What's next": every line linked to its page, dates in the learner's zone, a fixed query cost."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus, RoleWanted
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services.whats_next import whats_next_for
from tests.factories import make_enrolment
from tests.factories_feedback import make_feedback
from tests.factories_reflections import make_assignment, make_submission
from tests.factories_workspace import TODAY, make_agreement, make_meeting, make_pair, make_running_cohort
from tests.queries import counted_queries
from tests.web.course_pages import commit, launch


def person_of(sub: str) -> Person:
    return db.session.scalar(select(Person).where(Person.subject == sub))


def section(html: str) -> str:
    found = re.search(r'<section class="panel" aria-labelledby="next-title".*?</section>', html, re.S)
    assert found, "no What's next section"
    return found.group(0)


def test_a_new_learner_without_enrolments_sees_no_list(app, platform):
    learner = launch(app, platform, platform.learners[0].sub)
    assert "What's next" not in learner.get("learner/").get_data(as_text=True)


def test_the_list_links_each_due_thing_to_its_page(app, platform):
    mentor = launch(app, platform, platform.learners[0].sub)
    launch(app, platform, platform.learners[1].sub)
    cohort = make_running_cohort(mentor.course, name="Spring pilot")
    pair = make_pair(cohort, person_of(platform.learners[0].sub), person_of(platform.learners[1].sub))
    pair.mentor.time_zone = "Asia/Tokyo"
    make_agreement(pair, signed=False)
    make_meeting(pair, held_on=TODAY - timedelta(days=20))  # cadence 14: overdue since 6 days
    assignment = make_assignment(cohort, title="Midpoint", due_on=TODAY + timedelta(days=5))
    done = make_assignment(cohort, title="Already written")
    make_submission(done, pair.mentor)
    commit()
    html = section(mentor.get("learner/").get_data(as_text=True))
    assert f'href="/courses/{mentor.course_id}/learner/pairs/{pair.id}/agreement"' in html
    assert f'href="/courses/{mentor.course_id}/learner/pairs/{pair.id}/meetings/new">A meeting is overdue' in html
    assert f'href="/courses/{mentor.course_id}/learner/reflections/{assignment.id}"' in html
    assert "Already written" not in html
    assert "Asia/Tokyo" in html and "Since" in html
    assert html.index("A meeting is overdue") < html.index("Midpoint")


def test_a_withdrawn_partner_and_another_learners_pairs_do_not_show(app, platform):
    mentor = launch(app, platform, platform.learners[0].sub)
    launch(app, platform, platform.learners[1].sub)
    stranger = launch(app, platform, platform.learners[2].sub)
    cohort = make_running_cohort(mentor.course)
    pair = make_pair(cohort, person_of(platform.learners[0].sub), person_of(platform.learners[1].sub))
    make_enrolment(cohort, person_of(platform.learners[2].sub))
    pair.mentee.status = EnrolmentStatus.WITHDRAWN
    commit()
    assert "with " not in section(mentor.get("learner/").get_data(as_text=True))
    assert f"pairs/{pair.id}" not in section(stranger.get("learner/").get_data(as_text=True))


def test_feedback_due_and_given(app, platform):
    mentor = launch(app, platform, platform.learners[0].sub)
    launch(app, platform, platform.learners[1].sub)
    cohort = make_running_cohort(mentor.course, starts_on=TODAY - timedelta(days=40))
    pair = make_pair(cohort, person_of(platform.learners[0].sub), person_of(platform.learners[1].sub))
    make_agreement(pair)
    make_meeting(pair, held_on=TODAY - timedelta(days=1))
    commit()
    html = section(mentor.get("learner/").get_data(as_text=True))
    assert f'href="/courses/{mentor.course_id}/learner/pairs/{pair.id}/feedback/">Give feedback, round 1' in html
    make_feedback(pair, pair.mentor, 1)
    commit()
    assert "Give feedback" not in section(mentor.get("learner/").get_data(as_text=True))


def test_a_mentor_sees_requests_waiting_and_a_ranker_the_ranking(app, platform):
    from lti_app.mentoring.domain.cohort_state import CohortState
    from lti_app.mentoring.models.matching_choice import MentorRequest, RequestStatus
    learner = launch(app, platform, platform.learners[0].sub)
    me = person_of(platform.learners[0].sub)
    closed = dict(state=CohortState.ENROLMENT_CLOSED, starts_on=TODAY + timedelta(days=5),
                  enrolment_opens_on=TODAY - timedelta(days=20), enrolment_closes_on=TODAY - timedelta(days=1),
                  ends_on=TODAY + timedelta(days=100))
    choosing = make_running_cohort(learner.course, name="Choose", matching_settings={"mode": "self_select"}, **closed)
    ranking = make_running_cohort(learner.course, name="Rank", matching_settings={"mode": "mutual"}, **closed)
    mentor = make_enrolment(choosing, me, role_wanted=RoleWanted.MENTOR)
    mentee = make_enrolment(choosing, role_wanted=RoleWanted.MENTEE)
    make_enrolment(ranking, me, role_wanted=RoleWanted.MENTOR)
    db.session.add(MentorRequest(cohort_id=choosing.id, mentee_enrolment_id=mentee.id, mentor_enrolment_id=mentor.id,
                                 status=RequestStatus.REQUESTED))
    commit()
    html = section(learner.get("learner/").get_data(as_text=True))
    assert f'href="/courses/{learner.course_id}/learner/cohorts/{choosing.id}/choosing/requests">1 mentee' in html
    assert f'href="/courses/{learner.course_id}/learner/cohorts/{ranking.id}/choosing/ranking">Rank the people' in html


def test_the_list_costs_the_same_queries_for_one_or_four_cohorts(app, platform):
    learner = launch(app, platform, platform.learners[0].sub)
    me = person_of(platform.learners[0].sub)

    def grow(n: int) -> int:
        for _ in range(n):
            cohort = make_running_cohort(learner.course)
            pair = make_pair(cohort, me)
            make_agreement(pair, signed=False)
            make_meeting(pair)
            make_feedback(pair, pair.mentor, 1)
            make_submission(make_assignment(cohort), pair.mentor)
            make_assignment(cohort)
        commit()
        db.session.expire_all()
        with counted_queries() as seen:
            items, _ = whats_next_for(learner.course_id, me.id, utcnow())
        assert len(items) >= 3 * len(me_pairs())
        return len(seen)

    def me_pairs():
        return [p for p in db.session.scalars(select(Pair)) if p.mentor.person_id == me.id]

    assert grow(1) == grow(3)  # the service: its queries do not grow with the cohorts, pairs or reflections
