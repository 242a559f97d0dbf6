"""A running Lyftkollen with something on every page, for the page weight and Lighthouse.

Starts the real app under gunicorn (the repository's gunicorn.conf.py, as bench/run.py
does) on a fresh database with: an assessment in progress (every answer given), a
completed one, and an advisor's workshop whose participants have finished (through the
pages, so every chart has data); and logs the advisor in. ``pages`` names the pages the
issue asks about first (start, questionnaire, result, presenter), then the others.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import run
import seed
from profile_requests import finish_participants


@dataclass
class Site:
    url: str
    pages: dict[str, str]  # name -> path
    advisor_pages: set[str]  # the names that need the advisor's cookies
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


@contextmanager
def bench_site(out: Path, db: str = "sqlite", participants: int = 12) -> Iterator[Site]:
    out.mkdir(parents=True, exist_ok=True)
    args = argparse.Namespace(redis=None, pg=run.DEFAULT_PG)
    env = run.base_env(args)
    try:
        with run.fresh_database(db, args, out) as url:
            app = seed.bench_app(url)
            in_progress, completed = seed.stored_assessments(app, 2)[1::-1]
            workshop = seed.advisor_and_workshop(app)
            app.config.update(JOIN_CODE_RATE_LIMIT=run.UNLIMITED)
            finish_participants(app, workshop, participants)
            server = run.start_server(
                f"{db}-site", "app:create_app()", {**env, "DATABASE_URL": url}, out, "/healthz"
            )
            import json

            cookies = {
                c["name"]: c["value"] for c in json.loads(run.advisor_cookies(server, workshop))
            }
            pid, code = workshop["public_id"], workshop["code"]
            pages = {
                "start": "/",
                "questionnaire": f"/a/{in_progress}/steg/2",
                "result": f"/a/{completed}/resultat",
                "presenter": f"/radgivare/workshop/{pid}/presentera",
                "presenter result": f"/radgivare/workshop/{pid}/presentera/resultat",
                "questionnaire (profile)": f"/a/{in_progress}/steg/1",
                "advisor workshop": f"/radgivare/workshop/{pid}",
                "advisor home": "/radgivare/",
                "team report": f"/radgivare/workshop/{pid}/rapport",
                "login": "/radgivare/logga-in",
                "join": f"/w/{code}",
                "enter code": "/w",
                "privacy": "/integritet",
                "how we score": "/sa-raknar-vi",
            }
            advisor = {
                "presenter",
                "presenter result",
                "advisor workshop",
                "advisor home",
                "team report",
            }
            yield Site(server.url, pages, advisor, cookies)
    finally:
        run.stop_all()
