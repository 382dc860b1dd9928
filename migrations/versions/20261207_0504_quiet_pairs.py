"""How long a pair may go without any activity before the instructor is offered to close it
(cohort.quiet_after_days, default 90), and how many days before that the pair is warned (cohort.quiet_warning_days,
default 7).

quiet pairs

Revision ID: 15b2c0d5e004
Revises: 16a1c0d5e005
Create Date: 2026-12-07 05:04:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '15b2c0d5e004'
down_revision = '16a1c0d5e005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiet_after_days', sa.Integer(), server_default='90', nullable=False))
        batch_op.add_column(sa.Column('quiet_warning_days', sa.Integer(), server_default='7', nullable=False))
        batch_op.create_check_constraint(op.f('ck_cohort_quiet_after_range'), 'quiet_after_days BETWEEN 14 AND 365')
        batch_op.create_check_constraint(op.f('ck_cohort_quiet_warning_range'),
                                         'quiet_warning_days BETWEEN 1 AND 30 AND quiet_warning_days < quiet_after_days')


def downgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cohort_quiet_warning_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_cohort_quiet_after_range'), type_='check')
        batch_op.drop_column('quiet_warning_days')
        batch_op.drop_column('quiet_after_days')
