"""Between the views and the database: companies, workshops, participants and team results."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, case, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from questionnaire.answers import AnswerValue
from questionnaire.model import Questionnaire
from questionnaire.team import TeamResult, team_answers, team_result
from recommender.action_plan import PlanItem, TeamPlan, team_plan
from recommender.outcome import Outcome, assess_scores
from recommender.path import Recommendation
from web.assessments.answering import complete_participant, profile_complete
from web.assessments.service import plan_for
from web.platform.extensions import db
from web.storage import learned_model as ranking
from web.storage import summaries
from web.storage.content import Content, content_for, pin
from web.storage.models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    LOCAL_TIME,
    Answer,
    Assessment,
    Company,
    Decision,
    ResultSummary,
    User,
    Workshop,
    new_join_code,
    utcnow,
)

# ---------------------------------------------------------------- who sees what


def visible_companies(user: User) -> Any:
    """A query for the companies ``user`` may see: their own, or all for an admin."""
    query = select(Company).order_by(Company.name)
    return query if user.is_admin else query.where(Company.owner_id == user.id)


def visible_workshops(user: User) -> Any:
    query = (
        select(Workshop)
        .join(Workshop.company)
        .options(contains_eager(Workshop.company))
        .order_by(Workshop.held_on.desc(), Workshop.id)
    )
    return query if user.is_admin else query.where(Company.owner_id == user.id)


# What new_public_id makes: URL-safe base64. Anything else is not looked up (PostgreSQL
# refuses a NUL byte in a query parameter outright: a 500 for "/radgivare/foretag/%00").
_PUBLIC_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def company_for(user: User, public_id: str) -> Company | None:
    if not _PUBLIC_ID_SHAPE.fullmatch(public_id):
        return None
    query = visible_companies(user).where(Company.public_id == public_id)
    return db.session.execute(query).scalar_one_or_none()


def workshop_for(user: User, public_id: str) -> Workshop | None:
    if not _PUBLIC_ID_SHAPE.fullmatch(public_id):
        return None
    query = visible_workshops(user).where(Workshop.public_id == public_id)
    return db.session.execute(query).scalar_one_or_none()


# ---------------------------------------------------------------- creating and joining


def _new_company(owner: User, name: str) -> Company:
    company = Company(name=name.strip(), owner=owner)
    db.session.add(company)
    return company


def create_company(owner: User, name: str) -> Company:
    """A new company of ``owner``'s; committed."""
    company = _new_company(owner, name)
    db.session.commit()
    return company


def link_assessment(company: Company, assessment: Assessment) -> bool:
    """Count a finished online self-assessment as one of the company's results; committed.

    False, and nothing changed, when another company has it: also when another advisor
    linked it a moment ago, after this request read it as free.
    """
    linked = db.session.execute(
        update(Assessment)
        .where(
            Assessment.id == assessment.id,
            (Assessment.company_id.is_(None)) | (Assessment.company_id == company.id),
        )
        .values(company_id=company.id)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return cast(CursorResult[Any], linked).rowcount == 1


@dataclass(frozen=True)
class CompanyRecords:
    """What deleting a company deletes with it: how many of each."""

    workshops: int
    participants: int
    linked: int  # online self-assessments linked to the company


def _company_queries(company: Company) -> tuple[Any, Any]:
    """Subqueries of the company's workshops' ids and its assessments' ids (its
    workshops' participants and the self-assessments linked to it)."""
    workshop_ids = select(Workshop.id).where(Workshop.company_id == company.id)
    assessment_ids = select(Assessment.id).where(
        (Assessment.company_id == company.id) | Assessment.workshop_id.in_(workshop_ids)
    )
    return workshop_ids, assessment_ids


def company_records(company: Company) -> CompanyRecords:
    workshop_ids, _ = _company_queries(company)

    def number(query: Any) -> int:
        return int(
            db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        )

    return CompanyRecords(
        workshops=number(workshop_ids),
        participants=number(select(Assessment.id).where(Assessment.workshop_id.in_(workshop_ids))),
        linked=number(select(Assessment.id).where(Assessment.company_id == company.id)),
    )


def delete_company(company: Company) -> None:
    """Delete the company with everything that belongs to it, and commit: its
    workshops, their participants and answers, the self-assessments linked to it and
    their answers, the decisions on all of these, and their result summaries.

    Children first, each table by an explicit DELETE, so nothing depends on a cascade
    (and the change counter's triggers see every summary and decision deleted).
    """
    workshop_ids, assessment_ids = _company_queries(company)
    # The workshops' rows first, in the order every writer of a workshop and its
    # participants locks them (web.assessments.service.lock_workshop): no deadlock with a save.
    db.session.execute(workshop_ids.order_by(Workshop.id).with_for_update())
    for statement in (
        delete(Decision).where(
            Decision.workshop_id.in_(workshop_ids) | Decision.assessment_id.in_(assessment_ids)
        ),
        delete(ResultSummary).where(
            ResultSummary.workshop_id.in_(workshop_ids)
            | ResultSummary.assessment_id.in_(assessment_ids)
        ),
        delete(Answer).where(Answer.assessment_id.in_(assessment_ids)),
        delete(Assessment).where(Assessment.id.in_(assessment_ids)),
        delete(Workshop).where(Workshop.company_id == company.id),
        delete(Company).where(Company.id == company.id),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))
    db.session.commit()
    db.session.expunge(company)


