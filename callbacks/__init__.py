"""Callback registration: each module exposes register(app); nothing uses the global @callback."""

from __future__ import annotations

import dash

from callbacks import beheer_audit, beheer_gebruikers, beheer_upload, buurt, home, netwerk, shell
from callbacks import best_practices as best_practices_callbacks
from callbacks import menukaart as menukaart_callbacks
from callbacks import transitie as transitie_callbacks


def register_all(app: dash.Dash) -> None:
    shell.register(app)
    home.register(app)
    buurt.register(app)
    netwerk.register(app)
    beheer_gebruikers.register(app)
    beheer_audit.register(app)
    beheer_upload.register(app)
    transitie_callbacks.register(app)
    best_practices_callbacks.register(app)
    menukaart_callbacks.register(app)
