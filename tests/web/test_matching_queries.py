"""The matching pages and the matching job cost the same number of queries whatever the cohort's size, and the
draft page of a big cohort stays small (50 pairs a page, one form for the pairs' actions, no list of everyone)."""
from __future__ import annotations

import re

import pytest

from lti_app.extensions import db
from lti_app.mentoring.domain.matching.settings import MatchMode
from lti_app.mentoring.models.matching_choice import MentorRequest, Ranking
from lti_app.mentoring.models.matching_run import MatchingRun
from lti_app.mentoring.services.matching import pairing as matching, edits as matching_edits, runs as matching_runs
from lti_app.tasks import matching_job as matching_jobs
from tests.factories_matching_modes import make_mentee, make_mentor, mode_cohort, set_mode
from tests.queries import counted_queries, queries_of_request
from tests.web.course_pages import commit

SMALL, LARGE = 2, 6  # mentors (and as many mentees): 4 and 12 people


def drafted(course, n, mode=MatchMode.OPTIMAL):
    """A closed cohort of ``n`` mentors and ``n`` mentees with a draft, one pair pinned and one forbidden."""
    cohort = mode_cohort(mode, course)
    mentors = [make_mentor(cohort) for _ in range(n)]
    mentees = [make_mentee(cohort) for _ in range(n)]
    matching.run_matching(cohort)
    first, second = matching.pairs_of(cohort)[:2]
    matching_edits.pin_pair(cohort, first)
    matching_edits.forbid_pair(cohort, second)
    commit()
    return cohort, mentors, mentees


PAGES = ["", "?show=unmatched", "?show=pinned", "?show=below&below=90", "?q=a&page=abc", "settings"]


@pytest.mark.parametrize("path", PAGES)
def test_a_matching_page_makes_as_many_queries_for_12_people_as_for_4(teacher, path):
    small, large = (drafted(teacher.course, n)[0] for n in (SMALL, LARGE))
    counts = [queries_of_request(teacher.client, teacher.url(f"instructor/cohorts/{c.id}/matching/{path}"))
              for c in (small, large)]
    assert counts[0] == counts[1], counts


def test_the_run_status_json_and_the_page_while_a_run_works_make_as_many_queries_for_12_people_as_for_4(teacher):
    cohorts = [drafted(teacher.course, n)[0] for n in (SMALL, LARGE)]
    for cohort in cohorts:
        db.session.add(MatchingRun(cohort_id=cohort.id))
    commit()
    for path in ("runs/latest", ""):
        counts = [queries_of_request(teacher.client, teacher.url(f"instructor/cohorts/{c.id}/matching/{path}"))
                  for c in cohorts]
        assert counts[0] == counts[1], (path, counts)
    page = teacher.get(f"instructor/cohorts/{cohorts[1].id}/matching/").get_data(as_text=True)
    assert "running in the background" in page and "points" not in page  # the old draft is not rendered meanwhile


def with_requests_and_rankings(cohort, mentors, mentees):
    """Every mentee asks a mentor; everyone ranks their first partner-to-be."""
    for mentor, mentee in zip(mentors, mentees):
        db.session.add(MentorRequest(cohort_id=cohort.id, mentee_enrolment_id=mentee.id, mentor_enrolment_id=mentor.id))
        db.session.add(Ranking(cohort_id=cohort.id, ranker_enrolment_id=mentee.id, ranked_enrolment_id=mentor.id, rank=1))
        db.session.add(Ranking(cohort_id=cohort.id, ranker_enrolment_id=mentor.id, ranked_enrolment_id=mentee.id, rank=1))
    commit()


@pytest.mark.parametrize("mode", [MatchMode.SELF_SELECT, MatchMode.MUTUAL])
def test_the_modes_page_makes_as_many_queries_for_12_people_as_for_4(teacher, mode):
    cohorts = []
    for n in (SMALL, LARGE):
        cohort, mentors, mentees = drafted(teacher.course, n)
        set_mode(cohort, mode)
        with_requests_and_rankings(cohort, mentors, mentees)
        cohorts.append(cohort)
    counts = [queries_of_request(teacher.client, teacher.url(f"instructor/cohorts/{c.id}/matching-modes/"))
              for c in cohorts]
    assert counts[0] == counts[1], counts
    page = teacher.get(f"instructor/cohorts/{cohorts[1].id}/matching-modes/").get_data(as_text=True)
    assert ("6 requests" in page) if mode is MatchMode.SELF_SELECT else ("6</span> of 6 have ranked" in page)


