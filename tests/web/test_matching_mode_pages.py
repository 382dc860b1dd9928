"""The self-select and mutual-ranking pages through real launches: mentee, mentor and instructor."""
from __future__ import annotations

import re

import pytest
from flask import g, render_template
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.matching.settings import MatchMode
from lti_app.mentoring.models.course import Membership
from lti_app.mentoring.models.matching_choice import MentorRequest, Ranking, RequestStatus
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services.matching import pairing as matching, modes as matching_modes
from tests.factories_matching_modes import make_mentee, make_mentor, mode_cohort
from tests.queries import counted_queries
from tests.web.course_pages import OTHER_COURSE, commit, launch


@pytest.fixture
def learners(app, platform, teacher):
    """(mentee's browser, mentor's browser), both launched into the teacher's course."""
    return launch(app, platform, platform.learners[0].sub), launch(app, platform, platform.learners[1].sub)


def person(platform, index):
    return db.session.scalar(select(Person).where(Person.subject == platform.learners[index].sub))


def people_in(teacher, platform, mode, **overrides):
    """A cohort in ``mode``: the two launched learners as mentee and mentor, plus one more mentor."""
    cohort = mode_cohort(mode, teacher.course, **overrides)
    mentee = make_mentee(cohort, person=person(platform, 0))
    mentor = make_mentor(cohort, person=person(platform, 1), offered={"ai_tools": 5})
    other = make_mentor(cohort, offered={"ai_tools": 2})
    commit()
    return cohort, mentee, mentor, other


def html(answer):
    return answer.get_data(as_text=True)


def test_the_settings_page_offers_the_three_modes_each_explained_and_saves_the_choice(teacher, platform):
    cohort, *_ = people_in(teacher, platform, MatchMode.OPTIMAL)
    page = html(teacher.get(f"instructor/cohorts/{cohort.id}/matching/settings"))
    assert page.count('name="mode"') == 3 and "Mentees choose their mentor" in page and "stable matching" in page
    data = {"mode": "mutual", "min_overlap_hours": "1", "min_score": "0", **{f"rule_{r}": "y" for r in ("capacity",)}}
    for name in ("skills", "channels", "interests", "goals", "department", "generation"):
        data |= {f"weight_{name}": "1", f"direction_{name}": "complementary" if name == "skills" else "similar"}
    assert teacher.post(f"instructor/cohorts/{cohort.id}/matching/settings", data).status_code == 303
    db.session.expire_all()
    assert matching.settings_of(cohort).mode is MatchMode.MUTUAL
    bad = teacher.post(f"instructor/cohorts/{cohort.id}/matching/settings", data | {"mode": "lottery"})
    assert bad.status_code == 422 and matching.settings_of(cohort).mode is MatchMode.MUTUAL


def test_the_enrolment_page_links_to_the_choosing_page_each_side_needs(teacher, learners, platform):
    mentee_browser, mentor_browser = learners
    cohort, *_ = people_in(teacher, platform, MatchMode.SELF_SELECT)
    assert "Choose your mentor" in html(mentee_browser.get(f"learner/cohorts/{cohort.id}/enrolment"))
    mentor_page = html(mentor_browser.get(f"learner/cohorts/{cohort.id}/enrolment"))
    assert "Requests from mentees" in mentor_page and "Choose your mentor" not in mentor_page
    optimal, *_ = people_in(teacher, platform, MatchMode.OPTIMAL, name="Engine cohort")
    assert "Your part in the matching" not in html(mentee_browser.get(f"learner/cohorts/{optimal.id}/enrolment"))


def test_the_enrolment_page_works_out_the_participants_side_once(teacher, learners, platform, monkeypatch):
    mentee_browser, _ = learners
    cohort, *_ = people_in(teacher, platform, MatchMode.SELF_SELECT)
    calls = []
    real = matching_modes.side_of
    monkeypatch.setattr(matching_modes, "side_of", lambda *args: calls.append(args) or real(*args))
    page = html(mentee_browser.get(f"learner/cohorts/{cohort.id}/enrolment"))
    assert "choose your mentor now" in page and "Choose your mentor" in page and len(calls) == 1


