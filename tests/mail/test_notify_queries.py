"""``notify run``'s search for what is due costs the same number of queries for a few pairs and for many."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from lti_app.extensions import db
from lti_app.lti.models import Platform
from lti_app.mentoring.domain.mail_notices import MailChoice, Notice
from lti_app.mentoring.models.course import CourseRole
from lti_app.mentoring.models.mail_outbox import MailOutbox
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.services import mail_notices, mail_outbox
from tests.factories import make_membership, make_person
from tests.factories_workspace import make_pair, make_running_cohort
from tests.queries import counted_queries


def _grow(cohort, n: int, now: datetime) -> None:
    for _ in range(n):
        pair = make_pair(cohort)
        mail_outbox.set_choice(pair.mentee.person_id, MailChoice.DIGEST)  # some of them chose the weekly digest
        pair.mentee.person.email = f"mentee-{pair.id}@example.test"
    db.session.query(MailOutbox).delete()
    mentees = [p.mentee.person_id for p in db.session.query(Pair).where(Pair.cohort_id == cohort.id)]
    mail_outbox.note_notices([Notice(pid, "grade_posted", "submission:1", "Graded", "Graded.", "<p>Graded.</p>")
                              for pid in mentees], now=now - timedelta(days=7))  # kept back for their digest
    db.session.commit()


def _counted(now: datetime) -> tuple[int, int]:
    db.session.expire_all()
    with counted_queries() as seen:
        written = mail_notices.note_due(now, inactivity_days=21, grace_days=3)
    assert sum(r.occasion.endswith(":held") for r in written) == db.session.query(Pair).count()  # every mentee's digest
    return len(seen), len(written)


def test_note_due_costs_the_same_queries_at_3_pairs_and_at_12(app):
    cohort = make_running_cohort(quiet_after_days=40, quiet_warning_days=7)
    teacher = make_person(db.session.get(Platform, cohort.course.platform_id))
    make_membership(teacher, cohort.course, CourseRole.INSTRUCTOR)
    # day 34 of the programme, a Monday or not: nudges, alerts, overdue meetings, quiet warnings, digests
    now = datetime.combine(cohort.starts_on + timedelta(days=34), time(7), tzinfo=timezone.utc)
    _grow(cohort, 3, now)
    few, written_few = _counted(now)
    _grow(cohort, 9, now)
    many, written_many = _counted(now)
    assert written_many > written_few > 0
    assert mail_outbox.held_for_digest(now) == []  # the digests went out in that run: nothing left for this week
    assert few == many, f"{few} queries at 3 pairs, {many} at 12"
