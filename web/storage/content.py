"""The content from ``data/``, loaded and validated once when the app starts.

Every assessment and workshop is pinned to the content it was answered on: the three
documents are kept in the database under their fingerprint (``content_versions``), so a
later edit of ``data/`` never changes or breaks what a company was shown.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from questionnaire.content import ContentError, read_yaml
from questionnaire.loader import questionnaire_from_document
from questionnaire.model import Questionnaire
from recommender.catalogue import Catalogue, catalogue_from_documents, kept_documents
from recommender.evidence import settings_problems
from web.platform.extensions import db
from web.storage.models import Assessment, ContentVersion, Workshop

T = TypeVar("T")

# The content's documents, by the name of the file each comes from.
CONTENT_FILES = {
    "questionnaire": "questionnaire.yaml",
    "offerings": "offerings.yaml",
    "recommender": "recommender.yaml",
}


@dataclass(frozen=True)
class Content:
    questionnaire: Questionnaire
    catalogue: Catalogue
    # The parsed documents it was made from, and their fingerprint (a SHA-256 in hex).
    documents: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    fingerprint: str = ""
    # Things made from the content (the pages' form classes and questions, the pages drawn
    # once, the API's documents): made once, then reused. The form classes alone are worth
    # about 6 % of the 200-person seminar's CPU per request (bench/README.md, 2026-12-05);
    # tests/web/test_content_derived.py checks that a kept class reads a page as a new one.
    _derived: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def derived(self, key: Any, make: Callable[[], T]) -> T:
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]


def fingerprint(documents: dict[str, Any]) -> str:
    canonical = json.dumps(documents, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_from_documents(documents: dict[str, Any], source: Path | str) -> Content:
    """Validated content from parsed documents; errors name ``source``'s file and the item."""

    def where(name: str) -> Path | str:
        return Path(source) / CONTENT_FILES[name] if isinstance(source, Path) else source

    catalogue = catalogue_from_documents(
        documents["offerings"], documents["recommender"], where("offerings"), where("recommender")
    )
    questionnaire = questionnaire_from_document(
        documents["questionnaire"],
        where("questionnaire"),
        [(o.id, o.name) for o in catalogue.offerings if o.completable],
        catalogue.industries.options(),
    )
    problems = settings_problems(catalogue, questionnaire)
    if problems:
        raise ContentError(where("recommender"), problems)
    return Content(
        questionnaire=questionnaire,
        catalogue=catalogue,
        documents=documents,
        fingerprint=fingerprint(documents),
    )


def load_content(data_dir: Path) -> Content:
    """Every content file, validated; raises ContentError naming the file and the item."""
    documents = {name: read_yaml(data_dir / file) for name, file in CONTENT_FILES.items()}
    for name, document in documents.items():
        # Kept as JSON in the database: a YAML date or a number as a key would not come back.
        if json.loads(json.dumps(document, default=str)) != document:
            raise ContentError(
                data_dir / CONTENT_FILES[name],
                ["only text, numbers, lists and mappings with text keys are allowed"],
            )
    return content_from_documents(documents, data_dir)


class ContentSource(Protocol):
    """Where the running app's content comes from: read once, when the app starts.

    The seam for a later home of the content (the offering catalogue edited by admins in
    the database, say): ``create_app`` asks ``CONTENT_SOURCE`` for it, and every record
    keeps the version it was answered on (``pin``) whatever the source.
    """

    def load(self) -> Content:
        """The validated content; raises ContentError naming the file (or place) and item."""
        ...


@dataclass(frozen=True)
class DataDirectory:
    """The content files in a directory: ``data/`` (``LYFTKOLLEN_DATA_DIR``)."""

    path: Path

    def load(self) -> Content:
        return load_content(self.path)


def content() -> Content:
    """The running app's content: what new assessments are answered on."""
    return current_app.extensions["lyftkollen.content"]


class Pinned(Protocol):
    """An assessment or a workshop: a record answered on one version of the content."""

    @property
    def questionnaire_version(self) -> str: ...
    @property
    def content_id(self) -> str | None: ...


def content_for(record: Pinned) -> Content:
    """The content ``record`` was answered on: today's, or a kept earlier version.

    Records from before versions were kept (``content_id`` empty) are shown with
    today's content, as they always were. So is a record whose kept version today's
    code no longer accepts (a setting renamed in the code, say): its stored scores and
    path still show, the error is logged, and ``flask questionnaire check`` names it.
    """
    current = content()
    if record.content_id is None or record.content_id == current.fingerprint:
        return current
    kept: dict[str, Content] = current_app.extensions.setdefault("lyftkollen.kept_content", {})
    if record.content_id not in kept:
        try:
            kept[record.content_id] = kept_content(record.content_id)
        except (ContentError, LookupError):
            current_app.logger.exception("Content version %s cannot be read", record.content_id)
            kept[record.content_id] = current
    return kept[record.content_id]


def kept_content(content_id: str) -> Content:
    """A kept version of the content, validated by today's code (ContentError if not).

    Its questions, texts and rules are as they were; whether an offering still takes
    companies, and the settings added since, are today's
    (:func:`recommender.catalogue.kept_documents`).
    """
    row = db.session.get(ContentVersion, content_id)
    if row is None:
        raise LookupError(f"content version {content_id} is not in the database")
    today = content().documents
    documents = dict(row.documents)
    documents["offerings"], documents["recommender"] = kept_documents(
        documents.get("offerings"),
        documents.get("recommender"),
        today.get("offerings"),
        today.get("recommender"),
    )
    kept = content_from_documents(
        documents, f"content version {row.id[:12]} ({row.questionnaire_version})"
    )
    # Known by the fingerprint it was kept under, not that of its brought-up documents.
    return dataclasses.replace(kept, fingerprint=row.id)


def pin(record: Assessment | Workshop, c: Content) -> None:
    """Answer ``record`` on ``c``: keep ``c`` in the database if it is not there yet.

    Runs in the caller's transaction, so the record and its content land together.
    """
    session = db.session
    with session.no_autoflush:  # ``record`` may not be complete yet
        _keep(session, c)
    record.questionnaire_version = c.questionnaire.version
    record.content_id = c.fingerprint


def keep(c: Content) -> None:
    """Store ``c`` as a kept version, for records written in bulk that point at it."""
    _keep(db.session, c)


def _keep(session: Any, c: Content) -> None:
    known = session.execute(
        select(ContentVersion.id).where(ContentVersion.id == c.fingerprint)
    ).first()
    if known is not None:
        return
    values = {
        "id": c.fingerprint,
        "questionnaire_version": c.questionnaire.version,
        "documents": c.documents,
    }
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(ContentVersion).values(**values).on_conflict_do_nothing())
    # Records from before versions were kept, with this version's number, were answered
    # on this content or an unnumbered edit of it: this is the best copy there is.
    for model in (Assessment, Workshop):
        session.execute(
            update(model)
            .where(
                model.content_id.is_(None), model.questionnaire_version == c.questionnaire.version
            )
            .values(content_id=c.fingerprint)
            .execution_options(synchronize_session=False)
        )
