#!/usr/bin/env python
"""Page weight: every page under 60 KB on first load, no other host, static files cached.

Starts the app with data on every page (bench/served.py), then for each page fetches the
HTML and every subresource it names (stylesheets, icons, scripts, images, and url(...)
in the stylesheets), as a first visit with an empty cache would. Each body is counted
gzip-compressed as nginx in docs/deploy.md sends it (``gzip on``: level 1, for HTML and
the ``gzip_types``; images as they are), plus its response headers. The app itself does
not compress; if it did, its compressed response would be counted instead.

It fails (exit 1) when a page's first load is 60 KB or more, when a page makes the
browser ask any other host (an absolute URL in a subresource, srcset, form action, CSS
url() or @import), or when a static file has no Cache-Control that lets a browser keep
it (max-age > 0).

    python bench/page_weight.py              # SQLite
    python bench/page_weight.py --db postgresql
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from served import bench_site  # noqa: E402

LIMIT = 60 * 1024
# nginx compresses text/html always, and the types docs/deploy.md lists in gzip_types.
COMPRESSED = (
    "text/html",
    "text/css",
    "application/javascript",
    "text/javascript",
    "application/json",
    "image/svg+xml",
)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class Resources(HTMLParser):
    """The URLs a browser fetches for a page (subresources) and where its forms go."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[tuple[str, str]] = []  # (kind, url)
        self.other: list[tuple[str, str]] = []  # links and form actions: not fetched

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        rel = a.get("rel", "").lower().split()
        if (
            tag == "link"
            and a.get("href")
            and rel
            and set(rel)
            & {
                "stylesheet",
                "icon",
                "preload",
                "modulepreload",
                "manifest",
                "apple-touch-icon",
                "prefetch",
            }
        ):
            self.fetched.append((f"link {' '.join(rel)}", a["href"]))
        elif tag in ("script", "img", "iframe", "source", "audio", "video", "embed", "input"):
            if a.get("src"):
                self.fetched.append((tag, a["src"]))
        if a.get("srcset"):
            for part in a["srcset"].split(","):
                if part.strip():
                    self.fetched.append((f"{tag} srcset", part.split()[0]))
        if tag == "object" and a.get("data"):
            self.fetched.append(("object", a["data"]))
        if tag == "form" and a.get("action"):
            self.other.append(("form action", a["action"]))
        if tag == "a" and a.get("href"):
            self.other.append(("a href", a["href"]))
        if a.get("style"):
            for m in CSS_URL.finditer(a["style"]):
                self.fetched.append(("inline style url()", m.group(1) or m.group(2)))


def header_bytes(response: requests.Response) -> int:
    """The status line and headers as they went over the wire (HTTP/1.1)."""
    lines = [f"HTTP/1.1 {response.status_code} {response.reason}"]
    lines += [f"{k}: {v}" for k, v in response.raw.headers.items()]
    return len("\r\n".join(lines).encode()) + 4


def on_the_wire(response: requests.Response) -> tuple[int, int, bool]:
    """(body bytes as sent, of which compressed by us, whether the server compressed)."""
    kind = response.headers.get("Content-Type", "").split(";")[0].strip()
    if response.headers.get("Content-Encoding") in ("gzip", "br", "deflate"):
        return int(response.headers.get("Content-Length") or len(response.content)), 0, True
    body = response.content
    if kind in COMPRESSED:
        return len(gzip.compress(body, compresslevel=1)), len(body), False
    return len(body), 0, False


def max_age(cache_control: str) -> int | None:
    match = re.search(r"max-age=(\d+)", cache_control)
    if "no-store" in cache_control or "no-cache" in cache_control:
        return 0
    return int(match.group(1)) if match else None


def weigh(site, name: str, path: str, problems: list[str], cache: dict[str, str]) -> dict:
    session = requests.Session()
    session.headers["Accept-Encoding"] = "identity"  # we compress, as nginx would
    if name in site.advisor_pages:
        session.cookies.update(site.cookies)
    host = urlsplit(site.url).netloc
    page_url = site.url + path
    response = session.get(page_url, timeout=30)
    if response.status_code != 200:
        problems.append(f"{name}: {path} answered {response.status_code}")
        return {"name": name, "total": 0, "items": []}
    items = []
    wire, raw, _ = on_the_wire(response)
    items.append(("html", path, raw or wire, wire + header_bytes(response)))
    parser = Resources()
    parser.feed(response.text)
    queue = list(parser.fetched)
    seen = set()
    for kind, target in parser.other:
        split = urlsplit(urljoin(page_url, target))
        if kind == "form action" and split.scheme in ("http", "https") and split.netloc != host:
            problems.append(f"{name}: a form posts to another host: {target}")
    while queue:
        kind, target = queue.pop(0)
        if target.startswith("data:"):
            continue
        absolute = urljoin(page_url, target)
        split = urlsplit(absolute)
        if split.netloc != host:
            problems.append(f"{name}: {kind} from another host: {target}")
            continue
        if absolute in seen:
            continue
        seen.add(absolute)
        r = session.get(absolute, timeout=30)
        if r.status_code != 200:
            problems.append(f"{name}: {kind} {target} answered {r.status_code}")
            continue
        wire, raw, _ = on_the_wire(r)
        items.append((kind, split.path, raw or wire, wire + header_bytes(r)))
        if split.path.startswith("/static/"):
            cache[split.path] = r.headers.get("Cache-Control", "")
        if r.headers.get("Content-Type", "").startswith("text/css"):
            for m in CSS_URL.finditer(r.text):
                queue.append(("css url()", urljoin(absolute, m.group(1) or m.group(2))))
    total = sum(i[3] for i in items)
    if total >= LIMIT:
        problems.append(f"{name}: {total / 1024:.1f} KB on first load, limit {LIMIT // 1024} KB")
    return {"name": name, "path": path, "total": total, "items": items}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every resource")
    args = parser.parse_args()
    problems: list[str] = []
    cache: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder, bench_site(Path(folder), args.db) as site:
        results = [weigh(site, n, p, problems, cache) for n, p in site.pages.items()]
    print(
        "| page | requests | HTML (raw → sent) | first load, sent (gzip, headers incl.) | "
        "under 60 KB |\n|---|---|---|---|---|"
    )
    for r in results:
        if not r["items"]:
            continue
        html = r["items"][0]
        print(
            f"| {r['name']} | {len(r['items'])} | {html[2] / 1024:.1f} → {html[3] / 1024:.1f} "
            f"KB | {r['total'] / 1024:.1f} KB | {'yes' if r['total'] < LIMIT else 'NO'} |"
        )
        if args.verbose:
            for kind, path, raw, sent in r["items"]:
                print(f"|   {kind} {path} | | {raw / 1024:.1f} KB raw | {sent / 1024:.1f} KB | |")
    print("\nstatic files, Cache-Control:")
    for path, value in sorted(cache.items()):
        age = max_age(value)
        ok = age is not None and age > 0
        print(f"- {path}: {value or '(none)'}{'' if ok else '  <- not cacheable'}")
        if not ok:
            problems.append(
                f"{path}: Cache-Control {value or '(none)'}: browsers revalidate "
                "it on every page (set a max-age)"
            )
    print()
    if problems:
        print("Problems:\n" + "\n".join(f"- {p}" for p in problems))
        return 1
    print("Every page under 60 KB, no other host, static files cached.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
