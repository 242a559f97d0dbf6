"""Repair of stored text: lone UTF-16 surrogates replaced with U+FFFD in every table.

A lone surrogate (JSON "\\ud800" without its pair) is no character, and UTF-8 cannot
encode it: a page or an export that holds one fails. The API refuses them now; this
repairs what was stored before. It walks every text and JSON column of every table, as
the export does (``db.metadata``), so a table or column added later is covered.

Where one can be stored at all: in JSON columns, as the escape ``\\ud800`` in the JSON
text, on SQLite (JSON is text there) and on PostgreSQL (the columns are of type ``json``,
which keeps its text as given; ``jsonb`` refuses such an escape). A text column cannot
hold one on either database: the drivers encode parameters as UTF-8 and refuse it. Text
columns are walked all the same, so that nothing depends on how a value got there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, String, Table, and_, select, update
from sqlalchemy.orm import Session

from web.operations.backup import column_kind
from web.platform.extensions import db
from web.platform.text import holds_lone_surrogate, lone_surrogates, map_strings, replace_surrogates


class RepairError(Exception):
    """A value needs repair but cannot be addressed (its table has no primary key)."""


@dataclass(frozen=True)
class TextRepair:
    """One string replaced: where it is, and the lone surrogates it held."""

    table: str
    row: str  # the primary key, "id=12"
    column: str
    path: str  # within a JSON value, dotted as the API names fields; "" for the whole value
    is_key: bool  # an object's key, not a value
    surrogates: tuple[str, ...]  # as escapes, "\\ud800"

    def __str__(self) -> str:
        where = f"table {self.table}, row {self.row}, column {self.column}"
        if self.path:
            where += f", {'key' if self.is_key else 'at'} {replace_surrogates(self.path)}"
        return f"{where}: {', '.join(self.surrogates)}"


def _text_columns(table: Table) -> list[Column[Any]]:
    return [c for c in table.columns if isinstance(column_kind(c), String | JSON)]


def _repaired(value: Any) -> tuple[Any, list[tuple[str, bool, tuple[str, ...]]]]:
    """``value`` with its lone surrogates replaced, and where each replaced string was."""
    found: list[tuple[str, bool, tuple[str, ...]]] = []

    def repair(path: str, text: str, is_key: bool) -> str:
        if not holds_lone_surrogate(text):
            return text
        found.append((path, is_key, tuple(lone_surrogates(text))))
        return replace_surrogates(text)

    return map_strings(value, repair), found


def _key_count(value: Any) -> int:
    """How many object keys ``value`` holds, at every depth."""
    count, pending = 0, [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            count += len(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return count


def _row_name(table: Table, key: tuple[Any, ...]) -> str:
    return ", ".join(f"{c.name}={v!r}" for c, v in zip(table.primary_key.columns, key, strict=True))


def _needing_repair(session: Session, table: Table) -> Iterator[tuple[Any, ...]]:
    """The primary keys of the rows with a lone surrogate in a text or JSON column."""
    columns, keys = _text_columns(table), list(table.primary_key.columns)
    query = select(*keys, *columns).execution_options(yield_per=1000)
    for row in session.execute(query):
        if any(_repaired(value)[1] for value in row[len(keys) :]):
            if not keys:
                raise RepairError(f"table {table.name} has no primary key: repair it by hand")
            yield tuple(row[: len(keys)])


def repair_text(session: Session, dry_run: bool = False) -> list[TextRepair]:
    """Replace every lone surrogate stored in a text or JSON column with U+FFFD.

    Returns what was replaced (with ``dry_run``: what would be, changing nothing). Each
    row is read again under a lock before it is written, so an answer saved meanwhile is
    not overwritten. Does not commit.
    """
    repairs: list[TextRepair] = []
    for table in db.metadata.sorted_tables:
        columns = _text_columns(table)
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        # Columns an UPDATE sets by itself (updated_at) keep their value: a repair is no
        # one's change (the purge counts from updated_at).
        stamped = [c for c in table.columns if c.onupdate is not None and c not in columns]
        for key in list(_needing_repair(session, table)):
            where = and_(*(c == v for c, v in zip(keys, key, strict=True)))
            query = select(*columns, *stamped).where(where)
            row = session.execute(query if dry_run else query.with_for_update()).first()
            if row is None:  # deleted meanwhile
                continue
            changed: dict[str, Any] = {}
            for column, value in zip(columns, row, strict=False):
                new, found = _repaired(value)
                if not found:
                    continue
                if _key_count(new) != _key_count(value):
                    # Two keys that differ only in their lone surrogates would become one,
                    # and one of their values would be lost without a word.
                    raise RepairError(
                        f"table {table.name}, row {_row_name(table, key)}, column "
                        f"{column.name}: two keys would become the same once repaired; "
                        "repair this value by hand"
                    )
                changed[column.name] = new
                repairs.extend(
                    TextRepair(table.name, _row_name(table, key), column.name, *place)
                    for place in found
                )
            if changed and not dry_run:
                kept = {c.name: v for c, v in zip(stamped, row[len(columns) :], strict=True)}
                session.execute(update(table).where(where).values({**changed, **kept}))
    return repairs
