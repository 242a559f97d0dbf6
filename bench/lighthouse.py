#!/usr/bin/env python
"""Lighthouse 12 (mobile) on the start page, a questionnaire page, the result page and the
presenter view: performance ≥ 95, accessibility 100, best practices ≥ 95.

Needs Node 20 and the pinned Lighthouse (``npm ci --prefix bench``), and Debian's
Chromium (``CHROME_PATH``, default /usr/bin/chromium). Starts the app with data on every
page (bench/served.py: gunicorn with the repository's configuration), runs Lighthouse's
default mobile configuration (a moto g power-sized screen, simulated slow 4G and 4× CPU
slowdown) ``--runs`` times per page, and keeps the run with the median performance score,
as Lighthouse's documentation advises for a noisy machine. The presenter view needs the
advisor's session: its cookie goes in ``--extra-headers``.

Prints the four category scores per page (SEO too, for information) with every audit that
cost points in a category below its target; exits 1 when a target is missed. The JSON
and HTML reports are kept in ``--out`` (default instance/bench/lighthouse-TIME).

    python bench/lighthouse.py
    python bench/lighthouse.py --runs 5 --all     # every page of bench/served.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from served import bench_site  # noqa: E402

LIGHTHOUSE = BENCH / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 95}
PAGES = ["start", "questionnaire", "result", "presenter"]


def lighthouse(url: str, out: Path, cookie: str | None) -> dict[str, Any]:
    cmd = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output=html",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--max-wait-for-load=45000",
    ]
    if cookie:
        cmd.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    done = subprocess.run(  # noqa: S603 (our own command line)
        cmd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    report = Path(f"{out}.report.json")
    if done.returncode != 0 or not report.exists():
        raise RuntimeError(f"lighthouse failed on {url}:\n{done.stderr[-3000:]}")
    return json.loads(report.read_text())


def scores(report: dict[str, Any]) -> dict[str, int]:
    return {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}


def lost_points(report: dict[str, Any], category: str) -> list[str]:
    """The audits that cost points in ``category``: weighted, scored below 1."""
    out = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        score = audit.get("score")
        if ref.get("weight", 0) > 0 and score is not None and score < 1:
            shown = audit.get("displayValue", "")
            items = (audit.get("details") or {}).get("items") or []
            urls = sorted(
                {
                    str(i.get("url") or (i.get("sourceLocation") or {}).get("url", ""))
                    for i in items
                    if isinstance(i, dict)
                }
                - {""}
            )
            if urls:
                shown = (shown + "; " if shown else "") + ", ".join(
                    u.split("/", 3)[-1] for u in urls[:3]
                )
            out.append(
                f"{ref['id']} (score {score:.2f}, weight {ref['weight']}"
                f"{', ' + shown if shown else ''}): {audit['title']}"
            )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page (median kept)")
    parser.add_argument("--all", action="store_true", help="every page, not only the four")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print("Lighthouse is not installed: npm ci --prefix bench", file=sys.stderr)
        return 2
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not shutil.which(chrome):
        print(
            f"no Chromium at {chrome} (apt-get install chromium, or set CHROME_PATH)",
            file=sys.stderr,
        )
        return 2
    version = subprocess.run(  # noqa: S603
        ["node", str(LIGHTHOUSE), "--version"],  # noqa: S607 (node from PATH)
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = (args.out or BENCH.parent / "instance" / "bench" / f"lighthouse-{stamp}").resolve()
    out.mkdir(parents=True, exist_ok=True)

    results: list[tuple[str, dict[str, int], list[str]]] = []
    missed: list[str] = []
    with bench_site(out / "site", args.db) as site:
        names = list(site.pages) if args.all else PAGES
        for name in names:
            cookie = site.cookie_header if name in site.advisor_pages else None
            runs = []
            for n in range(args.runs):
                slug = name.replace(" ", "-").replace("(", "").replace(")", "")
                report = lighthouse(site.url + site.pages[name], out / f"{slug}-{n + 1}", cookie)
                runs.append(report)
            perf = [scores(r)["performance"] for r in runs]
            median = statistics.median_low(perf)
            report = runs[perf.index(median)]
            got = scores(report)
            notes = []
            for category in CATEGORIES:
                target = TARGETS.get(category)
                if target is not None and got[category] < target:
                    missed.append(
                        f"{name}: {category} {got[category]}, target "
                        f"{'≥ ' if target < 100 else ''}{target}"
                    )
                if got[category] < 100:  # what cost points, also above the target
                    notes += [f"{category}: {lost}" for lost in lost_points(report, category)]
            if any(p < TARGETS["performance"] for p in perf) and not notes:
                notes.append(f"performance per run: {perf}")
            results.append((name, got, notes))
            print(f"{name}: {got} (performance per run {perf})", flush=True)

    print(f"\nLighthouse {version}, mobile, Chromium {chrome}, median of {args.runs} run(s)\n")
    print("| page | performance | accessibility | best practices | SEO |\n|---|---|---|---|---|")
    for name, got, _ in results:
        print(
            f"| {name} | {got['performance']} | {got['accessibility']} "
            f"| {got['best-practices']} | {got['seo']} |"
        )
    for name, _, notes in results:
        for note in notes:
            print(f"- {name}: {note}")
    print(f"\nreports in {out}")
    if missed:
        print("Targets missed:\n" + "\n".join(f"- {m}" for m in missed))
        return 1
    print("Every target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
