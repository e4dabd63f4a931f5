"""Helpers shared by callbacks: the database engine of the current app, the current viewer, and reading the values
a browser sends (they may be anything)."""

from __future__ import annotations

import dash
from flask import current_app

from dashboard.auth import client_ip, current_viewer  # noqa: F401 — re-exported for callbacks

KEPT_MARK = "kept_per_store_version"


def per_store_version(callback):  # noqa: ANN001, ANN201
    """Mark a callback whose answer depends only on what the browser sends, the viewer's rights (not the person),
    the stored data and results, and the date: a pure read with no form, audit line or e-mail address. Its drawn
    answer is then kept per store version and served again (dashboard/render_cache.py)."""
    setattr(callback, KEPT_MARK, True)
    return callback


def kept_per_store_version(callback) -> bool:  # noqa: ANN001
    return bool(getattr(callback, KEPT_MARK, False))


def engine():  # noqa: ANN201
    return current_app.extensions["engine"]


def area_code(data) -> str:  # noqa: ANN001
    """The area code in a page's area store ({"code": …}); "" when absent or not text, cut to 80 characters."""
    code = (data or {}).get("code", "") if isinstance(data, dict) else ""
    return code[:80] if isinstance(code, str) else ""


def as_int(value) -> int | None:  # noqa: ANN001
    """An integer sent by the browser (a record id, a year), None for anything else (bools, text, None)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def page_after(page, *filters: str) -> int:  # noqa: ANN001
    """The page to show: the first one when one of these filter inputs triggered the callback (another outcome or
    buurt starts at its first page), else the page asked for."""
    try:
        if dash.ctx.triggered_id in filters:
            return 1
    except dash.exceptions.MissingCallbackContextException:  # called directly (tests)
        pass
    return page
