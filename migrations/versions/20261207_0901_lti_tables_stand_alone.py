"""No LTI table points at a programme table: the LMS context is named as the LMS names it (issuer and context id,
not the programme's course id), and a browser session names its membership by id without a constraint.

lti tables stand alone

Revision ID: 17d1c0d5e104
Revises: 15a1c0d5e003
Create Date: 2026-12-07 09:01:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '17d1c0d5e104'
down_revision = '15a1c0d5e003'
branch_labels = None
depends_on = None

COURSE_ISSUER = ("(SELECT lti_platform.issuer FROM course JOIN lti_platform ON lti_platform.id = course.platform_id "
                 "WHERE course.id = lti_context.course_id)")


def upgrade():
    with op.batch_alter_table('lti_context', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issuer', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('context_id', sa.String(length=255), nullable=True))
    op.execute(f"UPDATE lti_context SET issuer = {COURSE_ISSUER}, "
               "context_id = (SELECT course.context_id FROM course WHERE course.id = lti_context.course_id)")
    # One LMS course reached through two registrations had two rows: the newest launch's stays.
    op.execute("DELETE FROM lti_context WHERE id NOT IN "
               "(SELECT max(id) FROM lti_context GROUP BY issuer, context_id)")
    with op.batch_alter_table('lti_context', schema=None) as batch_op:
        batch_op.alter_column('issuer', existing_type=sa.String(length=255), nullable=False)
        batch_op.alter_column('context_id', existing_type=sa.String(length=255), nullable=False)
        batch_op.drop_constraint('uq_lti_context_course_id', type_='unique')
        batch_op.drop_constraint('fk_lti_context_course_id_course', type_='foreignkey')
        batch_op.drop_column('course_id')
        batch_op.create_unique_constraint(batch_op.f('uq_lti_context_issuer_context_id'), ['issuer', 'context_id'])
    with op.batch_alter_table('lti_browser_session', schema=None) as batch_op:
        batch_op.drop_constraint('fk_lti_browser_session_membership_id_membership', type_='foreignkey')


def downgrade():
    op.execute("DELETE FROM lti_browser_session WHERE membership_id NOT IN (SELECT id FROM membership)")
    with op.batch_alter_table('lti_browser_session', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_lti_browser_session_membership_id_membership'), 'membership',
                                    ['membership_id'], ['id'], ondelete='CASCADE')
    with op.batch_alter_table('lti_context', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course_id', sa.Integer(), nullable=True))
    op.execute("UPDATE lti_context SET course_id = (SELECT min(course.id) FROM course JOIN lti_platform "
               "ON lti_platform.id = course.platform_id WHERE lti_platform.issuer = lti_context.issuer "
               "AND course.context_id = lti_context.context_id)")
    op.execute("DELETE FROM lti_context WHERE course_id IS NULL")
    with op.batch_alter_table('lti_context', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_lti_context_issuer_context_id'), type_='unique')
        batch_op.drop_column('context_id')
        batch_op.drop_column('issuer')
        batch_op.alter_column('course_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_lti_context_course_id'), ['course_id'])
        batch_op.create_foreign_key(batch_op.f('fk_lti_context_course_id_course'), 'course', ['course_id'], ['id'],
                                    ondelete='CASCADE')
