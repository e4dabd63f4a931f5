"""Callback registration: each module exposes register(app); nothing uses the global @callback."""

from __future__ import annotations

import dash

from callbacks import buurt, home, lerend, shell, vergelijken


def register_all(app: dash.Dash) -> None:
    shell.register(app)
    home.register(app)
    buurt.register(app)
    lerend.register(app)
    vergelijken.register(app)
