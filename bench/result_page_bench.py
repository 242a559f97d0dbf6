"""Server time of a result page with peer benchmarks, over many stored company results.

Makes a fresh database (a SQLite file, or a new PostgreSQL database that is dropped at the
end), migrates it, bulk-inserts ``--rows`` company results (``result_summaries``, each
behind a minimal completed assessment) with advisor decisions for ``--decided`` of them,
completes one real self-assessment with the app's own functions, and times
``GET /a/<token>/resultat`` in process with the Flask test client: the median of
``--repeat`` requests after two warm-up ones (the first fits "companies like yours").

    python bench/result_page_bench.py --db sqlite --rows 100000
    python bench/result_page_bench.py --db postgresql --rows 100000 \
        --postgres-url postgresql://postgres@127.0.0.1:5432/postgres

The rows are spread over the size bands (60 % small, 30 % medium, 10 % large) and the
industry groups (weighted towards metal and machinery), with scores that vary around a
company level and about 5 % unmeasured dimensions. ``--demo`` flags them as demo data
and turns ``DEMO_MODE`` on (the other scope of the same queries). Two companies are timed: one
compared with its size band and industry, and one that gave no industry, compared with
its whole size band (the largest group, the slowest case). ``--explain`` prints the
database's plan for the scores query. ``--database-url URL`` times two small companies'
result pages in a database already filled by ``flask demo seed`` (demo mode on).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from common import REPO  # noqa: F401  (puts the repository on sys.path)
from seed import bench_app, migrate, stored_assessments
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

import config
from questionnaire.dimensions import DIMENSION_IDS
from recommender.peers import INDUSTRY_GROUP_IDS
from web.platform.extensions import db
from web.storage import summaries
from web.storage.content import content_for
from web.storage.models import Assessment, Decision, ResultSummary, User

BANDS = (("small", 6), ("medium", 3), ("large", 1))
GROUP_WEIGHTS = {"metal": 5, "machinery": 4, "wood_paper": 2, "non_manufacturing": 3}
OFFERINGS = ("startprogram", "utvecklingsprogram", "robotlyftet", "digitaliseringslyftet")
BATCH = 5000
# The heading of "companies like yours" on the result page, in either language.
NEIGHBOURS = 'id="neighbours-title"'


def _rows(count: int, demo: bool, rng: random.Random) -> list[dict[str, Any]]:
    bands = [b for b, w in BANDS for _ in range(w)]
    groups = [g for g in INDUSTRY_GROUP_IDS for _ in range(GROUP_WEIGHTS.get(g, 1))]
    rows = []
    for _ in range(count):
        level = rng.randint(10, 85)
        scores = {
            d: None if rng.random() < 0.05 else max(0, min(100, level + rng.randint(-20, 20)))
            for d in DIMENSION_IDS
        }
        measured = [s for s in scores.values() if s is not None]
        rows.append(
            {
                "demo": demo,
                "completed_on": date(2026, rng.randint(1, 12), rng.randint(1, 28)),
                "respondents": 1,
                "size_band": rng.choice(bands),
                "industry_group": rng.choice(groups),
                "overall": round(sum(measured) / len(measured)) if measured else None,
                **scores,
            }
        )
    return rows


def fill(app: Any, rows: int, decided: int, demo: bool) -> None:
    rng = random.Random(4)  # noqa: S311 (reproducible made-up data)
    with app.app_context():
        advisor = User(email="bench.peers@example.se", password_hash="x", demo=demo)  # noqa: S106
        db.session.add(advisor)
        db.session.flush()
        done = 0
        while done < rows:
            n = min(BATCH, rows - done)
            sources = [
                {"questionnaire_version": "bench", "status": "completed", "demo": demo}
                for _ in range(n)
            ]
            ids = db.session.scalars(
                insert(Assessment).returning(Assessment.id, sort_by_parameter_order=True),
                sources,
            ).all()
            summaries = _rows(n, demo, rng)
            for row, source in zip(summaries, ids, strict=True):
                row["assessment_id"] = source
            db.session.execute(insert(ResultSummary), summaries)
            share = decided / rows
            decisions = [
                {
                    "assessment_id": source,
                    "offering": OFFERINGS[(row["overall"] or 0) * len(OFFERINGS) // 101],
                    "decided_by_id": advisor.id,
                }
                for source, row in zip(ids, summaries, strict=True)
                if rng.random() < share
            ]
            if decisions:
                db.session.execute(insert(Decision), decisions)
            db.session.commit()
            done += n
            print(f"  {done} rows", file=sys.stderr, end="\r")
        print(file=sys.stderr)


def explain(app: Any, token: str) -> None:
    from web.reporting import peers  # noqa: PLC0415

    with app.test_request_context():
        assessment = db.session.scalars(select(Assessment).where(Assessment.token == token)).one()
        band = ResultSummary.__table__.c
        own = db.session.execute(
            select(band.size_band, band.industry_group).where(band.assessment_id == assessment.id)
        ).one()
        dialect = db.engine.dialect.name
        statement = peers.histograms_statement(own.size_band, own.industry_group)
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN ANALYZE "
        for line in db.session.execute(text(prefix + str(compiled))):
            print("   ", " ".join(str(c) for c in line))


def time_page(app: Any, url: str, repeat: int) -> tuple[list[float], list[float], str]:
    """Milliseconds of ``repeat`` GETs after two warm-up ones, wall-clock and this
    process's CPU (on a busy machine the CPU time is the steadier figure; with SQLite it
    is all the server's work, with PostgreSQL the database's part is not in it), and
    the page."""
    client = app.test_client()
    timings, cpu = [], []
    for i in range(repeat + 2):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        elapsed_cpu = (time.process_time() - started_cpu) * 1000
        if response.status_code != 200 or 'id="peers-title"' not in response.text:
            raise RuntimeError(f"unexpected result page: {response.status_code}")
        if i == 0:
            print(f"first request (may fit the neighbour index): {elapsed:.0f} ms")
        if i >= 2:
            timings.append(elapsed)
            cpu.append(elapsed_cpu)
    return timings, cpu, response.text


def run(
    database_url: str,
    rows: int,
    decided: int,
    repeat: int,
    demo: bool,
    show: bool,
) -> None:
    print(f"migrating {make_url(database_url).render_as_string()}", file=sys.stderr)
    migrate(database_url)
    app = bench_app(database_url)
    app.config["DEMO_MODE"] = demo
    started = time.perf_counter()
    fill(app, rows, decided, demo)
    print(f"filled in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if database_url.startswith("postgresql"):
        with app.app_context(), db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE")  # what autovacuum does after a bulk load
            )
    tokens = stored_assessments(app, 4)  # every other one is completed
    with app.app_context():  # the second leaves its industry out: its whole size band
        query = select(Assessment).where(Assessment.token == tokens[2])
        assessment = db.session.scalars(query).one()
        assessment.profile = {k: v for k, v in assessment.profile.items() if k != "sni"}
        summaries.refresh_assessment(assessment, content_for(assessment))
        db.session.commit()
    name = make_url(database_url).get_backend_name()
    for token, group in ((tokens[0], "size band and industry"), (tokens[2], "size band only")):
        timings, cpu, page = time_page(app, f"/a/{token}/resultat", repeat)
        print(
            f"{name}: {rows} rows, {decided} decided, demo={demo}, {group}: "
            f"median {statistics.median(timings):.1f} ms, "
            f"min {min(timings):.1f}, max {max(timings):.1f} ({repeat} requests), "
            f"CPU median {statistics.median(cpu):.1f} ms; "
            f"page {len(page.encode()) / 1024:.1f} KB; "
            f"companies like yours shown: {NEIGHBOURS in page}"
        )
    if show:
        explain(app, tokens[0])
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def run_seeded(database_url: str, repeat: int) -> None:
    """Time result pages of a database filled by ``flask demo seed`` (demo mode on): one
    self-assessment that gave its industry, and one that did not."""
    from sqlalchemy import func  # noqa: PLC0415

    migrate(database_url)
    app = bench_app(database_url)
    app.config["DEMO_MODE"] = True
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(ResultSummary))
        online = select(Assessment.token).where(
            Assessment.workshop_id.is_(None), Assessment.status == "completed"
        )
        cases = []
        for group, industry in (("size band and industry", True), ("size band only", False)):
            with_industry = ResultSummary.industry_group.is_not(None)
            token = db.session.scalar(
                online.join(ResultSummary, ResultSummary.assessment_id == Assessment.id)
                .where(with_industry if industry else ResultSummary.industry_group.is_(None))
                .where(ResultSummary.size_band == "small")
                .limit(1)
            )
            cases.append((token, group))
    name = make_url(database_url).get_backend_name()
    for token, group in cases:
        timings, cpu, page = time_page(app, f"/a/{token}/resultat", repeat)
        print(
            f"{name}: demo seed, {rows} results, demo mode, {group}: "
            f"median {statistics.median(timings):.1f} ms, "
            f"min {min(timings):.1f}, max {max(timings):.1f} ({repeat} requests), "
            f"CPU median {statistics.median(cpu):.1f} ms; "
            f"page {len(page.encode()) / 1024:.1f} KB; "
            f"companies like yours shown: {NEIGHBOURS in page}"
        )
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--decided", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--database-url", help="time a database already filled by `flask demo seed` instead"
    )
    args = parser.parse_args()
    if args.database_url:
        run_seeded(args.database_url, args.repeat)
        return
    if args.db == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
            run(url, args.rows, args.decided, args.repeat, args.demo, args.explain)
        return
    server = make_url(config.database_url(args.postgres_url, ""))
    name = f"lyftkollen_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        run(url, args.rows, args.decided, args.repeat, args.demo, args.explain)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
