#!/usr/bin/env python
"""Lyftkollen's load benchmarks: start the servers, seed, run locust, count, compare.

For each database asked for (``--db sqlite``, ``postgresql`` or ``both``) and each
benchmark (``questionnaire``, ``selfassessment``, ``seminar``; default all three), it

1. makes a fresh database (a SQLite file in the output folder, or the database
   ``lyftkollen_bench`` dropped and created on the PostgreSQL server of ``--pg``),
   migrates it and seeds it through the app's own functions (bench/seed.py);
2. starts the real app with gunicorn, ``python -m gunicorn -c gunicorn.conf.py
   "app:create_app()"``, on a free port: the repository's gunicorn.conf.py, so the same
   workers, threads and worker class as in production (``WEB_CONCURRENCY`` and
   ``GUNICORN_THREADS`` from the environment apply to both servers alike);
3. runs the benchmark's locust file headless with ``--csv`` and reads the CSV back;
4. counts in the database what must be there (answers, finished participants).

In the same run, the minimal Flask app (bench/minimal_app.py: one route, a tiny Jinja
template) is served by the same gunicorn configuration and measured with the same
client at the same concurrency: that is the framework's ceiling, and every result is
also given as a ratio to it. Each server's CPU time is read from its processes, so each
result also has server CPU milliseconds per request (and its ratio to the ceiling's),
which does not depend on how much of the machine the load generator took.

All servers are stopped at the end, also on Ctrl-C or an error. The exit status is 1
when a target is missed (``--no-targets`` reports only), 2 on a broken run.

    python bench/run.py                          # everything on SQLite
    python bench/run.py --db both                # SQLite, then PostgreSQL
    python bench/run.py seminar --db postgresql  # one benchmark
    python bench/run.py --profile                # and py-spy record the app's workers
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil
import requests

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import common  # noqa: E402

GUNICORN_CONF = REPO / "gunicorn.conf.py"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "lyftkollen_bench"
SECRET = "bench-" + "k" * 40  # production mode needs 32 characters or more
# A room shares one address, and so do all bench clients (127.0.0.1): the limits that
# count per address are raised for the bench server only.
UNLIMITED = "1000000 per minute"

# The targets. The questionnaire page's throughput against the minimal page is reported
# as a diagnosis only: its target (at least 0.5) was retired in favour of the seminar's
# CPU per request and p99 (issue 17).
SELF_ASSESSMENT_P95_MS = 100
SEMINAR_P99_MS = 500
SEMINAR_SECONDS = 60


# ------------------------------------------------------------------ servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    seen: dict[int, float] = field(default_factory=dict)  # pid -> CPU seconds last read

    def tree(self) -> list[psutil.Process]:
        try:
            master = psutil.Process(self.process.pid)
            return [master, *master.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def cpu_seconds(self) -> float:
        """CPU time of the master and every worker so far (user + system), counting the
        workers that died as well (their last reading by ``watch_cpu``)."""
        for p in self.tree():
            try:
                t = p.cpu_times()
                self.seen[p.pid] = t.user + t.system
            except psutil.NoSuchProcess:
                pass
        return sum(self.seen.values())

    def watch_cpu(self, stop: threading.Event) -> None:
        """Read every process's CPU twice a second, so a worker that crashes (and its
        replacement, which loads the app anew) is still counted."""
        while not stop.wait(0.5):
            self.cpu_seconds()

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)  # gunicorn: graceful stop
                self.process.wait(timeout=25)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # whatever is left of its group
        except ProcessLookupError:
            pass
        self.process.wait()


RUNNING: list[Server] = []


def start_server(name: str, app: str, env: dict[str, str], out: Path, ready: str) -> Server:
    """``app`` under gunicorn with the repository's configuration, on a free port."""
    port = free_port()
    log = out / f"{name}.log"
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), app],
        cwd=REPO,
        # In production the app needs its public address, and answers only for its host.
        env={**env, "BIND": f"127.0.0.1:{port}", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped as one
    )
    server = Server(name, f"http://127.0.0.1:{port}", process, log)
    RUNNING.append(server)
    workers = int(env.get("WEB_CONCURRENCY") or psutil.cpu_count() * 2 + 1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped at start; see {log}")
        try:
            booted = log.read_text(errors="replace").count("Booting worker")
            if booted >= workers and requests.get(server.url + ready, timeout=2).ok:
                settle(server)
                return server
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{name} did not answer within 60 s; see {log}")


def settle(server: Server, quiet: float = 0.05, longest: float = 60) -> None:
    """Wait until every worker has loaded the app: the server's CPU falls quiet.

    Workers load the app after gunicorn says "Booting worker", each on its own (no
    preload), and that takes seconds of CPU that must not fall into a measurement.
    """
    end = time.monotonic() + longest
    last = server.cpu_seconds()
    while time.monotonic() < end:
        time.sleep(1)
        now = server.cpu_seconds()
        if now - last < quiet:
            return
        last = now


def crashes(server: Server) -> list[str]:
    """Workers that died of a signal while serving (not the SIGTERM of the stop)."""
    died = []
    for line in server.log.read_text(errors="replace").splitlines():
        if "was sent SIG" in line and "SIGTERM" not in line:
            died.append(line.split("] ")[-1].strip())
    return died


def stop_all() -> None:
    while RUNNING:
        RUNNING.pop().stop()


def warm(server: Server, paths: list[str], seconds: float = 4.0) -> None:
    """Every worker renders every page once before anything is timed (templates compiled)."""
    from concurrent.futures import ThreadPoolExecutor

    end = time.monotonic() + seconds

    def hammer(i: int) -> None:
        with requests.Session() as s:
            while time.monotonic() < end:
                for path in paths[i % len(paths) :] + paths[: i % len(paths)]:
                    try:
                        s.get(server.url + path, timeout=10)
                    except requests.RequestException:
                        pass  # a keep-alive connection the server closed: the next one opens anew

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(hammer, range(16)))


