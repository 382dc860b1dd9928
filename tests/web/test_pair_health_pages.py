"""The instructor's pair pages through real launches: the privacy and authorisation matrix, the log of openings
that the pair sees, ending, re-pairing, starting and closing."""
from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from lti_app.extensions import db
from lti_app.mentoring.domain.cohort_settings import PrivacySetting
from lti_app.mentoring.domain.cohort_state import CohortState
from lti_app.mentoring.domain.pair_feedback import FitAnswer
from lti_app.mentoring.models.feedback import ContentAccess
from lti_app.mentoring.models.pairing import Pair, PairStatus
from tests.factories_feedback import make_fit_check, published_days_ago
from tests.integration.test_matching_services import make_mentee, make_mentor
from tests.web.course_pages import commit
from tests.web.pair_world import FEEDBACK, GOAL, NOTES, REASON, make_world

S, G, E = PrivacySetting.STATUS_ONLY, PrivacySetting.GOALS_AND_STATUS, PrivacySetting.EVERYTHING_WITH_LOG
ROLES = ("mentor", "mentee", "stranger", "instructor", "other_instructor")
CONTENTS = ("status", "goals", "notes", "feedback")
INSTRUCTOR = {  # what the course's instructor gets, by privacy setting
    S: {"status": "visible", "goals": "hidden", "notes": "403", "feedback": "403"},
    G: {"status": "visible", "goals": "visible", "notes": "403", "feedback": "403"},
    E: {"status": "visible", "goals": "visible", "notes": "visible", "feedback": "visible"},
}


def expected(privacy, role, content) -> str:
    if role in ("mentor", "mentee"):
        return "visible"  # the partners read everything of their pair, whatever the cohort's setting
    if role in ("stranger", "other_instructor"):
        return "404"  # another learner's pair, another course's pair: not found
    return INSTRUCTOR[privacy][content]


def seen(answer, marker: str) -> str:
    """visible / hidden, or the status code when the page is refused."""
    if answer.status_code != 200:
        return str(answer.status_code)
    return "visible" if marker in answer.get_data(as_text=True) else "hidden"


def outcome(world, role, content) -> str:
    """What ``role`` gets of ``content``: learners through the pair's own pages, staff through the instructor's."""
    session = world.sessions[role]
    if role in ("instructor", "other_instructor"):
        detail = session.get(world.pair_url())
        if content in ("status", "goals"):
            return seen(detail, "held, " if content == "status" else GOAL)
        assert detail.status_code != 200 or (NOTES not in detail.get_data(as_text=True)
                                             and FEEDBACK not in detail.get_data(as_text=True))
        kind = "meeting_notes" if content == "notes" else "feedback"
        return seen(session.post(world.pair_url(f"/confidential/{kind}"), {"reason": REASON}),
                    NOTES if content == "notes" else FEEDBACK)
    if content == "feedback" and role == "mentor":  # a partner's feedback is read after giving one's own
        session.post(world.learner_url("feedback/1"), {"working": "Fine.", "not_working": "Little.", "change": "More.",
                                                        "satisfaction": "4"})
    page = {"status": "", "goals": "", "notes": "meetings", "feedback": "feedback/"}[content]
    marker = {"status": "meeting", "goals": GOAL, "notes": NOTES, "feedback": FEEDBACK}[content]
    return seen(session.get(world.learner_url(page)), marker)


@pytest.mark.parametrize("privacy", [S, G, E])
@pytest.mark.parametrize("role", ROLES)
def test_privacy_and_authorisation_matrix(app, platform, privacy, role):
    world = make_world(app, platform, privacy, roles=(role,))
    got = {content: outcome(world, role, content) for content in CONTENTS}
    assert got == {content: expected(privacy, role, content) for content in CONTENTS}
    logged = db.session.scalar(select(func.count()).select_from(ContentAccess))
    assert logged == (2 if (role, privacy) == ("instructor", E) else 0)  # each opening logged, nothing else


def test_learners_are_refused_the_instructor_pages_and_instructors_the_learner_pages(app, platform):
    world = make_world(app, platform)
    for role in ("mentor", "mentee", "stranger"):
        assert world.sessions[role].get(world.pairs_url()).status_code == 403
        assert world.sessions[role].get(world.pair_url()).status_code == 403
        assert world.sessions[role].post(world.pair_url("/confidential/feedback"), {"reason": REASON}).status_code == 403
    assert world.teacher.get(world.learner_url("feedback/")).status_code == 403
    assert world.teacher.get(world.pair_url("/confidential/goals")).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ContentAccess)) == 0


def test_each_opening_is_recorded_and_shown_to_both_partners(app, platform):
    world = make_world(app, platform, E)
    form = world.teacher.get(world.pair_url("/confidential/meeting_notes"))
    assert form.status_code == 200 and NOTES not in form.get_data(as_text=True)  # the form alone opens nothing
    short = world.teacher.post(world.pair_url("/confidential/meeting_notes"), {"reason": "why"})
    assert short.status_code == 422 and NOTES not in short.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ContentAccess)) == 0
    for _ in range(2):
        opened = world.teacher.post(world.pair_url("/confidential/meeting_notes"), {"reason": REASON})
        assert opened.status_code == 200 and NOTES in opened.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ContentAccess)) == 2
    for role in ("mentor", "mentee"):
        log = world.sessions[role].get(world.learner_url("privacy")).get_data(as_text=True)
        assert log.count(REASON) == 2 and "Meeting notes" in log
        workspace = world.sessions[role].get(world.learner_url()).get_data(as_text=True)
        assert "opened 2 times" in workspace
    assert world.teacher.get(world.pair_url()).get_data(as_text=True).count(REASON) == 2