def latest_profile(company: Company) -> dict[str, Any]:
    """The profile of the company's latest workshop that has one: the next one starts there."""
    for workshop in sorted(company.workshops, key=lambda w: (w.held_on, w.id), reverse=True):
        if workshop.profile:
            return dict(workshop.profile)
    return {}


def create_workshop(
    company: Company | tuple[User, str],
    title: str,
    held_on: date,
    language: str,
    reveal: str,
    content: Content,
    profile: dict[str, Any] | None = None,
) -> Workshop:
    """A new open workshop with a join code no other workshop has; committed.

    ``company``: an existing company, or (owner, name) for a new one made with it.
    ``profile``: what the advisor gave of the company's profile, over the company's
    latest (an earlier workshop's).
    """
    if isinstance(company, tuple):
        company = _new_company(*company)
    for _ in range(10):
        workshop = Workshop(
            company=company,
            title=title.strip(),
            held_on=held_on,
            language=language,
            reveal=reveal,
            profile={**latest_profile(company), **(profile or {})},
            code=new_join_code(),
        )
        pin(workshop, content)
        db.session.add(workshop)
        try:
            db.session.commit()
            return workshop
        except IntegrityError:  # the code was taken (one in ~900 million): draw again
            db.session.rollback()
            db.session.add(company)
    raise RuntimeError("could not find a free join code")


# The first key of the advisory lock that orders a workshop's joins (the second is its id).
JOIN_LOCK_CLASS = 7319016


def normalise_code(raw: str) -> str | None:
    """A typed code as stored ("abc 234" -> "ABC234"), or None if it cannot be one."""
    code = "".join(raw.split()).upper().replace("-", "")
    if len(code) != JOIN_CODE_LENGTH or any(c not in JOIN_CODE_ALPHABET for c in code):
        return None
    return code


def find_by_code(code: str) -> Workshop | None:
    return db.session.execute(select(Workshop).where(Workshop.code == code)).scalar_one_or_none()


class WorkshopGone(LookupError):
    """The workshop (or its company) was deleted while someone joined it."""


def _still_there(workshop_id: int, lock: bool = False) -> bool:
    query = select(Workshop.id).where(Workshop.id == workshop_id)
    if lock:
        # A key-share lock, as the participant's foreign key takes: a deletion after it
        # waits for this join's commit (and then deletes the participant too), one before
        # it is seen here. Closing, reopening or a profile save does not wait for it.
        query = query.with_for_update(read=True, key_share=True)
    return db.session.execute(query).first() is not None


