"""overview breakdown index: results by county, industry, size, recommended step and kind read from one covering index

Revision ID: 3c1d2e4f5a6b
Revises: efacee31f0c0
Create Date: 2026-11-22 01:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3c1d2e4f5a6b'
down_revision = 'efacee31f0c0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('result_summaries', schema=None) as batch_op:
        batch_op.create_index(
            'ix_result_summaries_breakdown',
            ['region', 'industry_group', 'size_band', 'recommended', 'workshop_id', 'demo'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('result_summaries', schema=None) as batch_op:
        batch_op.drop_index('ix_result_summaries_breakdown')
