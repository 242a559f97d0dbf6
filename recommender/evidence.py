"""What a company's own answers say, beyond its scores: a loss, one dominant customer,
the time it has for development, and the answers a reason can quote.

Figures alone (the API's scores, a team's means) carry no evidence: the path is then
made from the scores, capacity counts as full, and no reason quotes an answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from questionnaire.answers import AnswerValue
from questionnaire.model import Questionnaire
from recommender.catalogue import Catalogue


@dataclass(frozen=True)
class Quote:
    """One answer the company chose, by its question and option."""

    dimension: str
    question: str
    option: str
    level: float


@dataclass(frozen=True)
class Evidence:
    margin: float | None = None  # the operating margin given, in per cent
    dominant_customer: Quote | None = None  # the largest-customer answer, when dominant
    development: Quote | None = None  # the answer on time for development, if one counts
    # Every single-choice answer at a level, in the questionnaire's order.
    quotes: tuple[Quote, ...] = ()

    def loss(self, catalogue: Catalogue) -> bool:
        return self.margin is not None and self.margin < catalogue.economy.loss_below

    def lowest(
        self, at_most: float, dimension: str | None = None, besides: str | None = None
    ) -> Quote | None:
        """The answer at the lowest level, if it is ``at_most`` (in ``dimension``, or in
        any but ``besides``); the first on a tie."""
        found = [
            q
            for q in self.quotes
            if (dimension is None or q.dimension == dimension) and q.dimension != besides
        ]
        low = min(found, key=lambda q: q.level) if found else None
        return low if low is not None and low.level <= at_most else None

    def highest(self, at_least: float) -> Quote | None:
        """The answer at the highest level anywhere, if it is ``at_least``; the first on
        a tie."""
        high = max(self.quotes, key=lambda q: q.level) if self.quotes else None
        return high if high is not None and high.level >= at_least else None


def evidence(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue], catalogue: Catalogue
) -> Evidence:
    """The evidence in a set of answers (parsed and valid)."""
    economy = catalogue.economy
    quotes: dict[str, Quote] = {}
    for dimension, section in questionnaire.dimension_sections:
        for question in section.questions:
            answer = answers.get(question.id)
            if question.type != "single" or not isinstance(answer, str):
                continue
            option = question.option(answer)
            if option is None or option.level is None:
                continue
            quotes[question.id] = Quote(dimension, question.id, option.value, option.level)
    margin = answers.get(economy.margin_question)
    customer = quotes.get(economy.customer_question)
    return Evidence(
        margin=float(margin) if isinstance(margin, int | float) else None,
        dominant_customer=customer
        if customer is not None and customer.option in economy.dominant_customer
        else None,
        development=quotes.get(catalogue.capacity.question),
        quotes=tuple(quotes.values()),
    )


def settings_problems(catalogue: Catalogue, questionnaire: Questionnaire) -> list[str]:
    """What the recommender's settings say of the questionnaire that is not so."""
    problems = []
    economy, capacity = catalogue.economy, catalogue.capacity
    expected = (
        ("economy › margin_question", economy.margin_question, "number"),
        ("economy › customer_question", economy.customer_question, "single"),
        ("capacity › question", capacity.question, "single"),
    )
    for where, question_id, kind in expected:
        question = questionnaire.question(question_id)
        if question is None or question.type != kind:
            problems.append(f"{where}: no {kind} question '{question_id}' in the questionnaire")
    customer = questionnaire.question(economy.customer_question)
    if customer is not None:
        for value in economy.dominant_customer:
            if customer.option(value) is None:
                problems.append(
                    f"economy › dominant_customer: '{value}' is not an option of "
                    f"'{economy.customer_question}'"
                )
    for question_id in catalogue.action_plan.not_steps:
        if questionnaire.question(question_id) is None:
            problems.append(
                f"action_plan › not_steps: no question '{question_id}' in the questionnaire"
            )
    return problems