def join(
    workshop: Workshop, name: str | None, role: str | None, max_participants: int
) -> Assessment | None:
    """A new participant's assessment in ``workshop``, committed; None (and nothing
    stored) if it already has ``max_participants``. Raises ``WorkshopGone`` (nothing
    stored) if the workshop or its company was deleted since the caller read it.

    Race-safe: joins of one workshop are made one at a time. The new row is written,
    then the participants are counted in the same transaction, which by then excludes
    every other join of the workshop: on PostgreSQL a transaction-level advisory lock on
    the workshop (taken first; answer saves do not wait for it), on SQLite the one write
    lock that the insert took. So a room joining at once never gets past the cap.
    """
    workshop_id = workshop.id
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(JOIN_LOCK_CLASS, workshop_id)))
        if not _still_there(workshop_id, lock=True):
            db.session.rollback()
            raise WorkshopGone(workshop_id)
    participant = Assessment(
        questionnaire_version=workshop.questionnaire_version,
        content_id=workshop.content_id,
        language=workshop.language,
        source="workshop",
        workshop=workshop,
        participant_name=(name or "").strip() or None,
        participant_role=(role or "").strip() or None,
    )
    db.session.add(participant)
    try:
        db.session.flush()  # the write first: on SQLite it takes the write lock
    except IntegrityError:
        # SQLite: deleted between the caller's read and this write (the foreign key).
        db.session.rollback()
        if not _still_there(workshop_id):
            raise WorkshopGone(workshop_id) from None
        raise
    joined = db.session.execute(
        select(func.count(Assessment.id)).where(Assessment.workshop_id == workshop_id)
    ).scalar_one()
    if joined > max_participants:
        db.session.rollback()
        return None
    db.session.commit()
    return participant


# ---------------------------------------------------------------- profile and paths


def set_profile(workshop: Workshop, profile: dict[str, Any], content: Content) -> None:
    """Store the company's profile and bring every finished participant's path up to
    date; committed."""
    workshop.profile = profile
    workshop.revision = Workshop.revision + 1
    for participant in workshop.participants:
        if participant.completed:
            complete_participant(participant, content)
    refresh_summary(workshop, content)
    db.session.commit()


def set_revealed(workshop: Workshop, revealed: bool) -> None:
    """Show the results to the participants, or hide them again; committed."""
    workshop.revealed = revealed
    workshop.revision = Workshop.revision + 1
    db.session.commit()


def set_open(workshop: Workshop, is_open: bool) -> None:
    """Open the workshop for answers, or close it (its answers are then final); committed."""
    workshop.status = "open" if is_open else "closed"
    workshop.closed_at = None if is_open else utcnow()
    workshop.revision = Workshop.revision + 1
    # A closed workshop's team result counts in benchmarks and the overview; reopened,
    # its answers may change again, so it stops counting until closed again.
    refresh_summary(workshop, content_for(workshop))
    db.session.commit()


def participant_by_key(workshop: Workshop, key: str) -> Assessment | None:
    """The participant of ``workshop`` whose ``assessment_key`` is ``key``, if any."""
    if not key.startswith("a-"):
        return None
    for participant in db.session.execute(
        select(Assessment).where(Assessment.workshop_id == workshop.id)
    ).scalars():
        if assessment_key(participant) == key:
            return participant
    return None


def remove_participant(workshop: Workshop, participant: Assessment) -> str:
    """Delete a participant and their answers, and commit. Says what became of the
    team's stored result: "open" (none is stored while the workshop is open),
    "recalculated" (closed: its row now counts the others), or "removed" (closed, and
    nobody who finished is left, so it has no row)."""
    # The workshop's row first: every transaction that writes a workshop and its
    # participants locks them in that order (web.assessments.service.lock_workshop), else a
    # participant's save at the same moment could deadlock with this on PostgreSQL.
    workshop.revision = Workshop.revision + 1
    db.session.flush()
    db.session.delete(participant)  # the database deletes the answers (ON DELETE CASCADE)
    db.session.flush()
    db.session.expire(workshop, ["participants"])
    if workshop.is_open:
        db.session.commit()
        return "open"
    refresh_summary(workshop, content_for(workshop))
    stored = db.session.execute(
        select(func.count(ResultSummary.id)).where(ResultSummary.workshop_id == workshop.id)
    ).scalar_one()
    db.session.commit()
    return "recalculated" if stored else "removed"


