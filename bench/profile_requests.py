#!/usr/bin/env python
"""Where one request's time goes, in process: wall time, SQL statements, pyinstrument.

Runs the real app (production settings, no server, no load) on a fresh database seeded as
the load benchmarks seed it (bench/seed.py: stored assessments, an advisor and a workshop
with finished participants), and for each kind of request the benchmarks send, one at a
time in one thread:

- the median CPU time (of this thread: robust to other processes on the machine) and the
  median and p95 wall time of ``--repeat`` requests through Flask's test client;
- the SQL statements one request sends (counted with SQLAlchemy's ``before_cursor_execute``
  event), listed with ``--sql``;
- with ``--pyinstrument``, a pyinstrument profile of those requests (text; HTML with
  ``--html DIR``).

    python bench/profile_requests.py                       # SQLite
    python bench/profile_requests.py --db postgresql --sql
    python bench/profile_requests.py --only step_get --pyinstrument
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import common  # noqa: E402
import seed  # noqa: E402
from common import PROFILE, csrf_token, maturity_pages  # noqa: E402
from sqlalchemy import event  # noqa: E402

from web.platform.extensions import db  # noqa: E402


class Statements:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.seen.append(" ".join(statement.split()))


@contextmanager
def database(kind: str, pg: str) -> Any:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/profile.sqlite3"
            seed.migrate(url)
            yield url
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    import config

    server = make_url(config.database_url(pg, ""))
    name = "lyftkollen_bench_profile"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        seed.migrate(url)
        yield url
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def scenarios(app: Any, tokens: list[str], workshop: dict[str, Any]) -> dict[str, Callable]:
    """Request kind -> a function that sends one such request and returns the response."""
    steps = common.step_count()
    token = tokens[1]  # in progress, every answer given
    done = tokens[0]  # completed

    visitor = app.test_client()
    advisor = app.test_client()
    page = advisor.get("/radgivare/logga-in")
    advisor.post(
        "/radgivare/logga-in",
        data={
            "csrf_token": csrf_token(page.text),
            "email": workshop["email"],
            "password": workshop["password"],
        },
    )
    pid, code = workshop["public_id"], workshop["code"]
    status_url = f"/radgivare/workshop/{pid}/status"
    etag: list[str] = []

    def not_modified() -> Any:
        """A poll when nothing changed since the last one: 304."""
        if not etag:
            etag.append(advisor.get(status_url).headers["ETag"])
        return advisor.get(status_url, headers={"If-None-Match": etag[0]})

    page5 = visitor.get(f"/a/{token}/steg/5").text
    data5 = {"csrf_token": csrf_token(page5), "action": "next", **maturity_pages(1)[5]}
    last = visitor.get(f"/a/{done}/steg/{steps}").text
    data_last = {"csrf_token": csrf_token(last), "action": "finish", **maturity_pages(0)[steps]}
    page1 = visitor.get(f"/a/{token}/steg/1").text
    data1 = {"csrf_token": csrf_token(page1), "action": "next", **PROFILE}
    home = visitor.get("/").text
    joiner = app.test_client()
    join_page = joiner.get(f"/w/{code}").text

    def check(status: int, response: Any) -> Any:
        if response.status_code != status:
            raise RuntimeError(f"{response.request.path}: {response.status_code}, not {status}")
        return response

    from minimal_app import app as minimal_app

    minimal = minimal_app.test_client()
    return {
        "minimal Flask page (bench/minimal_app.py)": lambda: check(200, minimal.get("/")),
        "home": lambda: check(200, visitor.get("/")),
        "minimal_like_healthz": lambda: check(200, visitor.get("/healthz")),
        "start (POST /start)": lambda: check(
            302, _like(app, visitor).post("/start", data={"csrf_token": csrf_token(home)})
        ),
        "step_get (page 5)": lambda: check(200, visitor.get(f"/a/{token}/steg/5")),
        "step_get (profile, page 1)": lambda: check(200, visitor.get(f"/a/{token}/steg/1")),
        "step_post (page 5, next)": lambda: check(
            302, visitor.post(f"/a/{token}/steg/5", data=data5)
        ),
        "step_post (profile, next)": lambda: check(
            302, visitor.post(f"/a/{token}/steg/1", data=data1)
        ),
        "step_post (last page, finish)": lambda: check(
            302, visitor.post(f"/a/{done}/steg/{steps}", data=data_last)
        ),
        "result": lambda: check(200, visitor.get(f"/a/{done}/resultat")),
        "join_get (/w/CODE)": lambda: check(200, joiner.get(f"/w/{code}")),
        "join_post (/w/CODE)": lambda: check(
            302,
            _like(app, joiner).post(
                f"/w/{code}", data={"csrf_token": csrf_token(join_page), "name": "", "role": ""}
            ),
        ),
        "presenter (presentera)": lambda: check(
            200, advisor.get(f"/radgivare/workshop/{pid}/presentera")
        ),
        "presenter result (presentera/3)": lambda: check(
            200, advisor.get(f"/radgivare/workshop/{pid}/presentera/3")
        ),
        "slides fragment (presentera/bilder)": lambda: check(
            200, advisor.get(f"/radgivare/workshop/{pid}/presentera/bilder")
        ),
        "advisor workshop page": lambda: check(200, advisor.get(f"/radgivare/workshop/{pid}")),
        "status poll (changed)": lambda: check(
            200, advisor.get(f"/radgivare/workshop/{pid}/status")
        ),
        "status poll (304)": lambda: check(304, not_modified()),
        "team fragment": lambda: check(200, advisor.get(f"/radgivare/workshop/{pid}/team")),
    }


def _like(app: Any, client: Any) -> Any:
    """A new client with ``client``'s session cookie (its CSRF token), nothing else."""
    fresh = app.test_client()
    cookie = client.get_cookie("session")
    if cookie is not None:
        fresh.set_cookie("session", cookie.value)
    return fresh


