"""Commands: ``flask --app app questionnaire check``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from questionnaire.content import ContentError
from web.content import load_content

questionnaire_cli = AppGroup("questionnaire", help="Work with the questionnaire's data files.")


@questionnaire_cli.command("check")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder with questionnaire.yaml, offerings.yaml and recommender.yaml "
    "(default: the app's data folder).",
)
def check(data_dir: Path | None) -> None:
    """Validate the content files and say what is wrong, naming the file and the item."""
    folder = data_dir or Path(current_app.config["DATA_DIR"])
    try:
        content = load_content(folder)
    except ContentError as error:
        raise click.ClickException(str(error)) from None
    q = content.questionnaire
    maturity = sum(len(s.questions) for s in q.maturity_sections)
    click.echo(
        f"OK: questionnaire {q.version}, {len(q.sections)} sections, "
        f"{maturity} maturity questions in {len(q.dimensions)} dimensions, "
        f"{len(content.catalogue.offerings)} offerings ({folder})"
    )
