"""What is stored: assessments and their answers."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from web.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_token() -> str:
    """An unguessable id for a private link: 128 bits of randomness."""
    return secrets.token_urlsafe(16)


class Assessment(db.Model):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The only id that ever leaves the server: in private links and the API.
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5), default="sv")
    source: Mapped[str] = mapped_column(String(10), default="web")
    status: Mapped[str] = mapped_column(String(12), default="in_progress")
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Filled when completed: what the person was shown, kept as it was then.
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    recommendation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def completed(self) -> bool:
        return self.status == "completed"

    def answer_map(self) -> dict[str, Any]:
        return {a.question_id: a.value for a in self.answers}


class Answer(db.Model):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


ROLES = ("advisor", "admin")


def new_login_id() -> str:
    return secrets.token_urlsafe(24)


class User(db.Model):
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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

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
        self.password_hash = generate_password_hash(password)
        self.login_id = new_login_id()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)
