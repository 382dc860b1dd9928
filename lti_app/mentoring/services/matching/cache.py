"""The reasons why people are left unpaired, kept between page views of a draft that has not changed.

Working out the reasons scores every mentor against every mentee (about a second at 5,000 x 5,000), but they only
change when the draft does: its pairs, the cohort's settings or state, who is enrolled (a withdrawal), or a pair
published elsewhere in the course (past partners). ``draft_key`` names that state in three small queries; the
reasons are kept under it in the shared cache, and a run stores the reasons the engine has just given, so the
draft it made is shown without working them out again. A change makes a new key: nothing is ever stale, old
entries expire.

The reasons are kept language-neutral (each ``Unmatched`` holds a ``words.Phrase``, written out when read), so two
instructors reading the same draft in two languages each read their own. ``KEPT_FORMAT`` is part of the key: a change
of what is kept makes new keys, and entries of the old form are never read.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from sqlalchemy import func, select

from lti_app.extensions import cache, db
from lti_app.mentoring.domain.matching.types import Unmatched
from lti_app.mentoring.domain.profile_fields import EnrolmentStatus
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair, PairStatus

KEPT_SECONDS = 24 * 3600
KEPT_FORMAT = 2  # 2: reasons as phrases (1: English sentences)
Reasons = tuple[tuple[Unmatched, ...], int, int]  # (the unpaired and why, mentors, mentees)


def draft_key(cohort: Cohort, status: PairStatus | None, pairs: Iterable[tuple[int, int]]) -> str:
    """A name for everything the reasons depend on, given the (mentor id, mentee id) pairs of ``status`` shown."""
    people = db.session.execute(select(func.count(), func.max(Enrolment.updated_at), func.sum(Enrolment.id)).where(
        Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED)).one()
    published = db.session.execute(select(func.count(), func.max(Pair.id)).join(Cohort, Pair.cohort_id == Cohort.id).where(
        Cohort.course_id == cohort.course_id, Pair.status.in_([PairStatus.ACTIVE, PairStatus.ENDED]))).one()
    state = [cohort.matching_settings, cohort.mentors_per_mentee, cohort.state.value, status and status.value,
             [str(v) for v in people], [str(v) for v in published], sorted(pairs)]
    digest = hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()
    return f"matching:reasons:v{KEPT_FORMAT}:{cohort.id}:{digest}"


def kept_reasons(key: str) -> Reasons | None:
    """The reasons kept under ``key``, if any."""
    return cache.get(key)


def keep_reasons(key: str, reasons: Reasons) -> None:
    """Keep the reasons for the next page views of the same draft."""
    cache.set(key, reasons, timeout=KEPT_SECONDS)
