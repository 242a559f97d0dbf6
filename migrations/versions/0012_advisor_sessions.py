"""advisor sessions: each advisor login recorded on the server, so logout ends it

Revision ID: 7d3b9e4a0c15
Revises: 2850ea829e03
Create Date: 2026-12-04 18:30:00.000000

Existing cookies name no session here, so every advisor logs in once more after this
upgrade. Participants' sessions are not affected.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7d3b9e4a0c15"
down_revision = "2850ea829e03"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "advisor_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_advisor_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisor_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_advisor_sessions_token_hash")),
    )
    with op.batch_alter_table("advisor_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_advisor_sessions_user_id"), ["user_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("advisor_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_advisor_sessions_user_id"))

    op.drop_table("advisor_sessions")
