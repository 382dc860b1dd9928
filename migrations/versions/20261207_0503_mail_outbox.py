"""The mail outbox (one row per notice, unique per person, kind and occasion) and each person's mail preference.
Also instructors' announcements to a cohort (cohort_announcement) and the course's way back from the LMS (lti_context.course_link), the link of its notices.

Revision ID: 15a1c0d5e003
Revises: 14b2c0d5e002
Create Date: 2026-12-07 05:51:09.467596

"""
from alembic import op
import sqlalchemy as sa

import lti_app.extensions


# revision identifiers, used by Alembic.
revision = '15a1c0d5e003'
down_revision = '14b2c0d5e002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_preference',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('every', 'digest', 'none', name='mailchoice', native_enum=False, length=20), nullable=False),
    sa.Column('updated_at', lti_app.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_mail_preference_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_mail_preference'))
    )
    op.create_table('mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('occasion', sa.String(length=200), nullable=False),
    sa.Column('to_address', sa.String(length=320), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('course_link', sa.String(length=2000), nullable=True),
    sa.Column('created_at', lti_app.extensions.UTCDateTime(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'sent', 'kept', 'failed', 'skipped', name='mailstate', native_enum=False, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', lti_app.extensions.UTCDateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', lti_app.extensions.UTCDateTime(), nullable=True),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_mail_outbox_attempts_not_negative')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_mail_outbox_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_mail_outbox_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
    sa.UniqueConstraint('person_id', 'kind', 'occasion', name='uq_mail_outbox_notice')
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_outbox_course_id'), ['course_id'], unique=False)
        batch_op.create_index('ix_mail_outbox_person_sent', ['person_id', 'sent_at'], unique=False)
        batch_op.create_index('ix_mail_outbox_state_due', ['state', 'next_attempt_at'], unique=False)
    op.create_table('cohort_announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('author_person_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', lti_app.extensions.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_person_id'], ['person.id'], name=op.f('fk_cohort_announcement_author_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_announcement_cohort_id_cohort'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_announcement'))
    )
    with op.batch_alter_table('cohort_announcement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_announcement_cohort_id'), ['cohort_id'], unique=False)
    with op.batch_alter_table('lti_context', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course_link', sa.String(length=2000), nullable=True))



def downgrade():
    with op.batch_alter_table('lti_context', schema=None) as batch_op:
        batch_op.drop_column('course_link')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_outbox_state_due')
        batch_op.drop_index('ix_mail_outbox_person_sent')
        batch_op.drop_index(batch_op.f('ix_mail_outbox_course_id'))

    with op.batch_alter_table('cohort_announcement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_announcement_cohort_id'))
    op.drop_table('cohort_announcement')
    op.drop_table('mail_outbox')
    op.drop_table('mail_preference')
