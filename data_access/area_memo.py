"""The figures of the last few CBS areas (/gebied/<code>) a process computed, for as long as the store is unchanged.

Programme buurten keep their buurtbeeld profile and head in the results tables (`profile_store`, `beeld_view`); the
~14,000 CBS buurten, wijken and gemeenten do not (stored copies would grow the results table by hundreds of MB after a
crawl), so every visit of a gebied page computed them again: 0.2–0.3 s for the profile and 0.1 s for the head, 0.5–0.9 s
under the page's concurrent callbacks. Here a process keeps the last MAX_AREAS of them, keyed by the store version
(`results.store.store_version`: any import, member change or netwerk edit makes a new key), so a return visit, a
reload or a second tab reads them. Only figures every viewer sees alike are kept (the callers check `shareable`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

MAX_AREAS = 64  # per kind; a profile is ~40 kB of plain data

_lock = threading.Lock()
_held: OrderedDict[tuple[str, str, str], Any] = OrderedDict()


def remembered(conn: Connection, kind: str, key: str, compute: Callable[[], Any]) -> Any:  # noqa: ANN401
    """`compute()` for (kind, key) at the current store version, computed once per process while it is held.

    The value is shared between requests: callers must not change it (the payloads are plain data that callers only
    read)."""
    from data_access.results.store import store_version

    # the database too: test databases (and two apps in one process) share area codes and version strings
    full = (kind, key, f"{conn.engine.url}|{store_version(conn)}")
    with _lock:
        if full in _held:
            _held.move_to_end(full)
            return _held[full]
    value = compute()
    with _lock:
        _held[full] = value
        _held.move_to_end(full)
        for stale in [k for k in _held if k[0] == kind and k[2] != full[2]]:
            del _held[stale]  # another store version: never asked for again
        while sum(1 for k in _held if k[0] == kind) > MAX_AREAS:
            oldest = next(k for k in _held if k[0] == kind)
            del _held[oldest]
    return value


def clear() -> None:
    """Forget everything (tests)."""
    with _lock:
        _held.clear()
