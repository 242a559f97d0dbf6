"""advisor decisions: what each company went on to do, the learned ranking's labels

Revision ID: 186932ca4e1f
Revises: 8bff096d38e8
Create Date: 2026-11-21 22:52:27.356915

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '186932ca4e1f'
down_revision = '8bff096d38e8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('workshop_id', sa.Integer(), nullable=True),
    sa.Column('offering', sa.String(length=64), nullable=False),
    sa.Column('recommended', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(assessment_id IS NULL) <> (workshop_id IS NULL)', name=op.f('ck_decisions_one_target')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_decisions_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_decisions_workshop_id_workshops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('assessment_id', name=op.f('uq_decisions_assessment_id')),
    sa.UniqueConstraint('workshop_id', name=op.f('uq_decisions_workshop_id'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_decided_by_id'), ['decided_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_decided_by_id'))

    op.drop_table('decisions')