def queries_of_run(cohort, job: bool) -> int:
    """Statements of one matching run of ``cohort``: the service alone, or the background job with its progress."""
    db.session.expire_all()
    if not job:
        with counted_queries() as seen:
            matching.run_matching(cohort)
        db.session.rollback()
        return len(seen)
    run = matching_runs.start_run(cohort, None, matching_runs.timedelta(hours=1))
    commit()
    with counted_queries() as seen:
        matching_jobs.run_matching_job(run.id)
    assert db.session.get(MatchingRun, run.id).pairs
    return len(seen)


@pytest.mark.parametrize("job", [False, True], ids=["run_matching", "the background job"])
def test_a_matching_run_makes_as_many_queries_for_12_people_as_for_4(app, teacher, job):
    small, large = (drafted(teacher.course, n)[0] for n in (SMALL, LARGE))
    counts = [queries_of_run(c, job) for c in (small, large)]
    assert counts[0] == counts[1], counts


def size_of_draft_page(teacher, cohort) -> tuple[int, int, int, int]:
    """(bytes, forms, options, ticked-pair boxes) of the draft page's first page."""
    html = teacher.get(f"instructor/cohorts/{cohort.id}/matching/").get_data(as_text=True)
    return len(html), html.count("<form"), html.count("<option"), len(re.findall(r'name="pair_id"', html))


def test_the_draft_page_of_a_big_cohort_lists_50_pairs_in_one_form_and_no_list_of_everyone(teacher):
    pages = [size_of_draft_page(teacher, drafted(teacher.course, n)[0]) for n in (60, 130)]
    (small_bytes, small_forms, small_options, small_boxes), (big_bytes, big_forms, big_options, big_boxes) = pages
    assert small_boxes == big_boxes == 50  # one page of pairs, the pinned one included
    assert small_forms == big_forms <= 6  # run, filter, the pairs' actions, by hand, forbidden, publish
    assert big_options <= 4 + 2 * 50  # the filter's choices and two short lists of people not paired
    assert big_bytes < small_bytes * 1.1, pages


def test_the_draft_pages_through_its_pairs_and_reads_bad_page_numbers_sensibly(teacher):
    cohort, _, _ = drafted(teacher.course, 55)  # 54 pairs: one was forbidden
    url = f"instructor/cohorts/{cohort.id}/matching/"
    second = teacher.get(url + "?page=2").get_data(as_text=True)
    assert "51–54 of 54 pairs" in second and len(re.findall(r'name="pair_id"', second)) == 4
    for bad, shown in (("-1", "1–50 of 54"), ("abc", "1–50 of 54"), ("99999999999", "51–54 of 54")):
        answer = teacher.get(url + f"?page={bad}")
        assert answer.status_code == 200 and shown in answer.get_data(as_text=True), bad
    weird = teacher.get(url + "?show=nonsense&below=nan&q=%25_").get_data(as_text=True)
    assert "No pairs." in weird  # no name contains "%_": the wildcards are taken literally


def test_the_pairs_actions_act_on_the_ticked_pairs_and_refuse_another_cohorts_pair(teacher):
    cohort, _, _ = drafted(teacher.course, 4)
    other, _, _ = drafted(teacher.course, 2)
    loose = [p for p in matching.pairs_of(cohort) if not p.pinned]
    answer = teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/pin", {"pair_id": [str(p.id) for p in loose]})
    assert answer.status_code == 303 and "these 2 pairs" in teacher.get(f"instructor/cohorts/{cohort.id}/matching/")\
        .get_data(as_text=True)
    db.session.expire_all()
    assert all(p.pinned for p in matching.pairs_of(cohort))
    foreign = matching.pairs_of(other)[0]
    assert teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/forbid",
                        {"pair_id": str(foreign.id)}).status_code == 404
    assert teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/unpin", {"pair_id": "x"}).status_code == 303


def test_pairing_by_hand_takes_a_typed_name_or_the_listed_name_with_its_number(teacher):
    cohort, mentors, mentees = drafted(teacher.course, 3)
    lone = make_mentee(cohort)
    commit()
    page = teacher.get(f"instructor/cohorts/{cohort.id}/matching/").get_data(as_text=True)
    listed = f"{lone.person.display_name} #{lone.id}"
    assert f'<option value="{listed}">' in page and page.count("<option") < 10
    mentor = next(p.mentor for p in matching.pairs_of(cohort) if not p.pinned)
    by_name = {"mentor": mentor.person.display_name, "mentee": listed}
    assert teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/by-hand", by_name).status_code == 303
    db.session.expire_all()
    assert (mentor.id, lone.id) in {(p.mentor_enrolment_id, p.mentee_enrolment_id) for p in matching.pairs_of(cohort)}
    nobody = teacher.post(f"instructor/cohorts/{cohort.id}/matching/pairs/by-hand", {"mentor": "Nobody", "mentee": "#1"})
    assert nobody.status_code == 303
    assert "Choose a mentor of this cohort" in teacher.get(f"instructor/cohorts/{cohort.id}/matching/").get_data(as_text=True)
