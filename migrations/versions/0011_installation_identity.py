"""installation identity: a random id made once per database, recorded with a trained model

Revision ID: 2850ea829e03
Revises: 4f0c8d2a6b91
Create Date: 2026-12-04 18:30:00.000000

The learned ranking is saved in the instance folder, not in the database, so an app on
another database (or one emptied and made anew) would otherwise find and use a model
trained on someone else's decisions. ``flask recommender train`` records this id in the
model's metadata, and the app uses a model only when it is its database's id.

The one row is made here, so every database made by migrations has it. A full export
carries it and ``import`` puts it in place of the new database's own (the same data,
the same identity); a company's export does not (web.backup).
"""

import secrets
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "2850ea829e03"
down_revision = "4f0c8d2a6b91"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "installation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("installation_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_installation_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installation")),
    )
    # 128 random bits: unguessable, and never derived from anything in the data.
    op.bulk_insert(
        table,
        [{"id": 1, "installation_id": secrets.token_hex(16), "created_at": datetime.now(UTC)}],
    )


def downgrade():
    op.drop_table("installation")
