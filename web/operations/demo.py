"""Demo data: made-up companies with results, workshops and advisor decisions.

``flask --app app demo seed --companies N`` fills an empty laptop database so that every
screen can be tried, and gives the benchmarks something to run on; ``demo clear``
removes it again, and only it. Every record it makes is flagged ``demo`` and every
company's name starts with "Demo"; demo data counts in peer benchmarks, "companies like
yours", the overview, the statistics export and training only when ``DEMO_MODE`` is on.

The answers come from :mod:`questionnaire.synthetic` (its docstring lists the
assumptions); they are scored and ranked by the app's own code, so a demo result is
exactly what the app would have shown for those answers. Records are written in bulk
(one INSERT per table and batch), so 100,000 companies take minutes, not hours.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import CursorResult, delete, insert, or_, select

from questionnaire.profile import company_profile
from questionnaire.synthetic import SyntheticCompany, random_answers, random_company
from recommender.eligibility import excluded_offerings
from recommender.features import DecisionCase
from recommender.outcome import Outcome, assess
from recommender.stored import to_stored
from recommender.synthetic import advisor_rule
from web.platform.extensions import db
from web.storage import learned_model as ranking
from web.storage import summaries
from web.storage.content import Content, content, keep
from web.storage.models import (
    LOCAL_TIME,
    Answer,
    Assessment,
    Company,
    Decision,
    ResultSummary,
    User,
    Workshop,
    new_join_code,
    new_public_id,
    new_token,
)
from web.workshops.service import summary_values, team_of

DEMO_ADVISOR = "demo.radgivare@lyftkollen.invalid"
DEMO_ADMIN = "demo.admin@lyftkollen.invalid"
BATCH = 500

# Shares of the companies (see the command's help).
WORKSHOP_SHARE = 0.08
DECISION_SHARE = 0.4
DECISION_NOISE = 0.25  # advisors who chose otherwise than the known rule
HISTORY_DAYS = 730


@dataclass
class SeedReport:
    companies: int = 0
    assessments: int = 0
    workshops: int = 0
    decisions: int = 0
    passwords: dict[str, str] = field(default_factory=dict)  # only for accounts made now


def _demo_user(email: str, role: str, report: SeedReport) -> User:
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        password = secrets.token_urlsafe(12)
        user = User(email=email, role=role, demo=True)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        report.passwords[email] = password
    return user


def _insert_returning_ids(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.execute(statement, rows).scalars())


def _moment(rng: random.Random, now: datetime) -> datetime:
    """A time in the last two years, recent ones more likely (the program grows)."""
    days = HISTORY_DAYS * (1 - rng.random() ** 0.6)
    return now - timedelta(days=days, seconds=rng.randint(0, 86_399))


def _decide(
    profile: dict[str, Any], scores: dict[str, int | None], c: Content, rng: random.Random
) -> str:
    """What an advisor chose: a known rule of thumb, and otherwise something allowed."""
    case = DecisionCase(profile=company_profile(profile), scores=scores)
    excluded = excluded_offerings(case.profile, c.catalogue)
    chosen = advisor_rule(case, c.catalogue)
    if rng.random() < DECISION_NOISE:
        allowed = [o.id for o in c.catalogue.offerings if o.id not in excluded]
        chosen = rng.choice(allowed)
    return chosen


def _assessment_row(
    c: Content,
    company: SyntheticCompany,
    answers: dict[str, Any],
    when: datetime,
    **extra: Any,
) -> tuple[dict[str, Any], Outcome]:
    """The assessment's row (without id), scored and with its path by the app's own
    entry point, and its outcome."""
    outcome = assess(answers, company.profile, c, ranking.ranking_for(c))
    scores, recommendation = to_stored(outcome)
    row = {
        "token": new_token(),
        "questionnaire_version": c.questionnaire.version,
        "content_id": c.fingerprint,
        "language": "sv",
        "source": "web",
        "status": "completed",
        "profile": dict(company.profile),
        "scores": scores,
        "recommendation": recommendation,
        "created_at": when - timedelta(minutes=15),
        "updated_at": when,
        "completed_at": when,
        "demo": True,
        **extra,
    }
    return row, outcome


def seed(
    companies: int, rng: random.Random, on_batch: Callable[[int], None] | None = None
) -> SeedReport:
    """Make ``companies`` demo companies, each with a self-assessment, some with a closed
    workshop, and advisor decisions for a share of them. The caller commits."""
    c = content()
    report = SeedReport()
    advisor = _demo_user(DEMO_ADVISOR, "advisor", report)
    _demo_user(DEMO_ADMIN, "admin", report)
    keep(c)  # the content version the demo records point at
    now = datetime.now(UTC)
    made = 0
    while made < companies:
        size = min(BATCH, companies - made)
        _seed_batch(c, advisor, size, made, rng, now, report)
        made += size
        db.session.commit()
        if on_batch:
            on_batch(made)
    return report


def _seed_batch(
    c: Content,
    advisor: User,
    size: int,
    offset: int,
    rng: random.Random,
    now: datetime,
    report: SeedReport,
) -> None:
    q = c.questionnaire
    people = [random_company(q, rng) for _ in range(size)]
    company_ids = _insert_returning_ids(
        Company,
        [
            {
                "public_id": new_public_id(),
                "name": f"Demoföretag {offset + i + 1:06d} AB",
                "owner_id": advisor.id,
                "created_at": now - timedelta(days=HISTORY_DAYS),
                "demo": True,
            }
            for i in range(size)
        ],
    )
    # One self-assessment per company.
    online_rows: list[dict[str, Any]] = []
    online_outcomes: list[Outcome] = []
    online_answers: list[dict[str, Any]] = []
    for company, company_id in zip(people, company_ids, strict=True):
        answers = random_answers(q, company, rng)
        row, outcome = _assessment_row(
            c, company, answers, _moment(rng, now), company_id=company_id
        )
        online_rows.append(row)
        online_outcomes.append(outcome)
        online_answers.append(answers)
    online_ids = _insert_returning_ids(Assessment, online_rows)

    # A closed workshop for some of them: the management team answers, the advisor
    # has given the profile, and the team's result is summarised as the app would.
    workshop_rows: list[dict[str, Any]] = []
    teams: list[tuple[SyntheticCompany, list[dict[str, Any]], datetime]] = []
    for company, company_id in zip(people, company_ids, strict=True):
        if rng.random() >= WORKSHOP_SHARE:
            continue
        held = _moment(rng, now)
        workshop_rows.append(
            {
                "public_id": new_public_id(),
                "code": new_join_code(),
                "company_id": company_id,
                "title": "Ledningsgruppen (demo)",
                "held_on": held.astimezone(LOCAL_TIME).date(),
                "language": "sv",
                "reveal": "immediate",
                "revealed": False,
                "status": "closed",
                "profile": dict(company.profile),
                "questionnaire_version": q.version,
                "content_id": c.fingerprint,
                "revision": 1,
                "created_at": held - timedelta(hours=1),
                "closed_at": held,
                "demo": True,
            }
        )
        team_answers = [
            random_answers(q, company, rng, spread=12) for _ in range(rng.randint(3, 7))
        ]
        teams.append((company, team_answers, held))
    workshop_ids = _insert_returning_ids(Workshop, workshop_rows)
    participant_rows: list[dict[str, Any]] = []
    participant_answers: list[dict[str, Any]] = []
    for workshop_id, (company, answer_sets, held) in zip(workshop_ids, teams, strict=True):
        for answers in answer_sets:
            row, _ = _assessment_row(c, company, answers, held, workshop_id=workshop_id)
            participant_rows.append(row)
            participant_answers.append(answers)
    participant_ids = _insert_returning_ids(Assessment, participant_rows)

    answer_rows = [
        {
            "assessment_id": assessment_id,
            "question_id": question,
            "value": value,
            "updated_at": row["updated_at"],
        }
        for assessment_id, answers, row in zip(
            online_ids + participant_ids,
            online_answers + participant_answers,
            online_rows + participant_rows,
            strict=True,
        )
        for question, value in answers.items()
    ]
    if answer_rows:
        db.session.execute(insert(Answer), answer_rows)

    # Summaries, by the same code the app uses, and the advisors' decisions.
    summary_rows: list[dict[str, Any]] = []
    decision_rows: list[dict[str, Any]] = []
    for assessment_id, row, outcome in zip(online_ids, online_rows, online_outcomes, strict=True):
        transient = Assessment(**{k: v for k, v in row.items() if k != "token"})
        values = summaries.assessment_values(transient, c)
        if values is not None:
            summary_rows.append({"assessment_id": assessment_id, "workshop_id": None, **values})
        if rng.random() < DECISION_SHARE:
            decision_rows.append(
                _decision_row(
                    row["profile"],
                    outcome.scores,
                    outcome.primary,
                    row["completed_at"],
                    advisor,
                    c,
                    rng,
                    now,
                )
                | {"assessment_id": assessment_id, "workshop_id": None}
            )
    for workshop_id, workshop_row, (company, answer_sets, held) in zip(
        workshop_ids, workshop_rows, teams, strict=True
    ):
        team = team_of(c, dict(company.profile), answer_sets)
        transient_workshop = Workshop(**{k: v for k, v in workshop_row.items() if k != "code"})
        values = summary_values(transient_workshop, c, team)
        if values is not None:
            summary_rows.append({"assessment_id": None, "workshop_id": workshop_id, **values})
        if rng.random() < DECISION_SHARE:
            recommended = values["recommended"] if values else None
            decision_rows.append(
                _decision_row(
                    company.profile, team.result.scores, recommended, held, advisor, c, rng, now
                )
                | {"assessment_id": None, "workshop_id": workshop_id}
            )
    # Each summary keeps a copy of its decision, as web.storage.summaries does for the app's own.
    decided = {
        (d["assessment_id"], d["workshop_id"]): Decision(
            offering=d["offering"], recommended=d["recommended"]
        )
        for d in decision_rows
    }
    for row in summary_rows:
        row.update(
            summaries.decision_values(decided.get((row["assessment_id"], row["workshop_id"])))
        )
    if summary_rows:
        db.session.execute(insert(ResultSummary), summary_rows)
    if decision_rows:
        db.session.execute(insert(Decision), decision_rows)
    report.companies += size
    report.assessments += len(online_ids) + len(participant_ids)
    report.workshops += len(workshop_ids)
    report.decisions += len(decision_rows)


def _decision_row(
    profile: dict[str, Any],
    scores: dict[str, int | None],
    recommended: str | None,
    finished: datetime,
    advisor: User,
    c: Content,
    rng: random.Random,
    now: datetime,
) -> dict[str, Any]:
    decided = min(now, finished + timedelta(days=rng.randint(3, 60)))
    return {
        "offering": _decide(profile, scores, c, rng),
        "recommended": recommended,
        "reason": None,
        "decided_by_id": advisor.id,
        "decided_at": decided,
        "updated_at": decided,
    }


def clear() -> dict[str, int]:
    """Delete every demo record, and whatever demo accounts made or decided; nothing else."""
    demo_users = select(User.id).where(User.demo.is_(True))
    demo_companies = select(Company.id).where(
        or_(Company.demo.is_(True), Company.owner_id.in_(demo_users))
    )
    demo_workshops = select(Workshop.id).where(
        or_(Workshop.demo.is_(True), Workshop.company_id.in_(demo_companies))
    )
    demo_assessments = select(Assessment.id).where(
        or_(
            Assessment.demo.is_(True),
            Assessment.workshop_id.in_(demo_workshops),
            Assessment.company_id.in_(demo_companies),
        )
    )
    counts: dict[str, int] = {}

    def remove(name: str, statement: Any) -> None:
        # A DELETE's result is a CursorResult (Session.execute's types say only Result).
        result = db.session.execute(statement.execution_options(synchronize_session=False))
        counts[name] = cast(CursorResult[Any], result).rowcount

    remove(
        "decisions",
        delete(Decision).where(
            or_(
                Decision.decided_by_id.in_(demo_users),
                Decision.assessment_id.in_(demo_assessments),
                Decision.workshop_id.in_(demo_workshops),
            )
        ),
    )
    remove(
        "summaries",
        delete(ResultSummary).where(
            or_(
                ResultSummary.demo.is_(True),
                ResultSummary.assessment_id.in_(demo_assessments),
                ResultSummary.workshop_id.in_(demo_workshops),
            )
        ),
    )
    remove("answers", delete(Answer).where(Answer.assessment_id.in_(demo_assessments)))
    remove("assessments", delete(Assessment).where(Assessment.id.in_(demo_assessments)))
    remove("workshops", delete(Workshop).where(Workshop.id.in_(demo_workshops)))
    remove("companies", delete(Company).where(Company.id.in_(demo_companies)))
    remove("accounts", delete(User).where(User.demo.is_(True)))
    # Decisions the demo accounts made on real results are gone: so are their copies.
    summaries.copy_all_decisions()
    return counts


# ---------------------------------------------------------------- commands

demo_cli = AppGroup("demo", help="Made-up demo data to try every screen and to benchmark.")


@demo_cli.command("seed")
@click.option("--companies", type=click.IntRange(1, 1_000_000), default=200, show_default=True)
@click.option(
    "--seed", "seed_value", type=int, default=None, help="Repeatable data from this seed."
)
@click.option(
    "--in-production",
    is_flag=True,
    help="Seed even though LYFTKOLLEN_ENV is production (the demo admin sees all data).",
)
def seed_command(companies: int, seed_value: int | None, in_production: bool) -> None:
    """Create COMPANIES made-up companies, clearly marked as demo data.

    \b
    Each company ("Demoföretag 000001 AB" ...) has a completed self-assessment, dated
    in the last two years (recent ones more often). About 8 % also have a closed
    workshop of 3-7 people from the management team, whose views of each dimension
    differ by about 12 points. About 40 % have an advisor's decision: a known rule of
    thumb (Fördjupningsprogram after the Utvecklingsprogram, Testbädd from an overall
    index of 65, Startprogram for low change capability, Digitaliseringslyftet for a
    weak digital area, else the Utvecklingsprogram), and in a quarter of the cases
    another offering the hard rules allow.
    \b
    The companies: employees log-normal around 25 (nine in ten SMEs), three in four in
    manufacturing (weighted towards metal and machinery), counties weighted by where
    Swedish industry is, 20 % with a completed Utvecklingsprogram; maturity ~ N(45, 18)
    with area and dimension variation; 6 % "don't know" answers.
    (questionnaire/synthetic.py lists every assumption.)
    \b
    Two accounts own and see the demo data: demo.radgivare@lyftkollen.invalid
    (advisor) and demo.admin@lyftkollen.invalid (admin); their passwords are printed
    once, when they are made. Demo data counts in comparisons and the overview only
    with DEMO_MODE=1. "demo clear" removes all of it.
    """
    if current_app.config["LYFTKOLLEN_ENV"] == "production" and not in_production:
        raise click.UsageError(
            "This is a production database (LYFTKOLLEN_ENV=production): demo data and a demo "
            "admin who can see every real company do not belong here. Add --in-production "
            "if you really mean it."
        )
    rng = random.Random(seed_value if seed_value is not None else secrets.randbits(32))  # noqa: S311
    started = datetime.now(UTC)

    def progress(done: int) -> None:
        if done % 10_000 == 0 or done == companies:
            click.echo(f"{done} of {companies} companies", err=True)

    report = seed(companies, rng, on_batch=progress)
    seconds = (datetime.now(UTC) - started).total_seconds()
    click.echo(
        f"Made {report.companies} demo companies, {report.assessments} assessments "
        f"({report.workshops} workshops) and {report.decisions} advisor decisions "
        f"in {seconds:.0f} s."
    )
    for email, password in report.passwords.items():
        click.echo(f"Log in as {email} with the password {password}")
    if not current_app.config["DEMO_MODE"]:
        click.echo("Demo data counts in comparisons and the overview only with DEMO_MODE=1.")


@demo_cli.command("clear")
def clear_command() -> None:
    """Delete all demo data and the demo accounts; real data is left as it was."""
    counts = clear()
    db.session.commit()
    made = ", ".join(f"{n} {name}" for name, n in counts.items())
    click.echo(f"Deleted {made}.")
