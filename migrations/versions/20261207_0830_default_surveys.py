"""Every cohort gets its pulse and exit surveys with the default questions, so the Surveys page only reads.

Cohorts are now made with their surveys (services/cohorts.create_cohort); those made before get them here: for
each cohort and kind that has no survey yet, a survey, its version 1 and the default questions as they are at this
revision (copied below, so a later change of the defaults does not change what this migration writes). Surveys
that exist are left as they are. The downgrade keeps the surveys: they may have rounds and answers by then.

default surveys

Revision ID: 17a1c0d5e101
Revises: 17b1c0d5e102
Create Date: 2026-12-07 08:30:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

import lti_app.extensions


# revision identifiers, used by Alembic.
revision = '17a1c0d5e101'
down_revision = '17b1c0d5e102'
branch_labels = None
depends_on = None

LIKERT = ["Very poor", "Poor", "Fair", "Good", "Excellent"]
AGREE = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
# (code, text, kind, required, labels): all asked of both sides, no choices
DEFAULTS = (
    ("satisfaction", "How satisfied are you with your partner?", "likert", True, LIKERT),
    ("usefulness", "How useful are your meetings?", "likert", True, LIKERT),
    ("progress", "I am making progress on my goals.", "likert", True, AGREE),
    ("learned", "What have you learned?", "text", False, []),
    ("taught", "What have you taught?", "text", False, []),
    ("recommend", "How likely are you to recommend the programme to a colleague (0-10)?", "scale", True, []),
)
KINDS = ("pulse", "exit")

cohort = sa.table("cohort", sa.column("id", sa.Integer))
survey = sa.table("survey", sa.column("id", sa.Integer), sa.column("cohort_id", sa.Integer),
                  sa.column("kind", sa.String), sa.column("created_at", lti_app.extensions.UTCDateTime()))
version = sa.table("survey_version", sa.column("id", sa.Integer), sa.column("survey_id", sa.Integer),
                   sa.column("number", sa.Integer), sa.column("created_at", lti_app.extensions.UTCDateTime()))
question = sa.table("survey_question", sa.column("version_id", sa.Integer), sa.column("position", sa.Integer),
                    sa.column("code", sa.String), sa.column("text", sa.Text), sa.column("kind", sa.String),
                    sa.column("required", sa.Boolean), sa.column("audience", sa.String),
                    sa.column("labels", sa.JSON), sa.column("choices", sa.JSON))


def upgrade():
    connection = op.get_bind()
    now = datetime.now(timezone.utc)
    having = set(connection.execute(sa.select(survey.c.cohort_id, survey.c.kind)).all())
    for (cohort_id,) in connection.execute(sa.select(cohort.c.id).order_by(cohort.c.id)).all():
        for kind in KINDS:
            if (cohort_id, kind) in having:
                continue
            connection.execute(survey.insert().values(cohort_id=cohort_id, kind=kind, created_at=now))
            survey_id = connection.execute(sa.select(survey.c.id).where(
                survey.c.cohort_id == cohort_id, survey.c.kind == kind)).scalar_one()
            connection.execute(version.insert().values(survey_id=survey_id, number=1, created_at=now))
            version_id = connection.execute(sa.select(version.c.id).where(
                version.c.survey_id == survey_id, version.c.number == 1)).scalar_one()
            connection.execute(question.insert(), [
                dict(version_id=version_id, position=position, code=code, text=text, kind=question_kind,
                     required=required, audience="both", labels=labels, choices=[])
                for position, (code, text, question_kind, required, labels) in enumerate(DEFAULTS, start=1)])


def downgrade():
    # The surveys stay: by the time of a downgrade they may have rounds and answers, which the schema still holds.
    pass