def test_a_mentee_requests_a_mentor_who_accepts_and_the_instructor_sees_a_pinned_pair(teacher, learners, platform):
    mentee_browser, mentor_browser = learners
    cohort, mentee, mentor, other = people_in(teacher, platform, MatchMode.SELF_SELECT)
    page = html(mentee_browser.get(f"learner/cohorts/{cohort.id}/choosing/mentors"))
    assert page.index(mentor.person.display_name) < page.index(other.person.display_name)  # best fit first
    assert "you want to learn" in page and "points" not in page
    sent = mentee_browser.post(f"learner/cohorts/{cohort.id}/choosing/mentors/request",
                               {"mentor_id": str(mentor.id), "message": "Keen to learn <b>AI</b>!"})
    assert sent.status_code == 303
    mentee_browser.post(f"learner/cohorts/{cohort.id}/choosing/mentors/request", {"mentor_id": str(mentor.id)})
    assert db.session.scalar(select(func.count()).select_from(MentorRequest)) == 1  # the double submit added nothing
    inbox = html(mentor_browser.get(f"learner/cohorts/{cohort.id}/choosing/requests"))
    assert mentee.person.display_name in inbox and "Keen to learn &lt;b&gt;AI&lt;/b&gt;!" in inbox
    assert re.search(r"You offer [^<]*which [^<]* wants to learn", inbox)
    request = db.session.scalar(select(MentorRequest))
    answer = mentor_browser.post(f"learner/cohorts/{cohort.id}/choosing/requests/accept",
                                 {"request_id": str(request.id), "version": str(request.version)})
    assert answer.status_code == 303
    db.session.expire_all()
    [pair] = matching.pairs_of(cohort)
    assert pair.pinned and (pair.mentor_enrolment_id, pair.mentee_enrolment_id) == (mentor.id, mentee.id)
    assert "accepted" in html(mentee_browser.get(f"learner/cohorts/{cohort.id}/choosing/mentors"))
    draft = html(teacher.get(f"instructor/cohorts/{cohort.id}/matching/"))
    assert "Pinned" in draft and mentor.person.display_name in draft
    overview = html(teacher.get(f"instructor/cohorts/{cohort.id}/matching-modes/"))
    assert "accepted" in overview and "Keen to learn" not in overview  # the message stays between the two


def test_a_mentee_withdraws_and_the_mentors_stale_accept_gets_a_clear_message(teacher, learners, platform):
    mentee_browser, mentor_browser = learners
    cohort, _, mentor, _ = people_in(teacher, platform, MatchMode.SELF_SELECT)
    mentee_browser.post(f"learner/cohorts/{cohort.id}/choosing/mentors/request", {"mentor_id": str(mentor.id)})
    request = db.session.scalar(select(MentorRequest))
    version = request.version
    withdrawn = mentee_browser.post(f"learner/cohorts/{cohort.id}/choosing/mentors/withdraw", {"request_id": str(request.id)})
    assert withdrawn.status_code == 303
    late = mentor_browser.post(f"learner/cohorts/{cohort.id}/choosing/requests/accept",
                                 {"request_id": str(request.id), "version": str(version)}, follow_redirects=True)
    assert "withdrew this request before you answered" in html(late) and matching.pairs_of(cohort) == []
    db.session.expire_all()
    assert request.status is RequestStatus.WITHDRAWN


def test_a_mentor_declines_and_the_mentee_sees_it(teacher, learners, platform):
    mentee_browser, mentor_browser = learners
    cohort, _, mentor, _ = people_in(teacher, platform, MatchMode.SELF_SELECT)
    mentee_browser.post(f"learner/cohorts/{cohort.id}/choosing/mentors/request", {"mentor_id": str(mentor.id)})
    request = db.session.scalar(select(MentorRequest))
    mentor_browser.post(f"learner/cohorts/{cohort.id}/choosing/requests/decline",
                                 {"request_id": str(request.id), "version": str(request.version)})
    page = html(mentee_browser.get(f"learner/cohorts/{cohort.id}/choosing/mentors"))
    assert "declined" in page and f"Ask {mentor.person.display_name}" not in page


def test_each_side_is_kept_to_its_own_page(teacher, learners, platform):
    mentee_browser, mentor_browser = learners
    cohort, *_ = people_in(teacher, platform, MatchMode.SELF_SELECT)
    assert mentee_browser.get(f"learner/cohorts/{cohort.id}/choosing/requests").status_code == 400
    assert "This page is for mentees" in html(mentor_browser.get(f"learner/cohorts/{cohort.id}/choosing/mentors"))


