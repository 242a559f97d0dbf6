"""The questionnaire page's one read, kept as a speed trick because the seminar showed
that it pays: a questionnaire page that is only shown (a GET) reads its assessment, its
workshop's state and all its answers in one statement, on the driver's own cursor, without
the ORM's session and objects.

Measured (bench/README.md, 2026-12-05): the 200-person seminar on PostgreSQL spent 5.88 ms
of the server's CPU per request with it and 6.33 ms without it (median of 3, +8 %); in
process, a PostgreSQL questionnaire page costs 1.0 ms of CPU with it and 2.1 ms through
the models. ``tests/web/test_page_read.py`` checks that it reads exactly what the models
read (``service.find`` and ``service.stored_answers``), for every shape of answer, on
both databases.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, bindparam, case, func, literal_column, select
from sqlalchemy.engine import Dialect

from web.platform.extensions import db
from web.storage.models import Answer, Assessment, Workshop

# What new_token makes: URL-safe base64. Anything else is no token and is not looked up
# (PostgreSQL refuses a NUL byte in a query parameter outright).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")

_ANSWERS = Answer.__table__
_ASSESSMENTS = Assessment.__table__
_WORKSHOPS = Workshop.__table__


def _page_state_statement(dialect: str) -> Select[Any]:
    """The assessment, its workshop's state and all its answers in one row: the answers
    as one JSON object made by the database (``{question id: value}``), so the page is one
    round trip and one row, and no statement varies with the page's questions."""
    if dialect == "postgresql":
        pairs = func.json_object_agg(_ANSWERS.c.question_id, _ANSWERS.c.value)
    else:
        # SQLite keeps JSON as text, and json() makes each value JSON again (not a string).
        # But the column's affinity stores a bare number as REAL, and json() writes a REAL
        # with 15 digits: 17 give the same float back.
        value = _ANSWERS.c.value
        as_17_digits = func.printf(literal_column("'%!.17g'"), value)
        exact = case((func.typeof(value) == literal_column("'real'"), as_17_digits), else_=value)
        pairs = func.json_group_object(_ANSWERS.c.question_id, func.json(exact))
    answers = (
        select(pairs)
        .where(_ANSWERS.c.assessment_id == _ASSESSMENTS.c.id)
        .correlate(_ASSESSMENTS)
        .scalar_subquery()
    )
    return (
        select(
            _ASSESSMENTS.c.id,
            _ASSESSMENTS.c.token,
            _ASSESSMENTS.c.questionnaire_version,
            _ASSESSMENTS.c.content_id,
            _ASSESSMENTS.c.status,
            _ASSESSMENTS.c.profile,
            _ASSESSMENTS.c.workshop_id,
            _WORKSHOPS.c.status.label("workshop_status"),
            answers.label("answers"),
        )
        .select_from(
            _ASSESSMENTS.outerjoin(_WORKSHOPS, _WORKSHOPS.c.id == _ASSESSMENTS.c.workshop_id)
        )
        .where(_ASSESSMENTS.c.token == bindparam("token"))
    )


@functools.lru_cache(maxsize=8)  # one per engine; tests make many
def _page_state_sql(dialect: Dialect) -> str:
    """The page's statement as ``dialect``'s driver takes it, built once per engine."""
    return str(_page_state_statement(dialect.name).compile(dialect=dialect))


@dataclass(frozen=True)
class WorkshopState:
    is_open: bool


@dataclass(frozen=True)
class PageState:
    """What a questionnaire page that is only shown (a GET) needs of its assessment, read
    in one statement (``page_state``): the ORM's object costs more than the rest of the read.

    Templates read it as they read an Assessment (``token``, ``workshop.is_open``).
    """

    id: int
    token: str
    questionnaire_version: str
    content_id: str | None
    status: str
    profile: dict[str, Any]
    workshop_id: int | None
    workshop: WorkshopState | None
    answers: dict[str, Any]  # every stored answer, by question id

    @property
    def completed(self) -> bool:
        return self.status == "completed"


def page_state(connection: Connection, token: str) -> PageState | None:
    """The assessment with this private token as a page shows it, with its answers, or
    None. One statement: on a connection without a transaction (``read_connection``) it
    is one round trip, and it reads one state of the assessment.

    The statement is SQLAlchemy's, compiled once; it runs on the driver's own cursor,
    because SQLAlchemy's execution and result rows cost more than the query itself
    (0.2 of 0.55 ms of CPU on PostgreSQL, bench/README.md). JSON comes back decoded from
    psycopg and as text from SQLite.
    """
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    dialect = connection.dialect
    cursor = connection.connection.cursor()
    try:
        cursor.execute(
            _page_state_sql(dialect), (token,) if dialect.positional else {"token": token}
        )
        row = cursor.fetchone()
    finally:
        cursor.close()
    if row is None:
        return None
    # In the statement's order.
    id_, token_, version, content_id, status, profile, workshop_id, workshop_status, answers = row
    workshop = None if workshop_id is None else WorkshopState(workshop_status == "open")
    return PageState(
        id_,
        token_,
        version,
        content_id,
        status,
        _json(profile) or {},
        workshop_id,
        workshop,
        _json(answers) or {},  # PostgreSQL aggregates no rows to NULL
    )


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def read_connection() -> Connection:
    """A connection for a view that only reads, in one statement: on PostgreSQL without a
    transaction, which spares a BEGIN and a ROLLBACK (two round trips) around it. SQLite
    opens none for a read anyway, and switching its mode would cost a statement."""
    connection = db.engine.connect()
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection
