"""What the service says about itself, and how a workshop is shown: ``data/site.yaml``.

Loaded and validated once at start; a problem names the file and the item. No Flask here.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from questionnaire.content import read_yaml, validate
from questionnaire.model import Text

FILE_NAME = "site.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WorkshopDisplay(_Frozen):
    """How a team's result is shown on the wall."""

    outlines_from: int = Field(default=5, ge=2)  # participants before outlines are drawn
    # A larger team is shown as counts only; a slide holds 30 names in its three columns.
    names_up_to: int = Field(default=30, ge=0, le=30)
    plan_items_per_slide: int = Field(default=3, ge=1, le=3)  # side by side: 3 at most


class Site(_Frozen):
    about: Text  # who stands behind the service, on the home page
    workshop: WorkshopDisplay = WorkshopDisplay()


def load_site(data_dir: Path) -> Site:
    path = data_dir / FILE_NAME
    return validate(Site, read_yaml(path), path)
