"""Where a score goes: the AGS endpoints of the courses and the gradebook column (line item) of an outbox row.

A reflection assignment placed by deep linking gets its column from the platform (the launch of the placed
link tells us its URL: ``assignment.lineitem_url``); without it we find the column by its resource id
(``reflection-<id>``, the same one the deep-linking response declares) or create it, and keep the URL. The
programme's column is ``programme-<cohort id>``, kept on the cohort's completion settings. The row being
looked up is locked first (PostgreSQL), so two workers never create two columns for one assignment.

The programme's grade goes to the column the LMS made for the ReMentor activity itself when a launch carried one
(``LtiContext.activity_lineitem_url``: Moodle with "Accept grades from the tool"), so the teacher sees one
column, not an empty one beside ReMentor's; a column of its own is created only when the platform gave none, or
when another cohort of the course already grades into the activity's column.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Callable

from sqlalchemy import select

from lti_app.extensions import db
from lti_app.lti.services.ags import AgsClient
from lti_app.mentoring.domain.grade_states import GradeTarget
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.completion import CohortCompletion
from lti_app.mentoring.models.grade_outbox import GradeOutbox
from lti_app.mentoring.models.reflection import ReflectionAssignment
from lti_app.tasks.course_contexts import course_context

REFLECTION, PROGRAMME = GradeTarget.REFLECTION.value, GradeTarget.PROGRAMME.value  # also the line items' tags


class ColumnUnavailable(Exception):
    """The score cannot go anywhere until someone acts (no grade service in the course, column gone)."""


NO_GRADE_SERVICE = ("No launch from this course has offered the LMS's grade service yet: check that the tool may "
                    "send grades (AGS) in the LMS, launch it from the course, then retry.")


def kept_columns(entries: Iterable[GradeOutbox]) -> dict[tuple[str, int], str]:
    """{(target, target id): line item URL} for the columns of these rows already known (two queries at most)."""
    wanted: dict[str, set[int]] = {REFLECTION: set(), PROGRAMME: set()}
    for entry in entries:
        wanted[entry.target].add(entry.target_id)
    found: dict[tuple[str, int], str] = {}
    for tag, model, id_column in ((REFLECTION, ReflectionAssignment, ReflectionAssignment.id),
                                  (PROGRAMME, CohortCompletion, CohortCompletion.cohort_id)):
        if wanted[tag]:
            rows = db.session.execute(select(id_column, model.lineitem_url)
                                      .where(id_column.in_(wanted[tag]), model.lineitem_url.is_not(None)))
            found.update({(tag, target_id): url for target_id, url in rows})
    return found


def _kept_column(model: type, where: dict[str, int], missing: str, create: Callable[[Any], str]) -> str:
    """The line item URL kept on the row of ``model`` (an assignment, a cohort's completion settings); when there is
    none yet, ``create`` finds or makes the column while the row is locked, and the URL is kept (flushes)."""
    holder = db.session.scalar(select(model).filter_by(**where))
    if holder is not None and not holder.lineitem_url:
        holder = db.session.scalar(select(model).filter_by(**where).with_for_update()
                                   .execution_options(populate_existing=True))
    if holder is None:
        raise ColumnUnavailable(missing)
    if not holder.lineitem_url:
        holder.lineitem_url = create(holder)
        db.session.flush()
    return holder.lineitem_url


def column_for(client: AgsClient, entry: GradeOutbox) -> str:
    """The line item URL of the row's column, found or created in the LMS when not known yet (flushes)."""
    if entry.target == REFLECTION:
        return _kept_column(
            ReflectionAssignment, {"id": entry.target_id}, "The reflection assignment of this score no longer exists.",
            lambda a: client.find_or_create_line_item(a.title, a.points, resource_id=a.resource_id, tag=REFLECTION).id)
    return _kept_column(
        CohortCompletion, {"cohort_id": entry.target_id}, "The cohort of this score has no completion settings any more.",
        lambda s: activity_column(entry.course_id, s.cohort_id) or client.find_or_create_line_item(
            f"{s.cohort.name}: mentoring programme", s.score_maximum, resource_id=f"{PROGRAMME}-{s.cohort_id}",
            tag=PROGRAMME).id)


def activity_column(course_id: int, cohort_id: int) -> str | None:
    """The activity's own column in the course, unless another cohort of the course grades into it already."""
    context = course_context(course_id)
    url = context.activity_lineitem_url if context is not None else None
    if not url:
        return None
    taken = db.session.scalar(
        select(CohortCompletion.id).join(Cohort, Cohort.id == CohortCompletion.cohort_id)
        .where(Cohort.course_id == course_id, CohortCompletion.cohort_id != cohort_id,
               CohortCompletion.lineitem_url == url).limit(1))
    return None if taken else url
