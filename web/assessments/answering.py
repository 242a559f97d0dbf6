"""Answering, one transaction per request: start, save a page, finish, catch up, delete.

The survey's views (a self-assessment, or a workshop participant's questionnaire) parse
the form, call one of these and render what it returns. Each function commits once, or
rolls back and says why; the rules of answering live here, not in the views:

- a workshop participant starts after the profile (the advisor gives it);
- finishing completes the assessment only when every required answer is there, in the
  same transaction as the last page's answers;
- changing an answer of a finished assessment makes its result follow, and taking a
  required answer away takes the result back until it is given again;
- nothing is kept once the participant's workshop has closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from questionnaire.answers import is_blank
from questionnaire.model import Questionnaire, Section
from web.assessments import service as assessments
from web.assessments.page_read import PageState
from web.platform.extensions import db
from web.storage import summaries
from web.storage.content import Content, content_for, pin
from web.storage.models import Assessment, utcnow


def first_step(assessment: Assessment | PageState) -> int:
    """Workshop participants start after the profile: the advisor gives it for the company."""
    return 2 if assessment.workshop_id is not None else 1


def profile_complete(questionnaire: Questionnaire, profile: Mapping[str, Any]) -> bool:
    """Every required profile question is answered: a path can be made."""
    return all(
        not is_blank(profile.get(q.id))
        for q in questionnaire.profile_section.questions
        if q.required
    )


class Stored:
    """What is stored for an assessment; its answers are read once, when first needed.

    Made after this request's own write, so it reads that write (in its transaction).
    """

    def __init__(self, assessment: Assessment) -> None:
        self.assessment = assessment
        self._answers: dict[str, Any] | None = None

    @property
    def answers(self) -> dict[str, Any]:
        if self._answers is None:
            self._answers = assessments.stored_answers(self.assessment)
        return self._answers

    def of(self, section: Section) -> dict[str, Any]:
        """What is kept for ``section``: the profile, or the answers."""
        return dict(self.assessment.profile) if section.dimension is None else self.answers


def missing_required(stored: Stored, section: Section) -> list[str]:
    kept = stored.of(section)
    return [q.id for q in section.questions if q.required and is_blank(kept.get(q.id))]


def first_incomplete_step(stored: Stored) -> int | None:
    sections = content_for(stored.assessment).questionnaire.sections
    for number in range(first_step(stored.assessment), len(sections) + 1):
        if missing_required(stored, sections[number - 1]):
            return number
    return None


def complete_participant(
    participant: Assessment, content: Content, answers: Mapping[str, Any] | None = None
) -> None:
    """Score a participant; their path waits until the advisor has given the profile."""
    workshop = participant.workshop
    if workshop is None:
        raise ValueError("not a workshop participant")
    participant.profile = dict(workshop.profile)
    assessments.complete(
        participant,
        content,
        with_path=profile_complete(content.questionnaire, workshop.profile),
        answers=answers,
    )


def _complete(stored: Stored) -> None:
    assessment, c = stored.assessment, content_for(stored.assessment)
    if assessment.workshop is not None:
        complete_participant(assessment, c, stored.answers)
    else:
        assessments.complete(assessment, c, answers=stored.answers)


def _keep(assessment: Assessment, section: Section, values: Mapping[str, Any]) -> None:
    """Write one page's valid answers (None removes one); a finished assessment's result
    follows them."""
    if section.dimension is None:
        profile = dict(assessment.profile)
        for key, value in values.items():
            if value is None:
                profile.pop(key, None)
            else:
                profile[key] = value
        assessment.profile = profile
        # Written even if nothing changed: an assessment deleted meanwhile is noticed (404).
        assessment.updated_at = utcnow()
    else:
        assessments.save_answers(assessment, values)
    if assessment.completed:
        stored = Stored(assessment)
        if first_incomplete_step(stored) is None:
            # Changing an answer after the result was shown makes the result follow it.
            _complete(stored)
        else:
            # A required answer was taken away: the result waits until it is given again,
            # and stops counting in comparisons and the overview meanwhile.
            assessment.status = "in_progress"
            summaries.refresh_assessment(assessment, content_for(assessment))


def start(language: str, content: Content) -> Assessment:
    """A new self-assessment on today's content, stored."""
    assessment = Assessment(language=language, source="web")
    pin(assessment, content)
    db.session.add(assessment)
    db.session.commit()
    return assessment


def submit(
    profile: Mapping[str, Any], answers: Mapping[str, Any], language: str, content: Content
) -> Assessment:
    """An assessment answered all at once (the API), completed with its path; stored."""
    assessment = Assessment(language=language, source="api", profile=dict(profile))
    pin(assessment, content)
    assessments.save_answers(assessment, answers)
    assessments.complete(assessment, content)
    db.session.add(assessment)
    db.session.commit()
    return assessment


@dataclass(frozen=True)
class PageSaved:
    """What saving a page came to."""

    gone: bool = False  # the assessment (or its workshop) was deleted meanwhile: nothing kept
    closed: bool = False  # the workshop closed meanwhile: nothing kept
    missing: list[str] = field(default_factory=list)  # required answers still blank here
    incomplete: int | None = None  # finishing: the first step still missing an answer


def save_page(
    assessment: Assessment,
    section: Section,
    values: Mapping[str, Any],
    *,
    goes_on: bool,
    finishing: bool,
) -> PageSaved:
    """Keep a page's valid answers, whatever else the page lacks, in one transaction.

    ``goes_on``: the person asked for the next page, so the required answers still
    missing on this one are reported. ``finishing``: the last page's "show my result";
    the assessment is completed when every required answer is there.
    """
    token = assessment.token
    try:
        assessments.lock_workshop(assessment)
        _keep(assessment, section, values)
        stored = Stored(assessment)
        if finishing and not assessment.completed and first_incomplete_step(stored) is None:
            _complete(stored)  # in the same transaction as the last page's answers
        if not assessments.still_accepts_answers(assessment):  # closed while saving
            db.session.rollback()
            return PageSaved(closed=True)
        # What the answer leads to is read before the commit, which expires everything.
        missing = missing_required(stored, section) if goes_on else []
        incomplete = first_incomplete_step(stored) if finishing and not missing else None
        db.session.commit()
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        if assessments.find(token) is not None:
            raise
        return PageSaved(gone=True)
    return PageSaved(missing=missing, incomplete=incomplete)


def catch_up(assessment: Assessment) -> None:
    """A finished participant's result follows the profile the advisor saved while they
    were finishing; nothing to do for anyone else."""
    workshop = assessment.workshop
    if workshop is None or not assessment.completed or assessment.profile == workshop.profile:
        return
    complete_participant(assessment, content_for(assessment))
    db.session.commit()


def delete(assessment: Assessment) -> bool:
    """Delete the assessment and every answer for good; False (nothing deleted) when its
    workshop has closed, or closes meanwhile: the answers are then the workshop's record."""
    if not assessments.accepts_answers(assessment):
        return False
    # The database removes the answers with it (ON DELETE CASCADE): nothing is kept.
    assessments.lock_workshop(assessment)
    db.session.execute(
        sql_delete(Assessment)
        .where(Assessment.id == assessment.id)
        .execution_options(synchronize_session=False)
    )
    if not assessments.still_accepts_answers(assessment):
        db.session.rollback()  # the workshop was closed meanwhile
        return False
    db.session.commit()
    db.session.expunge(assessment)
    return True
