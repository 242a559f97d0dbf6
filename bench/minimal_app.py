"""The framework's ceiling: one Flask route rendering a tiny Jinja template.

Served by the same gunicorn configuration as the real app (the repository's
gunicorn.conf.py), in the same benchmark run, so every figure can be given as a ratio
to what Flask, Jinja and gunicorn alone manage on this machine:

    python -m gunicorn -c gunicorn.conf.py --chdir bench minimal_app:app
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))


@app.get("/")
def index() -> str:
    return render_template("minimal.html", title="Lyftkollen", items=["ett", "två", "tre"])
