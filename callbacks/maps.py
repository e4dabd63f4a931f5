"""The stored programme map (outlines and buurt positions) as the maps draw it, once per process and stored version."""

from __future__ import annotations

import pandas as pd

from data_access import transitie
from data_access.results import store
from layouts.maps import outline_image, outline_points


def _map_parts(payload: dict) -> tuple[dict | None, pd.DataFrame]:
    """The stored map data: the outlines as one picture (`outline_image`) and the buurten's positions."""
    locations = store.frame_from(payload["locations"])
    if locations.empty:
        locations = pd.DataFrame(columns=["programme_id", "x", "y"])
    return outline_image(*outline_points(*payload["outlines"])), locations


def programme_map(conn) -> tuple[dict | None, pd.DataFrame]:  # noqa: ANN001
    """(outline picture or None, positions per programme_id) of the stored map (computed when not stored)."""
    return transitie.stored_map(conn, _map_parts)
