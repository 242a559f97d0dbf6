"""Commands: ``flask --app app questionnaire check``, ``… users …``, ``… purge``,
``… export``, ``… import``, ``… repair-text``, ``… recommender train|evaluate`` and
``… summaries rebuild``."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, NoReturn, cast

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import ColumnElement, CursorResult, and_, delete, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from questionnaire.content import ContentError
from web.advisor import sessions as advisor_sessions
from web.operations.backup import ACCOUNTS, BackupError, dumps, export_data, import_data
from web.platform.extensions import db
from web.platform.site import load_site
from web.reporting.anonymity import load_anonymity
from web.storage.content import kept_content, load_content
from web.storage.models import (
    ROLES,
    Answer,
    Assessment,
    ContentVersion,
    User,
    Workshop,
    new_login_id,
    utcnow,
)
from web.storage.retention import UNFINISHED_KEPT_DAYS

questionnaire_cli = AppGroup("questionnaire", help="Work with the questionnaire's data files.")


@questionnaire_cli.command("check")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder with questionnaire.yaml, offerings.yaml, recommender.yaml, statistics.yaml "
    "and site.yaml (default: the app's data folder).",
)
def check(data_dir: Path | None) -> None:
    """Validate the content files and say what is wrong, naming the file and the item."""
    folder = data_dir or Path(current_app.config["DATA_DIR"])
    try:
        content = load_content(folder)
        anonymity = load_anonymity(folder)  # statistics.yaml: the export's k and ranges
        load_site(folder)  # site.yaml: what the service says of itself, the projector's
    except ContentError as error:
        raise click.ClickException(str(error)) from None
    q = content.questionnaire
    maturity = sum(len(s.questions) for s in q.maturity_sections)
    click.echo(
        f"OK: questionnaire {q.version}, {len(q.sections)} sections, "
        f"{maturity} maturity questions in {len(q.dimensions)} dimensions, "
        f"{len(content.catalogue.offerings)} offerings, statistics export k="
        f"{anonymity.min_group} with {len(anonymity.buckets)} head-count ranges ({folder})"
    )
    _check_kept_versions()


def _check_kept_versions() -> None:
    """Every content version kept in the database must still load with today's code."""
    try:
        ids = db.session.scalars(select(ContentVersion.id).order_by(ContentVersion.created_at))
        kept = list(ids)
    except SQLAlchemyError as error:
        db.session.rollback()
        click.echo(
            f"Kept versions not checked: the database cannot be read ({error.__class__.__name__})"
        )
        return
    broken = []
    for content_id in kept:
        try:
            kept_content(content_id)
        except ContentError as error:
            broken.append(str(error))
    if broken:
        raise click.ClickException(
            f"{len(broken)} of {len(kept)} kept content versions no longer load; their "
            "records are shown with today's content until the code accepts them again:\n"
            + "\n".join(broken)
        )
    click.echo(f"OK: all {len(kept)} kept content versions load")


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


password_option = click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help=f"At least {MIN_PASSWORD} characters. Left out, it is asked for twice, unseen; "
    "given here, it stays in the shell's history.",
)


@users_cli.command("create")
@click.option("--email", required=True)
@password_option
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
@password_option
def set_password(email: str, password: str) -> None:
    """Give an account a new password; its open sessions end."""
    user = _user(email)
    user.set_password(_password(password))
    advisor_sessions.end_all(user)
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
    advisor_sessions.end_all(user)
    db.session.commit()
    click.echo(f"Deactivated {user.email}")


def abandoned(cutoff: datetime) -> ColumnElement[bool]:
    """Unfinished assessments nobody has touched since ``cutoff``.

    Never finished (a result once shown is kept until the company deletes it), and not in
    a workshop that is open or was closed after ``cutoff``: the advisor may reopen it.
    """
    closed_long_ago = select(Workshop.id).where(
        Workshop.status != "open", Workshop.closed_at < cutoff
    )
    return and_(
        Assessment.status == "in_progress",
        Assessment.completed_at.is_(None),
        Assessment.updated_at < cutoff,
        or_(Assessment.workshop_id.is_(None), Assessment.workshop_id.in_(closed_long_ago)),
    )


