"""A participant's partners and why they were matched, worded for them (the enrolment page, the workspace)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from lti_app.extensions import db
from lti_app.mentoring.domain.matching.engine import explain_pair
from lti_app.mentoring.domain.matching.explain import Labels
from lti_app.mentoring.domain.matching.settings import MatchSettings
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair, PairStatus
from lti_app.mentoring.services.matching.pairing import settings_of
from lti_app.mentoring.services.matching.profiles import profile_of, skill_words, spellings


@dataclass(frozen=True)
class Partner:
    """A participant's published partner, as that participant may see them."""

    name: str
    role: str  # the partner's role: "mentor" or "mentee"
    sentences: tuple[str, ...]


def partners_of(enrolment: Enrolment) -> list[Partner]:
    """The active partners of one participant, each with why they were matched, worded for this participant."""
    pairs = db.session.scalars(select(Pair).where(
        Pair.cohort_id == enrolment.cohort_id, Pair.status == PairStatus.ACTIVE,
        or_(Pair.mentor_enrolment_id == enrolment.id, Pair.mentee_enrolment_id == enrolment.id)).order_by(Pair.id)).all()
    if not pairs:
        return []
    settings = settings_of(enrolment.cohort)
    return [partner_in(pair, enrolment, settings) for pair in pairs]


def partner_in(pair: Pair, enrolment: Enrolment, settings: MatchSettings | None = None,
               labels: Labels | None = None) -> Partner:
    """``enrolment``'s partner in ``pair`` and why they were matched, worded for ``enrolment``."""
    settings = settings or settings_of(enrolment.cohort)
    if labels is None:
        labels = spellings([pair.mentor, pair.mentee]) | skill_words(enrolment.cohort.skills)
    viewer = "mentor" if pair.mentor_enrolment_id == enrolment.id else "mentee"
    other = pair.mentee if viewer == "mentor" else pair.mentor
    _, explanation = explain_pair(profile_of(pair.mentor), profile_of(pair.mentee), settings, viewer=viewer,
                                  names={other.id: other.person.display_name}, labels=labels)
    return Partner(other.person.display_name, "mentee" if viewer == "mentor" else "mentor",
                   tuple(c.sentence for c in explanation))
