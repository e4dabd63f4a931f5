"""Explicit page registration, with URL prefixes that cannot shadow each other."""

from __future__ import annotations

import dash

from layouts import home


def register(app: dash.Dash) -> None:  # noqa: ARG001 — pages attach to the app being built
    dash.register_page("home", path="/", layout=home.layout, title="Buurtdashboard – overzicht", name="Overzicht")
