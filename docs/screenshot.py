"""Make docs/screenshot.png: the top of a result page as a phone shows it (390 px wide).

Run from anywhere: ``python docs/screenshot.py``. It starts the app on a free local port
with a throwaway SQLite database, answers the whole self-assessment in Debian's Chromium
as a person would, and saves the result page. Nothing outside a temporary folder is kept.
"""

from __future__ import annotations

import re
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from questionnaire.model import Question

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshot.png"
# A 45-person metal workshop (SNI 25): the level answered in each dimension, in order.
EMPLOYEES, SNI = "45", "25"
LEVELS = (1, 2, 2, 1, 1, 1, 3, 2, 3, 2)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from app import create_app
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # one place for launch flags

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/screenshot.sqlite3",
                "AUTO_MIGRATE": True,
                "SECRET_KEY": "screenshot",
            }
        )
        questionnaire = app.extensions["lyftkollen.content"].questionnaire
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                context = browser.new_context(
                    base_url=f"http://127.0.0.1:{server.server_port}",
                    viewport={"width": 390, "height": 844},
                    is_mobile=True,
                    has_touch=True,
                    locale="sv-SE",
                )
                page = context.new_page()
                page.goto("/")
                page.locator("form button.primary").click()
                page.locator("#employees").fill(EMPLOYEES)
                page.locator("#sni").select_option(SNI)
                page.locator(".actions button.primary").click()
                steps = zip(questionnaire.maturity_sections, LEVELS, strict=True)
                for number, (section, level) in enumerate(steps, start=2):
                    page.wait_for_url(re.compile(rf"/steg/{number}$"))
                    for question in section.questions:
                        answer(page, question, level)
                    page.locator(".actions button.primary").click()
                page.wait_for_url(re.compile(r"/resultat$"))
                # The indices and the recommended path: what a reader of the README wants to see.
                clip = {"x": 0, "y": 0, "width": 390, "height": 1600}
                page.screenshot(path=str(OUTPUT), full_page=True, clip=clip)
                browser.close()
        finally:
            server.shutdown()
    print(f"{OUTPUT.relative_to(ROOT)}: {OUTPUT.stat().st_size // 1024} KB")


def answer(page: Any, question: Question, level: int) -> None:
    """Choose the option at ``level``, tick that many items, or type a number that reaches it."""
    block = page.locator(f"#q-{question.id}")
    if question.type == "single":
        value = next(o.value for o in question.options if o.level == level)
        block.locator(f"input[value='{value}']").check()
    elif question.type == "number":
        if not question.thresholds:
            raise ValueError(f"{question.id}: a scored number question has thresholds")
        number = question.thresholds[level - 1] if level else question.thresholds[0] - 1
        block.locator(f"#{question.id}").fill(f"{number:g}")
    else:
        items = [o.value for o in question.options if not o.exclusive]
        for value in items[:level] or ["none"]:
            block.locator(f"input[value='{value}']").check()


if __name__ == "__main__":
    main()
