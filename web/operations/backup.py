"""Backup and restore: every row of every table as one versioned JSON document, and back.

The export is generic over ``db.metadata.sorted_tables``: a table or a column added
later is exported and imported without a change here. A table marked
``info={"backup": False}`` is left out: ``change_counters``, which the database's
triggers keep (an import counts its own rows there); ``installation``, the
database's identity, which a full export carries in its header instead; and
``advisor_sessions``: logins are not data worth restoring, and a restored one would let
an old cookie in again (after an import every advisor logs in anew). The document::

    {"format": "lyftkollen-export", "format_version": 1,
     "installation_id": "<the database's identity>",  (a full export only)
     "schema_revision": "<the database's Alembic revision>",
     "exported_at": "2026-11-21T20:14:23+00:00",
     "scope": "all" | {"company": "<public id>"},
     "tables": {"<table>": [{"<column>": value, ...}, ...], ...},
     "user_references": [{"email": "...", "id": 1}, ...]}

Values: datetimes as ISO 8601 in UTC with the offset, dates as ISO dates, JSON columns
as JSON (their own key order kept: it is data), binary as base64, decimals as text. The
document's own keys, table names and column names are sorted and rows come in primary
key order, so two exports of the same data differ only in ``exported_at``. A SQL NULL
and a JSON ``null`` in a nullable JSON column both read as ``None`` in the app and are
both written as ``null``; an import stores SQL NULL there.

A company's export holds its company row, the rows tied to it through foreign keys
(workshops, their participants' assessments, the online assessments linked to it, their
answers, and any such table added later) and every row of the tables tied to no
company (``content_versions``). It leaves out the ``users`` table, which holds password
hashes and session ids, and every table tied to accounts only; an account a company's
row refers to (the company's advisor) is recorded in ``user_references`` by its id and
e-mail address only. Importing such a file creates that account with the same id and
address, the role advisor and no usable password: ``flask --app app users set-password``
gives it one.

An import goes into an empty database that is migrated to the file's revision, in
dependency order and in one transaction; on PostgreSQL the id sequences are moved past
the imported ids afterwards.

The installation id: a model trained on a database's decisions is used only on a
database with its installation id (web.storage.learned_model). A full export is that
database's data, so its import takes the exported id in place of the new database's own,
and a model trained before the export keeps working after a restore or a move. A company's export
leaves it out: the database it is imported into holds one company's rows, not the
decisions a model was trained on, so it keeps its own id and no model from the source
applies to it; nor does the file tell anyone which installation it came from.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    Numeric,
    Select,
    String,
    Table,
    Time,
    TypeDecorator,
    Uuid,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.types import TypeEngine

from web.platform.extensions import db
from web.platform.text import holds_lone_surrogate, lone_surrogates, map_strings, replace_surrogates
from web.storage import installation
from web.storage.models import Company, User, utcnow

FORMAT = "lyftkollen-export"
FORMAT_VERSION = 1

# The account table: never part of a company's export (password hashes, session ids).
ACCOUNTS: Table = User.__table__
# A company's export starts from its row in this table.
COMPANIES: Table = Company.__table__
# No Werkzeug hash looks like this, so check_password_hash is False for every password.
UNUSABLE_PASSWORD = "!imported-without-password"  # noqa: S105  (not a password: no hash)


class BackupError(Exception):
    """The database or the document is not fit to export or import; says what and where."""


# ------------------------------------------------------------------ shared


def tables() -> list[Table]:
    """Every table, each after the tables it refers to; not those marked
    ``info={"backup": False}`` (the change counters, the advisors' logins)."""
    return [t for t in db.metadata.sorted_tables if t.info.get("backup", True)]


def _plain(session: Session | scoped_session[Session]) -> Session:
    """The session itself, also behind Flask-SQLAlchemy's ``db.session``."""
    return session() if isinstance(session, scoped_session) else session


def database_revision(session: Session) -> str | None:
    """The database's Alembic revision, or None when it was never migrated."""
    heads = MigrationContext.configure(session.connection()).get_current_heads()
    if len(heads) > 1:
        raise BackupError(f"the database has several schema revisions: {', '.join(heads)}")
    return heads[0] if heads else None


def _json_text(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def dumps(document: Mapping[str, Any]) -> str:
    """The document as JSON text in the order ``export_data`` built it, that UTF-8 can
    write. Raises BackupError naming the table, row and column of every value that
    cannot be written (a lone UTF-16 surrogate, a float that is not a number …)."""
    try:
        written = _json_text(document)
    except (ValueError, TypeError):
        written = None
    if written is None or holds_lone_surrogate(written):
        raise BackupError(_unwritable(document))
    return written


def _unwritable(document: Mapping[str, Any]) -> str:
    """Where every value is that the export cannot write, and why, one per line."""
    found: list[str] = []
    by_name = {table.name: table for table in tables()}
    for name, rows in document["tables"].items():
        for index, row in enumerate(rows, start=1):
            for column, value in row.items():
                where = f"{_describe(by_name[name], index, row)}, column {column}"
                found.extend(f"{where}{problem}" for problem in _problems(value))
    if not found:  # not in a row: in the document's own fields
        found.append("the document's header cannot be written as JSON")
    return (
        f"cannot write {len(found)} value{'' if len(found) == 1 else 's'}, nothing exported:\n"
        + "\n".join(f"  {line}" for line in found)
        + "\nflask --app app repair-text replaces lone surrogates with U+FFFD "
        "(--dry-run lists them first)."
    )


def _problems(value: Any) -> list[str]:
    """What keeps one column's value from being written; nothing when it is fine."""
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (ValueError, TypeError) as error:
        return [f": {error}"]
    problems: list[str] = []

    def note(path: str, text: str, is_key: bool) -> str:
        surrogates = lone_surrogates(text)
        if surrogates:
            at = f", at {replace_surrogates(path)}" if path else ""
            what = "key" if is_key else "text"
            problems.append(
                f"{at}: the {what} holds a lone UTF-16 surrogate ({', '.join(surrogates)}), "
                "which UTF-8 cannot write"
            )
        return text

    map_strings(value, note)
    return problems


def column_kind(column: Column[Any]) -> TypeEngine[Any]:
    """The column's underlying type (through TypeDecorators such as UTCDateTime)."""
    kind: TypeEngine[Any] = column.type
    while isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    return kind


def _referring(table: Table, targets: set[Table]) -> list[ForeignKeyConstraint]:
    return [fk for fk in table.foreign_key_constraints if fk.referred_table in targets]


def _descendants(roots: set[Table]) -> set[Table]:
    """The roots and every table that refers to one of them, directly or through others."""
    found = set(roots)
    changed = True
    while changed:
        changed = False
        for table in tables():
            if table not in found and _referring(table, found):
                found.add(table)
                changed = True
    return found


def _names(columns: Iterable[Column[Any]]) -> list[str]:
    return [column.name for column in columns]


def _key(table: Table, row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(row.get(column.name) for column in table.primary_key.columns)


def _describe(table: Table, index: int, row: Any) -> str:
    """Where a row is: "table answers, row 12 (id=57)", its place in the file and its key."""
    where = f"table {table.name}, row {index}"
    if isinstance(row, Mapping) and len(table.primary_key.columns):
        key = ", ".join(f"{c.name}={row.get(c.name)!r}" for c in table.primary_key.columns)
        where += f" ({key})"
    return where


# ------------------------------------------------------------------ export


def export_data(
    session: Session | scoped_session[Session], company_public_id: str | None = None
) -> dict[str, Any]:
    """Every row of every table, or one company's, as a JSON-ready document.

    Reads only; on PostgreSQL in one REPEATABLE READ snapshot when the session has no
    transaction open yet, so rows written meanwhile cannot leave a reference dangling.
    """
    session = _plain(session)
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    revision = database_revision(session)
    if revision is None:
        raise BackupError("the database has no schema yet: run `flask --app app db upgrade`")
    identity: dict[str, str | None] = {}
    if company_public_id is None:
        rows = {table: _fetch(session, table, select(table)) for table in tables()}
        references: list[dict[str, Any]] = []
        scope: str | dict[str, str] = "all"
        identity["installation_id"] = installation.current(session)
    else:
        rows, references = _company_rows(session, company_public_id)
        scope = {"company": company_public_id}
    return {
        "exported_at": utcnow().isoformat(timespec="seconds"),
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        **identity,
        "schema_revision": revision,
        "scope": scope,
        "tables": {
            table.name: [_row_to_json(table, row) for row in rows[table]]
            for table in sorted(rows, key=lambda t: t.name)
        },
        "user_references": references,
    }


def _fetch(session: Session, table: Table, query: Select[Any]) -> list[dict[str, Any]]:
    """The rows as ``{column name: value}``, in primary key order on every database."""
    found = [
        {column.name: row._mapping[column] for column in table.columns}
        for row in session.execute(query)
    ]
    if len(table.primary_key.columns):
        found.sort(key=lambda row: _key(table, row))
    else:
        found.sort(key=lambda row: _json_text(_row_to_json(table, row)))
    return found


def _row_to_json(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        column.name: _to_json(table, column, row[column.name])
        for column in sorted(table.columns, key=lambda c: c.name)
    }


def _to_json(table: Table, column: Column[Any], value: Any) -> Any:
    if value is None or isinstance(column_kind(column), JSON):
        return value
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)  # stored in UTC
        return moment.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise BackupError(
        f"table {table.name}, column {column.name}: "
        f"a {type(value).__name__} value cannot be written as JSON"
    )


def _in(fk: ForeignKeyConstraint, chosen: Select[Any]) -> Any:
    """The condition that a row's foreign key points at one of ``chosen``'s rows."""
    sub = chosen.subquery()
    targets = select(*[sub.c[element.column.name] for element in fk.elements])
    local = [element.parent for element in fk.elements]
    return (local[0] if len(local) == 1 else tuple_(*local)).in_(targets)


def _company_rows(
    session: Session, public_id: str
) -> tuple[dict[Table, list[dict[str, Any]]], list[dict[str, Any]]]:
    """One company's rows, every row of the tables tied to no company, and its advisors."""
    found = select(COMPANIES.c.id).where(COMPANIES.c.public_id == public_id)
    if session.execute(found).first() is None:
        raise BackupError(f"no company has the public id {public_id!r}")
    company_tables = _descendants({COMPANIES})
    account_tables = _descendants({ACCOUNTS}) - company_tables
    chosen: dict[Table, Select[Any]] = {}
    rows: dict[Table, list[dict[str, Any]]] = {}
    for table in tables():
        if table in account_tables:
            rows[table] = []
            continue
        if table is COMPANIES:
            query = select(table).where(table.c.public_id == public_id)
        elif table in company_tables:
            links = [_in(fk, chosen[fk.referred_table]) for fk in _referring(table, set(chosen))]
            query = select(table).where(or_(*links))
        else:
            query = select(table)
        if table in company_tables:
            chosen[table] = query
        rows[table] = _fetch(session, table, query)
    return rows, _check_company_references(session, rows, company_tables, account_tables)


def _check_company_references(
    session: Session,
    rows: dict[Table, list[dict[str, Any]]],
    company_tables: set[Table],
    account_tables: set[Table],
) -> list[dict[str, Any]]:
    """Every reference resolves inside the export, but those to accounts: returned."""
    present = {table: {_key(table, row) for row in found} for table, found in rows.items()}
    accounts: dict[Column[Any], set[Any]] = {}
    for table in company_tables:
        for fk in table.foreign_key_constraints:
            target = fk.referred_table
            local = [element.parent.name for element in fk.elements]
            remote = [element.column for element in fk.elements]
            for row in rows[table]:
                values = tuple(row[name] for name in local)
                if any(value is None for value in values):
                    continue
                if target is ACCOUNTS and len(remote) == 1:
                    accounts.setdefault(remote[0], set()).add(values[0])
                elif target is ACCOUNTS or target in account_tables:
                    raise BackupError(
                        f"table {table.name} {_key(table, row)} refers to {target.name}, "
                        "which a company's export leaves out"
                    )
                elif _names(remote) == _names(target.primary_key.columns) and (
                    values not in present[target]
                ):
                    raise BackupError(
                        f"table {table.name} {_key(table, row)} refers to {target.name} "
                        f"{values}, which is not part of this company's export"
                    )
    advisors: dict[Any, str] = {}
    for column, user_ids in accounts.items():
        query = select(ACCOUNTS.c.id, ACCOUNTS.c.email).where(column.in_(sorted(user_ids)))
        advisors.update({user_id: email for user_id, email in session.execute(query)})
    return [{"email": advisors[user_id], "id": user_id} for user_id in sorted(advisors)]


# ------------------------------------------------------------------ import


def import_data(session: Session | scoped_session[Session], document: Any) -> dict[str, int]:
    """Restore ``document`` into the empty database in one transaction; rows per table.

    Refuses (BackupError, nothing written) an unknown format or version, another schema
    revision, a database with any row, and bad data, naming the table and the row.
    Commits on success.
    """
    session = _plain(session)
    try:
        return _import(session, document)
    except BaseException:
        session.rollback()
        raise


def _import(session: Session, document: Any) -> dict[str, int]:
    _check_header(document)
    revision = database_revision(session)
    if document["schema_revision"] != revision:
        raise BackupError(
            f"the file is of schema revision {document['schema_revision']} but the database "
            f"is at {revision or 'no revision (not migrated)'}: import into a database "
            "migrated to the same revision"
        )
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        # Nobody writes while we check that it is empty and fill it.
        names = ", ".join(dialect.identifier_preparer.format_table(t) for t in tables())
        session.execute(text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))
    _check_empty(session)
    batches = _batches(document)
    for position, (table, batch) in enumerate(batches):
        try:
            _insert(session, table, [row for _, row in batch])
        except DBAPIError as error:
            session.rollback()
            raise BackupError(_locate(session, batches, position, error)) from None
    if isinstance(document.get("installation_id"), str):
        installation.replace(session, document["installation_id"])
    if dialect.name == "postgresql":
        _reset_sequences(session)
    session.commit()
    counts = {table.name: 0 for table in tables()}
    for table, batch in batches:
        counts[table.name] += len(batch)
    return counts


def _check_header(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"this is not a Lyftkollen export (format {FORMAT!r} expected)")
    version = document.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise BackupError(
            f"unknown format_version {version!r}: this version of Lyftkollen reads "
            f"format_version {FORMAT_VERSION}"
        )
    if not isinstance(document.get("schema_revision"), str):
        raise BackupError("the file has no schema_revision")
    if not isinstance(document.get("tables"), dict):
        raise BackupError("the file has no tables")
    if not isinstance(document.get("user_references", []), list):
        raise BackupError("user_references must be a list")
    _check_installation_id(document)
    known = {table.name for table in tables()}
    unknown = sorted(set(document["tables"]) - known)
    if unknown:
        raise BackupError(f"the file has tables the database does not: {', '.join(unknown)}")
    missing = sorted(known - set(document["tables"]))
    if missing:
        raise BackupError(f"the file lacks the tables {', '.join(missing)}")


def _check_installation_id(document: dict[str, Any]) -> None:
    """A full export's installation id is text of at most 64 characters (or null: the
    database it came from had none); a company's export has none."""
    if "installation_id" not in document:
        return
    value = document["installation_id"]
    if document.get("scope") != "all":
        raise BackupError("installation_id belongs to a full export only, not a company's")
    if value is not None and not (
        isinstance(value, str) and 0 < len(value) <= installation.MAX_LENGTH
    ):
        raise BackupError(
            f"installation_id must be text of 1 to {installation.MAX_LENGTH} characters"
        )


def _check_empty(session: Session) -> None:
    filled = []
    for table in tables():
        count = session.execute(select(func.count()).select_from(table)).scalar_one()
        if count:
            filled.append(f"{table.name} ({count} row{'' if count == 1 else 's'})")
    if filled:
        raise BackupError(
            "the database is not empty: "
            + ", ".join(filled)
            + ". Import only into a new database migrated to the file's revision"
        )


Batch = list[tuple[str, dict[str, Any]]]


def _batches(document: dict[str, Any]) -> list[tuple[Table, Batch]]:
    """The rows to insert, converted and checked, as (table, [(description, row)]) in
    dependency order: a company export's advisor accounts come before the users rows."""
    batches: list[tuple[Table, Batch]] = []
    for table in tables():
        if table is ACCOUNTS:
            accounts = _placeholder_accounts(document)
            if accounts:
                batches.append((table, accounts))
        raw = document["tables"][table.name]
        if not isinstance(raw, list):
            raise BackupError(f"table {table.name}: a list of rows expected")
        rows = [
            (_describe(table, index, row), _row_from_json(table, index, row))
            for index, row in enumerate(raw, start=1)
        ]
        if rows:
            batches.append((table, rows))
    return batches


def _placeholder_accounts(document: dict[str, Any]) -> Batch:
    """An account for each advisor a company export refers to, with no usable password."""
    exported = {row.get("id") for row in document["tables"][ACCOUNTS.name] if isinstance(row, dict)}
    accounts: Batch = []
    for index, reference in enumerate(document.get("user_references", []), start=1):
        if not (
            isinstance(reference, dict)
            and isinstance(reference.get("id"), int)
            and isinstance(reference.get("email"), str)
        ):
            raise BackupError(f"user_references, entry {index}: an id and an email expected")
        if reference["id"] in exported:
            continue
        accounts.append(
            (
                f"user_references, entry {index} ({reference['email']})",
                {
                    "id": reference["id"],
                    "email": reference["email"],
                    "password_hash": UNUSABLE_PASSWORD,
                    "role": "advisor",
                    "active": True,
                },
            )
        )
    return accounts


def _row_from_json(table: Table, index: int, row: Any) -> dict[str, Any]:
    where = _describe(table, index, row)
    if not isinstance(row, dict):
        raise BackupError(f"{where}: an object with the row's columns expected")
    columns = {column.name: column for column in table.columns}
    unknown = sorted(set(row) - set(columns))
    if unknown:
        raise BackupError(f"{where}: unknown columns {', '.join(unknown)}")
    missing = sorted(set(columns) - set(row))
    if missing:
        raise BackupError(f"{where}: missing columns {', '.join(missing)}")
    values: dict[str, Any] = {}
    for name, column in columns.items():
        try:
            values[name] = _from_json(column, row[name])
        except (ValueError, TypeError, InvalidOperation) as error:
            raise BackupError(f"{where}, column {name}: {error}") from None
    return values


def _from_json(column: Column[Any], value: Any) -> Any:
    kind = column_kind(column)
    if isinstance(kind, JSON):
        # None: SQL NULL where the column allows it, else JSON null (the type's default).
        return null() if value is None and column.nullable else value
    if value is None:
        if not column.nullable:
            raise ValueError("must not be null")
        return None
    if isinstance(kind, DateTime):
        moment = datetime.fromisoformat(_text(value, "an ISO 8601 date and time"))
        if moment.tzinfo is None:
            raise ValueError(f"{value!r} has no UTC offset")
        moment = moment.astimezone(UTC)
        return moment if kind.timezone else moment.replace(tzinfo=None)
    if isinstance(kind, Date):
        return date.fromisoformat(_text(value, "an ISO 8601 date"))
    if isinstance(kind, Time):
        return time.fromisoformat(_text(value, "an ISO 8601 time"))
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise ValueError(f"true or false expected, not {value!r}")
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"a whole number expected, not {value!r}")
        return value
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"a number expected, not {value!r}")
        return value
    if isinstance(kind, Numeric):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(f"a number expected, not {value!r}")
        return Decimal(str(value)) if kind.asdecimal else float(value)
    if isinstance(kind, String):
        text_value = _text(value, "text")
        if kind.length is not None and len(text_value) > kind.length:
            raise ValueError(f"longer than {kind.length} characters")
        return text_value
    if isinstance(kind, LargeBinary):
        return base64.b64decode(_text(value, "base64 text"), validate=True)
    if isinstance(kind, Uuid):
        parsed = uuid.UUID(_text(value, "a UUID"))
        return parsed if kind.as_uuid else str(parsed)
    return value


