"""Dated snapshots of a course's roster (roster_snapshot), taken on every roster refresh and by `roster sync`,
so the dashboard can compare participants with the rest of the course at the programme's end.

roster snapshots

Revision ID: 14b2c0d5e002
Revises: 15b2c0d5e004
Create Date: 2026-12-07 05:02:00

"""
from alembic import op
import sqlalchemy as sa

import lti_app.extensions


# revision identifiers, used by Alembic.
revision = '14b2c0d5e002'
down_revision = '15b2c0d5e004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'roster_snapshot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('taken_at', lti_app.extensions.UTCDateTime(), nullable=False),
        sa.Column('active_user_ids', sa.JSON(), nullable=False),
        sa.Column('inactive_user_ids', sa.JSON(), nullable=False),
        sa.Column('truncated', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['course.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('roster_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_snapshot_course_id'), ['course_id'], unique=False)


def downgrade():
    with op.batch_alter_table('roster_snapshot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_snapshot_course_id'))
    op.drop_table('roster_snapshot')
