"""gunicorn.conf.py: the worker class follows the number of threads."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


def test_one_thread_means_sync_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    # A sync worker takes a connection only when it is free: a gthread worker with one
    # thread queued connections behind its busy thread while other workers idled.
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    settings = runpy.run_path(str(CONF))
    assert (settings["threads"], settings["worker_class"]) == (1, "sync")


def test_more_threads_mean_gthread_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    settings = runpy.run_path(str(CONF))
    assert (settings["threads"], settings["worker_class"]) == (4, "gthread")
