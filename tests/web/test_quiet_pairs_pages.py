"""Quiet pairs: the pair is warned in its workspace, the instructor sees a proposal to close, closing asks a reason,
keeps the history and leads to the re-match; nothing closes by itself."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lti_app.extensions import db
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.models.workspace import Meeting
from tests.factories_workspace import TODAY, at_midnight, make_meeting, make_pair, make_running_cohort
from tests.queries import queries_of_request
from tests.web.course_pages import commit, launch


def person_of(sub: str) -> Person:
    return db.session.scalar(select(Person).where(Person.subject == sub))


@pytest.fixture
def quiet(app, platform):
    """A pair that has done nothing for 50 days in a cohort whose rule is 30 days, warned 7 before; and a busy pair."""
    mentor, mentee = launch(app, platform, platform.learners[0].sub), launch(app, platform, platform.learners[1].sub)
    teacher = launch(app, platform, platform.instructor.sub)
    cohort = make_running_cohort(mentor.course, starts_on=TODAY - timedelta(days=50), quiet_after_days=30,
                                 quiet_warning_days=7, ends_on=TODAY + timedelta(days=100))
    pair = make_pair(cohort, person_of(platform.learners[0].sub), person_of(platform.learners[1].sub),
                     published_at=at_midnight(TODAY - timedelta(days=55)))
    busy = make_pair(cohort)
    make_meeting(busy, held_on=TODAY - timedelta(days=2))
    commit()
    return SimpleNamespace(mentor=mentor, mentee=mentee, teacher=teacher, cohort=cohort, pair=pair, busy=busy,
                           health=f"instructor/cohorts/{cohort.id}/pairs/")


def test_the_instructor_sees_a_proposal_for_the_quiet_pair_only(quiet):
    html = quiet.teacher.get(quiet.health).get_data(as_text=True)
    assert 'id="quiet-pairs"' in html
    assert f'pairs/{quiet.pair.id}/end"' in html and f'pairs/{quiet.busy.id}/end"' not in html
    assert "No activity in the pair for 30 days." in html


def test_closing_asks_a_reason_keeps_the_history_and_offers_the_rematch(quiet):
    refused = quiet.teacher.post(f"{quiet.health}{quiet.pair.id}/end", {"reason": ""})
    assert refused.status_code in (302, 303)
    db.session.expire_all()
    assert db.session.get(Pair, quiet.pair.id).status is PairStatus.ACTIVE
    done = quiet.teacher.post(f"{quiet.health}{quiet.pair.id}/end", {"reason": "No activity in the pair for 30 days."})
    assert done.status_code in (302, 303)
    db.session.expire_all()
    assert db.session.get(Pair, quiet.pair.id).status is PairStatus.ENDED
    page = quiet.teacher.get(f"{quiet.health}{quiet.pair.id}").get_data(as_text=True)
    assert f"pairs/{quiet.pair.id}/repair/mentor" in page
    assert 'id="quiet-pairs"' not in quiet.teacher.get(quiet.health).get_data(as_text=True)
    again = quiet.teacher.post(f"{quiet.health}{quiet.pair.id}/end", {"reason": "No activity in the pair for 30 days."})
    assert again.status_code < 500  # a double submit is refused politely


def test_nothing_closes_by_itself(quiet):
    for _ in range(2):
        quiet.teacher.get(quiet.health)
        quiet.mentor.get(f"learner/pairs/{quiet.pair.id}/")
    db.session.expire_all()
    assert db.session.get(Pair, quiet.pair.id).status is PairStatus.ACTIVE


def test_the_pair_is_warned_from_the_warning_day(quiet):
    html = quiet.mentor.get(f"learner/pairs/{quiet.pair.id}/").get_data(as_text=True)
    assert 'id="quiet-warning"' in html and "Your instructor may now close the pair" in html
    # a meeting 25 days ago: quiet 25 of 30 days, warned from day 23
    make_meeting(quiet.pair, held_on=TODAY - timedelta(days=25), created_at=at_midnight(TODAY - timedelta(days=25)))
    commit()
    html = quiet.mentor.get(f"learner/pairs/{quiet.pair.id}/").get_data(as_text=True)
    assert 'id="quiet-warning"' in html and "From " in html
    db.session.execute(Meeting.__table__.update().values(held_on=TODAY - timedelta(days=10),
                                                         created_at=at_midnight(TODAY - timedelta(days=10))))
    commit()
    assert 'id="quiet-warning"' not in quiet.mentor.get(f"learner/pairs/{quiet.pair.id}/").get_data(as_text=True)


def test_the_proposals_cost_the_same_queries_for_few_or_many_pairs(quiet):
    def grow(n: int) -> int:
        for _ in range(n):
            make_pair(quiet.cohort, published_at=at_midnight(TODAY - timedelta(days=55)))
        return queries_of_request(quiet.teacher.client, quiet.teacher.url(quiet.health))

    assert grow(1) == grow(4)