def test_another_courses_cohort_or_request_is_not_found(app, platform, teacher, learners):
    mentee_browser, mentor_browser = learners
    elsewhere = launch(app, platform, platform.instructor.sub, **OTHER_COURSE)
    foreign = mode_cohort(MatchMode.SELF_SELECT, elsewhere.course)
    cohort, _, _, other = people_in(teacher, platform, MatchMode.SELF_SELECT)
    commit()
    assert mentee_browser.get(f"learner/cohorts/{foreign.id}/choosing/mentors").status_code == 404
    assert teacher.get(f"instructor/cohorts/{foreign.id}/matching-modes/").status_code == 404
    assert teacher.post(f"instructor/cohorts/{foreign.id}/matching-modes/stable").status_code == 404
    mentee_browser.post(f"learner/cohorts/{cohort.id}/choosing/mentors/request", {"mentor_id": str(other.id)})
    request = db.session.scalar(select(MentorRequest))
    stolen = mentor_browser.post(f"learner/cohorts/{cohort.id}/choosing/requests/accept",
                                 {"request_id": str(request.id), "version": str(request.version)})
    assert stolen.status_code == 404 and matching.pairs_of(cohort) == []  # addressed to another mentor
    taken_back = mentor_browser.post(f"learner/cohorts/{cohort.id}/choosing/mentors/withdraw", {"request_id": str(request.id)})
    assert taken_back.status_code == 404 and request.is_open  # someone else's request


def test_the_choosing_pages_refuse_posts_without_a_csrf_token(teacher, learners, platform):
    mentee_browser, _ = learners
    cohort, _, mentor, _ = people_in(teacher, platform, MatchMode.SELF_SELECT)
    answer = mentee_browser.client.post(mentee_browser.url(f"learner/cohorts/{cohort.id}/choosing/mentors/request"),
                                        data={"mentor_id": str(mentor.id)})
    assert answer.status_code == 400 and db.session.scalar(select(func.count()).select_from(MentorRequest)) == 0


def test_both_sides_rank_and_the_instructor_computes_the_stable_matching(teacher, learners, platform):
    mentee_browser, mentor_browser = learners
    cohort, mentee, mentor, other = people_in(teacher, platform, MatchMode.MUTUAL)
    assert "Rank your preferences" in html(mentee_browser.get(f"learner/cohorts/{cohort.id}/enrolment"))
    page = html(mentee_browser.get(f"learner/cohorts/{cohort.id}/choosing/ranking"))
    assert f'name="rank_{mentor.id}"' in page and f'name="rank_{other.id}"' in page
    twice = mentee_browser.post(f"learner/cohorts/{cohort.id}/choosing/ranking",
                                {f"rank_{mentor.id}": "1", f"rank_{other.id}": "1"})
    assert twice.status_code == 422 and "rank 1 is given more than once" in html(twice)
    assert mentee_browser.post(f"learner/cohorts/{cohort.id}/choosing/ranking",
                               {f"rank_{mentor.id}": "1", f"rank_{other.id}": "2"}).status_code == 303
    assert mentor_browser.post(f"learner/cohorts/{cohort.id}/choosing/ranking", {f"rank_{mentee.id}": "1"}).status_code == 303
    saved = html(mentor_browser.get(f"learner/cohorts/{cohort.id}/choosing/ranking"))
    assert re.search(r'<option selected value="1">', saved)  # the saved rank shows again
    assert "Your ranking of 1 person is saved." in saved
    overview = html(teacher.get(f"instructor/cohorts/{cohort.id}/matching-modes/"))
    assert "1</span> of 1 have ranked" in overview and "2 have ranked" in overview
    assert other.person.display_name in overview  # not ranked yet
    done = teacher.post(f"instructor/cohorts/{cohort.id}/matching-modes/stable", follow_redirects=True)
    assert "The stable matching proposes 1 pair" in html(done) and "No mentee who passes the rules ranked" in html(done)
    db.session.expire_all()
    [pair] = matching.pairs_of(cohort)
    assert (pair.mentor_enrolment_id, pair.mentee_enrolment_id) == (mentor.id, mentee.id) and pair.explanation
    teacher.post(f"instructor/cohorts/{cohort.id}/matching/publish", {"confirmed": "y"})
    partner = html(mentee_browser.get(f"learner/cohorts/{cohort.id}/enrolment"))
    assert f"Your partner: {mentor.person.display_name}" in partner and "Rank your preferences" not in partner


