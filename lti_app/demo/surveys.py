"""Pulse answers for the demo programme (development only): its schedule laid out from the pairs' publication,
and every demo learner but the first having answered the open round, so the results pass the anonymity
threshold and the first learner (Aiko Tanaka) still finds a survey to answer. Running it again keeps what is there.
"""
from __future__ import annotations

from sqlalchemy import select

from lti_app.extensions import db, utcnow
from lti_app.mentoring.domain.surveys import SurveyKind
from lti_app.mentoring.models.cohort import Cohort
from lti_app.mentoring.models.enrolment import Enrolment
from lti_app.mentoring.models.pairing import Pair
from lti_app.mentoring.models.survey import SurveyAnswer, SurveyRound
from lti_app.mentoring.services import surveys

SAMPLE = (  # satisfaction, usefulness, progress, recommend, learned, taught
    (5, 4, 4, 9, "How my mentee plans a term.", "Prompting an AI assistant."),
    (4, 4, 3, 8, "Shortcuts in the spreadsheet.", "How to run a team meeting."),
    (2, 3, 2, 5, "", ""),
    (4, 5, 4, 10, "Video editing basics.", "Giving feedback that lands."),
    (3, 3, 3, 7, "", "Reading a budget."),
)


def seed_surveys(cohort_name: str) -> list[str]:
    """Lay out the demo cohort's survey rounds and answer the open pulse round for all but the first learner."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == cohort_name).order_by(Cohort.id))
    if cohort is None:
        return []
    surveys.sync_rounds(cohort)
    now = utcnow()
    pulse = surveys.survey_of(cohort.id, SurveyKind.PULSE)
    round_ = db.session.scalar(select(SurveyRound).where(SurveyRound.survey_id == pulse.id, SurveyRound.opens_at <= now,
                                                         SurveyRound.closes_at > now))
    if round_ is None or db.session.scalar(select(SurveyAnswer.id).where(SurveyAnswer.round_id == round_.id)):
        db.session.commit()
        return ["Kept the demo surveys."]
    pairs = db.session.scalars(select(Pair).where(Pair.cohort_id == cohort.id).order_by(Pair.id)).all()
    people: list[tuple[Enrolment, str]] = [(e, role) for p in pairs for e, role in ((p.mentor, "mentor"), (p.mentee, "mentee"))]
    for n, (enrolment, role) in enumerate(people[1:]):
        s, u, g, r, learned, taught = SAMPLE[n % len(SAMPLE)]
        values = {"satisfaction": s, "usefulness": u, "progress": g, "recommend": r}
        values |= {k: v for k, v in (("learned", learned), ("taught", taught)) if v}
        db.session.add(SurveyAnswer(round_id=round_.id, enrolment_id=enrolment.id, version_id=pulse.current.id,
                                    role=role, values=values, created_at=now, updated_at=now))
    db.session.commit()
    return [f"Answered pulse round {round_.number} of “{cohort.name}” for {len(people) - 1} learners."]
