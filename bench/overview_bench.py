"""Server time of the program overview (/radgivare/oversikt) over many stored results.

Makes a fresh database (a SQLite file, or a new PostgreSQL database, dropped at the end),
migrates it and fills it with ``flask demo seed``'s own function (``web.operations.demo.seed``):
``--companies`` made-up companies, each with a self-assessment, some with a closed
workshop, 40 % with an advisor's decision. Then it times the overview in process with
the Flask test client, logged in as an administrator: the median of ``--repeat``
requests after two warm-up ones (wall time; and the app thread's CPU time, which
leaves out other processes on the machine but also PostgreSQL's own work), for each of a
few filter sets and the CSV export.

It times both scopes of the same queries: first with ``DEMO_MODE`` on, counting the
demo rows (no condition on ``demo``), then with the rows relabelled as real
(``UPDATE result_summaries SET demo = false``) and ``DEMO_MODE`` off.

    python bench/overview_bench.py --db sqlite --companies 100000
    python bench/overview_bench.py --db postgresql --companies 100000 \
        --postgres-url postgresql://postgres@127.0.0.1:5432/postgres

``--database-url URL`` uses a database already filled by ``flask demo seed`` as it is.
``--keep PATH`` (SQLite) keeps the filled file and reuses it on the next run;
``--explain`` prints the database's plan for each of the overview's queries.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import REPO  # noqa: F401  (puts the repository on sys.path)
from profile_requests import database
from seed import bench_app, migrate
from sqlalchemy import event, func, select, text, update
from sqlalchemy.engine import make_url

from web.advisor import sessions as advisor_sessions
from web.operations import demo
from web.platform.extensions import db
from web.storage.models import ResultSummary, User

TARGET_MS = 300
CASES = (
    ("no filter", "/radgivare/oversikt", {}),
    ("one year, small companies", "/radgivare/oversikt", {"start": "2025-06", "end": "2026-05",
                                                          "size": "small"}),
    ("a county, workshops", "/radgivare/oversikt", {"region": "06", "kind": "workshop"}),
    ("an industry group", "/radgivare/oversikt", {"industry": "metal"}),
    ("CSV, no filter", "/radgivare/oversikt.csv", {}),
)  # fmt: skip


def fill(app: Any, companies: int) -> None:
    with app.app_context():
        if db.session.scalar(select(func.count()).select_from(ResultSummary)):
            return  # a kept database, filled before
        started = time.perf_counter()

        def progress(done: int) -> None:
            print(f"  {done} companies", file=sys.stderr, end="\r")

        demo.seed(companies, random.Random(4), on_batch=progress)  # noqa: S311
        db.session.commit()
        print(f"\nfilled in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE")  # what autovacuum does after a bulk load
                )
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()


def admin_client(app: Any) -> Any:
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == demo.DEMO_ADMIN)).one()
        login_id = user.login_id
        session_id = advisor_sessions.create(user)
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = login_id
        session["_fresh"] = True
        session[advisor_sessions.SESSION_KEY] = session_id
    return client


def explain(app: Any) -> None:
    """The plan of every statement one overview request runs."""
    statements: list[tuple[str, Any]] = []
    with app.app_context():

        def record(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
            if "result_summaries" in statement and not statement.startswith("EXPLAIN"):
                statements.append((statement, params))

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            admin_client(app).get("/radgivare/oversikt")
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
        with db.engine.connect() as connection:
            for statement, params in statements:
                print("  ", " ".join(statement.split())[:160], "…")
                for line in connection.exec_driver_sql(prefix + statement, params):
                    print("      ", " ".join(str(c) for c in line))


def time_cases(app: Any, repeat: int, scope: str) -> bool:
    """Each case cold (the app's overview cache emptied before every request: the
    figures counted in SQL, as after any new result) and then warm (data unchanged)."""
    met = True
    for name, url, query in CASES:
        met &= time_case(app, repeat, f"{scope}, cold", name, url, query, cold=True)
        time_case(app, repeat, f"{scope}, warm", name, url, query, cold=False)
    return met


def time_case(
    app: Any, repeat: int, scope: str, name: str, url: str, query: dict[str, str], cold: bool
) -> bool:
    client = admin_client(app)
    timings, cpu = [], []
    for i in range(repeat + 2):
        if cold:
            app.extensions.pop("lyftkollen.overview_cache", None)
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.get(url, query_string=query)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url} {query}: {response.status_code}")
        if i >= 2:
            timings.append(elapsed)
            cpu.append((time.thread_time() - started_cpu) * 1000)
    median = statistics.median(timings)
    print(
        f"  {scope:>16} | {name:<26} | median {median:6.1f} ms | min {min(timings):6.1f} | "
        f"max {max(timings):6.1f} | this thread's CPU {statistics.median(cpu):6.1f} ms | "
        f"{len(response.data) / 1024:5.1f} KB"
    )
    return median < TARGET_MS


def vacuum() -> None:
    """After relabelling every row: PostgreSQL's dead rows cleared, as autovacuum would."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE result_summaries")
            )


def run(database_url: str, companies: int, repeat: int, show: bool) -> bool:
    migrate(database_url)
    app = bench_app(database_url)
    fill(app, companies)
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(ResultSummary))
    backend = make_url(database_url).get_backend_name()
    print(f"{backend}: {rows} results in result_summaries; {repeat} requests each")
    app.config["DEMO_MODE"] = True
    met = time_cases(app, repeat, "demo mode")
    if show:
        explain(app)
    with app.app_context():
        db.session.execute(update(ResultSummary).values(demo=False))
        db.session.commit()
        vacuum()
    app.config["DEMO_MODE"] = False
    try:
        met &= time_cases(app, repeat, "real data")
        if show:
            explain(app)
    finally:
        with app.app_context():
            db.session.execute(update(ResultSummary).values(demo=True))
            db.session.commit()
            vacuum()
            db.session.remove()
            db.engine.dispose()
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", type=Path, help="SQLite: fill this file once, then reuse it")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--database-url", help="an existing database already filled by `flask demo seed`"
    )
    args = parser.parse_args()
    if args.database_url:
        sys.exit(0 if run(args.database_url, args.companies, args.repeat, args.explain) else 1)
    if args.keep:  # a SQLite file filled once, then reused
        url = f"sqlite:///{args.keep.resolve()}"
        sys.exit(0 if run(url, args.companies, args.repeat, args.explain) else 1)
    with database(args.db, args.postgres_url) as url:  # a fresh one, removed at the end
        met = run(url, args.companies, args.repeat, args.explain)
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
