"""The questionnaire as typed, immutable values, validated as they are built.

The structure of ``data/questionnaire.yaml`` is declared here once: pydantic checks the
shape and the validators below check what the shape cannot say (levels 0-4 once each,
a "don't know" option on every maturity item, unique ids, the fixed dimension ids).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

from questionnaire.dimensions import AREA_IDS, AREA_OF, DIMENSION_IDS, LEVEL_MAX, PROFILE_FIELDS

Language = Literal["sv", "en"]
LANGUAGES: tuple[Language, ...] = ("sv", "en")
DONT_KNOW = "dont_know"
NOT_RELEVANT = "not_relevant"  # "Inte aktuellt för oss": left out, like "vet inte"
NONE_OF_THESE = "none"

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
_OPTION_VALUE = re.compile(r"^[a-z0-9][a-z0-9_]*$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Frozen):
    """A text in every language of the interface."""

    sv: NonEmpty
    en: NonEmpty

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.sv


class Area(_Frozen):
    id: Literal["digital", "sustainability", "change"]
    name: Text
    description: Text


class Dimension(_Frozen):
    id: Identifier
    area: Literal["digital", "sustainability", "change"]
    name: Text
    description: Text


class Band(_Frozen):
    id: Identifier
    max: int = Field(ge=0, le=100)
    name: Text


class Option(_Frozen):
    value: str
    label: Text
    # Points for this option: the state's level for a single choice, the points for
    # ticking it in a checklist. None means "don't know": it does not count at all.
    level: float | None = Field(default=None, ge=0, le=LEVEL_MAX)
    exclusive: bool = False
    # The state as a step to reach, where the label also names what is still missing
    # ("Backup tas automatiskt, men vi har aldrig provat …"): the action plan's "next
    # step" says this, so that a step never reads as a shortcoming to aim for.
    step: Text | None = None

    @model_validator(mode="after")
    def _step_has_a_level(self) -> Option:
        if self.step is not None and self.level is None:
            raise ValueError(f"option '{self.value}': a step belongs to an option with a level")
        return self

    @property
    def counts(self) -> bool:
        return self.level is not None


QuestionType = Literal["single", "multi", "number", "text"]


class Question(_Frozen):
    id: Identifier
    type: QuestionType
    text: Text
    help: Text | None = None
    required: bool = False
    weight: float = Field(default=1.0, gt=0)
    options: tuple[Option, ...] = ()
    # Filled in by the loader from the recommender's data files.
    options_from: Literal["offerings", "industries"] | None = None
    # number
    min: float | None = None
    max: float | None = None
    integer: bool = False
    unit: Text | None = None
    unit_one: Text | None = None  # the unit after the number 1, where it differs: "robot"
    thresholds: tuple[float, ...] | None = None
    # multi
    full_score: float | None = Field(default=None, gt=0)
    # Where not knowing is itself the finding (can a backup be restored?): "vet inte"
    # then counts as level 0, and towards the dimension's coverage.
    dont_know_scores_zero: bool = False
    # text
    max_length: int = Field(default=2000, ge=1, le=10000)
    # One line (a name): line breaks and runs of spaces become one space, and invisible
    # format characters (zero-width spaces, direction overrides) are dropped.
    single_line: bool = False
    # A profile question a company answers for itself only; a workshop's profile, which
    # the advisor gives for a company already named, does not ask it (the company's name).
    self_assessment_only: bool = False

    @model_validator(mode="after")
    def _check_type_fields(self) -> Question:
        values = [o.value for o in self.options]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise ValueError(f"option values used twice: {', '.join(duplicates)}")
        if self.type == "number":
            if self.min is None or self.max is None or self.min >= self.max:
                raise ValueError("a number question needs min and max with min < max")
            if self.thresholds is not None:
                t = self.thresholds
                if len(t) != LEVEL_MAX or any(a >= b for a, b in zip(t, t[1:], strict=False)):
                    raise ValueError(f"thresholds must be {LEVEL_MAX} strictly ascending numbers")
                if t[0] < self.min or t[-1] > self.max:
                    raise ValueError("thresholds must lie between min and max")
        elif any(
            v is not None for v in (self.min, self.max, self.thresholds, self.unit, self.unit_one)
        ):
            raise ValueError("min, max, unit and thresholds belong to number questions only")
        if self.single_line and self.type != "text":
            raise ValueError("single_line belongs to text questions only")
        if self.unit_one is not None and self.unit is None:
            raise ValueError("unit_one needs a unit")
        if self.type in ("single", "multi"):
            if not self.options and self.options_from is None:
                raise ValueError(f"a {self.type} question needs options (or options_from)")
        elif self.options and any(o.value not in (DONT_KNOW, NOT_RELEVANT) for o in self.options):
            raise ValueError(
                f"a {self.type} question takes no options other than {DONT_KNOW} and {NOT_RELEVANT}"
            )
        if self.type == "multi" and self.full_score is None and self.is_scored_shape:
            raise ValueError("a scored checklist needs full_score")
        if self.type != "multi" and self.full_score is not None:
            raise ValueError("full_score belongs to checklists (multi) only")
        return self

    @property
    def is_scored_shape(self) -> bool:
        return any(o.level is not None for o in self.options) or self.thresholds is not None

    def option(self, value: str) -> Option | None:
        for candidate in self.options:
            if candidate.value == value:
                return candidate
        return None

    @property
    def dont_know(self) -> Option | None:
        return self.option(DONT_KNOW)

    @property
    def answer_options(self) -> tuple[Option, ...]:
        """The options other than "don't know" and "not relevant" (the ones a number
        question shows beside its field)."""
        return tuple(o for o in self.options if o.value not in (DONT_KNOW, NOT_RELEVANT))


class Section(_Frozen):
    id: Identifier
    title: Text
    intro: Text | None = None
    dimension: Identifier | None = None
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_maturity_items(self) -> Section:
        if self.dimension is None:
            for q in self.questions:
                if (
                    any(o.level is not None for o in q.options)
                    or q.thresholds is not None
                    or q.dont_know_scores_zero
                ):
                    raise ValueError(f"question '{q.id}': profile questions are not scored")
            return self
        if self.id != self.dimension:
            raise ValueError(
                f"a dimension's section must have the dimension's id ({self.dimension})"
            )
        for q in self.questions:
            _check_maturity_question(q)
            if q.self_assessment_only:
                raise ValueError(f"question '{q.id}': only profile questions can be self-only")
        return self


def _check_maturity_question(q: Question) -> None:
    where = f"question '{q.id}'"
    if q.type == "text":
        raise ValueError(f"{where}: a dimension section takes no free-text questions")
    if not q.required:
        raise ValueError(f"{where}: maturity questions are required (they offer 'don't know')")
    dont_know = [o for o in q.options if o.value == DONT_KNOW]
    if len(dont_know) != 1 or dont_know[0].level is not None:
        raise ValueError(f"{where}: needs exactly one '{DONT_KNOW}' option with level null")
    not_relevant = q.option(NOT_RELEVANT)
    if not_relevant is not None and not_relevant.level is not None:
        raise ValueError(f"{where}: '{NOT_RELEVANT}' is left out of the score (level null)")
    if not_relevant is not None and q.dont_know_scores_zero:
        raise ValueError(
            f"{where}: where not knowing scores zero, 'not relevant' cannot be offered"
        )
    unscored = (DONT_KNOW, NOT_RELEVANT)
    for o in q.options:
        if o.value not in unscored and not _OPTION_VALUE.match(o.value):
            raise ValueError(f"{where}: option value '{o.value}' is not snake_case")
        if o.value not in unscored and o.level is None:
            raise ValueError(f"{where}: option '{o.value}' has no level")
    if q.type == "single":
        levels = sorted(o.level for o in q.options if o.level is not None)
        if levels != [float(n) for n in range(LEVEL_MAX + 1)]:
            raise ValueError(f"{where}: options must have the levels 0 to {LEVEL_MAX} once each")
    elif q.type == "multi":
        exclusive = {o.value for o in q.options if o.exclusive} - {NOT_RELEVANT}
        if exclusive != {NONE_OF_THESE, DONT_KNOW} or (not_relevant and not not_relevant.exclusive):
            raise ValueError(
                f"{where}: a checklist needs exactly the exclusive options "
                f"'{NONE_OF_THESE}' (level 0) and '{DONT_KNOW}' (and '{NOT_RELEVANT}', if offered)"
            )
        if q.option(NONE_OF_THESE).level != 0:  # type: ignore[union-attr]
            raise ValueError(f"{where}: '{NONE_OF_THESE}' must have level 0")
    elif q.type == "number" and q.thresholds is None:
        raise ValueError(f"{where}: a scored number question needs thresholds")


class Questionnaire(_Frozen):
    version: NonEmpty
    areas: tuple[Area, ...]
    dimensions: tuple[Dimension, ...]
    bands: tuple[Band, ...] = Field(min_length=1)
    sections: tuple[Section, ...] = Field(min_length=2)
    _questions: dict[str, Question] = PrivateAttr(default_factory=dict)
    _dimension_of: dict[str, str | None] = PrivateAttr(default_factory=dict)
    _workshop_profile: Section = PrivateAttr()

    @model_validator(mode="after")
    def _check_whole(self) -> Questionnaire:
        area_ids = tuple(a.id for a in self.areas)
        if area_ids != AREA_IDS:
            raise ValueError(f"areas must be exactly {', '.join(AREA_IDS)} in that order")
        dimension_ids = tuple(d.id for d in self.dimensions)
        unknown = [d for d in dimension_ids if d not in DIMENSION_IDS]
        if unknown:
            raise ValueError(
                f"unknown dimension '{unknown[0]}' (known: {', '.join(DIMENSION_IDS)})"
            )
        for dimension in self.dimensions:
            if dimension.area != AREA_OF[dimension.id]:
                raise ValueError(
                    f"dimension '{dimension.id}' belongs to area '{AREA_OF[dimension.id]}'"
                )
        if sorted(dimension_ids) != sorted(DIMENSION_IDS):
            missing = sorted(set(DIMENSION_IDS) - set(dimension_ids))
            raise ValueError(f"dimensions missing or repeated: {', '.join(missing) or 'repeated'}")
        maxima = [b.max for b in self.bands]
        if maxima != sorted(set(maxima)) or maxima[-1] != 100:
            raise ValueError("bands must have ascending max values ending at 100")
        seen: set[str] = set()
        for section in self.sections:
            if section.dimension is not None and section.dimension not in DIMENSION_IDS:
                raise ValueError(f"section '{section.id}': unknown dimension '{section.dimension}'")
            for q in section.questions:
                if q.id in seen or q.id in {s.id for s in self.sections if s is not section}:
                    raise ValueError(f"question '{q.id}': id used twice")
                seen.add(q.id)
        section_ids = [s.id for s in self.sections]
        if len(set(section_ids)) != len(section_ids):
            raise ValueError("section ids must be unique")
        if self.sections[0].dimension is not None:
            raise ValueError("the first section must be the company profile (no dimension)")
        profile_ids = {q.id for q in self.sections[0].questions}
        missing_profile = [f for f in PROFILE_FIELDS if f not in profile_ids]
        if missing_profile:
            raise ValueError(f"the profile section lacks: {', '.join(missing_profile)}")
        measured = {s.dimension for s in self.sections if s.dimension}
        if measured != set(DIMENSION_IDS):
            raise ValueError(f"no section for: {', '.join(sorted(set(DIMENSION_IDS) - measured))}")
        return self

    # Lookups used on every request are plain dict reads built once.
    def model_post_init(self, __context: object) -> None:
        self._questions = {q.id: q for s in self.sections for q in s.questions}
        self._dimension_of = {q.id: s.dimension for s in self.sections for q in s.questions}
        profile = self.sections[0]
        self._workshop_profile = profile.model_copy(
            update={
                "id": f"{profile.id}_workshop",
                "questions": tuple(q for q in profile.questions if not q.self_assessment_only),
            }
        )

    @property
    def profile_section(self) -> Section:
        return self.sections[0]

    @property
    def workshop_profile_section(self) -> Section:
        """The profile as the advisor gives it for a workshop: without the questions a
        company answers for itself only. Its own id, so forms made for it are its own."""
        return self._workshop_profile

    @property
    def maturity_sections(self) -> tuple[Section, ...]:
        return self.sections[1:]

    @property
    def dimension_sections(self) -> tuple[tuple[str, Section], ...]:
        """Each maturity section with its dimension's id (validated to be there)."""
        return tuple((s.dimension, s) for s in self.sections[1:] if s.dimension is not None)

    def question(self, question_id: str) -> Question | None:
        return self._questions.get(question_id)

    def dimension_of(self, question_id: str) -> str | None:
        return self._dimension_of.get(question_id)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(self._questions.values())

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)

    def area(self, area_id: str) -> Area:
        return next(a for a in self.areas if a.id == area_id)

    def band_for(self, score: float | None) -> Band | None:
        if score is None:
            return None
        return next(b for b in self.bands if score <= b.max)
