#!/usr/bin/env python
"""Where the time goes: a summary of py-spy's raw (collapsed) stacks.

``python bench/run.py --profile`` records the app's gunicorn workers with
``py-spy record --subprocesses --format raw`` during each run; this prints, for one
such file, the functions with the most samples on the stack (inclusive) and on top of
it (self), and the share of the request time spent under a few landmarks (Jinja
rendering, SQLAlchemy, the database driver, WTForms, Babel, the domain code).

    python bench/profile_summary.py instance/bench/TIME/sqlite-questionnaire-pyspy.txt
    python bench/profile_summary.py FILE --top 40 --under "Flask.full_dispatch_request"
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

# Landmarks: a frame whose function (or file) matches puts the sample under that heading.
LANDMARKS = {
    "request handling (Flask.wsgi_app)": r"^Flask\.wsgi_app ",
    "Jinja template rendering": r"\(jinja2/|\.html:\d+\)",
    "SQLAlchemy (ORM and core)": r"\(sqlalchemy/",
    "database driver (sqlite3 / psycopg)": (
        r"\(sqlite3/|\(psycopg/|^Connection\.execute \(|_sqlite3"
    ),
    "WTForms (form objects)": r"\(wtforms/",
    "flask_wtf (CSRF)": r"\(flask_wtf/",
    "Babel / flask_babel (translations, locale)": r"\(babel/|\(flask_babel/",
    "flask_limiter": r"\(flask_limiter/|\(limits/",
    "flask_talisman": r"\(flask_talisman/",
    "flask_login": r"\(flask_login/",
    "session cookie (itsdangerous)": r"\(itsdangerous/",
    "questionnaire/ and recommender/ (domain)": r"\(questionnaire/|\(recommender/",
    "web/ (the app's views and helpers)": r"\(web/",
    "pydantic": r"\(pydantic",
    "gunicorn access log / logging": r"\(logging/|glogging\.py",
}


def frames(line: str) -> tuple[list[str], int]:
    stack, _, count = line.rstrip().rpartition(" ")
    parts = [p for p in stack.split(";") if not p.startswith(("process ", "thread "))]
    return parts, int(count)


def summarise(path: Path, top: int, under: str | None) -> str:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    landmark: Counter[str] = Counter()
    total = 0
    compiled = {name: re.compile(p) for name, p in LANDMARKS.items()}
    for line in path.read_text(errors="replace").splitlines():
        if not line.strip():
            continue
        if not line.rstrip().rpartition(" ")[2].isdigit():
            continue  # a frame name py-spy broke over two lines (a lambda's source)
        stack, count = frames(line)
        if under:
            at = next((i for i, f in enumerate(stack) if f.startswith(under)), None)
            if at is None:
                continue
            stack = stack[at:]
        if not stack:
            continue
        total += count
        for f in set(stack):
            inclusive[f] += count
        own[stack[-1]] += count
        for name, pattern in compiled.items():
            if any(pattern.search(f) for f in stack):
                landmark[name] += count
    if not total:
        return f"{path}: no samples" + (f" under {under}" if under else "")

    def pct(n: int) -> str:
        return f"{100 * n / total:5.1f}%"

    out = [f"{path.name}: {total} samples" + (f" under {under}" if under else "")]
    out.append("\nshare of samples under each landmark (a sample can count under several):")
    out += [f"  {pct(n)}  {name}" for name, n in landmark.most_common()]
    out.append(f"\ntop {top} functions, inclusive (on the stack):")
    out += [f"  {pct(n)}  {f}" for f, n in inclusive.most_common(top)]
    out.append(f"\ntop {top} functions, self (on top of the stack):")
    out += [f"  {pct(n)}  {f}" for f, n in own.most_common(top)]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--under",
        default="Flask.wsgi_app",
        help="count only samples below this frame (default Flask.wsgi_app: "
        "request handling; '' for everything, idle threads are never sampled)",
    )
    args = parser.parse_args()
    for f in args.files:
        print(summarise(f, args.top, args.under or None))
        print()


if __name__ == "__main__":
    main()
