"""When a reflection assignment was sent to the course by deep linking (reflection_assignment.placed_at), so its
page can say it is placed before the first launch of the link brings its gradebook column.

reflection placed at

Revision ID: 5c1d2e7a9b30
Revises: bf8b669e7ea8
Create Date: 2026-12-07 02:30:00

"""
from alembic import op
import sqlalchemy as sa

import lti_app.extensions


# revision identifiers, used by Alembic.
revision = '5c1d2e7a9b30'
down_revision = 'bf8b669e7ea8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reflection_assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('placed_at', lti_app.extensions.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('reflection_assignment', schema=None) as batch_op:
        batch_op.drop_column('placed_at')
