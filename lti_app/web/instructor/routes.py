"""Pages for course staff (instructors, teaching assistants, designers, administrators): the course's cohorts."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, flash, redirect, url_for
from flask_babel import gettext as _

from lti_app.extensions import utcnow
from lti_app.mentoring.domain.cohort_settings import PrivacySetting
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.services import cohort_copies, cohorts, next_steps
from lti_app.mentoring.services.cohorts import CohortFields
from lti_app.mentoring.services.participants import count_participants
from lti_app.web.course_pages import form_status, guard_course_pages, render_page
from lti_app.web.forms import ConfirmForm
from lti_app.web.instructor.surveys import bp as surveys_bp
from lti_app.web.instructor.forms import CohortForm
from lti_app.web.learner.forms import ROLE_HINTS, enrolment_form
from lti_app.web.instructor.completion import bp as completion_bp
from lti_app.web.instructor.dashboard import bp as dashboard_bp, course_bp as course_dashboard_bp
from lti_app.web.instructor.matching import bp as matching_bp
from lti_app.web.instructor.matching_forms import MODE_LABELS
from lti_app.web.instructor.matching_modes import bp as matching_modes_bp
from lti_app.web.instructor.pairs import bp as pairs_bp
from lti_app.web.instructor.participants import bp as participants_bp
from lti_app.web.instructor.reflections import bp as reflections_bp
from lti_app.web.instructor.quiet_pairs import bp as quiet_pairs_bp
from lti_app.web.instructor.whats_next import bp as whats_next_bp
from lti_app.web.announcements import announcements_blueprint
from lti_app.web.language import language_blueprint
from lti_app.web.mail_preferences import preferences_blueprint
from lti_app.web.unit_of_work import act, save

bp = Blueprint("instructor", __name__, url_prefix="/courses/<id:course_id>/instructor")
guard_course_pages(bp, staff=True)
bp.register_blueprint(participants_bp)
bp.register_blueprint(matching_bp)
bp.register_blueprint(completion_bp)
bp.register_blueprint(matching_modes_bp)
bp.register_blueprint(pairs_bp)
bp.register_blueprint(reflections_bp)
bp.register_blueprint(surveys_bp)
bp.register_blueprint(whats_next_bp)
bp.register_blueprint(quiet_pairs_bp)
bp.register_blueprint(dashboard_bp)
bp.register_blueprint(course_dashboard_bp)
bp.register_blueprint(preferences_blueprint())
bp.register_blueprint(language_blueprint())
bp.register_blueprint(announcements_blueprint())


@bp.get("/")
def home(course_id: int):
    """The course's cohorts with their state and counts."""
    found = cohorts.cohorts_of(course_id)
    counts = count_participants([c.id for c in found])
    return render_page("instructor/home.html", cohorts=found, counts=counts, steps=next_steps.checklists(found, counts))


@bp.get("/guide")
def guide(course_id: int):
    """One page on running the programme: a pilot, the matching modes, privacy, the gradebook."""
    return render_page("instructor/guide.html", modes={mode.value: words for mode, words in MODE_LABELS.items()},
                       privacy_settings=list(PrivacySetting))


@bp.route("/cohorts/new", methods=["GET", "POST"])
def new_cohort(course_id: int):
    """Create a cohort (a draft until enrolment opens)."""
    form = CohortForm.new()  # on POST the submitted values replace these defaults
    saved = _saved_cohort(form, lambda fields: cohorts.create_cohort(course_id, fields),
                          lambda made: _("“%(cohort)s” is saved as a draft. Open enrolment when it is ready.", cohort=made.name))
    if saved is not None:
        return saved
    return render_page("instructor/cohort_form.html", form_status(form), form=form, cohort=None)


