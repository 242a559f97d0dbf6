"""Where a redirect may go: only to a path on this site, never an open redirect."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site (``/…``), else ``fallback``."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    return fallback if parts.scheme or parts.netloc else target
