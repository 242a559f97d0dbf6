"""industry-related peers: the target group's divisions outside manufacturing get a group

Revision ID: 5e8c1a7b2d46
Revises: 7d3b9e4a0c15
Create Date: 2026-12-05 04:10:00.000000

Peer groups follow the named industry sets since the target group was introduced:
mining (SNI 05-09), energy, water and waste (35-39) and engineering and R&D (71-72)
form the group "industry_related" instead of sharing "non_manufacturing" with every
other industry. Summary rows written before are moved by their stored division, using
the default target group of this release; ``flask summaries rebuild`` recomputes every
row from today's data, should the set in data/ differ.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5e8c1a7b2d46"
down_revision = "7d3b9e4a0c15"
branch_labels = None
depends_on = None

RELATED = [*range(5, 10), *range(35, 40), 71, 72]


def upgrade():
    summaries = sa.table(
        "result_summaries",
        sa.column("industry_group", sa.String),
        sa.column("sni_division", sa.SmallInteger),
    )
    op.execute(
        summaries.update()
        .where(summaries.c.industry_group == "non_manufacturing")
        .where(summaries.c.sni_division.in_(RELATED))
        .values(industry_group="industry_related")
    )


def downgrade():
    summaries = sa.table("result_summaries", sa.column("industry_group", sa.String))
    op.execute(
        summaries.update()
        .where(summaries.c.industry_group == "industry_related")
        .values(industry_group="non_manufacturing")
    )
