"""change counters: triggers count every change of result_summaries and decisions, an exact key for the overview's cache

Revision ID: 4f0c8d2a6b91
Revises: 9a4e2b7c1d30
Create Date: 2026-11-22 04:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "4f0c8d2a6b91"
down_revision = "9a4e2b7c1d30"
branch_labels = None
depends_on = None

TABLES = ("result_summaries", "decisions")
# An upsert, so the counter needs no starting row (and survives a table emptied by hand).
BUMP = (
    "INSERT INTO change_counters (name, value) VALUES ('results', 1) "
    "ON CONFLICT (name) DO UPDATE SET value = change_counters.value + 1"
)


def upgrade():
    op.create_table(
        "change_counters",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_change_counters")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Once per statement that changed any row (transition tables tell), not once per
        # row: a bulk insert of 100,000 rows would otherwise update the one counter row
        # 100,000 times in one transaction.
        op.execute(
            "CREATE FUNCTION count_result_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN IF EXISTS (SELECT 1 FROM changed) THEN " + BUMP + "; END IF; "
            "RETURN NULL; END $$"
        )
        for table in TABLES:
            for event, rows in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
                op.execute(
                    f"CREATE TRIGGER {table}_{event.lower()}_counted AFTER {event} ON {table} "
                    f"REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT "
                    "EXECUTE FUNCTION count_result_change()"
                )
    else:  # SQLite: row triggers only (an upsert on one row costs microseconds)
        for table in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_{event.lower()}_counted AFTER {event} ON {table} "
                    f"BEGIN {BUMP}; END"
                )


def downgrade():
    for table in TABLES:
        for event in ("insert", "update", "delete"):
            if op.get_bind().dialect.name == "postgresql":
                op.execute(f"DROP TRIGGER {table}_{event}_counted ON {table}")
            else:
                op.execute(f"DROP TRIGGER {table}_{event}_counted")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION count_result_change()")
    op.drop_table("change_counters")
