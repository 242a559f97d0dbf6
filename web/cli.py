"""Commands: ``flask --app app questionnaire check`` and ``flask --app app users …``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from questionnaire.content import ContentError
from web.content import load_content
from web.extensions import db
from web.models import ROLES, User, new_login_id

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


users_cli = AppGroup("users", help="Advisor and admin accounts.")
MIN_PASSWORD = 10


def _email(value: str) -> str:
    email = value.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
        raise click.BadParameter(f"'{value}' is not an e-mail address", param_hint="--email")
    return email


def _password(value: str) -> str:
    if len(value) < MIN_PASSWORD:
        raise click.BadParameter(f"use at least {MIN_PASSWORD} characters", param_hint="--password")
    return value


def _user(email: str) -> User:
    user = db.session.execute(select(User).where(User.email == _email(email))).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no account has the e-mail address {email}")
    return user


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(ROLES), default="advisor", show_default=True)
def create_user(email: str, password: str, role: str) -> None:
    """Create an account."""
    address = _email(email)
    if db.session.execute(select(User.id).where(User.email == address)).first():
        raise click.ClickException(f"an account with {address} exists already")
    user = User(email=address, role=role)
    user.set_password(_password(password))
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {address}")


@users_cli.command("set-password")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def set_password(email: str, password: str) -> None:
    """Give an account a new password; its open sessions end."""
    user = _user(email)
    user.set_password(_password(password))
    db.session.commit()
    click.echo(f"New password set for {user.email}")


@users_cli.command("list")
def list_users() -> None:
    """Every account with its role and whether it is active."""
    for user in db.session.execute(select(User).order_by(User.email)).scalars():
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email}\t{user.role}\t{state}")


@users_cli.command("deactivate")
@click.option("--email", required=True)
def deactivate(email: str) -> None:
    """Stop an account from logging in; its open sessions end. Its data is kept."""
    user = _user(email)
    user.active = False
    user.login_id = new_login_id()
    db.session.commit()
    click.echo(f"Deactivated {user.email}")