def delete_workshop(workshop: Workshop) -> None:
    """Delete the workshop, every participant and all their answers; committed. The
    database removes the participants and their answers with it (ON DELETE CASCADE)."""
    db.session.execute(
        delete(Workshop)
        .where(Workshop.id == workshop.id)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.expunge(workshop)


# ---------------------------------------------------------------- live state


@dataclass(frozen=True)
class Counts:
    joined: int
    in_progress: int
    completed: int
    # Changes whenever anything on the team view could: an answer, a finish, a setting.
    etag: str
    team_etag: str

    def as_json(self) -> dict[str, Any]:
        return {
            "joined": self.joined,
            "in_progress": self.in_progress,
            "completed": self.completed,
            "team_version": self.team_etag,
        }


_COMPLETED = Assessment.status == "completed"
# What the counts are made of, over a workshop's participants.
_PARTICIPANT_COUNTS = (
    func.count(Assessment.id),
    func.count(case((_COMPLETED, 1))),
    func.max(Assessment.updated_at),
    func.max(case((_COMPLETED, Assessment.updated_at))),
)


def counts(workshop: Workshop) -> Counts:
    """One query over the participants: the state is in the database, not in a process."""
    row = db.session.execute(
        select(*_PARTICIPANT_COUNTS).where(Assessment.workshop_id == workshop.id)
    ).one()
    return _counts(workshop.revision, workshop.status, workshop.revealed, *row)


def live_counts(user: User, public_id: str) -> Counts | None:
    """``counts`` of a workshop ``user`` may see, found by its public id, in one query
    (None: no such workshop, or another advisor's). For the live pages' frequent polls."""
    if not _PUBLIC_ID_SHAPE.fullmatch(public_id):
        return None
    query = (
        select(Workshop.revision, Workshop.status, Workshop.revealed, *_PARTICIPANT_COUNTS)
        .join(Workshop.company)
        .outerjoin(Assessment, Assessment.workshop_id == Workshop.id)
        .where(Workshop.public_id == public_id)
        .group_by(Workshop.id, Workshop.revision, Workshop.status, Workshop.revealed)
    )
    if not user.is_admin:
        query = query.where(Company.owner_id == user.id)
    row = db.session.execute(query).one_or_none()
    return None if row is None else _counts(*row)


def _counts(
    revision: int,
    status: str,
    revealed: bool,
    joined: int,
    done: int,
    last_change: datetime | None,
    last_completed: datetime | None,
) -> Counts:
    settings = f"{revision}:{status}:{revealed}"

    def tag(*parts: Any) -> str:
        return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:20]

    return Counts(
        joined=joined,
        in_progress=joined - done,
        completed=done,
        etag=tag(settings, joined, done, last_change),
        team_etag=tag(settings, done, last_completed),
    )


@dataclass(frozen=True)
class Team:
    """A team's spreads and disagreements, and its outcome from the team's scores (with
    a path once the company's profile is given)."""

    result: TeamResult
    outcome: Outcome
    # Where the middle of the team stands on each item (questionnaire.team.team_answers).
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    plan: TeamPlan | None = None  # with the path, once the profile is given

    @property
    def path(self) -> Recommendation | None:
        """The team's path; None until the profile is given."""
        return self.outcome.recommendation


def completed_answer_sets(workshop: Workshop) -> list[dict[str, Any]]:
    """The answers of each finished participant, in one query."""
    rows = db.session.execute(
        select(Answer.assessment_id, Answer.question_id, Answer.value)
        .join(Assessment, Answer.assessment_id == Assessment.id)
        .where(Assessment.workshop_id == workshop.id, Assessment.status == "completed")
        .order_by(Answer.assessment_id)
    ).all()
    sets: dict[int, dict[str, Any]] = {}
    for assessment_id, question_id, value in rows:
        sets.setdefault(assessment_id, {})[question_id] = value
    return list(sets.values())


def team(workshop: Workshop, content: Content) -> Team | None:
    """The team's result from its finished participants, or None before anyone finished."""
    answer_sets = completed_answer_sets(workshop)
    if not answer_sets:
        return None
    return team_of(content, workshop.profile, answer_sets)


def team_of(
    content: Content, profile: dict[str, Any] | None, answer_sets: list[dict[str, Any]]
) -> Team:
    """The team from its finished participants' answers; a path only with a full profile."""
    result = team_result(content.questionnaire, answer_sets)
    complete = profile is not None and profile_complete(content.questionnaire, profile)
    given = profile if complete else None
    outcome = assess_scores(result.scores, given, content, ranking.ranking_for(content))
    path = outcome.recommendation
    answers = team_answers(content.questionnaire, answer_sets)
    plan = (
        None
        if path is None
        else team_plan(
            content.questionnaire,
            answers,
            result.scores,
            path,
            content.catalogue,
            result.disagreements,
        )
    )
    return Team(result=result, outcome=outcome, answers=answers, plan=plan)