@bp.route("/cohorts/<id:cohort_id>/copy", methods=["GET", "POST"])
def copy_cohort(course_id: int, cohort_id: int):
    """A new draft cohort set up like this one (dates moved on, no people), the form shown to adjust it first."""
    source = cohorts.cohort_in_course(course_id, cohort_id)
    form = CohortForm.from_fields(cohort_copies.next_round_fields(source, utcnow().date()))
    saved = _saved_cohort(form, lambda fields: cohort_copies.copy_cohort(source, fields),
                          lambda made: _("“%(cohort)s” is saved as a draft, set up like “%(source)s”. Open "
                                                       "enrolment when it is ready.", cohort=made.name, source=source.name))
    if saved is not None:
        return saved
    return render_page("instructor/cohort_form.html", form_status(form), form=form, cohort=None, copy_of=source,
                       copied=_(cohort_copies.COPIED))


@bp.get("/cohorts/<id:cohort_id>")
def cohort(course_id: int, cohort_id: int):
    """A cohort's settings, state, actions and enrolment counts."""
    found = cohorts.cohort_in_course(course_id, cohort_id)
    counts = count_participants([found.id])
    steps = next_steps.checklists([found], counts)[found.id]
    return render_page("instructor/cohort.html", cohort=found, counts=counts[found.id], steps=steps,
                       confirm=ConfirmForm())


@bp.get("/cohorts/<id:cohort_id>/preview")
def preview(course_id: int, cohort_id: int):
    """The cohort's orientation as a learner reads it (read-only: nothing on these pages is saved)."""
    found = cohorts.cohort_in_course(course_id, cohort_id)
    return render_page("learner/orientation.html", cohort=found, enrolment=None, refusal=None, preview=True)


@bp.get("/cohorts/<id:cohort_id>/preview/enrol")
def preview_enrol(course_id: int, cohort_id: int):
    """The cohort's enrolment form as a learner fills it in, disabled (no form is sent from a preview)."""
    found = cohorts.cohort_in_course(course_id, cohort_id)
    return render_page("learner/enrol.html", form=enrolment_form(found), cohort=found, role_hints=ROLE_HINTS,
                       editing=False, preview=True)


@bp.route("/cohorts/<id:cohort_id>/edit", methods=["GET", "POST"])
def edit_cohort(course_id: int, cohort_id: int):
    """Change a cohort's settings."""
    found = cohorts.cohort_in_course(course_id, cohort_id)
    form = CohortForm.for_cohort(found)  # on POST the submitted values replace the stored ones
    saved = _saved_cohort(form, lambda fields: cohorts.update_cohort(found, fields),
                          lambda _made: _("Your changes are saved."))
    if saved is not None:
        return saved
    return render_page("instructor/cohort_form.html", form_status(form), form=form, cohort=found)


def _saved_cohort(form: CohortForm, service: Callable[[CohortFields], Cohort],
                  done: Callable[[Cohort], str]) -> Response | None:
    """For a valid submitted form: save the cohort, commit, flash what ``done`` says of it and go to its page.
    None when there is nothing to save, or the service refused (rolled back, the message by its field)."""
    if not form.validate_on_submit() or (cohort := save(form, service, form.to_fields())) is None:
        return None
    flash(done(cohort), "ok")
    return redirect(url_for(".cohort", cohort_id=cohort.id))


@bp.post("/cohorts/<id:cohort_id>/open")
def open_enrolment(course_id: int, cohort_id: int):
    """Open (or reopen) enrolment."""
    return _move(course_id, cohort_id, cohorts.open_enrolment, _("Enrolment is open: learners of the course can join."))


@bp.post("/cohorts/<id:cohort_id>/close")
def close_enrolment(course_id: int, cohort_id: int):
    """Close enrolment."""
    return _move(course_id, cohort_id, cohorts.close_enrolment, _("Enrolment is closed."))


def _move(course_id: int, cohort_id: int, action, done: str):
    """Run one state transition from a button; a refusal comes back as a message on the cohort page."""
    found = cohorts.cohort_in_course(course_id, cohort_id)
    if ConfirmForm().validate_on_submit() and act(action, found):
        flash(done, "ok")
    return redirect(url_for(".cohort", cohort_id=cohort_id))
