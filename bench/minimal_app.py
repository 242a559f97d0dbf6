"""The framework's ceiling: one Flask route rendering a tiny Jinja template.

Served by the same gunicorn configuration as the real app (the repository's
gunicorn.conf.py), in the same benchmark run, so every figure can be given as a ratio
to what Flask, Jinja and gunicorn alone manage on this machine:

    python -m gunicorn -c gunicorn.conf.py --chdir bench minimal_app:app

``read_app`` is the same page plus the questionnaire page's one read, made as the app
makes it (``web.assessments.page_state``'s statement, on a pooled connection without a
transaction on PostgreSQL, on the driver's cursor, the answers decoded). ``run.py
questionnaire --read-reference`` measures it beside the other two, to tell the
database's share of the questionnaire page's cost from the app's own (bench/README.md):

    DATABASE_URL=... python -m gunicorn -c gunicorn.conf.py bench.minimal_app:read_app
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from flask import Flask, abort, render_template
from sqlalchemy import Engine, create_engine

TEMPLATES = str(Path(__file__).parent / "templates")
app = Flask(__name__, template_folder=TEMPLATES)
read_app = Flask(__name__, template_folder=TEMPLATES)


@app.get("/")
def index() -> str:
    return render_template("minimal.html", title="Lyftkollen", items=["ett", "två", "tre"])


@cache
def _engine() -> tuple[Engine, str]:
    from config import database_url  # the app's own URL, engine settings and statement
    from web.assessments import _page_state_sql
    from web.database import configure_engine

    engine = create_engine(database_url(os.environ["DATABASE_URL"], ""))
    configure_engine(engine)
    return engine, _page_state_sql(engine.dialect)


@read_app.get("/a/<token>/steg/<int:number>")
def read(token: str, number: int) -> str:
    engine, sql = _engine()
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT")
        cursor = connection.connection.cursor()
        try:
            positional = connection.dialect.positional
            cursor.execute(sql, (token,) if positional else {"token": token})
            row = cursor.fetchone()
        finally:
            cursor.close()
    if row is None:
        abort(404)
    answers = json.loads(row[8]) if isinstance(row[8], str) else row[8] or {}  # as the app
    return render_template("minimal.html", title="Lyftkollen", items=[number, len(answers)])