def _text(value: Any, expected: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{expected} expected, not {value!r}")
    return value


def _insert(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    session.execute(insert(table), list(rows))


def _locate(
    session: Session, batches: list[tuple[Table, Batch]], failed: int, error: DBAPIError
) -> str:
    """Which row the database refused: the batches before went in, so replay up to it.

    Leaves nothing behind: the replay is rolled back too.
    """
    table = batches[failed][0]
    reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    try:
        for earlier, batch in batches[:failed]:
            _insert(session, earlier, [row for _, row in batch])
        for where, row in batches[failed][1]:
            try:
                _insert(session, table, [row])
            except DBAPIError as refused:
                reason = str(refused.orig).strip().splitlines()[0] if refused.orig else reason
                return f"{where}: the database refused it: {reason}"
    except DBAPIError:
        pass
    finally:
        session.rollback()
    return f"table {table.name}: the database refused the rows: {reason}"


def _reset_sequences(session: Session) -> None:
    """PostgreSQL: each serial id's sequence continues after the highest imported id."""
    for table in tables():
        column = table.autoincrement_column
        if column is None:
            continue
        highest = func.max(column)
        name = session.get_bind().dialect.identifier_preparer.format_table(table)
        sequence = func.pg_get_serial_sequence(literal(name), literal(column.name))
        session.execute(
            select(
                func.setval(sequence, func.coalesce(highest, 1), highest.is_not(None))
            ).select_from(table)
        )
