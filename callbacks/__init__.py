"""Callback registration: each module exposes register(app); nothing uses the global @callback."""

from __future__ import annotations

import dash

from callbacks import buurt, buurt_beeld, buurt_uitkomsten, home, shell


def register_all(app: dash.Dash) -> None:
    shell.register(app)
    home.register(app)
    buurt.register(app)
    buurt_beeld.register(app)
    buurt_uitkomsten.register(app)
