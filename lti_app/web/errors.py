"""One error renderer: HTML pages for people, JSON under /api/; named launch errors get their own page."""
from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lti_app.extensions import db
from lti_app.lti.errors import LaunchError
from lti_app.lti.launch_stats import count_launch_error
from lti_app.mentoring.errors import MentoringError


PLAIN_WORDS = {  # for an error raised without a message of its own
    400: _l("The request could not be understood. Go back, reload the page and try again."),
    403: _l("This page is not open to you."),
    404: _l("This page does not exist, or it is not yours to see."),
    405: _l("This address cannot be used that way. Go back and use the page's own buttons and links."),
    410: _l("This page is no longer available."),
    413: _l("What you sent is too large."),
    429: _l("Too many attempts. Wait a little and try again."),
}


def in_english(text: object) -> str:
    """``text`` (a lazy translation, or plain text) in the tool's English: logs are read by its operators."""
    with force_locale("en_GB"):
        return str(text)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _refused_platform_id(error: LaunchError) -> int | None:
    """The registration a refused login or launch named, when it was found (see launch.routes._tool_conf)."""
    if error.platform_id is not None:
        return error.platform_id
    tool_conf = g.get("launch_tool_conf")
    platform = getattr(tool_conf, "platform", None)
    return platform.id if platform is not None else None


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(LaunchError)
    def launch_error(error: LaunchError):
        platform_id = _refused_platform_id(error)  # read before the rollback expires the rows
        db.session.rollback()
        if platform_id is not None:
            count_launch_error(platform_id, error.code)  # in the cache: a refused launch writes no row
        app.logger.warning("launch rejected: %s: %s", error.code, in_english(error.detail))
        if _wants_json():
            return jsonify(error=error.code, message=str(error.detail)), error.status
        return render_template("errors/launch.html", error=error), error.status

    @app.errorhandler(MentoringError)
    def mentoring_error(error: MentoringError):
        db.session.rollback()  # a refused programme action writes nothing
        return _render_http(error.status, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        db.session.rollback()
        return _render_http(400, _("The form expired or did not come from this page. Go back, reload and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        generic = error.description == type(error).description  # Werkzeug's own words, not ours
        status = error.code or 500
        return _render_http(status, str(PLAIN_WORDS.get(status, error.name)) if generic else str(error.description))


def _render_http(status: int, message: str):
    if _wants_json():
        return jsonify(error=status, message=message), status
    return render_template("errors/http.html", status=status, message=message), status