@click.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    default=UNFINISHED_KEPT_DAYS,
    show_default=True,
    help="Remove unfinished assessments not changed for this many days.",
)
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
@with_appcontext
def purge_command(days: int, dry_run: bool) -> None:
    """Remove abandoned, unfinished assessments and all their answers.

    An assessment is removed when it was never finished and has not been changed for
    DAYS days. A workshop participant's unfinished answers are kept while the workshop
    is open, and removed once it has also been closed for DAYS days. Finished
    assessments are never removed here: the company deletes them with its private link,
    the advisor by deleting the workshop. The privacy page promises the default: run
    this daily, for example from cron.
    """
    try:
        cutoff = utcnow() - timedelta(days=days)
    except OverflowError:
        raise click.BadParameter("too many days", param_hint="--older-than") from None
    where = abandoned(cutoff)
    doomed = select(Assessment.id).where(where)
    count = db.session.execute(select(func.count()).select_from(doomed.subquery())).scalar_one()
    answers = db.session.execute(
        select(func.count(Answer.id)).where(Answer.assessment_id.in_(doomed))
    ).scalar_one()
    if dry_run:
        db.session.rollback()
        click.echo(
            f"Dry run: would remove {_count(count, 'unfinished assessment')} "
            f"and {_count(answers, 'answer')} (not changed for {days} days); nothing removed"
        )
        return
    # One DELETE; the database removes the answers (ON DELETE CASCADE). A DELETE's result
    # is a CursorResult, which SQLAlchemy's types of Session.execute do not tell apart.
    result = db.session.execute(
        delete(Assessment).where(where).execution_options(synchronize_session=False)
    )
    removed = cast(CursorResult[Any], result).rowcount
    db.session.commit()
    click.echo(
        f"Removed {_count(removed, 'unfinished assessment')} "
        f"and {_count(answers, 'answer')} (not changed for {days} days)"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@click.command("export")
@click.option(
    "--company",
    metavar="PUBLIC_ID",
    help="Only this company: its public id, as in /radgivare/foretag/PUBLIC_ID.",
)
@click.option(
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to FILE, readable by its owner only (default: standard output).",
)
@with_appcontext
def export_command(company: str | None, output: Path | None) -> None:
    """Write all data, or one company's, as versioned JSON.

    The file names its format, format version and the database's schema revision, and
    holds every row of every table (ids included, rows in id order), so `import` can
    restore it into an empty database. Two exports of the same data differ only in
    exported_at.

    All data includes the advisor accounts with their password hashes and login ids:
    keep the file as safe as the database. A company's export (--company) holds the
    company, its workshops, their participants' and its linked online assessments, their
    answers, and the tables tied to no company (the content versions they were answered
    on). It leaves out every account: the advisor it refers to is recorded by e-mail
    address only, and importing it creates that account without a password (give it one
    with `users set-password`).
    """
    try:
        document = export_data(db.session(), company)
        content = dumps(document)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    finally:
        db.session.rollback()  # only read
    if output is None:
        click.echo(content, nl=False)
        return
    try:
        _write_privately(output, content)
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from None
    rows = sum(len(found) for found in document["tables"].values())
    click.echo(f"Exported {_count(rows, 'row')} to {output}")


def _write_privately(path: Path, content: str) -> None:
    """Write whole or not at all (a temporary file renamed), readable by the owner only."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@click.command("import")
@click.argument("file", type=click.File("rb"))
@with_appcontext
def import_command(file: IO[bytes]) -> None:
    """Restore FILE, written by `export`, into an empty database.

    The database must be migrated to the file's schema revision and hold no row at all;
    otherwise, for an unknown format or format version, or for bad data (the message
    names the table and the row), nothing is written. The rows go in in one transaction,
    with their ids; on PostgreSQL the id sequences continue after them. For a company's
    export, the advisor it refers to gets an account with no usable password. FILE may be
    - for standard input.
    """
    try:
        document: Any = json.load(file)
    except (ValueError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{file.name} is not a JSON file: {error}") from None
    try:
        counts = import_data(db.session(), document)
    except BackupError as error:
        db.session.rollback()
        raise click.ClickException(f"nothing imported: {error}") from None
    detail = ", ".join(f"{name} {number}" for name, number in counts.items() if number)
    click.echo(f"Imported {_count(sum(counts.values()), 'row')} ({detail or 'no rows'})")
    exported = {row.get("id") for row in document["tables"][ACCOUNTS.name]}
    for reference in document.get("user_references", []):
        if reference["id"] not in exported:
            click.echo(
                f"Created the account {reference['email']} without a password: give it one "
                f"with flask --app app users set-password --email {reference['email']}"
            )


@click.command("repair-text")
@click.option("--dry-run", is_flag=True, help="Only list what would be replaced.")
@with_appcontext
def repair_text_command(dry_run: bool) -> None:
    """Replace lone UTF-16 surrogates stored in any table with U+FFFD.

    A lone surrogate (JSON "\\ud800" without its pair) is no character: an export, or a
    page, that holds one fails. The API refuses them, but older versions stored them.
    This walks every text and JSON column of every table, replaces each one with U+FFFD
    (the replacement character), and lists the table, row and column (and where in a
    JSON value) of each, in one transaction. --dry-run lists them and changes nothing.
    """
    from web.operations.repair import RepairError, repair_text

    try:
        repairs = repair_text(db.session(), dry_run=dry_run)
    except RepairError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    for repair in repairs:
        click.echo(f"{repair} -> U+FFFD")
    rows = len({(repair.table, repair.row) for repair in repairs})
    found = f"{_count(len(repairs), 'string')} with lone surrogates in {_count(rows, 'row')}"
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: would replace {found}; nothing changed")
        return
    db.session.commit()
    click.echo(f"Replaced {found}" if repairs else "No lone surrogates found; nothing changed")


recommender_cli = AppGroup(
    "recommender",
    help="The learned ranking: learn from the advisors' decisions and compare with the rules.",
)
FOLDS_OPTION = click.option(
    "--folds",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help="Folds of stratified cross-validation.",
)
SEED_OPTION = click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed for the folds."
)


def _advisor_decisions() -> list[Any]:
    from web.learning.decisions import training_data

    include_demo = current_app.config["DEMO_MODE"]
    data = training_data(include_demo)
    demo = sum(d.demo for d in data.decisions)
    if demo:
        # Demo decisions were made by no advisor: say so, not "N advisor decisions".
        click.echo(
            f"{_count(len(data.decisions), 'decision')} to learn from: "
            f"{len(data.decisions) - demo} by advisors, {demo} made up by the demo data "
            "(DEMO_MODE is on). A model that learns from demo decisions is used only with "
            "DEMO_MODE on."
        )
    else:
        click.echo(f"{_count(len(data.decisions), 'advisor decision')} to learn from.")
    if data.skipped:
        click.echo(
            f"Left out {_count(data.skipped, 'decision')} whose assessment or workshop "
            "has no scores or profile."
        )
    return data.decisions


def _not_enough(error: Exception) -> NoReturn:
    click.echo(
        f"Not enough advisor decisions to learn from: {error}. Record more decisions on "
        "the workshop and company pages, then try again. The rules decide meanwhile.",
        err=True,
    )
    raise SystemExit(1)


@recommender_cli.command("train")
@FOLDS_OPTION
@SEED_OPTION
def train_command(folds: int, seed: int) -> None:
    """Cross-validate against the rules, train on every decision and save the model.

    It is saved in the app's instance folder (recommender/), the only place the app
    loads a model from, with its metadata and MODEL_CARD.md. The app uses it only if it
    beat the rules, on this database only (its installation id), and, if it learned
    from demo decisions (with DEMO_MODE on), only with DEMO_MODE on.
    """
    from recommender import learned
    from web.storage import installation
    from web.storage.content import content
    from web.storage.learned_model import model_directory

    found = _advisor_decisions()
    installation_id = installation.ensure()
    db.session.commit()
    try:
        model = learned.train(
            found,
            content().catalogue,
            folds=folds,
            seed=seed,
            installation_id=installation_id,
        )
    except learned.InsufficientData as error:
        _not_enough(error)
    directory = model_directory()
    learned.save(model, directory)
    click.echo(learned.comparison_table(model.evaluation))
    click.echo("")
    click.echo(learned.verdict(model.evaluation))
    if model.metadata.demo_decisions:
        click.echo(
            f"It learned from {_count(model.metadata.demo_decisions, 'demo decision')}: "
            "the app uses it only with DEMO_MODE on."
        )
    click.echo(f"Used only on this database (installation id {installation_id}).")
    click.echo(f"Model card: {directory / learned.CARD_FILE}")


@recommender_cli.command("evaluate")
@FOLDS_OPTION
@SEED_OPTION
def evaluate_command(folds: int, seed: int) -> None:
    """The same comparison with the rules as ``train``, saving nothing."""
    from recommender import learned
    from web.storage.content import content

    found = _advisor_decisions()
    try:
        evaluation = learned.cross_validate(found, content().catalogue, folds=folds, seed=seed)
    except learned.InsufficientData as error:
        _not_enough(error)
    click.echo(learned.comparison_table(evaluation))
    click.echo("")
    click.echo(learned.verdict(evaluation))


summaries_cli = AppGroup(
    "summaries", help="The per-result rows that peer benchmarks and the overview count."
)


@summaries_cli.command("rebuild")
def rebuild_summaries() -> None:
    """Recreate every row from the stored results (once after upgrading, or after a repair).

    The app keeps the rows up to date as results are completed and workshops closed;
    results from before the rows existed are counted only after this.
    """
    from web.reporting import rebuild

    count = rebuild.rebuild()
    db.session.commit()
    click.echo(f"{_count(count, 'result')} summarised.")
