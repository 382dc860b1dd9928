"""The operators' pages: sign-in, every platform with its deployments and launch statistics, and the keys.

Every page but the sign-in page needs a signed-in operator; anyone else, an LTI learner or instructor
included, gets 403. Each change is a POST (CSRF-protected app-wide) that calls one service, commits,
logs who did what, and redirects.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_babel.speaklater import LazyString
from werkzeug.wrappers import Response

from lti_app.extensions import db, utcnow
from lti_app.lti import keys, sessions
from lti_app.lti.approvals import approve_deployment, approve_platform, pending_deployments
from lti_app.lti.launch_stats import WINDOW_DAYS, launch_error_counts
from lti_app.lti.management import (
    RegistrationConflict, add_deployment, all_platforms, set_deployment_active, set_platform_active, update_platform,
)
from lti_app.lti.models import Deployment, Platform
from lti_app.web.operators import auth
from lti_app.web.operators.browsers import remember_browser
from lti_app.web.operators.forms import DeploymentForm, LoginForm, PlatformForm, RetireForm, RotateForm
from lti_app.web.errors import in_english
from lti_app.web.security import forget_platform_origins
from lti_app.web.tool_values import tool_values

bp = Blueprint("admin", __name__, url_prefix="/admin")

PUBLIC_ENDPOINTS = {"admin.login"}
WRONG_CREDENTIALS = _l("That e-mail address and password do not match an operator account.")
LOCKED_OUT = _l(
    "Too many failed sign-ins: this account is locked for a while, except in the browsers it signed in from before. "
    "Try again later, or ask another operator."
)


@bp.before_request
def require_operator() -> tuple[str, int] | None:
    """Only a signed-in operator goes further; everyone else gets 403 (with a way to sign in)."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    g.operator = auth.current_operator()
    if g.operator is None:
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return render_template("admin/forbidden.html", ended=g.get("operator_session_ended", False), target=target), 403
    return None


@bp.after_request
def never_framed(response: Response) -> Response:
    """Operators' pages are never framed, not even by a registered LMS (their buttons change registrations),
    and never cached."""
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _done(message: LazyString, endpoint: str, **values: int) -> Response:
    """Commit the change, record who made it (in English), tell the operator (in their language: ``message`` is
    a lazy translation), and go back to ``endpoint``."""
    db.session.commit()
    forget_platform_origins()
    current_app.logger.info("admin: %s: %s", g.operator.email, in_english(message))
    flash(str(message), "ok")
    return redirect(url_for(endpoint, **values))


def _refused(message: str | LazyString, endpoint: str, **values: int) -> Response:
    db.session.rollback()
    flash(str(message), "error")
    return redirect(url_for(endpoint, **values))


def _platform(platform_id: int) -> Platform:
    return db.session.get(Platform, platform_id) or abort(404)


def _deployment(deployment_id: int) -> Deployment:
    return db.session.get(Deployment, deployment_id) or abort(404)


# -- signing in and out -------------------------------------------------------------------------------------
@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; the same answer for an unknown address and a wrong password, 429 while locked out or throttled
    (web.throttle limits the POSTs per client address)."""
    form, status, message = LoginForm(), 200, None
    if form.validate_on_submit():
        outcome = auth.check_credentials(form.email.data, form.password.data)
        db.session.commit()
        if outcome.operator is not None:
            auth.begin_session(outcome.operator)
            current_app.logger.info("admin: %s signed in", outcome.operator.email)
            target = auth.safe_next(request.args.get("next")) or url_for("admin.dashboard")
            return remember_browser(redirect(target), outcome.operator)
        status, message = (429, LOCKED_OUT) if outcome.locked else (401, WRONG_CREDENTIALS)
        current_app.logger.warning("admin: refused sign-in for %r (%s)", form.email.data[:255], status)
    return render_template("admin/login.html", form=form, message=message and str(message)), status


@bp.post("/logout")
def logout():
    """Sign out (the session id is forgotten server-side too)."""
    auth.end_session()
    flash(_("You are signed out."), "ok")
    return redirect(url_for("admin.login"))


# -- platforms ----------------------------------------------------------------------------------------------
@bp.get("/")
def dashboard():
    """Every platform with its status, deployments, newest launch and refused launches of the last days."""
    platforms = all_platforms()
    return render_template(
        "admin/dashboard.html", platforms=platforms, errors=launch_error_counts(p.id for p in platforms),
        pending_deployments=pending_deployments(), window_days=WINDOW_DAYS,
    )


@bp.get("/platforms/<id:platform_id>")
def platform(platform_id: int):
    """One platform: its values, deployments, refused launches by error code, and the tool's values."""
    row = _platform(platform_id)
    return render_template(
        "admin/platform.html", platform=row, errors=launch_error_counts([row.id])[row.id], window_days=WINDOW_DAYS,
        deployment_form=DeploymentForm(), tool_values=tool_values(),
    )


@bp.route("/platforms/<id:platform_id>/edit", methods=["GET", "POST"])
def edit_platform(platform_id: int):
    """Edit a registration's name, issuer, client ID and endpoints."""
    row = _platform(platform_id)
    form = PlatformForm(obj=row)
    if form.validate_on_submit():
        try:
            update_platform(row, form.fields())
        except ValueError as exc:  # RegistrationConflict, or no key set left
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            return _done(_l("Saved platform %(id)s (%(issuer)s, client %(client_id)s).", id=row.id, issuer=row.issuer, client_id=row.client_id),
                          "admin.platform", platform_id=row.id)
    return render_template("admin/platform_edit.html", platform=row, form=form), 400 if form.errors else 200