def test_computing_the_stable_matching_needs_a_csrf_token_and_the_mutual_mode(teacher, learners, platform):
    cohort, *_ = people_in(teacher, platform, MatchMode.SELF_SELECT)
    assert teacher.client.post(teacher.url(f"instructor/cohorts/{cohort.id}/matching-modes/stable")).status_code == 400
    refused = teacher.post(f"instructor/cohorts/{cohort.id}/matching-modes/stable", follow_redirects=True)
    assert "not by mutual ranking" in html(refused) and matching.pairs_of(cohort) == []
    assert db.session.scalar(select(func.count()).select_from(Ranking)) == 0


def test_a_learner_cannot_open_the_instructors_mode_pages(teacher, learners, platform):
    mentee_browser, _ = learners
    cohort, *_ = people_in(teacher, platform, MatchMode.MUTUAL)
    assert mentee_browser.get(f"instructor/cohorts/{cohort.id}/matching-modes/").status_code == 403


def test_the_link_for_the_matching_page_shows_only_when_participants_choose(app, teacher, platform):
    choosing, *_ = people_in(teacher, platform, MatchMode.MUTUAL)
    engine, *_ = people_in(teacher, platform, MatchMode.OPTIMAL, name="Engine cohort")
    staff = db.session.scalar(select(Membership).join(Person).where(
        Person.subject == platform.instructor.sub, Membership.course_id == teacher.course_id))
    with app.test_request_context():
        g.membership = staff
        link = render_template("instructor/matching_modes_link.html", cohort=choosing)
        assert f"/instructor/cohorts/{choosing.id}/matching-modes/" in link and "Rankings and the stable matching" in link
        assert render_template("instructor/matching_modes_link.html", cohort=engine).strip() == ""


def test_a_mentees_list_of_mentors_is_paged_and_costs_the_same_queries_with_4_or_40_mentors(teacher, learners, platform):
    mentee_browser, _ = learners
    cohort, _, _, _ = people_in(teacher, platform, MatchMode.SELF_SELECT)
    url = f"learner/cohorts/{cohort.id}/choosing/mentors"

    def queries_with(mentors: int) -> tuple[int, str]:
        while len(matching.sides_of(cohort).mentors) < mentors:
            make_mentor(cohort, offered={"ai_tools": 3})
        commit()
        with counted_queries() as seen:
            answer = mentee_browser.get(url)
        assert answer.status_code == 200
        return len(seen), html(answer)

    few, small = queries_with(4)
    many, big = queries_with(40)
    assert few == many, f"{few} queries with 4 mentors, {many} with 40"
    assert "1–10 of 40 mentors fit you." in big and big.count('<button type="submit">Ask ') == 10 and 'rel="next"' in big
    assert "4 mentors fit you." in small
    for odd in ("abc", "-1", "0", str(10**12)):
        assert mentee_browser.get(f"{url}?page={odd}").status_code == 200
    assert "31–40 of 40" in html(mentee_browser.get(f"{url}?page={10**12}"))


@pytest.mark.parametrize("mode", list(MatchMode))
@pytest.mark.parametrize("state", [CohortState.ENROLMENT_OPEN, CohortState.ENROLMENT_CLOSED])
def test_the_enrolment_page_says_how_pairs_are_made_in_the_cohorts_mode_and_state(teacher, learners, platform, mode,
                                                                                  state):
    mentee_browser, mentor_browser = learners
    cohort, *_ = people_in(teacher, platform, mode, state=state)
    for browser in (mentee_browser, mentor_browser):
        page = html(browser.get(f"learner/cohorts/{cohort.id}/enrolment"))
        instructor_pairs = "Your instructor will pair you after enrolment closes" in page
        assert instructor_pairs == (mode is MatchMode.OPTIMAL and state is CohortState.ENROLMENT_OPEN)
        if state is CohortState.ENROLMENT_CLOSED:
            assert "Enrolment is closed" in page
        if mode is MatchMode.SELF_SELECT and state is CohortState.ENROLMENT_CLOSED:
            wanted = "choose your mentor now" if browser is mentee_browser else "answer their requests"
            assert wanted in page


