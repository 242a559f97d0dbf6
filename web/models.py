"""What is stored: assessments and their answers."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