@bp.post("/platforms/<id:platform_id>/approve")
def approve(platform_id: int):
    """Approve a pending registration (and the deployments that came with it)."""
    row = approve_platform(_platform(platform_id))
    return _done(_l("Approved platform %(id)s (%(issuer)s, client %(client_id)s).", id=row.id, issuer=row.issuer, client_id=row.client_id),
                  "admin.platform", platform_id=row.id)


@bp.post("/platforms/<id:platform_id>/activate")
def activate(platform_id: int):
    """Allow launches from a registration."""
    row = set_platform_active(_platform(platform_id), True)
    return _done(_l("Activated platform %(id)s (%(issuer)s, client %(client_id)s).", id=row.id, issuer=row.issuer, client_id=row.client_id),
                  "admin.platform", platform_id=row.id)


@bp.post("/platforms/<id:platform_id>/deactivate")
def deactivate(platform_id: int):
    """Refuse launches from a registration (nothing is deleted)."""
    row = set_platform_active(_platform(platform_id), False)
    return _done(_l("Deactivated platform %(id)s (%(issuer)s, client %(client_id)s).", id=row.id, issuer=row.issuer, client_id=row.client_id),
                  "admin.platform", platform_id=row.id)


@bp.post("/platforms/<id:platform_id>/sessions/end")
def end_sessions(platform_id: int):
    """Sign everyone out of a platform that stays active (a leaked cookie, a course handed over): each person
    launches again from the LMS."""
    row = _platform(platform_id)
    ended = sessions.end_platform_sessions(row.id)
    message = LazyString(lambda: ngettext(
        "Ended %(num)d session of platform %(id)s (%(issuer)s): people launch again from the LMS.",
        "Ended %(num)d sessions of platform %(id)s (%(issuer)s): people launch again from the LMS.",
        ended, id=row.id, issuer=row.issuer))
    return _done(message, "admin.platform", platform_id=row.id)


# -- deployments --------------------------------------------------------------------------------------------
@bp.post("/platforms/<id:platform_id>/deployments")
def add_deployment_to(platform_id: int):
    """Register another deployment ID for a platform."""
    row, form = _platform(platform_id), DeploymentForm()
    if not form.validate():
        return _refused(_("Give a deployment ID of at most 255 characters."), "admin.platform", platform_id=row.id)
    try:
        added = add_deployment(row, form.deployment_id.data, form.name.data)
    except RegistrationConflict as exc:
        return _refused(str(exc), "admin.platform", platform_id=row.id)
    return _done(_l("Added deployment %(deployment)s to platform %(id)s.", deployment=added.deployment_id, id=row.id), "admin.platform", platform_id=row.id)


@bp.post("/deployments/<id:deployment_id>/approve")
def approve_deployment_(deployment_id: int):
    """Approve a deployment first seen in a launch."""
    row = approve_deployment(_deployment(deployment_id))
    return _done(_l("Approved deployment %(deployment)s of platform %(id)s.", deployment=row.deployment_id, id=row.platform_id),
                  "admin.platform", platform_id=row.platform_id)


@bp.post("/deployments/<id:deployment_id>/activate")
def activate_deployment(deployment_id: int):
    """Allow launches through a deployment."""
    row = set_deployment_active(_deployment(deployment_id), True)
    return _done(_l("Activated deployment %(deployment)s of platform %(id)s.", deployment=row.deployment_id, id=row.platform_id),
                  "admin.platform", platform_id=row.platform_id)


@bp.post("/deployments/<id:deployment_id>/deactivate")
def deactivate_deployment(deployment_id: int):
    """Refuse launches through a deployment."""
    row = set_deployment_active(_deployment(deployment_id), False)
    return _done(_l("Deactivated deployment %(deployment)s of platform %(id)s.", deployment=row.deployment_id, id=row.platform_id),
                  "admin.platform", platform_id=row.platform_id)


# -- keys ---------------------------------------------------------------------------------------------------
@bp.get("/keys")
def key_list():
    """The tool's keys: which signs, which are published, which retire when."""
    stored = keys.all_keys()
    signing = next((k for k in stored if k.active), None)
    return render_template(
        "admin/keys.html", keys=stored, signing=signing, rotate_form=RotateForm(),
    )


@bp.post("/keys/rotate")
def rotate():
    """A new signing key; the older keys stay published for the overlap the operator chose."""
    form = RotateForm()
    if not form.validate():
        return _refused(_("Choose an overlap between 0 hours and 30 days."), "admin.key_list")
    key, previous = keys.rotate_key(timedelta(hours=form.retire_after_hours.data))
    if previous:
        message = _l("New signing key %(kid)s; older keys published for %(hours)s h.", kid=key.kid, hours=form.retire_after_hours.data)
    else:
        message = _l("New signing key %(kid)s; there was no older key to keep published.", kid=key.kid)
    return _done(message, "admin.key_list")


@bp.post("/keys/retire")
def retire():
    """Retire one key now or after some hours (never the tool's last key)."""
    form = RetireForm()
    if not form.validate():
        return _refused(_("Choose a key and a delay between 0 hours and 30 days."), "admin.key_list")
    try:
        key = keys.retire_key(form.kid.data, utcnow() + timedelta(hours=form.after_hours.data))
    except keys.KeyError_ as exc:
        return _refused(str(exc), "admin.key_list")
    if key.active:
        message = _l("Key %(kid)s retires %(when)s UTC.", kid=key.kid, when=key.retired_at.strftime("%Y-%m-%d %H:%M"))
    else:
        message = _l("Key %(kid)s is retired and no longer published.", kid=key.kid)
    return _done(message, "admin.key_list")