def test_the_health_list_puts_flagged_pairs_first_with_counts_and_the_cohort_page_links_to_it(app, platform):
    world = make_world(app, platform, S)
    calm = world.pair
    flagged = make_mentor(world.cohort), make_mentee(world.cohort)
    other = published_days_ago(31, world.cohort, mentor=flagged[0], mentee=flagged[1])
    make_fit_check(other, other.mentee, FitAnswer.WANT_HELP, comment="We cannot find a time.")
    commit()
    html = world.teacher.get(world.pairs_url()).get_data(as_text=True)
    assert html.index(f'id="pair-{other.id}"') < html.index(f'id="pair-{calm.id}"')
    assert "Asks for help" in html and "2</span> active pairs" in html and "1</span> flagged" in html
    assert GOAL not in html and NOTES not in html
    detail = world.teacher.get(world.pairs_url(str(other.id))).get_data(as_text=True)
    assert "We cannot find a time." in detail  # a comment addressed to the instructor, whatever the privacy
    cohort_page = world.teacher.get(f"instructor/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert f"/instructor/cohorts/{world.cohort.id}/pairs/" in cohort_page


def test_marking_a_request_handled_lowers_the_flag(app, platform):
    world = make_world(app, platform)
    check = make_fit_check(world.pair, world.pair.mentor, FitAnswer.WANT_NEW_PARTNER)
    commit()
    assert world.teacher.post(world.pair_url(f"/fit-checks/{check.id}/handled")).status_code == 303
    db.session.expire_all()
    assert check.handled_at is not None
    assert '<span class="badge warn">Flagged</span>' not in world.teacher.get(world.pairs_url()).get_data(as_text=True)


def test_ending_a_pair_needs_a_reason_then_both_partners_see_it_ended(app, platform):
    world = make_world(app, platform)
    world.teacher.post(world.pair_url("/end"), {"reason": ""})
    db.session.expire_all()
    assert world.pair.status is PairStatus.ACTIVE
    assert world.teacher.post(world.pair_url("/end"), {"reason": "The mentee changed jobs."}).status_code == 303
    db.session.expire_all()
    assert world.pair.status is PairStatus.ENDED
    for role in ("mentor", "mentee"):
        page = world.sessions[role].get(world.learner_url("feedback/"))
        assert page.status_code == 200 and "This pair has ended" in page.get_data(as_text=True)
    assert "The mentee changed jobs." in world.teacher.get(world.pair_url()).get_data(as_text=True)


def test_re_pairing_from_the_page_takes_the_best_and_refuses_a_past_partner(app, platform):
    world = make_world(app, platform, roles=("mentor", "mentee"))
    mentee = world.pair.mentee
    mentee.career_stage, mentee.experience_years = 4, 25.0  # more senior than any student mentor
    spare = make_mentor(world.cohort)
    world.teacher.post(world.pair_url("/end"), {"reason": "A fresh start."})
    commit()
    page = world.teacher.get(world.pair_url("/repair/mentee")).get_data(as_text=True)
    assert spare.person.display_name in page and "points" in page
    world.teacher.post(world.pair_url("/repair/mentee"), {"partner": str(world.pair.mentor_enrolment_id)})
    assert "were partners before" in world.teacher.get(world.pair_url("/repair/mentee")).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Pair)) == 1
    taken = world.teacher.post(world.pair_url("/repair/mentee"), {})
    new = db.session.scalar(select(Pair).where(Pair.status == PairStatus.ACTIVE))
    assert taken.status_code == 303 and taken.headers["Location"].endswith(f"/pairs/{new.id}")
    assert (new.mentor_enrolment_id, new.mentee_enrolment_id) == (spare.id, mentee.id)
    assert world.sessions["mentee"].get(f"learner/pairs/{new.id}/feedback/").status_code == 200


def test_starting_and_closing_the_cohort_from_the_pairs_page(app, platform):
    world = make_world(app, platform, roles=("mentor", "mentee"), state=CohortState.MATCHED)
    assert "Start the programme" in world.teacher.get(world.pairs_url()).get_data(as_text=True)
    world.teacher.post(world.pairs_url("start"))
    world.teacher.post(world.pairs_url("close"))  # the box is not ticked
    db.session.expire_all()
    assert world.cohort.state is CohortState.RUNNING and world.pair.status is PairStatus.ACTIVE
    world.teacher.post(world.pairs_url("close"), {"confirmed": "y"})
    db.session.expire_all()
    assert world.cohort.state is CohortState.FINISHED and world.pair.status is PairStatus.ENDED


@pytest.mark.parametrize("privacy", [S, G, E])
def test_the_health_page_says_what_the_cohorts_privacy_setting_lets_the_instructor_read(app, platform, privacy):
    world = make_world(app, platform, privacy)
    html = world.teacher.get(world.pairs_url()).get_data(as_text=True)
    assert escape(privacy.label) in html and escape(privacy.for_instructors) in html
    others = [p for p in (S, G, E) if p is not privacy]
    assert not any(escape(other.for_instructors) in html for other in others)


def test_every_instructor_page_of_a_pair_names_the_mentor_first(app, platform):
    world = make_world(app, platform, S)
    mentor, mentee = world.pair.mentor.person.display_name, world.pair.mentee.person.display_name
    pages = [world.pairs_url(), world.pairs_url(str(world.pair.id)), f"instructor/cohorts/{world.cohort.id}/matching/"]
    for page in pages:
        html = world.teacher.get(page).get_data(as_text=True)
        assert mentor in html and html.index(mentor) < html.index(mentee), page
