"""Every mail is written in its recipient's language: their choice, else their LMS's, else English; the footer and
the unsubscribe pages too. An instructor's own words are sent as written."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.lti.models import Platform
from lti_app.mentoring.domain.mail_notices import MailChoice, Notice
from lti_app.mentoring.models.course import CourseRole
from lti_app.mentoring.models.mail_outbox import MailOutbox
from lti_app.mentoring.services import announcements, mail_notices, mail_outbox
from lti_app.tasks import mail
from tests.factories import make_membership, make_person, make_platform
from tests.factories_workspace import make_pair

WEDNESDAY = datetime(2027, 3, 24, 10, 0, tzinfo=timezone.utc)  # ISO week 2027-W12
MONDAY = datetime(2027, 3, 29, 7, 0, tzinfo=timezone.utc)  # 2027-W13


def _held(people, when):
    mail_outbox.note_notices([Notice(p.id, "grade_posted", f"submission:{p.id}", "Graded: Essay", "The comment.",
                                     "<p>The comment.</p>") for p in people], now=when)
    db.session.commit()


def test_one_digest_run_mails_a_german_learner_in_german_and_another_in_english(app, smtp, cli):
    platform = make_platform()
    german = make_person(platform, email="de@example.test", locale="de-DE")
    english = make_person(platform, email="en@example.test")
    for person in (german, english):
        mail_outbox.set_choice(person.id, MailChoice.DIGEST)
    _held([german, english], WEDNESDAY)
    result = cli("notify", "run", "--now", MONDAY.isoformat())
    assert result.exit_code == 0, result.output
    by_address = {m["To"]: m for m in smtp.inbox.messages}
    to_german, to_english = by_address["de@example.test"], by_address["en@example.test"]
    assert to_german["Subject"] == "Ihre Woche im Reverse Mentoring (2027-W13)"
    german_text = to_german.get_body(("plain",)).get_content()
    assert "Ihre Reverse-Mentoring-Hinweise der vergangenen Woche:" in german_text
    assert "Keine E-Mails mehr von ReMentor: " in german_text and "No more mail" not in german_text
    assert to_german["Content-Language"] == "de"
    assert 'lang="de"' in to_german.get_body(("html",)).get_content()
    assert to_english["Subject"] == "Your week in reverse mentoring (2027-W13)"
    english_text = to_english.get_body(("plain",)).get_content()
    assert "Your reverse mentoring notices of the past week:" in english_text
    assert "No more mail from ReMentor: " in english_text and to_english["Content-Language"] == "en"


def test_a_saved_language_wins_over_the_launch_locale_and_instructors_read_their_own(app):
    pair = make_pair()
    mentor, mentee = pair.mentor.person, pair.mentee.person
    mentor.language, mentor.locale = "fr", "de-DE"
    mentee.locale = "de-DE"
    teacher = make_person(db.session.get(Platform, pair.cohort.course.platform_id), email="t@example.test")
    make_membership(teacher, pair.cohort.course, CourseRole.INSTRUCTOR)
    db.session.commit()
    start = datetime.combine(pair.cohort.starts_on, datetime.min.time(), tzinfo=timezone.utc)
    written = mail_notices.note_due(start + timedelta(days=50), inactivity_days=21, grace_days=3)
    rows = {(r.kind, r.person_id): r for r in written}
    to_mentor = rows[("inactivity_nudge", mentor.id)]
    to_mentee = rows[("inactivity_nudge", mentee.id)]
    assert to_mentor.body_text.startswith("Il ne s'est rien passé dans votre binôme avec ")
    assert to_mentor.subject.startswith("Et si vous retrouviez ")
    assert re.fullmatch(r"In Ihrem Tandem mit .+ ist seit \d+ Tagen nichts passiert\. .+", to_mentee.body_text)
    alert = rows[("inactivity_alert", teacher.id)]
    assert re.fullmatch(r"The pair of .+ has had no activity for \d+ days\.", alert.body_text)
    digest = rows[("digest", teacher.id)]
    assert digest.body_text.startswith("Your reverse mentoring programme this week:")


def test_an_announcement_keeps_the_instructor_s_words_and_frames_them_in_each_reader_s_language(app):
    pair = make_pair()
    pair.mentee.person.locale = "es-ES"
    db.session.commit()
    announcements.announce(pair.cohort, pair.mentor.person_id, "Kick-off on Monday.")
    db.session.commit()
    rows = {r.person_id: r for r in db.session.scalars(select(MailOutbox).where(MailOutbox.kind == "announcement"))}
    spanish, english = rows[pair.mentee.person_id], rows[pair.mentor.person_id]
    assert spanish.subject == f"{pair.cohort.name}: anuncio" and spanish.body_text == "Kick-off on Monday."
    assert english.subject == f"{pair.cohort.name}: announcement"


def test_the_unsubscribe_page_speaks_the_person_s_language(app, client):
    person = make_person(make_platform(), email="x@example.test", locale="de-DE")
    db.session.commit()
    page = client.get(f"/mail/unsubscribe/{mail.unsubscribe_token(person.id)}").get_data(as_text=True)
    assert "Abbestellen</button>" in page and '<html lang="de"' in page
    refused = client.get("/mail/unsubscribe/forged", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Ce lien de désinscription n&#39;est pas valide." in refused


def test_dates_and_roles_are_written_the_reader_s_way(app):
    from datetime import date

    from lti_app.mentoring.domain.mail_notices import PairSide, PublishedPair, pairs_published_notices
    from lti_app.mentoring.domain.scheduled_notices import QuietPair, quiet_warning_notices
    from lti_app.mentoring.domain.quiet_pairs import Quiet, QuietVerdict

    ada, grace = PairSide(1, "Ada", "mentor"), PairSide(2, "Grace", "mentee")
    warning = QuietVerdict(4, Quiet.WARNED, date(2027, 3, 1), date(2027, 5, 23), date(2027, 5, 30))
    quiet = QuietPair(4, 2, "Spring", date(2027, 2, 1), date(2027, 6, 30), WEDNESDAY, ada, grace, warning=warning)
    with app.app_context():
        to_ada, to_grace = quiet_warning_notices([quiet], date(2027, 5, 24), {1: "de"})
        assert to_ada.subject == "Ihr Tandem mit Grace wird möglicherweise am 30. Mai 2027 geschlossen"
        assert "seit dem 1. März 2027" in to_ada.body_text
        assert to_grace.subject == "Your pair with Ada may be closed on 30 May 2027"
        published = pairs_published_notices([PublishedPair(4, 1, 2, "Spring", ada, grace, ("Both like <maps>.",))],
                                            {2: "fr"})
    mentor_mail, mentee_mail = published
    assert mentor_mail.body_html.startswith("<p>You are the mentor of <strong>Grace</strong> in Spring.</p>")
    assert mentee_mail.subject == "Votre binôme de mentorat inversé : Ada"
    assert "<p>Vous êtes le mentoré de <strong>Ada</strong> dans Spring.</p>" in mentee_mail.body_html
    assert "<li>Both like &lt;maps&gt;.</li>" in mentee_mail.body_html
