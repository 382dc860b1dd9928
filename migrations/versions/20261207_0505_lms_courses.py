"""The gradebook column the LMS made for the ReMentor activity itself (lti_context.activity_lineitem_url): the
programme's grade goes there instead of a column of its own when a launch carried it.

lms courses

Revision ID: 16a1c0d5e005
Revises: 14a1c0d5e001
Create Date: 2026-12-07 05:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '16a1c0d5e005'
down_revision = '14a1c0d5e001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lti_context', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activity_lineitem_url', sa.String(length=1000), nullable=True))


def downgrade():
    with op.batch_alter_table('lti_context', schema=None) as batch_op:
        batch_op.drop_column('activity_lineitem_url')
