"""A person's chosen language (None: the LMS's language from the launch, then the browser's).

Revision ID: 18a1c0d5e201
Revises: 17a1c0d5e101
"""
import sqlalchemy as sa
from alembic import op

revision = '18a1c0d5e201'
down_revision = '17a1c0d5e101'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person') as batch:
        batch.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('person') as batch:
        batch.drop_column('language')
