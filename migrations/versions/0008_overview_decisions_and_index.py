"""overview: each result summary carries a copy of its advisor's decision, and one covering index serves the overview's breakdown

Revision ID: 3c1d2e4f5a6b
Revises: efacee31f0c0
Create Date: 2026-11-22 01:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c1d2e4f5a6b'
down_revision = 'efacee31f0c0'
branch_labels = None
depends_on = None

summaries = sa.table(
    'result_summaries',
    sa.column('assessment_id', sa.Integer()),
    sa.column('workshop_id', sa.Integer()),
    sa.column('decision', sa.String()),
    sa.column('decision_agreed', sa.Boolean()),
)
decisions = sa.table(
    'decisions',
    sa.column('assessment_id', sa.Integer()),
    sa.column('workshop_id', sa.Integer()),
    sa.column('offering', sa.String()),
    sa.column('recommended', sa.String()),
)


def upgrade():
    with op.batch_alter_table('result_summaries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('decision_agreed', sa.Boolean(), nullable=True))
    # The decisions already recorded, copied as web.summaries.copy_all_decisions does.
    for key in ('assessment_id', 'workshop_id'):
        match = decisions.c[key] == summaries.c[key]
        same = sa.case(
            (decisions.c.recommended.is_(None), None),
            else_=decisions.c.offering == decisions.c.recommended,
        )
        op.execute(
            summaries.update()
            .where(summaries.c[key].is_not(None))
            .values(
                decision=sa.select(decisions.c.offering).where(match).scalar_subquery(),
                decision_agreed=sa.select(same).where(match).scalar_subquery(),
            )
        )
    with op.batch_alter_table('result_summaries', schema=None) as batch_op:
        batch_op.create_index(
            'ix_result_summaries_breakdown',
            ['region', 'industry_group', 'size_band', 'recommended', 'decision',
             'decision_agreed', 'workshop_id', 'demo'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('result_summaries', schema=None) as batch_op:
        batch_op.drop_index('ix_result_summaries_breakdown')
        batch_op.drop_column('decision_agreed')
        batch_op.drop_column('decision')
