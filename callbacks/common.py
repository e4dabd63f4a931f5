"""Helpers shared by callbacks: the database engine of the current app and the current viewer."""

from __future__ import annotations

from flask import current_app

from dashboard.auth import client_ip, current_viewer  # noqa: F401 — re-exported for callbacks


def engine():  # noqa: ANN201
    return current_app.extensions["engine"]