def _settings_form(mode: str, min_score: str = "0") -> dict:
    data = {"mode": mode, "min_overlap_hours": "1", "min_score": min_score, "rule_capacity": "y"}
    for name in ("skills", "channels", "interests", "goals", "department", "generation"):
        data |= {f"weight_{name}": "1", f"direction_{name}": "complementary" if name == "skills" else "similar"}
    return data


@pytest.mark.parametrize("state", [CohortState.DRAFT, CohortState.ENROLMENT_OPEN, CohortState.ENROLMENT_CLOSED])
def test_matching_settings_are_saved_in_every_state_before_matching(teacher, platform, state):
    cohort, *_ = people_in(teacher, platform, MatchMode.OPTIMAL, state=state)
    saved = teacher.post(f"instructor/cohorts/{cohort.id}/matching/settings", _settings_form("self_select", "3"))
    assert saved.status_code == 303
    db.session.expire_all()
    assert matching.settings_of(cohort).mode is MatchMode.SELF_SELECT and matching.settings_of(cohort).min_score == 3


def test_a_locked_mode_is_refused_by_its_field_and_the_form_keeps_what_was_typed(teacher, learners, platform):
    cohort, mentee, mentor, _ = people_in(teacher, platform, MatchMode.SELF_SELECT)
    db.session.add(MentorRequest(cohort_id=cohort.id, mentee_enrolment_id=mentee.id, mentor_enrolment_id=mentor.id))
    commit()
    refused = teacher.post(f"instructor/cohorts/{cohort.id}/matching/settings", _settings_form("mutual", "7"))
    page = html(refused)
    assert refused.status_code == 400 and "How pairs are made is locked" in page and "1 choice" in page
    assert re.search(r'name="min_score"[^>]*value="7', page) or re.search(r'value="7"[^>]*name="min_score"', page)
    db.session.expire_all()
    assert matching.settings_of(cohort).mode is MatchMode.SELF_SELECT  # nothing saved
    kept = teacher.post(f"instructor/cohorts/{cohort.id}/matching/settings", _settings_form("self_select", "7"))
    assert kept.status_code == 303  # the other settings still change


def test_the_home_page_leads_a_mentee_to_choose_and_tells_a_mentor_who_is_waiting(teacher, learners, platform):
    mentee_browser, mentor_browser = learners
    cohort, mentee, mentor, _ = people_in(teacher, platform, MatchMode.SELF_SELECT)
    home = html(mentee_browser.get("learner/"))
    assert re.search(rf'href="[^"]*/learner/cohorts/{cohort.id}/choosing/mentors"', home)
    assert "waiting for your answer" not in html(mentor_browser.get("learner/"))
    db.session.add(MentorRequest(cohort_id=cohort.id, mentee_enrolment_id=mentee.id, mentor_enrolment_id=mentor.id))
    commit()
    mentor_home = html(mentor_browser.get("learner/"))
    assert "1 mentee is waiting for your answer" in mentor_home
    assert re.search(rf'href="[^"]*/learner/cohorts/{cohort.id}/choosing/requests"', mentor_home)


def test_a_setting_left_out_because_its_rule_or_criterion_is_off_keeps_its_stored_value(teacher, platform):
    cohort, *_ = people_in(teacher, platform, MatchMode.OPTIMAL)
    data = _settings_form("optimal") | {"min_overlap_hours": "3", "weight_goals": "2", "direction_goals": "different"}
    data["rule_availability_overlap"] = "y"
    assert teacher.post(f"instructor/cohorts/{cohort.id}/matching/settings", data).status_code == 303
    off = {k: v for k, v in data.items() if k not in ("rule_availability_overlap", "min_overlap_hours", "direction_goals")}
    assert teacher.post(f"instructor/cohorts/{cohort.id}/matching/settings", off | {"weight_goals": "0"}).status_code == 303
    db.session.expire_all()
    settings = matching.settings_of(cohort)
    assert not settings.rules.availability_overlap and settings.rules.min_overlap_hours == 3
    assert settings.criteria["goals"].weight == 0 and settings.criteria["goals"].direction.value == "different"
    page = html(teacher.get(f"instructor/cohorts/{cohort.id}/matching/settings"))
    assert re.search(r'<input[^>]*disabled[^>]*name="min_overlap_hours"|<input[^>]*name="min_overlap_hours"[^>]*disabled', page)
    assert re.search(r'<select[^>]*disabled[^>]*name="direction_goals"|<select[^>]*name="direction_goals"[^>]*disabled', page)
