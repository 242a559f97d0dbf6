"""The framework's ceiling: one Flask route rendering a tiny Jinja template.

Served by the same gunicorn configuration as the real app (the repository's
gunicorn.conf.py), in the same benchmark run, so every figure can be given as a ratio
to what Flask, Jinja and gunicorn alone manage on this machine:

    python -m gunicorn -c gunicorn.conf.py --chdir bench minimal_app:app

``read_app`` is the same page plus the questionnaire page's one read, made by the app's
own ``web.assessments.page_read.page_state`` on a pooled connection with the app's engine settings
(without a transaction on PostgreSQL, as ``read_connection`` does). ``run.py
questionnaire --read-reference`` measures it beside the other two, to tell the
database's share of the questionnaire page's cost from the app's own (bench/README.md):

    DATABASE_URL=... python -m gunicorn -c gunicorn.conf.py bench.minimal_app:read_app
"""

from __future__ import annotations

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
def _engine() -> Engine:
    from config import database_url  # the app's own URL and engine settings
    from web.storage.database import configure_engine, engine_options

    url = database_url(os.environ["DATABASE_URL"], "")
    engine = create_engine(url, **engine_options(url))
    configure_engine(engine)
    return engine


@read_app.get("/a/<token>/steg/<int:number>")
def read(token: str, number: int) -> str:
    from web.assessments.page_read import page_state

    with _engine().connect() as connection:
        if connection.dialect.name == "postgresql":  # as page_read.read_connection
            connection.execution_options(isolation_level="AUTOCOMMIT")
        state = page_state(connection, token)
    if state is None:
        abort(404)
    return render_template("minimal.html", title="Lyftkollen", items=[number, len(state.answers)])
