"""change counters: triggers count every change of result_summaries and decisions, an exact key for the overview's cache

Revision ID: 4f0c8d2a6b91
Revises: 9a4e2b7c1d30
Create Date: 2026-11-22 04:00:00.000000

A later migration that rebuilds one of these tables on SQLite (batch mode: copy, drop,
rename) drops its triggers with the old table. It must create them again, as here; the
test of the change counter (tests/web/test_overview.py) names any write left uncounted.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "4f0c8d2a6b91"
down_revision = "9a4e2b7c1d30"
branch_labels = None
depends_on = None

TABLES = ("result_summaries", "decisions")
SQLITE_EVENTS = ("insert", "update", "delete")


def bump(start: str) -> str:
    """One more change. An upsert, so the counter needs no starting row. It starts at a
    random value, so a database restored or made anew under running processes does not
    count up through values that their caches already hold for other data."""
    return (
        f"INSERT INTO change_counters (name, value) VALUES ('results', {start}) "
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
        # Once per transaction, not per row: updating the one counter row once per row
        # of a bulk insert (the driver sends an INSERT per row) grows quadratically in one
        # transaction (100,000 rows: 51 s instead of 1 s) and holds its lock meanwhile.
        # The transaction-local setting goes with a rolled-back savepoint, as the bump does.
        op.execute(
            "CREATE FUNCTION count_result_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN "
            "IF current_setting('lyftkollen.counted', true) IS DISTINCT FROM "
            "txid_current()::text THEN "
            + bump("(random() * 1e15)::bigint")
            + "; PERFORM set_config('lyftkollen.counted', txid_current()::text, true); "
            "END IF; RETURN NULL; END $$"
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_changes_counted "
                f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION count_result_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_truncate_counted AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION count_result_change()"
            )
    else:  # SQLite: row triggers only (an upsert on one row costs microseconds)
        for table in TABLES:
            for event in SQLITE_EVENTS:
                op.execute(
                    f"CREATE TRIGGER {table}_{event}_counted AFTER {event.upper()} ON {table} "
                    f"BEGIN {bump('abs(random()) % 1000000000000000')}; END"
                )


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_changes_counted ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_truncate_counted ON {table}")
        else:
            for event in SQLITE_EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_counted")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS count_result_change()")
    op.drop_table("change_counters")