def finished_names(workshop: Workshop) -> list[str | None]:
    """The names finished participants gave (None: none given), by name: the order says
    nothing about who finished when."""
    names = db.session.scalars(
        select(Assessment.participant_name).where(
            Assessment.workshop_id == workshop.id, Assessment.status == "completed"
        )
    ).all()
    return sorted(names, key=lambda name: (name or "").casefold())


def participants(workshop: Workshop) -> list[Assessment]:
    """Every participant with their answers loaded, in the order they joined."""
    return list(
        db.session.execute(
            select(Assessment)
            .where(Assessment.workshop_id == workshop.id)
            .options(selectinload(Assessment.answers))
            .order_by(Assessment.created_at, Assessment.id)
        ).scalars()
    )


# ---------------------------------------------------------------- a company over time


@dataclass(frozen=True)
class Measurement:
    """One point in a company's history: a workshop's team result or a self-assessment."""

    key: str  # stable id in the advisor's URLs; reveals neither a count nor a private token
    kind: str  # "workshop" or "self"
    title: str
    held_on: date
    respondents: int  # finished participants (1 for a self-assessment)
    scores: dict[str, int | None]
    spread: dict[str, float | None] | None  # a team's standard deviation per dimension
    path: Recommendation | None
    taken_at: datetime  # orders two results of the same day
    workshop: Workshop | None = None
    # The answers (a team's: at the lower median) and the action plan made with the path.
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    plan: tuple[PlanItem, ...] = ()
    questionnaire: Questionnaire | None = None  # what the answers were given on


def assessment_key(assessment: Assessment) -> str:
    return "a-" + hashlib.sha256(assessment.token.encode()).hexdigest()[:12]


def measurements(company: Company) -> list[Measurement]:
    """Every workshop with a finished participant and every linked self-assessment, oldest first."""
    found: list[Measurement] = []
    for workshop in company.workshops:
        given_on = content_for(workshop)
        result = team(workshop, given_on)
        if result is None:
            continue
        found.append(
            Measurement(
                key="w-" + workshop.public_id,
                kind="workshop",
                title=workshop.title,
                held_on=workshop.held_on,
                respondents=result.result.participants,
                scores=result.result.scores,
                spread={d: s.spread for d, s in result.result.dimensions.items()},
                path=result.path,
                taken_at=workshop.created_at,
                workshop=workshop,
                answers=result.answers,
                plan=result.plan.planned if result.plan else (),
                questionnaire=given_on.questionnaire,
            )
        )
    for assessment in company.assessments:
        outcome = assessment.outcome if assessment.completed else None
        if outcome is None:
            continue
        given_on = content_for(assessment)
        finished = assessment.completed_at or assessment.created_at
        found.append(
            Measurement(
                key=assessment_key(assessment),
                kind="self",
                title=assessment.participant_name or "",
                held_on=finished.astimezone(LOCAL_TIME).date(),
                respondents=1,
                scores=outcome.scores,
                spread=None,
                path=outcome.recommendation,
                taken_at=finished,
                answers={k: v for k, v in assessment.answer_map().items() if v is not None},
                plan=plan_for(assessment, given_on),
                questionnaire=given_on.questionnaire,
            )
        )
    return sorted(found, key=lambda m: (m.held_on, m.taken_at))


def summary_values(
    workshop: Workshop, content: Content, known: Team | None = None
) -> dict[str, Any] | None:
    """The workshop's row of the read model: None while open or before anyone finished.
    ``known`` is its team if the caller has it; else it is read when the row needs it."""
    found = known if known is not None or workshop.is_open else team(workshop, content)
    return summaries.workshop_values(
        workshop,
        content,
        found.outcome if found else None,
        found.result.participants if found else 0,
    )


def refresh_summary(workshop: Workshop, content: Content) -> None:
    """Bring the workshop's row of the read model up to date (the caller commits)."""
    db.session.flush()  # the team is read from the database
    summaries.refresh_workshop(workshop, summary_values(workshop, content))
