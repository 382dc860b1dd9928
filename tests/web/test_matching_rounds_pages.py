"""The matching page through real launches: swap partners, allow a forbidden pair again, start and publish a new
round, and a big cohort's run in the background with its progress bar."""
from __future__ import annotations

import os
import uuid

from sqlalchemy import select

from lti_app.tasks import jobs
from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.models.matching_run import MatchingRun, RunState
from lti_app.mentoring.models.pairing import PairStatus
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services import partners
from lti_app.mentoring.services.matching import pairing as matching, edits as matching_edits
from tests.factories import make_cohort
from tests.integration.test_matching_services import make_mentee, make_mentor, pairs
from tests.markers import needs_redis
from tests.web.course_pages import OTHER_COURSE, commit, launch
from tests.web.test_matching_pages import closed_cohort

REDIS_URL = os.environ.get("REDIS_URL")


def page(session, cohort):
    return session.get(f"instructor/cohorts/{cohort.id}/matching/").get_data(as_text=True)


def drafted(teacher, mentors=2, mentees=2):
    cohort, people = closed_cohort(teacher.course, mentors, mentees)
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/run")
    return cohort, people


def test_the_instructor_swaps_the_partners_of_two_pairs_from_the_page(teacher):
    cohort, _ = drafted(teacher)
    first, second = matching.pairs_of(cohort)
    html = page(teacher, cohort)
    assert "Swap partners" in html and html.count('name="pair_id"') == 2 and html.count("<form") < 8
    expected = {(first.mentor_enrolment_id, second.mentee_enrolment_id),
                (second.mentor_enrolment_id, first.mentee_enrolment_id)}
    one_ticked = teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/swap", {"pair_id": str(first.id)})
    assert one_ticked.status_code == 303 and "Tick exactly two pairs" in page(teacher, cohort)
    answer = teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/swap",
                          {"pair_id": [str(first.id), str(second.id)]})
    assert answer.status_code == 303
    db.session.expire_all()
    assert pairs(cohort) == expected and all(p.pinned for p in matching.pairs_of(cohort))
    assert "Both pairs are pinned" in page(teacher, cohort)


def test_a_refused_swap_shows_why_and_changes_nothing(teacher):
    cohort = make_cohort(teacher.course, state=CohortState.ENROLMENT_CLOSED, mentor_capacity=1)
    make_mentor(cohort), make_mentor(cohort, languages=["en", "fr"])
    make_mentee(cohort), make_mentee(cohort, languages=["fr"])
    commit()
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/run")
    first, second = matching.pairs_of(cohort)
    before = pairs(cohort)
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/swap", {"first": str(first.id), "second": str(second.id)})
    assert "cannot be paired: no shared language" in page(teacher, cohort)
    db.session.expire_all()
    assert pairs(cohort) == before


def test_a_forbidden_pair_is_listed_by_name_and_can_be_allowed_again(teacher):
    cohort, _ = drafted(teacher)
    first = matching.pairs_of(cohort)[0]
    mentor, mentee = first.mentor.person.display_name, first.mentee.person.display_name
    key = (first.mentor_enrolment_id, first.mentee_enrolment_id)
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/forbid", {"pair_id": str(first.id)})
    html = page(teacher, cohort)
    assert f"{mentor} (mentor) and {mentee} (mentee)" in html and "Allow again" in html
    answer = teacher.post(f"instructor/cohorts/{cohort.id}/matching/forbidden/allow",
                          {"mentor_id": str(key[0]), "mentee_id": str(key[1])})
    assert answer.status_code == 303
    db.session.expire_all()
    assert matching.settings_of(cohort).forbidden == set()
    assert "Allowed again" in page(teacher, cohort) and "No pair is forbidden." in page(teacher, cohort)


def test_a_running_cohort_starts_a_new_round_and_publishes_it_once(app, platform, teacher):
    learner = launch(app, platform, platform.learners[0].sub)
    me = db.session.scalar(select(Person).where(Person.subject == platform.learners[0].sub))
    cohort = make_cohort(teacher.course, state=CohortState.ENROLMENT_CLOSED, mentor_capacity=1)
    mine = make_mentee(cohort, person=me)
    make_mentee(cohort), make_mentor(cohort), make_mentor(cohort)
    commit()
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/run")
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/publish", {"confirmed": "y"})
    cohort.state = CohortState.RUNNING
    commit()
    [first_partner] = partners.partners_of(mine)
    assert "Start a new round" in page(teacher, cohort)
    assert teacher.post(f"instructor/cohorts/{cohort.id}/matching/run").status_code == 303
    html = page(teacher, cohort)
    assert "proposes 2 pairs" in html and "Draft of round 2" in html and "Round 1: the pairs meeting now" in html
    assert 'name="round" type="hidden" value="2"' in html and "ends the pairs of round 1" in html
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/publish", {"confirmed": "y", "round": "2"})
    db.session.expire_all()
    assert cohort.state is CohortState.RUNNING and {p.round for p in matching.pairs_of(cohort, PairStatus.ACTIVE)} == {2}
    [new_partner] = partners.partners_of(mine)
    assert new_partner.name != first_partner.name
    assert f"Your partner: {new_partner.name}" in learner.get(f"learner/cohorts/{cohort.id}/enrolment").get_data(as_text=True)
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/publish", {"confirmed": "y", "round": "2"})
    assert "Round 2 is already published" in page(teacher, cohort)