def base_env(args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCH_")}
    env.update(
        {
            "LYFTKOLLEN_ENV": "production",
            "SECRET_KEY": SECRET,
            "AUTO_MIGRATE": "0",  # migrated once before start, as on a deploy
            "ASSESSMENT_RATE_LIMIT": UNLIMITED,
            "JOIN_CODE_RATE_LIMIT": UNLIMITED,
            "JOIN_RATE_LIMIT_PER_WORKSHOP": UNLIMITED,
            "LOGIN_RATE_LIMIT": UNLIMITED,
            "PYTHONDONTWRITEBYTECODE": "1",
            # A worker that crashes (SIGSEGV) writes every thread's Python stack to the log.
            "PYTHONFAULTHANDLER": "1",
        }
    )
    env.pop("REDIS_URL", None)
    if args.redis:
        env["REDIS_URL"] = args.redis
    env.pop("DATABASE_URL", None)
    return env


# ------------------------------------------------------------------ databases


@contextmanager
def fresh_database(kind: str, args: argparse.Namespace, out: Path) -> Iterator[str]:
    """A new, empty, migrated database; yields its URL as DATABASE_URL takes it."""
    import seed

    if kind == "sqlite":
        path = out / "lyftkollen-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        seed.migrate(url)
        yield url
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    import config

    server = make_url(config.database_url(args.pg, ""))
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{PG_BENCH_DB}"'))
    url = server.set(database=PG_BENCH_DB).render_as_string(hide_password=False)
    try:
        seed.migrate(url)
        yield url
    finally:
        admin.dispose()


# ------------------------------------------------------------------ locust


@dataclass
class Row:
    """One line of the results: a locust run (or one request type of it)."""

    benchmark: str
    db: str
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    max: float
    cpu_ms: float | None = None  # server CPU per request
    client_cpu: float | None = None  # the load generator's CPU, in cores
    other_cpu: float | None = None  # every other process's CPU meanwhile, in cores
    ratio_rps: float | None = None
    ratio_cpu: float | None = None
    notes: list[str] = field(default_factory=list)


def read_stats(prefix: Path) -> dict[str, dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return {f"{r['Type']} {r['Name']}".strip(): r for r in csv.DictReader(f)}


def _row(benchmark: str, db: str, name: str, r: dict[str, str]) -> Row:
    def num(key: str) -> float:
        value = r.get(key, "")
        return float(value) if value not in ("", "N/A") else 0.0

    return Row(
        benchmark=benchmark,
        db=db,
        name=name,
        requests=int(num("Request Count")),
        failures=int(num("Failure Count")),
        rps=num("Requests/s"),
        p50=num("50%"),
        p95=num("95%"),
        p99=num("99%"),
        max=num("Max Response Time"),
    )


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def exact(row: Row, samples: list[list[Any]]) -> None:
    """Exact counts and percentiles from the locust process's own record of each request."""
    times = sorted(float(s[1]) for s in samples)
    row.requests = len(times)
    row.failures = sum(int(s[2]) for s in samples)
    row.p50, row.p95, row.p99 = (percentile(times, p) for p in (50, 95, 99))
    row.max = times[-1] if times else 0.0


def _busy_seconds() -> float:
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + t.irq + t.softirq + getattr(t, "steal", 0.0)


def run_locust(
    locustfile: str,
    server: Server,
    out: Path,
    label: str,
    users: int,
    spawn_rate: float,
    seconds: int,
    env: dict[str, str],
    profile: bool = False,
) -> tuple[dict[str, dict[str, str]], dict[str, Any], float, float, float]:
    """Run one locust file headless; its stats, its tally, server CPU s, client CPU s, wall s."""
    prefix = out / label
    tally_file = out / f"{label}-tally.json"
    cmd = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(BENCH / locustfile),
        "--headless",
        "--host",
        server.url,
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        "-t",
        f"{seconds}s",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        "--stop-timeout",
        "10",
    ]
    spy = None
    if profile:
        spy = subprocess.Popen(  # noqa: S603
            [  # noqa: S607 (py-spy from PATH, as pip installs it)
                "py-spy",
                "record",
                "--pid",
                str(server.process.pid),
                "--subprocesses",
                "--nonblocking",
                "--rate",
                "50",
                "--format",
                "raw",
                "-o",
                str(out / f"{label}-pyspy.txt"),
            ],
            stdout=(out / f"{label}-pyspy.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        time.sleep(1)
    cpu_before = server.cpu_seconds()
    stop_watch = threading.Event()
    watcher = threading.Thread(target=server.watch_cpu, args=(stop_watch,), daemon=True)
    watcher.start()
    busy_before = _busy_seconds()
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with (out / f"{label}-locust.log").open("wb") as log:
        result = subprocess.run(  # noqa: S603 (our own command line)
            cmd,
            cwd=BENCH,
            env={**env, "BENCH_RESULT_FILE": str(tally_file)},
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=seconds + 120,
            check=False,
        )
    wall = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    stop_watch.set()
    watcher.join()
    cpu_server = server.cpu_seconds() - cpu_before
    busy = _busy_seconds() - busy_before
    if spy is not None:
        spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        try:
            spy.wait(timeout=30)
        except subprocess.TimeoutExpired:
            spy.kill()
            spy.wait()
    if result.returncode != 0:
        raise RuntimeError(f"locust {label} exited {result.returncode}; see {label}-locust.log")
    cpu_client = (usage.ru_utime + usage.ru_stime) - (usage_before.ru_utime + usage_before.ru_stime)
    tally = json.loads(tally_file.read_text()) if tally_file.exists() else {}
    # What the rest of the machine used meanwhile (other people's tests, say): it shares
    # the two cores with the server and the load generator, so it is reported.
    tally["other_cpu"] = max(0.0, busy - cpu_server - cpu_client) / wall
    return read_stats(prefix), tally, cpu_server, cpu_client, wall


def measure(
    benchmark: str,
    db: str,
    locustfile: str,
    server: Server,
    out: Path,
    users: int,
    spawn_rate: float,
    seconds: int,
    env: dict[str, str],
    args: argparse.Namespace,
    per_name: bool = False,
) -> tuple[list[Row], dict[str, Any]]:
    label = f"{db}-{benchmark}" if db != "-" else benchmark
    stats, tally, cpu_server, cpu_client, wall = run_locust(
        locustfile, server, out, label, users, spawn_rate, seconds, env, args.profile
    )
    total = _row(benchmark, db, "all requests", stats["Aggregated"])
    total.cpu_ms = 1000 * cpu_server / total.requests if total.requests else None
    total.client_cpu = cpu_client / wall
    total.other_cpu = tally["other_cpu"]
    rows = [total]
    samples = tally.pop("samples", [])
    if samples:
        exact(total, samples)  # locust's CSV rounds percentiles to two digits
    statics = [s for s in samples if "/static/" in s[0]]
    if statics:
        pages = Row(benchmark, db, "pages (all requests but static files)", 0, 0, 0, 0, 0, 0, 0)
        exact(pages, [s for s in samples if "/static/" not in s[0]])
        pages.rps = total.rps * pages.requests / max(1, total.requests)
        rows.append(pages)
    if per_name:
        for name, r in stats.items():
            if name != "Aggregated":
                rows.append(_row(benchmark, db, r["Name"], r))
    return rows, {**tally, "wall_seconds": wall, "server_cpu_seconds": cpu_server}


# ------------------------------------------------------------------ the benchmarks


def ceiling(
    minimal: Server, out: Path, env: dict[str, str], args: argparse.Namespace, when: str
) -> Row:
    rows, _ = measure(
        f"minimal-{when}",
        "-",
        "locust_minimal.py",
        minimal,
        out,
        args.users,
        args.users,
        args.seconds,
        env,
        args,
    )
    rows[0].benchmark = "minimal"
    rows[0].name = "GET / (minimal Flask page)"
    rows[0].ratio_rps = rows[0].ratio_cpu = 1.0
    return rows[0]


def stored_pages(app: Any) -> list[str]:
    """Every page of one stored, completed self-assessment (not a workshop's): warming
    them compiles each template in each worker before anything is timed."""
    import seed

    token = seed.stored_assessments(app, 1)[0]
    return [f"/a/{token}/steg/{n}" for n in range(1, common.step_count() + 1)] + [
        f"/a/{token}/resultat"
    ]


def crashed(label: str, db: str, server: Server, row: Row) -> list[str]:
    """A worker that died (SIGSEGV, say) is an error even if no request failed: the
    server log has each thread's Python stack (PYTHONFAULTHANDLER)."""
    died = crashes(server)
    if not died:
        return []
    row.notes.append(
        f"{len(died)} gunicorn worker(s) died during the run: {died[0]} "
        f"(stacks in {server.log.name})"
    )
    return [f"{label} ({db}): {len(died)} worker(s) crashed ({died[0]}); see {server.log.name}"]


def judged_row(rows: list[Row]) -> Row:
    """The row a latency target is judged on: the pages without static files, if the run
    fetched any (they are quick and would flatter the percentiles), else every request."""
    return next((r for r in rows[1:] if r.name.startswith("pages")), rows[0])


def relate(row: Row, top: Row, throughput: bool) -> None:
    if throughput and top.rps:
        row.ratio_rps = row.rps / top.rps
    if row.cpu_ms and top.cpu_ms:
        row.ratio_cpu = top.cpu_ms / row.cpu_ms  # a share of the ceiling's efficiency


def questionnaire_bench(
    db: str, url: str, top: Row, out: Path, env: dict[str, str], args: argparse.Namespace
) -> tuple[list[Row], list[str]]:
    """The questionnaire page's throughput against the minimal page's, in ``--rounds``
    rounds: each run of the page comes between two runs of the minimal page (``top`` is the
    first), and its ratio is to the mean of those two. The target is judged on the median
    ratio. On this kind of machine the minimal page alone moved from 1374 to 2302 req/s
    within a few minutes, as the host's speed drifts; bracketing each run and taking the
    median keeps that drift out of the verdict without hiding it (every round is in the
    table)."""
    import seed

    app = seed.bench_app(url)
    tokens = seed.stored_assessments(app, args.assessments)
    (out / "tokens.txt").write_text("\n".join(tokens) + "\n")
    server = start_server(
        f"{db}-{BENCH_NAME[0]}-app",
        "app:create_app()",
        {**env, "DATABASE_URL": url},
        out,
        "/healthz",
    )
    servers = [("questionnaire", server, "GET /a/[token]/steg/[n] (stored assessment)", {})]
    if args.read_reference:
        reader = start_server(
            f"{db}-read-reference",
            "bench.minimal_app:read_app",
            {**env, "DATABASE_URL": url},
            out,
            f"/a/{tokens[0]}/steg/1",
        )
        name = "minimal page + the questionnaire page's one read (not judged)"
        servers.append(("read-reference", reader, name, {"BENCH_EXPECT": "<h1>"}))
    rounds = max(1, args.rounds)
    rows: list[Row] = []
    by_round: dict[str, list[float]] = {}  # each kind's ratios to the minimal page
    before = top
    try:
        steps = common.step_count()
        for _, each, _, _ in servers:
            warm(each, [f"/a/{t}/steg/{n}" for t in tokens[:8] for n in range(1, steps + 1)])
        for number in range(1, rounds + 1):
            measured = []
            # Page first in odd rounds, the read reference first in even ones: with a
            # steady drift neither always sits next to the same minimal run.
            order = servers if number % 2 else servers[::-1]
            for kind, each, name, extra in order:
                label = kind if rounds == 1 else f"{kind}-round{number}"
                got, _ = measure(
                    label,
                    db,
                    "locust_questionnaire.py",
                    each,
                    out,
                    args.users,
                    args.users,
                    args.seconds,
                    {**env, "BENCH_TOKENS": str(out / "tokens.txt"), **extra},
                    args,
                )
                got[0].benchmark = kind
                got[0].name = name if rounds == 1 else f"{name}, round {number} of {rounds}"
                measured.append(got[0])
            after = None
            if rounds > 1:
                after = ceiling(MINIMAL[0], out, env, args, f"after-round{number}-{db}")
                after.db = f"(after round {number}, {db})"
            bracket = [r for r in (before, after) if r is not None]
            top_rps = statistics.mean(r.rps for r in bracket)
            cpus = [r.cpu_ms for r in bracket if r.cpu_ms]
            top_cpu = statistics.mean(cpus) if cpus else None
            measured.sort(key=lambda r: r.benchmark != "questionnaire")  # the page first
            for row in measured:
                row.ratio_rps = row.rps / top_rps if top_rps else None
                row.ratio_cpu = top_cpu / row.cpu_ms if row.cpu_ms and top_cpu else None
                by_round.setdefault(row.benchmark, []).append(row.ratio_rps or 0.0)
            rows.extend(measured)
            if after is not None:
                rows.append(after)
                before = after
    finally:
        for _, each, _, _ in servers:
            each.stop()
    missed = crashed("questionnaire", db, server, rows[0])
    failures = sum(r.failures for r in rows if r.benchmark == "questionnaire")
    if failures:
        missed.append(f"questionnaire ({db}): {failures} failed requests")
    if args.read_reference:
        unread = sum(r.failures for r in rows if r.benchmark == "read-reference")
        died = crashes(servers[-1][1])
        if unread or died:
            rows[0].notes.append(
                f"the read reference failed {unread} requests and lost {len(died)} "
                "worker(s), so its ratio means nothing"
            )
    ratios = by_round["questionnaire"]
    median = statistics.median(ratios)
    if rounds > 1:
        for kind, got in by_round.items():
            rows[0].notes.append(
                f"{kind}: throughput ÷ the minimal page's (the mean of the runs before and "
                f"after), by round: {', '.join(f'{r:.2f}' for r in got)}; "
                f"median {statistics.median(got):.2f}"
            )
    rows[0].notes.append(f"questionnaire ({db}): median ratio {median:.2f} (a diagnosis)")
    return rows, missed


def self_assessment_bench(
    db: str, url: str, top: Row, out: Path, env: dict[str, str], args: argparse.Namespace
) -> tuple[list[Row], list[str]]:
    import seed

    app = seed.bench_app(url)
    warm_paths = ["/", *stored_pages(app)]
    before = seed.self_assessment_tally(app)
    before_answers = _completed_answers(app)
    server = start_server(
        f"{db}-{BENCH_NAME[0]}-app",
        "app:create_app()",
        {**env, "DATABASE_URL": url},
        out,
        "/healthz",
    )
    try:
        warm(server, warm_paths, seconds=3)
        rows, tally = measure(
            "selfassessment",
            db,
            "locust_selfassessment.py",
            server,
            out,
            args.sa_users,
            max(1, args.sa_users // 5),
            args.sa_seconds,
            {**env, "BENCH_THINK": args.think or "1-3"},
            args,
            per_name=True,
        )
    finally:
        server.stop()
    died = crashed("self-assessment", db, server, rows[0])
    after = seed.self_assessment_tally(app)
    total, judged = rows[0], judged_row(rows)
    total.name = f"full self-assessment, {args.sa_users} users (think {args.think or '1-3'} s)"
    relate(total, top, throughput=False)
    started = after["started"] - before["started"]
    completed = after["completed"] - before["completed"]
    per = common.answers_per_participant()
    total.notes.append(
        f"{tally.get('flows_completed', 0)} assessments finished by the clients; in the "
        f"database: {started} started, {completed} completed, answers of completed ones "
        f"expected {tally.get('answers_sent', 0)}"
    )
    missed = died
    if total.failures:
        missed.append(f"self-assessment ({db}): {total.failures} failed requests")
    if judged.p95 >= SELF_ASSESSMENT_P95_MS:
        missed.append(
            f"self-assessment ({db}): p95 {judged.p95:.0f} ms ({judged.name}), "
            f"target < {SELF_ASSESSMENT_P95_MS}"
        )
    if completed < tally.get("flows_completed", 0):
        missed.append(
            f"self-assessment ({db}): {completed} completed in the database, "
            f"{tally.get('flows_completed')} finished by the clients"
        )
    # Unfinished ones at the end of the run have partial answers: count the completed ones.
    with_answers = _completed_answers(app) - before_answers
    if with_answers != completed * per:
        missed.append(
            f"self-assessment ({db}): completed assessments hold {with_answers} "
            f"answers, expected {completed * per}"
        )
    total.notes.append(
        f"answers held by the completed ones: {with_answers} "
        f"(= {completed} × {per}: {with_answers == completed * per})"
    )
    return rows, missed


def _completed_answers(app: Any) -> int:
    from sqlalchemy import func, select

    from web.platform.extensions import db as database
    from web.storage.models import Answer, Assessment

    with app.app_context():
        n = database.session.execute(
            select(func.count(Answer.id))
            .join(Assessment, Answer.assessment_id == Assessment.id)
            .where(
                Assessment.workshop_id.is_(None),
                Assessment.status == "completed",
                Assessment.source == "web",
            )
        ).scalar_one()
        database.session.remove()
        database.engine.dispose()
    return int(n)


def advisor_cookies(server: Server, workshop: dict[str, Any]) -> str:
    """Log the advisor in (through the login page) and return the cookies as JSON."""
    with requests.Session() as s:
        page = s.get(server.url + "/radgivare/logga-in", timeout=30)
        data = {
            "csrf_token": common.csrf_token(page.text),
            "email": workshop["email"],
            "password": workshop["password"],
        }
        r = s.post(server.url + "/radgivare/logga-in", data=data, allow_redirects=False, timeout=30)
        if r.status_code != 302:
            raise RuntimeError(f"the advisor could not log in: {r.status_code}")
        return json.dumps(
            [
                {"name": c.name, "value": c.value, "domain": c.domain, "path": c.path}
                for c in s.cookies
            ]
        )


def seminar_bench(
    db: str, url: str, top: Row, out: Path, env: dict[str, str], args: argparse.Namespace
) -> tuple[list[Row], list[str]]:
    import seed

    app = seed.bench_app(url)
    workshop = seed.advisor_and_workshop(app)
    warm_paths = ["/w", f"/w/{workshop['code']}", *stored_pages(app)]
    server = start_server(
        f"{db}-{BENCH_NAME[0]}-app",
        "app:create_app()",
        {**env, "DATABASE_URL": url},
        out,
        "/healthz",
    )
    think = args.seminar_think or "1-3.5"
    try:
        warm(server, warm_paths, seconds=3)
        rows, tally = measure(
            "seminar",
            db,
            "locust_seminar.py",
            server,
            out,
            args.participants + 2,
            args.join_rate,
            300,
            {
                **env,
                "BENCH_THINK": think,
                "BENCH_PARTICIPANTS": str(args.participants),
                "BENCH_CODE": workshop["code"],
                "BENCH_WORKSHOP": workshop["public_id"],
                "BENCH_ADVISOR_COOKIES": advisor_cookies(server, workshop),
                "BENCH_POLL_SECONDS": "3",
            },
            args,
            per_name=True,
        )
    finally:
        server.stop()
    died = crashed("seminar", db, server, rows[0])
    counted = seed.workshop_tally(app, workshop["id"])
    per = common.answers_per_participant()
    expected = args.participants * per
    total, judged = rows[0], judged_row(rows)
    total.name = (
        f"seminar: {args.participants} participants + presenter + advisor (think {think} s)"
    )
    relate(total, top, throughput=False)
    span = None
    if tally.get("first_request") and tally.get("last_completed"):
        span = tally["last_completed"] - tally["first_request"]
    total.notes.append(
        f"database: {counted['joined']} joined, {counted['completed']} completed, "
        f"{counted['answers']} answers (expected {args.participants} × {per} = {expected}; "
        f"acknowledged by the app {tally.get('answers_acknowledged')}); "
        f"first join to last result {span:.1f} s; presenter/advisor polls "
        f"{tally.get('polls')} ({tally.get('polls_not_modified')} × 304), "
        f"team fragments {tally.get('team_fetches')}"
        if span is not None
        else f"database: {counted}; the clients finished nobody"
    )
    missed = died
    if total.failures or tally.get("participants_failed"):
        missed.append(
            f"seminar ({db}): {total.failures} failed requests, "
            f"{tally.get('participants_failed')} participants failed"
        )
    acknowledged = tally.get("answers_acknowledged", 0)
    if counted["answers"] != acknowledged:
        missed.append(
            f"seminar ({db}): LOST ANSWERS: the app acknowledged {acknowledged} "
            f"answers (302 to the next page), the database holds {counted['answers']}"
        )
    if counted["answers"] != expected or counted["completed"] != args.participants:
        missed.append(
            f"seminar ({db}): {counted['answers']} answers and "
            f"{counted['completed']} completed in the database, expected {expected} "
            f"and {args.participants} (participants whose request failed stopped)"
        )
    if judged.p99 >= SEMINAR_P99_MS:
        missed.append(
            f"seminar ({db}): p99 {judged.p99:.0f} ms ({judged.name}), target < {SEMINAR_P99_MS}"
        )
    if span is None or span > SEMINAR_SECONDS:
        missed.append(
            f"seminar ({db}): took {span} s from the first join to the last result, "
            f"target within {SEMINAR_SECONDS} s"
        )
    return rows, missed


BENCH_NAME = ["app"]  # the benchmark running now, for the server log's name
MINIMAL: list[Server] = []  # the minimal app's server, for benchmarks that measure it again

BENCHMARKS = {
    "questionnaire": questionnaire_bench,
    "selfassessment": self_assessment_bench,
    "seminar": seminar_bench,
}


# ------------------------------------------------------------------ report


def fmt(value: float | None, pattern: str = "{:.0f}") -> str:
    return "–" if value is None else pattern.format(value)


def table(rows: list[Row]) -> str:
    head = (
        "| benchmark | db | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms "
        "| server CPU ms/req | req/s ÷ minimal | minimal CPU/req ÷ this "
        "| locust CPU (cores) | others' CPU (cores) |"
    )
    lines = [head, "|" + "---|" * 14]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.db} | {r.requests} | {r.failures} | {r.rps:.1f} | {fmt(r.p50)} "
            f"| {fmt(r.p95)} | {fmt(r.p99)} | {fmt(r.max)} | {fmt(r.cpu_ms, '{:.2f}')} "
            f"| {fmt(r.ratio_rps, '{:.2f}')} | {fmt(r.ratio_cpu, '{:.2f}')} "
            f"| {fmt(r.client_cpu, '{:.2f}')} | {fmt(r.other_cpu, '{:.2f}')} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = psutil.virtual_memory().total / 2**30
    return f"{psutil.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "benchmarks",
        nargs="*",
        metavar="BENCHMARK",
        help="any of " + ", ".join(BENCHMARKS) + " (default: all)",
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument(
        "--pg",
        default=os.environ.get("BENCH_PG_URL", DEFAULT_PG),
        help=f"a PostgreSQL server URL (default {DEFAULT_PG}); the database "
        f"{PG_BENCH_DB} on it is dropped and made anew",
    )
    parser.add_argument("--redis", help="REDIS_URL for the app's rate limits (default: memory)")
    parser.add_argument("--out", type=Path, help="output folder (default instance/bench/TIME)")
    parser.add_argument(
        "--users",
        type=int,
        default=20,
        help="concurrent users for the throughput runs (default 20)",
    )
    parser.add_argument("--seconds", type=int, default=30, help="throughput runs' length")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="questionnaire: runs of the page, each between two runs of the minimal page "
        "(default 3; the target is judged on the median ratio)",
    )
    parser.add_argument(
        "--read-reference",
        action="store_true",
        help="questionnaire: also measure the minimal page plus the page's one database "
        "read (bench/minimal_app.py read_app) in each round, to tell the database's share",
    )
    parser.add_argument(
        "--assessments",
        type=int,
        default=200,
        help="stored assessments for the questionnaire pages (default 200)",
    )
    parser.add_argument("--sa-users", type=int, default=50)
    parser.add_argument("--sa-seconds", type=int, default=90)
    parser.add_argument(
        "--think",
        help='self-assessment: seconds on each page, "LOW-HIGH" '
        "(default 1-3; 0: no pause, the server saturated)",
    )
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument(
        "--join-rate",
        type=float,
        default=10,
        help="seminar: participants joining per second (default 10)",
    )
    parser.add_argument("--seminar-think", help="seminar: seconds on each page (default 1-3.5)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="py-spy record the app's workers during each run (raw stacks, "
        "summarise with bench/profile_summary.py)",
    )
    parser.add_argument("--no-targets", action="store_true", help="report, never exit 1")
    args = parser.parse_args(argv)

    chosen = args.benchmarks or list(BENCHMARKS)
    unknown = [b for b in chosen if b not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}: choose from {', '.join(BENCHMARKS)}")
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = (args.out or REPO / "instance" / "bench" / stamp).resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = base_env(args)
    print(f"# Lyftkollen benchmarks, {dt.datetime.now():%Y-%m-%d %H:%M}\n")
    print(f"machine: {machine()}")
    print(
        f"gunicorn: {GUNICORN_CONF.name}, WEB_CONCURRENCY={env.get('WEB_CONCURRENCY', '2×cores+1')}"
        f", GUNICORN_THREADS={env.get('GUNICORN_THREADS', '1')}; output in {out}\n",
        flush=True,
    )

    def interrupted(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    rows: list[Row] = []
    missed: list[str] = []
    broken: list[str] = []
    try:
        minimal = start_server("minimal", "bench.minimal_app:app", env, out, "/")
        MINIMAL[:] = [minimal]
        warm(minimal, ["/"], seconds=3)
        for db in dbs:
            for name in chosen:
                # The ceiling again before each benchmark: the machine's state in the same run.
                top = ceiling(minimal, out, env, args, f"before-{name}-{db}")
                top.db = f"(before {name}, {db})"
                rows.append(top)
                print(f"… {name} on {db}", flush=True)
                BENCH_NAME[0] = name
                try:
                    with fresh_database(db, args, out) as url:
                        got, miss = BENCHMARKS[name](db, url, top, out, env, args)
                except Exception as error:  # reported, and the next benchmark still runs
                    traceback.print_exc()
                    broken.append(f"{name} ({db}) broke: {error!r}")
                    continue
                rows.extend(got)
                missed.extend(miss)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 2
    finally:
        stop_all()

    print(table(rows))
    busy = [r for r in rows if (r.other_cpu or 0) > 0.25]
    if busy:
        print(
            f"\nNote: other processes used up to {max(r.other_cpu or 0 for r in busy):.2f} "
            "cores during the runs (column 'others' CPU'): the figures are worse than on an "
            "idle machine. Run again when the machine is quiet."
        )
    for r in rows:
        for note in r.notes:
            print(f"- {r.benchmark} ({r.db}): {note}")
    (out / "results.json").write_text(
        json.dumps(
            {
                "machine": machine(),
                "rows": [asdict(r) for r in rows],
                "missed": missed,
                "broken": broken,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    (out / "results.md").write_text(table(rows) + "\n")
    print()
    if broken:
        print("Broken runs:\n" + "\n".join(f"- {b}" for b in broken))
    if missed:
        print("Targets missed:\n" + "\n".join(f"- {m}" for m in missed))
    elif not broken:
        print("Every target met.")
    print(f"\nCSV, logs and results.json in {out}")
    if broken:
        return 2
    return 1 if missed and not args.no_targets else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        stop_all()
