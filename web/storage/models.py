"""What is stored: companies, workshops, assessments and their answers, advisor accounts."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false
from werkzeug.security import generate_password_hash

from questionnaire.dimensions import DIMENSION_IDS
from recommender.outcome import Outcome
from recommender.stored import from_stored, to_stored
from web.platform.extensions import Model

# Dates and times a person reads are Swedish: an assessment finished at 00:30 belongs to that day.
LOCAL_TIME = ZoneInfo("Europe/Stockholm")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in UTC, read back timezone-aware on every database.

    PostgreSQL keeps the zone; SQLite stores the text without it and gives back naive
    datetimes. Making them aware here, once, lets every caller compare and convert them.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def new_token() -> str:
    """An unguessable id for a private link: 128 bits of randomness."""
    return secrets.token_urlsafe(16)


def new_public_id() -> str:
    """The id of a company or workshop in an advisor's URLs: random, so it reveals no count."""
    return secrets.token_urlsafe(12)


# Join codes are read off a projector and typed on a phone: no 0/O, no 1/I/L.
JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class ContentVersion(Model):
    """The content (questionnaire, offerings, recommender settings) as it was when used.

    Kept so that a record answered on it is shown as it was, after ``data/`` changes.
    """

    __tablename__ = "content_versions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the documents
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    documents: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Company(Model):
    """A company an advisor works with: its workshops and the online assessments it shared."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Made up by `flask demo seed` so that every screen can be tried; `demo clear` removes it.
    demo: Mapped[bool] = mapped_column(default=False, server_default=false())

    owner: Mapped[User] = relationship()
    workshops: Mapped[list[Workshop]] = relationship(
        back_populates="company", order_by="Workshop.held_on"
    )
    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="company", foreign_keys="Assessment.company_id"
    )


REVEAL_MODES = ("immediate", "on_reveal")


class Workshop(Model):
    """A session where a company's team answers together; its participants are assessments."""

    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True, default=new_public_id)
    code: Mapped[str] = mapped_column(String(JOIN_CODE_LENGTH), unique=True, default=new_join_code)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(5), default="sv")
    # "immediate": each participant sees their own result on finishing;
    # "on_reveal": only once the advisor reveals the results.
    reveal: Mapped[str] = mapped_column(String(10), default="immediate")
    revealed: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="open")
    # The company's profile, answered once by the advisor, not by each participant.
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    # The content it is answered on; empty for records from before versions were kept.
    content_id: Mapped[str | None] = mapped_column(ForeignKey("content_versions.id"))
    # Counts every change the team view shows (profile, reveal, close): part of its ETag.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    demo: Mapped[bool] = mapped_column(default=False, server_default=false())

    company: Mapped[Company] = relationship(back_populates="workshops")
    participants: Mapped[list[Assessment]] = relationship(
        back_populates="workshop",
        foreign_keys="Assessment.workshop_id",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Assessment.created_at",
    )

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def results_visible(self) -> bool:
        """Whether participants see their own result now."""
        return self.reveal == "immediate" or self.revealed


class Assessment(Model):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The only id that ever leaves the server: in private links and the API.
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    # The content it is answered on; empty for records from before versions were kept.
    content_id: Mapped[str | None] = mapped_column(ForeignKey("content_versions.id"))
    language: Mapped[str] = mapped_column(String(5), default="sv")
    source: Mapped[str] = mapped_column(String(10), default="web")
    status: Mapped[str] = mapped_column(String(12), default="in_progress")
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Filled when completed: what the person was shown, kept as it was then.
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    recommendation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A workshop participant's answers belong to the workshop; the name and role are
    # optional and shown only to the workshop's advisor.
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    participant_name: Mapped[str | None] = mapped_column(String(80))
    participant_role: Mapped[str | None] = mapped_column(String(80))
    # An online assessment an advisor linked to a company (the company shared its link).
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    demo: Mapped[bool] = mapped_column(default=False, server_default=false())

    workshop: Mapped[Workshop | None] = relationship(
        back_populates="participants", foreign_keys=[workshop_id]
    )
    company: Mapped[Company | None] = relationship(
        back_populates="assessments", foreign_keys=[company_id]
    )
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def completed(self) -> bool:
        return self.status == "completed"

    def answer_map(self) -> dict[str, Any]:
        return {a.question_id: a.value for a in self.answers}

    @property
    def outcome(self) -> Outcome | None:
        """The scores and path as the company was shown them (None before it finished):
        the two JSON columns read by the one serialiser, recommender.stored."""
        return from_stored(self.scores, self.recommendation)

    def keep_outcome(self, outcome: Outcome) -> None:
        self.scores, self.recommendation = to_stored(outcome)


