"""Callback registration: each module exposes register(app); nothing uses the global @callback."""

from __future__ import annotations

import dash

from callbacks import (
    begroting,
    beheer_audit,
    beheer_gebruikers,
    beheer_upload,
    best_practices,
    buurt,
    buurt_beeld,
    buurt_uitkomsten,
    contacts,
    home,
    lerend,
    lerend_ranked,
    menukaart,
    netwerk,
    public,
    review,
    shell,
    transitie,
    vergelijken,
)


def register_all(app: dash.Dash) -> None:
    shell.register(app)
    home.register(app)
    buurt.register(app)
    buurt_beeld.register(app)
    buurt_uitkomsten.register(app)
    netwerk.register(app)
    beheer_gebruikers.register(app)
    beheer_audit.register(app)
    beheer_upload.register(app)
    lerend.register(app)
    lerend_ranked.register(app)
    vergelijken.register(app)
    transitie.register(app)
    best_practices.register(app)
    menukaart.register(app)
    review.register(app)
    contacts.register(app)
    public.register(app)
    begroting.register(app)
