"""overview: its totals, months and breakdown each read one covering index, under any filter; the (demo, completed_on) index goes

Revision ID: 9a4e2b7c1d30
Revises: 3c1d2e4f5a6b
Create Date: 2026-11-22 03:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9a4e2b7c1d30'
down_revision = '3c1d2e4f5a6b'
branch_labels = None
depends_on = None

DIMENSIONS = [
    'strategy', 'readiness', 'people', 'data', 'automation',
    'green_digital', 'social', 'ecological', 'economic', 'change',
]
PEERS = ['demo', 'size_band', 'industry_group', *DIMENSIONS]
BREAKDOWN = [
    'region', 'industry_group', 'size_band', 'recommended', 'decision', 'decision_agreed',
    'workshop_id', 'demo',
]
# What the overview's filters and totals read besides the peer index's own columns.
OVERVIEW = ['region', 'completed_on', 'workshop_id', 'respondents']


def upgrade():
    # Measured on SQLite over 100,000 results (bench/overview_bench.py): SQLite took
    # ix_result_summaries_completed_on for any period, or the peer index for a size band,
    # and looked up each of their rows in the table, slower than scanning it (a year of
    # small companies: 57-90 ms for the totals, 96 ms for the breakdown). With every
    # column the overview reads in these two indexes, each of its statements reads one
    # index alone (34 and 20 ms). Nothing else read the (demo, completed_on) index.
    with op.batch_alter_table('result_summaries', schema=None) as batch_op:
        batch_op.drop_index('ix_result_summaries_completed_on')
        batch_op.drop_index('ix_result_summaries_breakdown')
        batch_op.drop_index('ix_result_summaries_peer_scores')
        batch_op.create_index(
            'ix_result_summaries_peer_scores', [*PEERS, *OVERVIEW], unique=False
        )
        batch_op.create_index(
            'ix_result_summaries_breakdown', [*BREAKDOWN, 'completed_on'], unique=False
        )


def downgrade():
    with op.batch_alter_table('result_summaries', schema=None) as batch_op:
        batch_op.drop_index('ix_result_summaries_breakdown')
        batch_op.drop_index('ix_result_summaries_peer_scores')
        batch_op.create_index('ix_result_summaries_peer_scores', PEERS, unique=False)
        batch_op.create_index('ix_result_summaries_breakdown', BREAKDOWN, unique=False)
        batch_op.create_index(
            'ix_result_summaries_completed_on', ['demo', 'completed_on'], unique=False
        )
