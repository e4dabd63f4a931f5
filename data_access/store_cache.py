"""A small per-process cache for results computed from the whole store (peer table, KPI, learning network).

Such results take seconds and only change when data is imported or the programme changes, so they are kept per
database and store version. Every worker process keeps its own copy; the version key makes a copy go stale the
moment an import lands in any worker. Callers treat cached values as read-only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy import Connection, func, select

from data_access.models import ImportBatch, ProgrammeMember

T = TypeVar("T")


def store_version(conn: Connection) -> tuple:
    """Changes whenever data is imported or the programme's member areas change (one query)."""
    return tuple(conn.execute(select(
        select(func.max(ImportBatch.id)).scalar_subquery(),
        select(func.count(ProgrammeMember.id)).scalar_subquery(),
        select(func.max(ProgrammeMember.id)).scalar_subquery(),
    )).one())


class StoreCache(Generic[T]):
    """At most `size` values, keyed by database, store version and the caller's own key; oldest out first."""

    def __init__(self, size: int):
        self.size = size
        self._items: dict[tuple, T] = {}

    def get(self, conn: Connection, key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
        """The cached value for this key, built (and stored) when absent or when the store changed."""
        full = (conn.engine.url.render_as_string(hide_password=True), store_version(conn), *key)
        if full not in self._items:
            value = build()
            if len(self._items) >= self.size:
                self._items.pop(next(iter(self._items)))
            self._items[full] = value
        return self._items[full]

    def clear(self) -> None:
        self._items.clear()
