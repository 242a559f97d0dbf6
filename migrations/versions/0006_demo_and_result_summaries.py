"""demo flags and result summaries: clearly marked demo data; one plain row per company result for peer benchmarks and the program overview

Revision ID: 2477dd0ca415
Revises: 186932ca4e1f
Create Date: 2026-11-22 00:54:46.873687

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2477dd0ca415'
down_revision = '186932ca4e1f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('result_summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('workshop_id', sa.Integer(), nullable=True),
    sa.Column('demo', sa.Boolean(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('respondents', sa.SmallInteger(), nullable=False),
    sa.Column('size_band', sa.String(length=8), nullable=True),
    sa.Column('industry_group', sa.String(length=24), nullable=True),
    sa.Column('sni_division', sa.SmallInteger(), nullable=True),
    sa.Column('region', sa.String(length=2), nullable=True),
    sa.Column('overall', sa.SmallInteger(), nullable=True),
    sa.Column('recommended', sa.String(length=64), nullable=True),
    sa.Column('strategy', sa.SmallInteger(), nullable=True),
    sa.Column('readiness', sa.SmallInteger(), nullable=True),
    sa.Column('people', sa.SmallInteger(), nullable=True),
    sa.Column('data', sa.SmallInteger(), nullable=True),
    sa.Column('automation', sa.SmallInteger(), nullable=True),
    sa.Column('green_digital', sa.SmallInteger(), nullable=True),
    sa.Column('social', sa.SmallInteger(), nullable=True),
    sa.Column('ecological', sa.SmallInteger(), nullable=True),
    sa.Column('economic', sa.SmallInteger(), nullable=True),
    sa.Column('change', sa.SmallInteger(), nullable=True),
    sa.CheckConstraint('(assessment_id IS NULL) <> (workshop_id IS NULL)', name=op.f('ck_result_summaries_one_source')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_result_summaries_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_result_summaries_workshop_id_workshops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_summaries')),
    sa.UniqueConstraint('assessment_id', name=op.f('uq_result_summaries_assessment_id')),
    sa.UniqueConstraint('workshop_id', name=op.f('uq_result_summaries_workshop_id')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('result_summaries', schema=None) as batch_op:
        batch_op.create_index('ix_result_summaries_completed_on', ['demo', 'completed_on'], unique=False)
        batch_op.create_index('ix_result_summaries_peers', ['demo', 'size_band', 'industry_group'], unique=False)

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('demo', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('demo', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('demo', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('demo', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_column('demo')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('demo')

    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_column('demo')

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_column('demo')

    with op.batch_alter_table('result_summaries', schema=None) as batch_op:
        batch_op.drop_index('ix_result_summaries_peers')
        batch_op.drop_index('ix_result_summaries_completed_on')

    op.drop_table('result_summaries')
