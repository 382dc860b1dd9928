"""The LMS-facing endpoints at the stable paths: login, launch, JWKS, health, and the continue step."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from pylti1p3.contrib.flask import FlaskRequest
from sqlalchemy import text

from lti_app.extensions import cache, csrf, db
from lti_app.i18n import speak_to
from lti_app.lti import errors, keys, platform_storage
from lti_app.lti.claims import LaunchContext
from lti_app.lti.launch import ToolMessageLaunch
from lti_app.lti.launch_stats import note_launch
from lti_app.lti.models import Platform
from lti_app.lti.oidc_login import ToolOIDCLogin
from lti_app.lti.registrations import note_context_services, note_launch_origins
from lti_app.lti.tool_config import DatabaseToolConf
from lti_app.mentoring.services.launches import KnownMembership, known_launch, record_launch, remember_launch
from lti_app.web import frame_session
from lti_app.web import session as tool_session
from lti_app.mentoring.models.reflection import REFLECTION_TAG
from lti_app.web.launch.deep_linking import TARGET
from lti_app.web.launch.facts import facts_from
from lti_app.web.launch.targets import landing_url
from lti_app.web.security import forget_platform_origins

bp = Blueprint("launch", __name__)


def _tool_conf() -> DatabaseToolConf:
    """The registration lookups of this request, kept on ``g`` so that a refusal is counted for its platform."""
    g.launch_tool_conf = DatabaseToolConf()
    return g.launch_tool_conf


@bp.route("/lti/login", methods=["GET", "POST"])
@csrf.exempt  # the LMS posts the login initiation cross-site
def login():
    """OIDC third-party initiated login: redirect the browser to the platform's auth endpoint.

    When the platform offers its postMessage storage (``lti_storage_target``) the answer is a page instead, whose
    script keeps the state and nonce in the platform's frame and then goes to the auth endpoint (or, without an
    answer from that frame, back to this login without storage: the cookie flow).
    """
    oidc = ToolOIDCLogin(FlaskRequest(), _tool_conf())
    answer = oidc.start(url_for("launch.launch", _external=True), request.host_url)
    if not isinstance(answer, dict):
        return answer
    fallback = url_for("launch.login") + "?" + answer.pop("fallback")
    return _no_store(render_template("launch/storage_login.html", fallback=fallback, **answer))


def _no_store(page: str) -> Response:
    response = current_app.make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/lti/launch")
@csrf.exempt  # the platform form-posts the id_token cross-site
def launch():
    """Validate the launch, record who and where, then continue to the person's page.

    A launch whose login kept its state in the platform's storage (no cookie came back) first gets a page that
    reads the state from there and posts it, with the id_token, to ``storage_launch``.
    """
    state = request.form.get("state")
    record = platform_storage.peek(state)
    if record is not None and request.form.get("lti_storage_target"):
        return _no_store(render_template(
            "launch/storage_launch.html", id_token=request.form.get("id_token", ""), state=state,
            target=record["target"], origin=record["origin"], state_key=platform_storage.state_key(str(state)),
        ))
    tool_conf = _tool_conf()
    return _validated_launch(ToolMessageLaunch(FlaskRequest(), tool_conf), tool_conf)


def _validated_launch(
    message_launch: ToolMessageLaunch, tool_conf: DatabaseToolConf, *, login_platform: int | None = None
) -> Response:
    """Validate, then finish the launch; ``login_platform``: the registration whose login the storage verified,
    which the launch must be of (then the frame's cookie-less session opens)."""
    try:
        context = message_launch.validate().context()
    except errors.DeploymentAwaitingApproval:
        db.session.commit()  # keep a deployment first seen in this launch for the operator; nothing else was written
        raise
    if login_platform is not None:
        if tool_conf.platform is None or tool_conf.platform.id != login_platform:
            raise errors.StateMismatch(_l("The launch comes from another LMS than its login."))
        frame_session.start()
    return finish_launch(context, tool_conf)


@bp.post("/lti/launch/storage")
@csrf.exempt  # the frame has no session (nor CSRF token) yet: the spent one-time state and our Origin stand for it
def storage_launch():
    """The launch page posts the state the platform's storage frame gave back: if it is the state this login
    issued (five minutes, once), validate the launch and open the frame's cookie-less session (``frame_session``)."""
    origin = request.headers.get("Origin")
    if origin != request.host_url.rstrip("/"):
        raise errors.StateMismatch(
            _l("The launch's state was posted from %(origin)s, not from this tool.", origin=origin or _l("no origin")))
    state, kept = request.form.get("state"), request.form.get("lti_storage_value")
    record = platform_storage.consume(state)
    if record is None:
        raise errors.StateMismatch(_l("The launch's state was never issued, has expired or was already used."))
    if not kept or kept != state:
        raise errors.StateMismatch(_l("The LMS's storage did not give back the state of this login."))
    tool_conf = _tool_conf()
    message_launch = ToolMessageLaunch(FlaskRequest(), tool_conf, stored_state=str(state))
    return _validated_launch(message_launch, tool_conf, login_platform=record["platform"])


def finish_launch(context: LaunchContext, tool_conf: DatabaseToolConf) -> Response:
    """Record a validated launch, open this browser's session for the course, and continue."""
    platform = tool_conf.platform
    assert platform is not None
    facts = facts_from(context, platform, tool_conf.deployment)
    speak_to(locale=facts.locale)  # a message flashed for the first page is in the launch's language
    known = known_launch(facts)
    # Read before the commit, which expires the rows (reading them after it would cost a query each).
    membership = known or KnownMembership.of(record_launch(facts, lambda: Platform.ids_of_issuer(platform.issuer)))
    if note_launch_origins(platform, context):
        forget_platform_origins()
    # A placed reflection's launch carries its own column; any other link's is the activity's (the programme's).
    note_context_services(platform.id, context,
                          activity_lineitem=not context.is_deep_linking and context.custom.get(TARGET) != REFLECTION_TAG)
    note_launch(platform.id)
    target, course_id, membership_id = landing_url(context, membership, platform), membership.course_id, membership.id
    session_id = tool_session.open_course_session(
        course_id, membership_id, platform_id=platform.id, deployment_id=facts.deployment_id, subject=facts.subject
    )
    db.session.commit()
    if known is None:
        remember_launch(facts, membership)
    admin = context.roles.is_platform_admin
    tool_session.remember(course_id, membership_id, context.launch_id, session_id, platform_admin=admin)
    token = tool_session.issue_continue_token(
        course_id, membership_id, context.launch_id, target, session_id=session_id, platform_admin=admin,
        platform_name=platform.name,
    )
    return redirect(url_for("launch.continue_launch", token=token), code=303)


def _expired() -> tuple[str, int]:
    return render_template("launch/continue_expired.html"), 410


@bp.get("/lti/continue/<token>")
def continue_launch(token: str):
    """Go on in this frame when the session cookie came back; otherwise offer a new window, which asks first.

    A GET never signs a browser in: the new window names the person and course and waits for a confirming POST
    (see ``confirm_continue``), so a link someone sends cannot sign its reader in as them unawares.
    """
    payload = tool_session.peek_continue_token(token)
    if payload is None:
        return _expired()
    if tool_session.is_launching_browser(payload):
        tool_session.spend_continue_token(token)
        return redirect(payload["target"])
    if request.args.get("window") != "new":
        return render_template("launch/cookies_blocked.html", token=token), 200
    membership = tool_session.continue_membership(payload)
    if membership is None:
        return _expired()
    speak_to(membership.person)
    return render_template(
        "launch/continue_confirm.html", token=token, person=membership.person, course=membership.course,
        platform_name=payload.get("p") or _("your LMS"),
    ), 200


@bp.post("/lti/continue/<token>")
def confirm_continue(token: str):
    """The person in the new window confirmed whose session it is (CSRF-checked): move the session here."""
    payload = tool_session.peek_continue_token(token)
    if payload is None or not tool_session.spend_continue_token(token):
        return _expired()
    session_id = tool_session.hand_over(payload)
    if session_id is None:  # a later launch or an operator ended the session meanwhile
        db.session.rollback()
        return _expired()
    db.session.commit()
    tool_session.remember(payload["course"], payload["m"], payload["l"], session_id, platform_admin=payload["a"])
    return redirect(payload["target"], code=303)


@bp.get("/lti/jwks")
def jwks():
    """The tool's public keys: every active key, so rotation never breaks a platform's cache."""
    response = jsonify(keys.public_jwks())
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.get("/healthz")
def healthz():
    """Liveness and readiness: the database and the cache answer."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is "not ready"
        current_app.logger.warning("health: database failed: %s", exc)
        checks["database"] = "error"
    try:
        cache.set("healthz", "ok", timeout=10)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "error"
    except Exception as exc:  # noqa: BLE001
        current_app.logger.warning("health: cache failed: %s", exc)
        checks["cache"] = "error"
    healthy = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if healthy else "error", checks=checks), 200 if healthy else 503


@bp.get("/")
def index():
    """The tool's root: the demo start page in development, a short description otherwise."""
    if current_app.config["DEMO_ENABLED"]:
        return redirect(url_for("demo.start"))
    return render_template("launch/about.html")


@bp.get("/courses/<id:course_id>/")
def course_home(course_id: int):
    """Send the person to the home their role in this course gets."""
    membership = tool_session.membership_for(course_id)
    endpoint = "instructor.home" if membership.role.is_staff else "learner.home"
    return redirect(url_for(endpoint, course_id=course_id))

