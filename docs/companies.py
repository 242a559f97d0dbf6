"""Print the made-up companies of tests/data/companies.yaml with their advice, as a table.

Run from anywhere: ``python docs/companies.py [sv|en] [plans]``. Each company was
answered item by item; the table shows its status, its path (step and when) and every
reason, worded as the result page words them. With ``plans``: each company's action plan
instead, "today" and "next step" in the options' own words.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _words(state: Any, question: Any, language: str) -> str:
    """A plan state as the page says it, near enough: the option's words, or the number."""
    if state.label is not None:
        return str(state.label.get(language))
    if isinstance(state.value, list):
        return "; ".join(question.option(v).label.get(language) for v in state.value) or "–"
    from web.assessments.results import number_parts

    shown, unit = number_parts(question, state.value, language)
    return f"{shown} {unit}" if unit else shown


def main(language: str = "sv", what: str = "paths") -> None:
    sys.path.insert(0, str(ROOT))
    import yaml

    from questionnaire.answers import parse_answer
    from questionnaire.profile import parse_profile_answers
    from recommender.outcome import assess
    from recommender.path import render_reason
    from web.storage.content import load_content

    content = load_content(ROOT / "data")
    q, catalogue = content.questionnaire, content.catalogue
    names = {d.id: d.name for d in q.dimensions}
    companies: list[dict[str, Any]] = yaml.safe_load(
        (ROOT / "tests" / "data" / "companies.yaml").read_text("utf-8")
    )
    if what == "plans":
        for company in companies:
            profile, _ = parse_profile_answers(q, company["profile"])
            answers = {k: parse_answer(q.question(k), v) for k, v in company["answers"].items()}  # type: ignore[arg-type]
            outcome = assess(answers, profile, content)
            status = outcome.recommendation.status if outcome.recommendation else "-"
            print(f"\n**{company['name']}** ({status}): {company['about']}\n")
            for n, item in enumerate(outcome.action_plan or (), start=1):
                question = q.question(item.question)
                helper = catalogue.by_id.get(item.offering or "")
                help_ = helper.name.get(language) if helper else "–"
                print(
                    f"{n}. {names[item.dimension].get(language)}, {question.text.get(language)}"  # type: ignore[union-attr]
                    f" Today: {_words(item.now, question, language)}."
                    f" Next: {_words(item.next, question, language)}. +{item.gain}; {help_}"
                )
            if not outcome.action_plan:
                print("(no plan)")
        return
    print("| Company | Status | Path | Reasons |")
    print("|---|---|---|---|")
    for company in companies:
        profile, _ = parse_profile_answers(q, company["profile"])
        answers = {k: parse_answer(q.question(k), v) for k, v in company["answers"].items()}  # type: ignore[arg-type]
        path = assess(answers, profile, content).recommendation
        if path is None:
            raise SystemExit(f"{company['name']}: no recommendation (no profile?)")
        steps = [
            ("primary", path.primary),
            *(("complement", s) for s in path.complementary),
            *(("deferred", s) for s in path.deferred),
            ("later", path.later),
            *(("referral", s) for s in path.referrals),
        ]
        shown = []
        reasons = []
        for role, step in steps:
            if step is None:
                continue
            offering = catalogue.offering(step.offering).name.get(language)
            shown.append(f"{role}: {offering} ({step.when})")
            words = "; ".join(render_reason(r, language, catalogue, names, q) for r in step.reasons)
            reasons.append(f"*{offering}*: {words}")
        if path.missing is not None:
            missing = [names[d].get(language) for d in path.missing.dimensions]
            shown.append("missing: " + ", ".join([*missing, *path.missing.profile]))
        facts = company["profile"]
        who = (
            f"**{company['name']}** ({facts['employees']} empl., SNI {facts.get('sni', '–')}):"
            f" {company['about']}"
        )
        print(f"| {who} | {path.status} | {'<br>'.join(shown)} | {'<br>'.join(reasons) or '–'} |")


if __name__ == "__main__":
    main(*(sys.argv[1:3] or ["sv"]))
