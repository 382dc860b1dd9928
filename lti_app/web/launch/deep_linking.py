"""The deep-linking picker: staff choose what to place in the course; we answer the platform with a signed JWT.

On offer: the programme, and each reflection assignment of the course's cohorts. One item per response (a
radio choice): every platform takes one, and an instructor adding an activity expects one. An assignment goes
as a resource link whose custom parameters name it (``rementor_target=reflection``, ``rementor_assignment``)
with its own line item (label = title, scoreMaximum = points, resourceId ``reflection-<id>``, tag
``reflection``), so the LMS creates its gradebook column; a launch of the placed link then lands on it
(``targets.landing_url``).
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from lti_app.extensions import db, utcnow
from lti_app.i18n import in_sentence, speak_to
from lti_app.lti.launch import restore_launch
from lti_app.lti.services.deep_linking import ContentItem, build_response
from lti_app.mentoring.domain.cohort_state import long_date
from lti_app.mentoring.domain.grade_states import GradeTarget
from lti_app.mentoring.domain.reflections import points_words
from lti_app.mentoring.models.reflection import REFLECTION_TAG, ReflectionAssignment
from lti_app.mentoring.services import reflections
from lti_app.mentoring.services.reflections import course_assignments
from lti_app.web import session as tool_session
from lti_app.web.forms import choice_list
from lti_app.web.security import allow_form_action

bp = Blueprint("deep_linking", __name__, url_prefix="/courses/<id:course_id>/deep-link")

PROGRAMME = GradeTarget.PROGRAMME.value  # the item's value in the form, and its custom target
TARGET = "rementor_target"
ASSIGNMENT = "rementor_assignment"


class PlacementForm(FlaskForm):
    """Which one item to place."""

    item = RadioField(_l("What to add"), default=PROGRAMME, validators=[InputRequired(_l("Choose what to add."))])


def _programme_item() -> ContentItem:
    return ContentItem(
        title=_("Reverse mentoring programme"),
        text=_("Enrol as mentor or mentee, meet your partner, track goals, meetings and reflections."),
        url=url_for("launch.launch", _external=True),
        custom={TARGET: PROGRAMME},
    )


def _reflection_item(assignment: ReflectionAssignment) -> ContentItem:
    return ContentItem(
        title=assignment.title,
        text=_("Reflection for %(audience)s of %(cohort)s: due %(due)s, %(points)s points.",
               audience=in_sentence(assignment.audience.label), cohort=assignment.cohort.name,
               due=long_date(assignment.due_on), points=points_words(assignment.points)),
        url=url_for("launch.launch", _external=True),
        custom={TARGET: REFLECTION_TAG, ASSIGNMENT: str(assignment.id)},
        line_item_label=assignment.title,
        line_item_score_maximum=assignment.points,
        line_item_resource_id=assignment.resource_id,
        line_item_tag=REFLECTION_TAG,
    )


def _offers(course_id: int) -> dict[str, ContentItem]:
    """What can be placed, by the value of its radio button, programme first."""
    offers = {PROGRAMME: _programme_item()}
    offers.update({assignment.resource_id: _reflection_item(assignment) for assignment in course_assignments(course_id)})
    return offers


def _staff_launch(course_id: int, launch_id: str):
    membership = tool_session.membership_for(course_id)
    speak_to(membership.person)
    if not membership.role.is_staff or tool_session.launch_id_for(course_id) != launch_id:
        abort(404)
    launch = restore_launch(launch_id)
    if not launch.is_deep_link_launch():  # a resource-link launch has no platform to answer: no picker for it
        abort(404)
    return membership, launch


def _form(offers: dict[str, ContentItem]) -> PlacementForm:
    form = PlacementForm()
    form.item.choices = choice_list((value, item.title) for value, item in offers.items())
    return form


@bp.get("/<launch_id>")
def picker(course_id: int, launch_id: str):
    """Offer what can be placed in the course."""
    membership, _launch = _staff_launch(course_id, launch_id)
    offers = _offers(course_id)
    return render_template("launch/deep_link_picker.html", membership=membership, launch_id=launch_id,
                           form=_form(offers), hints={value: item.text for value, item in offers.items()})


@bp.post("/<launch_id>")
def respond(course_id: int, launch_id: str):
    """Sign the chosen item and post it back to the platform."""
    _membership, launch = _staff_launch(course_id, launch_id)
    offers = _offers(course_id)
    form = _form(offers)
    if not form.validate_on_submit():
        abort(400)
    response = build_response(launch, [offers[form.item.data]])
    if reflections.note_placed(course_id, form.item.data, utcnow()):  # its page says it is placed from now on
        db.session.commit()
    allow_form_action(response.return_url)  # this page form-posts to the platform's return URL, whatever its origin
    return render_template("launch/deep_link_return.html", response=response)
