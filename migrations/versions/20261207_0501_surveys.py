"""A cohort's pulse and exit surveys: settings, question versions, questions, rounds, answers and the log of
named-answer openings.

surveys

Revision ID: 14a1c0d5e001
Revises: 5c1d2e7a9b30
Create Date: 2026-12-07 05:01:00.580682

"""
from alembic import op
import sqlalchemy as sa

import lti_app.extensions


# revision identifiers, used by Alembic.
revision = '14a1c0d5e001'
down_revision = '5c1d2e7a9b30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('pulse', 'exit', name='surveykind', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', lti_app.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_survey_cohort_id_cohort'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey')),
    sa.UniqueConstraint('cohort_id', 'kind', name=op.f('uq_survey_cohort_id_kind'))
    )
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('survey_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('pulse_enabled', sa.Boolean(), nullable=False),
    sa.Column('pulse_first_after_days', sa.Integer(), nullable=False),
    sa.Column('pulse_every_days', sa.Integer(), nullable=False),
    sa.Column('anonymity_threshold', sa.Integer(), nullable=False),
    sa.Column('accept_late', sa.Boolean(), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.CheckConstraint('anonymity_threshold BETWEEN 1 AND 50', name=op.f('ck_survey_settings_anonymity_threshold_range')),
    sa.CheckConstraint('pulse_every_days BETWEEN 7 AND 365', name=op.f('ck_survey_settings_pulse_every_range')),
    sa.CheckConstraint('pulse_first_after_days BETWEEN 1 AND 365', name=op.f('ck_survey_settings_pulse_first_after_range')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_survey_settings_cohort_id_cohort'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_settings')),
    sa.UniqueConstraint('cohort_id', name=op.f('uq_survey_settings_cohort_id'))
    )
    op.create_table('survey_names_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('viewer_name', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('opened_at', lti_app.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_survey_names_access_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_names_access_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_names_access'))
    )
    with op.batch_alter_table('survey_names_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_names_access_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('created_at', lti_app.extensions.UTCDateTime(), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_survey_version_number_positive')),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_version_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_version')),
    sa.UniqueConstraint('survey_id', 'number', name=op.f('uq_survey_version_survey_id_number'))
    )
    with op.batch_alter_table('survey_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_version_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('likert', 'scale', 'choice', 'text', name='questionkind', native_enum=False, length=20), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('audience', sa.Enum('mentors', 'mentees', 'both', name='audience', native_enum=False, length=20), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['survey_version.id'], name=op.f('fk_survey_question_version_id_survey_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_question'))
    )
    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_question_version_id'), ['version_id'], unique=False)

    op.create_table('survey_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('opens_at', lti_app.extensions.UTCDateTime(), nullable=False),
    sa.Column('closes_at', lti_app.extensions.UTCDateTime(), nullable=False),
    sa.Column('pair_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint('opens_at < closes_at', name=op.f('ck_survey_round_round_in_order')),
    sa.ForeignKeyConstraint(['pair_id'], ['pair.id'], name=op.f('fk_survey_round_pair_id_pair'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_round_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_round')),
    sa.UniqueConstraint('survey_id', 'number', name=op.f('uq_survey_round_survey_id_number'))
    )
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_round_pair_id'), ['pair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_round_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('created_at', lti_app.extensions.UTCDateTime(), nullable=False),
    sa.Column('updated_at', lti_app.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_survey_answer_enrolment_id_enrolment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['survey_round.id'], name=op.f('fk_survey_answer_round_id_survey_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['survey_version.id'], name=op.f('fk_survey_answer_version_id_survey_version'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answer')),
    sa.UniqueConstraint('round_id', 'enrolment_id', name=op.f('uq_survey_answer_round_id_enrolment_id'))
    )
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answer_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_answer_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_answer_version_id'), ['version_id'], unique=False)



def downgrade():
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answer_version_id'))
        batch_op.drop_index(batch_op.f('ix_survey_answer_round_id'))
        batch_op.drop_index(batch_op.f('ix_survey_answer_enrolment_id'))

    op.drop_table('survey_answer')
    with op.batch_alter_table('survey_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_round_survey_id'))
        batch_op.drop_index(batch_op.f('ix_survey_round_pair_id'))

    op.drop_table('survey_round')
    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_question_version_id'))

    op.drop_table('survey_question')
    with op.batch_alter_table('survey_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_version_survey_id'))

    op.drop_table('survey_version')
    with op.batch_alter_table('survey_names_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_names_access_survey_id'))

    op.drop_table('survey_names_access')
    op.drop_table('survey_settings')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_cohort_id'))

    op.drop_table('survey')
