"""The demo LMS over HTTP (development only: registered when DEMO_ENABLED).

``/demo/`` shows what an LMS administrator pastes into Moodle or Canvas and the demo course's people,
each with a button that runs the real LTI flow: login initiation (an auto-submitted form to the tool's
login URL, as Moodle sends it) → the tool's cookie check → ``/demo/platform/auth`` (signs the id_token
and auto-posts it to the tool's launch URL) → the tool. The platform's server-to-server endpoints
(JWKS, token, AGS, NRPS) and the deep-linking return live under ``/demo/platform/``.
"""
from __future__ import annotations

import json
import re

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from lti_app.demo import DEEP_LINKING_REQUEST, RESOURCE_LINK_REQUEST, AuthorizationError, DeepLinkingRejected, DemoPlatform
from lti_app.demo.platform import STORAGE_FRAME
from lti_app.extensions import csrf
from lti_app.demo import registration
from lti_app.lti.models import origin_of

bp = Blueprint("demo", __name__, url_prefix="/demo")

ROLE_LABELS = {"instructor": "Instructor", "teaching_assistant": "Teaching assistant", "learner": "Learner"}
SEED_COMMAND = "flask --app lti_app demo seed"


def _platform() -> DemoPlatform:
    platform = registration.current_platform()
    if platform is None:
        abort(404, f"The demo LMS is not set up yet: run `{SEED_COMMAND}`.")
    return platform


@bp.get("/")
def start():
    """The LMS administrator's values, and the demo course's people with launch buttons."""
    tool = {
        "login": url_for("launch.login", _external=True),
        "launch": url_for("launch.launch", _external=True),
        "jwks": url_for("launch.jwks", _external=True),
    }
    return render_template(
        "demo/start.html", tool=tool, platform=registration.current_platform(), role_labels=ROLE_LABELS,
        seed_command=SEED_COMMAND,
    )


@bp.get("/launch/<sub>")
def launch(sub: str):
    """The LMS starts a launch: its login initiation, form-posted to the tool."""
    platform = _platform()
    if sub not in platform.people_by_sub:
        abort(404)
    person = platform.person(sub)
    deep_linking = request.args.get("message") == "deep-linking"
    if deep_linking and person.kind == "learner":
        abort(403, "Only course staff can add activities to the course.")
    storage = STORAGE_FRAME if request.args.get("storage") == "on" else None
    url, params = platform.login_initiation(
        sub, DEEP_LINKING_REQUEST if deep_linking else RESOURCE_LINK_REQUEST, "POST", storage_target=storage,
        locale=_locale_asked(),
    )
    return render_template("demo/login_initiation.html", person=person, action=url, fields=params, deep_linking=deep_linking)


@bp.get("/course/<sub>")
def course_page(sub: str):
    """The demo LMS's course page with ReMentor embedded in an iframe, as Moodle or Canvas shows it.

    ``?storage=on``: the LMS offers its postMessage storage (a hidden frame named ``post_message_forwarding``
    beside the tool's, and ``lti_storage_target`` in login and launch), as Canvas does; otherwise it offers none,
    as Moodle. The tool's frame loads from ``DEMO_BASE_URL``: opened at another host name (``localhost`` against
    ``127.0.0.1``), the tool is a third-party frame, whose cookies a browser may block.
    """
    platform = _platform()
    if sub not in platform.people_by_sub:
        abort(404)
    storage = request.args.get("storage") == "on"
    base = registration.base_url()
    tool_frame = base + url_for("demo.launch", sub=sub, storage="on" if storage else None, locale=_locale_asked())
    page = render_template(
        "demo/course_frame.html", person=platform.person(sub), course=platform.course, storage=storage,
        tool_frame=tool_frame, storage_frame=platform.issuer + "/storage", storage_name=STORAGE_FRAME,
    )
    response = Response(page)
    frames = " ".join(dict.fromkeys(["'self'", origin_of(base) or "'self'"]))
    # The LMS's own page: it frames the tool (and its storage frame), and nothing frames it.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"frame-src {frames}; form-action 'self'; frame-ancestors 'self'"
    )
    return response


@bp.get("/platform/storage")
def storage_frame():
    """The platform's storage frame: answers lti.capabilities, lti.put_data and lti.get_data (static/js/demo-storage.js).

    Values live in the frame's memory, one store per origin that sent them (the tool's alone may be answered),
    as long as the course page stays open.
    """
    return render_template("demo/storage_frame.html", tool_origin=origin_of(registration.base_url()))


@bp.get("/open")
def launch_placed():
    """The LMS opens an activity deep linking placed: a launch through that link, as the person chosen."""
    platform = _platform()
    link, sub = request.args.get("link", ""), request.args.get("sub", "")
    if link not in platform.placed_links or sub not in platform.people_by_sub:
        abort(404)
    url, params = platform.login_initiation(sub, RESOURCE_LINK_REQUEST, "POST", link=link)
    return render_template("demo/login_initiation.html", person=platform.person(sub), action=url, fields=params,
                           deep_linking=False)


@bp.route("/platform/auth", methods=["GET", "POST"])
@csrf.exempt  # the tool's OIDC authentication request (GET after its redirect, or a form post)
def auth():
    """The platform's OIDC authorisation endpoint: check the request, sign the id_token, post it to the tool."""
    platform = _platform()
    try:
        answer = platform.authorize(request.values.to_dict())
    except AuthorizationError as exc:
        return render_template("demo/error.html", error=exc), 400
    return render_template("demo/launch_form.html", action=answer["action"], fields=answer["fields"])


@bp.get("/platform/jwks")
def jwks():
    """The platform's public keys."""
    return jsonify(_platform().jwks())


@bp.post("/platform/token")
@csrf.exempt  # server-to-server: the tool's client-credentials grant
def token():
    """OAuth 2 token endpoint (client credentials with a signed JWT assertion)."""
    status, body = _platform().token(request.form.to_dict())
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/platform/courses/<path:rest>", methods=["GET", "POST", "PUT", "DELETE"])
@csrf.exempt  # server-to-server: AGS and NRPS, authorised by the bearer token
def services(rest: str):
    """AGS (line items, scores, results) and NRPS (memberships) of the demo course."""
    answer = _platform().handle(request.method, request.url, dict(request.headers), request.get_data())
    body = "" if answer.body is None else json.dumps(answer.body)
    headers = dict(answer.headers)
    content_type = headers.pop("Content-Type", "application/json")
    return Response(body, status=answer.status, headers=headers, content_type=content_type)


@bp.post("/platform/deep-link-return")
@csrf.exempt  # the tool's deep-linking response, form-posted by the browser
def deep_link_return():
    """Check the tool's deep-linking response and show what it placed in the course."""
    platform = _platform()
    try:
        items = platform.validate_deep_linking_response(request.form.get("JWT", ""))
    except DeepLinkingRejected as exc:
        return render_template("demo/deep_link_result.html", items=[], error=str(exc), course=platform.course), 400
    return render_template("demo/deep_link_result.html", items=items, error=None, course=platform.course)


def _locale_asked() -> str | None:
    """``?locale=es-ES``: launch in that language instead of the person's own; anything else is refused."""
    locale = request.args.get("locale")
    if locale is not None and not re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?", locale):
        abort(400, "locale must be a language tag such as es-ES.")
    return locale
