"""Alembic's environment: migrate the app's own database with the app's own metadata."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
# Keep the app's loggers alive: migrations also run inside the app at start-up.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


class OnlyMigrationSteps(logging.Filter):
    """Of Alembic's informational lines, only "Running upgrade A -> B, what it does".

    Alembic also says "Context impl SQLiteImpl." and "Will assume non-transactional DDL."
    whenever it looks at the database: the app's start, `flask db upgrade` and `flask db
    current` on a database already at head printed them and nothing else. Now a command
    with nothing to migrate prints nothing, and one that migrates names each migration
    as it starts. Warnings and errors pass.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.msg == "Running %s"


# This file runs anew for each command: replace the filter, never pile them up.
migration_log = logging.getLogger("alembic.runtime.migration")
for earlier in [f for f in migration_log.filters if type(f).__name__ == "OnlyMigrationSteps"]:
    migration_log.removeFilter(earlier)
migration_log.addFilter(OnlyMigrationSteps())

db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def run_migrations_offline() -> None:
    """Write the SQL instead of running it (``flask db upgrade --sql``)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=db.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty_autogenerate(context, revision, directives) -> None:  # noqa: ANN001
        # `flask db migrate` with no model change should not write an empty revision.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    args = current_app.extensions["migrate"].configure_args
    args.setdefault("process_revision_directives", skip_empty_autogenerate)
    # SQLite cannot ALTER most things; batch mode lets later migrations work there too.
    args.setdefault("render_as_batch", True)
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table (copy, DROP, rename). With foreign keys on, the
            # DROP would cascade and delete every row that refers to the table, e.g. all
            # answers when assessments is rebuilt. Off for the migration, checked after.
            # The pragma only takes effect outside a transaction.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            context.configure(connection=connection, target_metadata=db.metadata, **args)
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
