"""Reading content files from ``data/`` with errors that name the file and the item."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

try:  # libyaml's parser, in C: parses data/ several times faster than PyYAML's own
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # a PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

M = TypeVar("M", bound=BaseModel)

# How a list's items are named in messages, and which key identifies one.
_ITEM_NAMES = {
    "sections": ("section", "id"),
    "questions": ("question", "id"),
    "options": ("option", "value"),
    "dimensions": ("dimension", "id"),
    "areas": ("area", "id"),
    "bands": ("band", "id"),
    "offerings": ("offering", "id"),
}


class ContentError(Exception):
    """A content file is missing, malformed or inconsistent; the app must not start."""

    def __init__(self, path: Path | str, problems: Sequence[str]) -> None:
        self.path = str(path)
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{self.path}: {len(self.problems)} problem(s)\n{lines}")


class _StrictLoader(_SafeLoader):
    """A safe loader that refuses a key given twice (PyYAML keeps the last silently).

    Only the parser is libyaml's: the objects are still built, and the keys checked, by
    PyYAML's safe constructor and ``_mapping_without_duplicates`` below."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key '{key}' given twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def read_yaml(path: Path) -> Any:
    """The parsed YAML document at ``path``."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_StrictLoader)  # noqa: S506 - a safe loader
    except FileNotFoundError:
        raise ContentError(path, ["file not found"]) from None
    except yaml.YAMLError as error:
        raise ContentError(path, [f"not valid YAML: {error}"]) from None


def describe_location(document: Any, location: Sequence[int | str]) -> str:
    """Turn a path such as ('sections', 3, 'questions', 1, 'level') into words with ids."""
    words: list[str] = []
    node = document
    parent_key: str | None = None
    for step in location:
        if isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
            node = node[step]
            name, key = _ITEM_NAMES.get(parent_key or "", ("item", "id"))
            ident = node.get(key) if isinstance(node, dict) else None
            words[-1:] = [f"{name} '{ident}'" if ident is not None else f"{name} #{step + 1}"]
        else:
            words.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
            parent_key = str(step)
    return " › ".join(words) if words else "top level"


def validate(model: type[M], document: Any, path: Path | str) -> M:
    """``document`` as ``model``, or a ContentError naming every problem and its item."""
    try:
        return model.model_validate(document)
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{describe_location(document, item['loc'])}: {message}")
        raise ContentError(path, problems) from None
