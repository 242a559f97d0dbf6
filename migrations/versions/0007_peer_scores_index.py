"""peer scores index: the peers index widened with every dimension's score, so a result page reads its peer group's scores from the index alone

Revision ID: efacee31f0c0
Revises: 2477dd0ca415
Create Date: 2026-11-22 01:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'efacee31f0c0'
down_revision = '2477dd0ca415'
branch_labels = None
depends_on = None

DIMENSIONS = [
    'strategy', 'readiness', 'people', 'data', 'automation',
    'green_digital', 'social', 'ecological', 'economic', 'change',
]


def upgrade():
    with op.batch_alter_table('result_summaries', schema=None) as batch_op:
        batch_op.create_index(
            'ix_result_summaries_peer_scores',
            ['demo', 'size_band', 'industry_group', *DIMENSIONS],
            unique=False,
        )
        batch_op.drop_index('ix_result_summaries_peers')


def downgrade():
    with op.batch_alter_table('result_summaries', schema=None) as batch_op:
        batch_op.create_index(
            'ix_result_summaries_peers', ['demo', 'size_band', 'industry_group'], unique=False
        )
        batch_op.drop_index('ix_result_summaries_peer_scores')
