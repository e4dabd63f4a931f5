"""Drawn callback answers kept per store version, so a page opened again does not rebuild the same components.

The read model stores every figure once per change of the store; what is left per request is turning a stored
view-model into Dash components and JSON (the uitkomsten table: ~1,200 components, ~35 ms of the ~50 ms its
callback costs at 1,000 buurten). Many people open the same screens (a buurtnetwerk before its session, the
transitieteam's overview), so the answer is kept, in this process, under everything it can depend on:

- which callback and exactly what the browser sent (its inputs, state and which input changed: the request body);
- what the viewer may see (role, programme buurten, supplier source; never the person);
- the store version and the read model's state (a delivery, import or netwerk edit changes the first; a refresh
  that finishes or starts changes the second), and today's date (the default review follows the calendar).

Only callbacks marked `callbacks.common.per_store_version` are kept: pure reads of the store whose answer depends
on nothing else (no form, no audit line, no e-mail address). The cache is bounded in bytes (RENDER_CACHE_MB per
worker, 0 = off) and drops the least recently used answers, so a worker's memory stays flat; each worker keeps its
own, but every one of them answers from the same stored figures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, Response, current_app, g, request

from dashboard.auth import current_viewer
from data_access.results.store import state, store_version

DISPATCH_SUFFIX = "/_dash-update-component"


class RenderCache:
    """A thread-safe least-recently-used map from key to response body, bounded by the bodies' total size."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if len(body) > self.max_bytes // 8:  # one huge answer must not push out everything else
            return
        with self._lock:
            old = self._items.pop(key, None)
            self.bytes -= len(old) if old is not None else 0
            self._items[key] = body
            self.bytes += len(body)
            while self.bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._items)


def _kept_callback(dash_app, output: str, kept: Callable[[Callable], bool]) -> bool:  # noqa: ANN001
    entry = dash_app.callback_map.get(output)
    callback = entry and entry.get("callback")
    return bool(callback) and kept(getattr(callback, "__wrapped__", callback))


def _rights() -> str:
    viewer = current_viewer()
    if viewer.anonymous:
        return "anoniem"
    return f"{viewer.role}|{','.join(map(str, sorted(viewer.programme_ids)))}|{viewer.supplier_source or ''}"


def _key(body: bytes) -> str:
    with current_app.extensions["engine"].connect() as conn:
        version = store_version(conn)
        read_model = state(conn)
    stamp = f"{version}|{read_model['store_version']}|{read_model['refreshed_at']}|{read_model['running']}|" \
            f"{read_model['step']}|{dt.date.today().isoformat()}|{_rights()}"
    return hashlib.sha256(stamp.encode() + b"\0" + body).hexdigest()


def install(server: Flask, dash_app, kept: Callable[[Callable], bool]) -> None:  # noqa: ANN001
    """Serve kept answers before Dash dispatches, and keep new ones, for the callbacks `kept` accepts (call after
    the request guard is installed: a kept answer is only served to a request the guard let through)."""
    cache = RenderCache(server.config["RENDER_CACHE_MB"] * 1024 * 1024)
    server.extensions["render_cache"] = cache
    if cache.max_bytes <= 0:
        return

    @server.before_request
    def serve_kept() -> Response | None:
        if request.method != "POST" or not request.path.endswith(DISPATCH_SUFFIX):
            return None
        body = request.get_data(cache=True)
        try:
            output = json.loads(body).get("output")
        except (ValueError, AttributeError):
            return None  # Dash answers a malformed request itself
        if not isinstance(output, str) or not _kept_callback(dash_app, output, kept):
            return None
        key = _key(body)
        answer = cache.get(key)
        if answer is not None:
            return Response(answer, mimetype="application/json")
        g.render_key = key
        return None

    @server.after_request
    def keep(response: Response) -> Response:
        key = g.pop("render_key", None)
        if key is not None and response.status_code == 200 and not response.direct_passthrough:
            cache.put(key, response.get_data())
        return response