class Answer(Model):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


ROLES = ("advisor", "admin")


def new_login_id() -> str:
    return secrets.token_urlsafe(24)


# Werkzeug's default: scrypt, slow on purpose, so a stolen hash is costly to guess.
HASH_METHOD = "scrypt"


def password_hash_method() -> str:
    """How new passwords are hashed: scrypt. Only a test app (TESTING) may choose a cheaper
    method, as PASSWORD_HASH_METHOD, to create and log in advisors hundreds of times; no
    environment variable sets it, and any other app ignores it."""
    if has_app_context() and current_app.config["TESTING"]:
        return str(current_app.config.get("PASSWORD_HASH_METHOD", HASH_METHOD))
    return HASH_METHOD


class User(Model):
    """An advisor or admin. Companies answering online have no account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="advisor")
    active: Mapped[bool] = mapped_column(default=True)
    # What the session cookie holds. Rotated on a new password or deactivation, which
    # ends every existing session of the account (the numeric id never changes).
    login_id: Mapped[str] = mapped_column(String(40), unique=True, default=new_login_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    demo: Mapped[bool] = mapped_column(default=False, server_default=false())

    # Flask-Login's user protocol.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.login_id

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_hash_method())
        self.login_id = new_login_id()


class AdvisorSession(Model):
    """One advisor login, open until logout, a new password, a deactivation, or its limits
    (web.advisor.sessions). The cookie holds the random session id; only its SHA-256 is
    stored, so reading the database gives no login. Never backed up: a restored session
    would revive a login."""

    __tablename__ = "advisor_sessions"
    __table_args__ = {"info": {"backup": False}}

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Written at most once a minute (web.advisor.sessions.RENEW_AT_MOST_EVERY).
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


# An advisor's note on a reason is short; the statistics export never includes it.
DECISION_REASON_MAX = 500


class Decision(Model):
    """What a company went on to do, as its advisor recorded it: the labels the learned
    ranking learns from.

    It belongs to exactly one online assessment or one workshop (the team's result), at
    most one each; deleting that record deletes its decision. ``recommended`` is the
    primary step the app showed when the decision was saved (None: there was none).
    ``decided_at`` is when it was first recorded, ``updated_at`` when it last changed, and
    ``decided_by`` who saved it last.
    """

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint("(assessment_id IS NULL) <> (workshop_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), unique=True
    )
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), unique=True
    )
    offering: Mapped[str] = mapped_column(String(64))
    recommended: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(DECISION_REASON_MAX))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    decided_by: Mapped[User] = relationship()
    assessment: Mapped[Assessment | None] = relationship(foreign_keys=[assessment_id])
    workshop: Mapped[Workshop | None] = relationship(foreign_keys=[workshop_id])

    @property
    def agreed(self) -> bool | None:
        """Whether the company did what the app recommended; None when nothing was."""
        return None if self.recommended is None else self.offering == self.recommended


class ResultSummary(Model):
    """One company result in plain, indexed columns: what peer benchmarks, the program
    overview and "companies like yours" count, so the database can aggregate it.

    A row is a completed online self-assessment, or a closed workshop's team result (its
    finished participants' mean scores; a workshop counts once closed, when its answers
    are final). Individual workshop participants are never rows: a team of eight would
    count its company eight times. Kept up to date by :mod:`web.storage.summaries`; derived, so
    ``flask summaries rebuild`` can always recreate it from the records.
    """

    __tablename__ = "result_summaries"
    __table_args__ = (
        CheckConstraint("(assessment_id IS NULL) <> (workshop_id IS NULL)", name="one_source"),
        # Peer groups: size band, then industry group, within demo or real data; with every
        # dimension's score, so a group's scores are read from the index alone
        # (web.reporting.peers).
        # The overview's totals and months (web.reporting.overview) read it alone too, whatever
        # their filters: hence the last four columns.
        Index(
            "ix_result_summaries_peer_scores",
            "demo",
            "size_band",
            "industry_group",
            *DIMENSION_IDS,
            "region",
            "completed_on",
            "workshop_id",
            "respondents",
        ),
        # The overview's breakdown (web.reporting.overview._breakdowns) reads this index alone, in
        # its GROUP BY order, under any of its filters.
        Index(
            "ix_result_summaries_breakdown",
            "region",
            "industry_group",
            "size_band",
            "recommended",
            "decision",
            "decision_agreed",
            "workshop_id",
            "demo",
            "completed_on",
        ),
        # Ids are never reused (SQLite would reuse the highest after a delete).
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), unique=True
    )
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), unique=True
    )
    demo: Mapped[bool] = mapped_column(default=False)
    completed_on: Mapped[date] = mapped_column(Date)  # Swedish date of finishing (or holding)
    respondents: Mapped[int] = mapped_column(SmallInteger, default=1)
    size_band: Mapped[str | None] = mapped_column(String(8))  # small, medium, large
    industry_group: Mapped[str | None] = mapped_column(String(24))  # recommender.peers
    sni_division: Mapped[int | None] = mapped_column(SmallInteger)
    region: Mapped[str | None] = mapped_column(String(2))  # län code
    overall: Mapped[int | None] = mapped_column(SmallInteger)
    # The primary step shown (None: no path, e.g. a team without the company's profile).
    recommended: Mapped[str | None] = mapped_column(String(64))
    # The advisor's decision, copied from ``decisions`` (web.storage.summaries.copy_decision) so
    # the overview counts it in the same scan: the offering chosen, and whether it was
    # the step recommended when it was decided (None: nothing was recommended).
    decision: Mapped[str | None] = mapped_column(String(64))
    decision_agreed: Mapped[bool | None] = mapped_column()
    # One column per dimension (the ids are fixed: questionnaire.dimensions).
    strategy: Mapped[int | None] = mapped_column(SmallInteger)
    readiness: Mapped[int | None] = mapped_column(SmallInteger)
    people: Mapped[int | None] = mapped_column(SmallInteger)
    data: Mapped[int | None] = mapped_column(SmallInteger)
    automation: Mapped[int | None] = mapped_column(SmallInteger)
    green_digital: Mapped[int | None] = mapped_column(SmallInteger)
    social: Mapped[int | None] = mapped_column(SmallInteger)
    ecological: Mapped[int | None] = mapped_column(SmallInteger)
    economic: Mapped[int | None] = mapped_column(SmallInteger)
    change: Mapped[int | None] = mapped_column(SmallInteger)

    assessment: Mapped[Assessment | None] = relationship(foreign_keys=[assessment_id])
    workshop: Mapped[Workshop | None] = relationship(foreign_keys=[workshop_id])


class ChangeCounter(Model):
    """How many times a kind of data has changed: a cheap, exact cache key.

    Database triggers (migration 0010) add one to ``results`` in every transaction that
    inserts, updates or deletes rows of ``result_summaries`` or ``decisions`` (or, on
    PostgreSQL, truncates them), whoever makes it: the app, a cascade, ``flask demo``, a
    repair in SQL. (On SQLite once per row, on PostgreSQL once per transaction.)
    Concurrent changes wait for each other on the row, so every committed change moves
    it, unlike a count and highest id, which two transactions committing out of order
    could leave unchanged (web.reporting.overview.fingerprint). It starts at a random value.
    """

    __tablename__ = "change_counters"
    __table_args__ = {"info": {"backup": False}}  # kept by triggers: web.operations.backup skips it

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


def new_installation_id() -> str:
    """A database's identity: 128 random bits, unguessable, derived from nothing."""
    return secrets.token_hex(16)


class Installation(Model):
    """This database's identity, one row (migration 0011 makes it).

    A trained model records it (``flask recommender train``) and the app uses a model
    only on the database it was trained on (web.storage.learned_model). A full export carries it and
    an import puts it in place; a company's export does not (web.operations.backup, which skips
    the table itself: the id travels in the export's header).
    """

    __tablename__ = "installation"
    __table_args__ = (
        CheckConstraint("id = 1", name="one_row"),
        {"info": {"backup": False}},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False, default=1)
    installation_id: Mapped[str] = mapped_column(String(64), default=new_installation_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
