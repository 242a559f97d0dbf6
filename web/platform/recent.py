"""A few recently made results, by key, in this process: for results that are costly to
make and are asked for again and again unchanged (the programme overview, whose key is
the database's change counters).

The key must name everything the result is made from, so that any change gives a new
key; then a result is never stale, in this process or any other, and nothing needs to
be told when the data changes. Old keys simply fall out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from flask import current_app

V = TypeVar("V")


class Recent(Generic[V]):
    """The ``size`` most recently used results; safe to share between threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The result for ``key``, made with ``make`` if it is not kept (outside the lock:
        two threads may both make it, and either result is right)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def recent(name: str, size: int = 64) -> Recent[Any]:
    """The running app's ``Recent`` called ``name`` (each app has its own)."""
    kept: Recent[Any] = current_app.extensions.setdefault(name, Recent(size))
    return kept
