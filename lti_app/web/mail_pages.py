"""Unsubscribing from ReMentor's mail by the signed link in every mail: no launch, no session needed.

``GET /mail/unsubscribe/<token>`` shows a confirm page whose form (with its CSRF token) posts back to it;
``/mail/one-click/<token>`` is the RFC 8058 address of the ``List-Unsubscribe`` header: a mail client posts
``List-Unsubscribe=One-Click`` to it without any cookie, so it is exempt from CSRF and authorised by the signed token
alone (a GET there shows the confirm page). A forged, malformed or expired token gets a page that says so (400).
"""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_app.extensions import csrf, db
from lti_app.i18n import speak_to
from lti_app.mentoring.domain.mail_notices import MailChoice
from lti_app.mentoring.models.person import Person
from lti_app.mentoring.services import mail_outbox
from lti_app.tasks.mail import BadUnsubscribeLink, read_unsubscribe_token
from lti_app.web.forms import ConfirmForm
from lti_app.web.unit_of_work import act

bp = Blueprint("mail", __name__, url_prefix="/mail")
MAX_TOKEN = 400


def _person(token: str) -> Person | None:
    if len(token) > MAX_TOKEN:
        raise BadUnsubscribeLink(_("This unsubscribe link is not valid."))
    person = db.session.get(Person, read_unsubscribe_token(token))
    if person is not None:
        speak_to(person)  # the page speaks the language their mails are in
    return person


def _refused(error: BadUnsubscribeLink):
    return render_template("mail/unsubscribe_refused.html", expired=error.expired, message=str(error)), 400


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    try:
        person = _person(token)
    except BadUnsubscribeLink as error:
        return _refused(error)
    form = ConfirmForm()
    if person is None:  # the person was removed since: nothing is sent to them anyway
        return render_template("mail/unsubscribed.html"), 200
    if request.method == "POST" and form.validate_on_submit():
        act(mail_outbox.set_choice, person.id, MailChoice.NONE)
        return render_template("mail/unsubscribed.html")
    return render_template("mail/unsubscribe_confirm.html", form=form, person=person, token=token)


@bp.route("/one-click/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client posts without cookies; the signed token is the authorisation
def one_click(token: str):
    try:
        person = _person(token)
    except BadUnsubscribeLink as error:
        return _refused(error)
    if request.method == "GET":
        return redirect(url_for("mail.unsubscribe", token=token))
    if request.form.get("List-Unsubscribe") != "One-Click":
        return render_template("mail/unsubscribe_refused.html", expired=False,
                               message=_("This address takes one-click unsubscribe requests only.")), 400
    if person is not None:
        act(mail_outbox.set_choice, person.id, MailChoice.NONE)
    return render_template("mail/unsubscribed.html")
