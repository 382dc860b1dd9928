"""The demo's outbox page (development only): every e-mail notice the tool wrote, as it would have been sent.

With ``MAIL_DELIVERY=database`` (the embedded default) nothing leaves the machine; this page is where ``make run``
shows what would have gone out. Registered only when the demo is enabled, like the rest of the demo.
"""
from __future__ import annotations

from flask import Blueprint, render_template

from lti_app.mentoring.services import mail_outbox

bp = Blueprint("demo_outbox", __name__, url_prefix="/demo/outbox")


@bp.get("/")
def outbox():
    """The newest 200 notices, newest first."""
    return render_template("demo/outbox.html", rows=mail_outbox.recent(200))
