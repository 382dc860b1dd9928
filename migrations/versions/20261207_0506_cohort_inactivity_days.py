"""A cohort's own number of days without activity before the partners' inactivity nudge (cohort.inactivity_days;
twice as many before the instructors' alert). NULL: the tool's MAIL_INACTIVITY_DAYS.

cohort inactivity days

Revision ID: 17b1c0d5e102
Revises: 17d1c0d5e104
Create Date: 2026-12-07 05:06:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '17b1c0d5e102'
down_revision = '17d1c0d5e104'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inactivity_days', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_cohort_inactivity_days_range'),
                                         'inactivity_days IS NULL OR inactivity_days BETWEEN 1 AND 365')


def downgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cohort_inactivity_days_range'), type_='check')
        batch_op.drop_column('inactivity_days')
