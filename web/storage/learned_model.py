"""Which ranking decides a company's path: the learned one, when a saved model may be used,
else the rules of thumb. The hard rules apply on top of either.

The model is read only from the directory the app itself writes,
``<instance>/recommender`` (``flask --app app recommender train``), never from a path
given anywhere else: loading it unpickles. It is loaded once per process and kept on the
app, keyed by the modification time of its ``model.json``, so a newly trained model is
picked up without a restart, and a model that may not be used (it did not beat the
rules, another scikit-learn, NumPy or SciPy saved it, it is stale) leaves the rules in
charge, with the reason in the log.

An instance folder can serve apps on several databases, so a model is used only on the
database it was trained on (its installation id, web.storage.installation, read anew for every
path while a model is saved) and, when it learned from any demo decision, only with
``DEMO_MODE`` on.

What was used is kept with an assessment's recommendation (``source`` and
``explanation``), so its result page shows it as it was. Recommendations stored before
this existed have neither key: the rules made them.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app

from recommender.learned import METADATA_FILE as MODEL_METADATA
from recommender.learned import LoadResult, TrainedModel, load
from recommender.outcome import Ranking, learned_ranking
from web.storage import installation
from web.storage.content import Content, content

log = logging.getLogger(__name__)

_CACHE = "lyftkollen.learned_model"


def model_directory() -> Path:
    """The only place a model is saved to and loaded from."""
    return Path(current_app.instance_path) / "recommender"


def _stamp(directory: Path) -> int | None:
    try:
        return (directory / MODEL_METADATA).stat().st_mtime_ns
    except OSError:
        return None


def load_result() -> LoadResult | None:
    """The saved model's load result (cached by ``model.json``'s mtime, this database's
    installation id and demo mode); None: no model."""
    directory = model_directory()
    stamp = _stamp(directory)
    current = content()
    # Only a saved model needs the database's identity: no query while there is none.
    installed = None if stamp is None else installation.current()
    demo_mode = bool(current_app.config["DEMO_MODE"])
    key = (str(directory), stamp, current.fingerprint, installed, demo_mode)
    cached = current_app.extensions.get(_CACHE)
    if cached is not None and cached[0] == key:
        return cached[1]
    result = (
        None
        if stamp is None
        else load(directory, current.catalogue, installation_id=installed, demo_mode=demo_mode)
    )
    if result is not None:
        if result.model is None:
            log.info("learned ranking not used: %s (%s)", result.status, result.detail)
        else:
            log.info("learned ranking loaded: %s", result.detail)
    current_app.extensions[_CACHE] = (key, result)
    return result


def current_model(for_content: Content) -> TrainedModel | None:
    """The model to use for a record answered on ``for_content``, or None (the rules).

    Only for today's content: the model's features and offerings are checked against it.
    """
    if for_content.fingerprint != content().fingerprint:
        return None
    result = load_result()
    return result.model if result is not None else None


def ranking_for(for_content: Content) -> Ranking:
    """The ranking for a record answered on ``for_content``: the learned one when a saved
    model may be used, else the rules of thumb."""
    return learned_ranking(current_model(for_content))