def test_a_new_round_with_no_possible_pair_says_why(teacher):
    cohort, _ = drafted(teacher, 1, 1)
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/publish", {"confirmed": "y"})
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/run")
    html = page(teacher, cohort)
    assert "The matching proposes no pairs. For example:" in html and "paired before" in html


def test_a_finished_cohort_offers_no_new_round(teacher):
    cohort = make_cohort(teacher.course, state=CohortState.FINISHED)
    commit()
    html = page(teacher, cohort)
    assert "Start a new round" not in html and "The cohort is finished" in html
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/run")
    assert "This cohort is finished" in page(teacher, cohort)


def test_a_cohort_over_the_inline_limit_is_matched_by_the_background_job_and_the_page_shows_it_done(app, teacher):
    app.config["MATCHING_INLINE_LIMIT"] = 3
    cohort, _ = closed_cohort(teacher.course, 2, 2)
    assert teacher.post(f"instructor/cohorts/{cohort.id}/matching/run").status_code == 303
    run = db.session.scalar(select(MatchingRun))
    assert run.state is RunState.DONE and run.pairs == 2 and run.requested_by_id is not None
    html = page(teacher, cohort)
    assert "proposes 2 pairs" in html and "The last background run is done: it proposed 2 pairs." in html
    assert len(matching.pairs_of(cohort)) == 2


def test_while_a_run_is_busy_the_page_shows_a_self_refreshing_progress_bar_and_locks_the_draft(app, teacher):
    cohort, _ = drafted(teacher)
    db.session.add(MatchingRun(cohort_id=cohort.id, state=RunState.RUNNING, progress=40, stage="Scoring"))
    commit()
    html = page(teacher, cohort)
    assert '<progress max="100" value="40"' in html and "Scoring" in html and ">Refresh</a>" in html
    assert 'src="/static/js/matching-progress.js"' in html and "<script>" not in html
    assert "Pin</button>" not in html and "Publish the pairs" not in html
    status = teacher.get(f"instructor/cohorts/{cohort.id}/matching/runs/latest").get_json()
    assert status == {"state": "running", "busy": True, "progress": 40, "stage": "Scoring", "error": None, "pairs": None}
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/run")
    assert "running in the background (40% done)" in page(teacher, cohort)
    with teacher.client.get("/static/js/matching-progress.js") as script:
        assert script.status_code == 200 and b"setTimeout(tick, 2000)" in script.data


def test_a_failed_run_shows_its_error_and_can_be_run_again(app, teacher):
    app.config["MATCHING_INLINE_LIMIT"] = 3
    cohort, _ = closed_cohort(teacher.course, 2, 2)
    db.session.add(MatchingRun(cohort_id=cohort.id, state=RunState.FAILED, error="The worker ran out of memory."))
    commit()
    html = page(teacher, cohort)
    assert "The last background run of the matching failed" in html and "The worker ran out of memory." in html
    assert "<progress" not in html
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/run")
    assert "The last background run is done" in page(teacher, cohort)


def test_the_run_status_of_another_courses_cohort_is_not_found(app, platform, teacher):
    elsewhere = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    foreign, _ = closed_cohort(elsewhere.course)
    assert teacher.get(f"instructor/cohorts/{foreign.id}/matching/runs/latest").status_code == 404


def test_swap_and_allow_are_refused_for_another_courses_cohort(app, platform, teacher):
    elsewhere = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    foreign, _ = drafted(elsewhere)
    first, second = matching.pairs_of(foreign)
    matching_edits.forbid_pair(foreign, first)
    commit()
    assert teacher.post(f"instructor/cohorts/{foreign.id}/matching/pairs/swap",
                        {"first": str(first.id), "second": str(second.id)}).status_code == 404
    assert teacher.post(f"instructor/cohorts/{foreign.id}/matching/forbidden/allow",
                        {"mentor_id": "1", "mentee_id": "2"}).status_code == 404


@needs_redis
def test_with_redis_the_run_is_queued_and_a_burst_worker_completes_it(app, cli, teacher):
    app.config.update(MATCHING_INLINE_LIMIT=3, JOBS_ASYNC=True, REDIS_URL=REDIS_URL,
                      JOBS_QUEUE=f"rementor-test-{uuid.uuid4().hex[:8]}")
    cohort, _ = closed_cohort(teacher.course, 2, 2)
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/run")
    html = page(teacher, cohort)
    assert "runs in the background" in html and '<progress max="100" value="0"' in html
    assert db.session.scalar(select(MatchingRun)).state is RunState.QUEUED and matching.pairs_of(cohort) == []
    result = cli("worker", "--burst")
    assert result.exit_code == 0, result.output
    assert "The last background run is done: it proposed 2 pairs." in page(teacher, cohort)
    jobs.queue(app).delete(delete_jobs=True)
