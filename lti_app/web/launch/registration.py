"""How platforms learn about ReMentor: Dynamic Registration at ``/lti/register`` and Canvas' JSON configuration
at ``/lti/canvas.json``. Both describe the tool with the same ``ToolProfile``."""
from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for

from lti_app.extensions import db, writes_on_get
from lti_app.lti import errors
from lti_app.lti.dynamic_registration import register_tool
from lti_app.lti.models import origin_of
from lti_app.lti.tool_profile import DESCRIPTION, ToolProfile, canvas_configuration, registration_request
from lti_app.web.errors import in_english
from lti_app.web.security import forget_platform_origins

bp = Blueprint("registration", __name__)

# The site policy (web/security.py) with framing opened to any HTTPS page and to the registering platform's own
# origin (a test Moodle over plain HTTP): the platform shows the registration page in an iframe before it is
# registered (Canvas from the school's own domain, which we cannot know yet). These pages hold no form or button
# that acts, so being framed by anyone cannot be abused.
REGISTRATION_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'self' https:"
)
CLOSE_AFTER_SECONDS = 8
# scheme://host[:port] and nothing else (no user info, spaces or semicolons): safe to write into the policy.
_PLAIN_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def registering_origin() -> str | None:
    """The origin of the platform that opened the registration: its configuration URL's, which must be its
    issuer's (``dynamic_registration.check_issuer``). None when the request names no plain http(s) origin."""
    origin = origin_of(request.args.get("openid_configuration"))
    return origin if origin and _PLAIN_ORIGIN.fullmatch(origin) else None


def registration_policy(origin: str | None) -> str:
    """The registration pages' policy, with ``origin`` (scheme://host[:port], nothing else) allowed to frame them."""
    return f"{REGISTRATION_CSP} {origin}" if origin and _PLAIN_ORIGIN.fullmatch(origin) else REGISTRATION_CSP


def close_targets(origin: str | None, hosted_canvas: bool) -> str:
    """Where the close message goes (space separated): the platform's origin. Hosted Canvas frames the page from
    the school's own domain, not its issuer's, so there the message (which carries nothing) goes to any origin,
    as LTI-DR 1.0's own example does; so too when the request named no origin."""
    targets = [origin] if origin else []
    if hosted_canvas or not origin:
        targets.append("*")
    return " ".join(targets)


def current_profile() -> ToolProfile:
    """ReMentor as platforms see it, with absolute URLs on the host the request came to."""
    return ToolProfile(
        name=current_app.config["TOOL_TITLE"],
        description=DESCRIPTION,
        login_url=url_for("launch.login", _external=True),
        launch_url=url_for("launch.launch", _external=True),
        jwks_url=url_for("launch.jwks", _external=True),
        logo_url=url_for("static", filename="img/rementor.svg", _external=True),
    )


def _frameable(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = registration_policy(registering_origin())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/lti/register")
@writes_on_get  # the platform opens it with a GET; it stores the registration
def register():
    """LTI Dynamic Registration: register with the platform that opened this page, then hand back to it."""
    platform = register_tool(
        request.args.get("openid_configuration"),
        request.args.get("registration_token"),
        registration_request(current_profile()),
    )
    db.session.commit()
    forget_platform_origins()
    current_app.logger.info("dynamic registration: %s client %s (%s)", platform.issuer, platform.client_id,
                            "pending approval" if platform.pending else "auto-approved")
    origin = registering_origin()  # the issuer's own (check_issuer)
    page = render_template("launch/registered.html", platform=platform, close_after=CLOSE_AFTER_SECONDS,
                           close_targets=close_targets(origin, _is_canvas(platform.issuer)))
    return _frameable(Response(page))


@bp.errorhandler(errors.RegistrationError)
def registration_failed(error: errors.RegistrationError):
    """A failed registration: the launch error page, frameable by the platform; nothing was stored."""
    db.session.rollback()
    current_app.logger.warning("dynamic registration refused: %s: %s", error.code, in_english(error.detail))
    origin = registering_origin()
    page = render_template("launch/register_failed.html", error=error,
                           close_targets=close_targets(origin, _is_canvas(origin)))
    return _frameable(Response(page, status=error.status))


def _is_canvas(url: str | None) -> bool:
    """Hosted Canvas (issuer canvas.instructure.com and its test and beta siblings)."""
    origin = origin_of(url) or ""
    return origin.endswith(".instructure.com")


@bp.get("/lti/canvas.json")
def canvas_json():
    """The LTI 1.3 JSON configuration a Canvas developer key imports by URL."""
    response = jsonify(canvas_configuration(current_profile()))
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response