def finish_participants(app: Any, workshop: dict[str, Any], count: int) -> None:
    """``count`` participants join and finish through the pages, as in the seminar."""
    steps = common.step_count()
    for person in range(count):
        client = app.test_client()
        page = client.get(f"/w/{workshop['code']}").text
        joined = client.post(
            f"/w/{workshop['code']}", data={"csrf_token": csrf_token(page), "name": "", "role": ""}
        )
        token = joined.location.rstrip("/").split("/")[-1]
        for number, answers in maturity_pages(person).items():
            html = client.get(f"/a/{token}/steg/{number}").text
            action = "finish" if number == steps else "next"
            r = client.post(
                f"/a/{token}/steg/{number}",
                data={"csrf_token": csrf_token(html), "action": action, **answers},
            )
            if r.status_code != 302:
                raise RuntimeError(f"step {number}: {r.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument(
        "--participants",
        type=int,
        default=30,
        help="finished participants in the workshop (default 30)",
    )
    parser.add_argument("--only", help="only request kinds whose name contains this")
    parser.add_argument("--sql", action="store_true", help="list each kind's statements")
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("--html", type=Path, help="write pyinstrument HTML here")
    args = parser.parse_args()

    with database(args.db, args.pg) as url:
        app = seed.bench_app(url)
        app.config.update(
            ASSESSMENT_RATE_LIMIT="1000000 per minute",
            JOIN_CODE_RATE_LIMIT="1000000 per minute",
            JOIN_RATE_LIMIT_PER_WORKSHOP="1000000 per minute",
            LOGIN_RATE_LIMIT="1000000 per minute",
        )
        tokens = seed.stored_assessments(app, 20)
        workshop = seed.advisor_and_workshop(app)
        finish_participants(app, workshop, args.participants)
        kinds = scenarios(app, tokens, workshop)
        statements = Statements()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", statements)
        print(
            f"{args.db}, {args.participants} finished participants, {args.repeat} requests "
            f"of each kind, one thread, Flask test client (no HTTP, no server)\n"
        )
        print(
            "| request | median CPU ms | median wall ms | p95 wall ms | SQL statements per "
            "request |\n|---|---|---|---|---|"
        )
        details = []
        for name, send in kinds.items():
            if args.only and args.only not in name:
                continue
            for _ in range(5):
                send()  # templates compiled, caches filled
            statements.seen.clear()
            send()
            one = list(statements.seen)
            times = []
            profiler = None
            if args.pyinstrument:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0005)
                profiler.start()
            cpu = []
            for _ in range(args.repeat):
                t, c = time.perf_counter(), time.thread_time()
                send()
                cpu.append(1000 * (time.thread_time() - c))
                times.append(1000 * (time.perf_counter() - t))
            if profiler is not None:
                profiler.stop()
                details.append((name, profiler))
            times.sort()
            p95 = times[int(0.95 * (len(times) - 1))]
            print(
                f"| {name} | {statistics.median(cpu):.2f} | {statistics.median(times):.2f} "
                f"| {p95:.2f} | {len(one)} |"
            )
            if args.sql:
                details.append((name, one))
        for name, detail in details:
            print(f"\n## {name}")
            if isinstance(detail, list):
                for s in detail:
                    print(f"- {s[:220]}")
            else:
                print(
                    detail.output_text(
                        unicode=True, color=False, show_all=False, time="percent_of_total"
                    )
                )
                if args.html:
                    args.html.mkdir(parents=True, exist_ok=True)
                    slug = "".join(c if c.isalnum() else "-" for c in name).strip("-")
                    (args.html / f"{slug}.html").write_text(detail.output_html())
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
