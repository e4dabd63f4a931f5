"""The buurtbeeld profile of an area as a stored result: built by the refresh for every programme buurt, then read.

The profile (value, NL/gemeente comparison, peer spread per context indicator) changes only with the store, and
computing it aggregates the member areas, compares against NL and the gemeente and spreads 20 peers: 0.3-0.4 s
for one buurt at 1,000 programme buurten. Stored kind "context_profile" (in `results.refresh.LAZY_KINDS`; a refresh
drops it only when context figures or the programme's members changed, and then builds every programme buurt's
again from one read of each kind, `results.first_view.build_buurtbeelden`; a profile still missing is computed
and stored on its first view), key "<area code>|<peer count>"; programme buurten only.

Visibility: a stored copy is shared by every viewer, so it is only used when it cannot depend on the viewer:
every context indicator of the catalogue is public (then every non-supplier viewer, anonymous included, may see
every row it is computed from, `data_access.visibility`) and the viewer is no supplier (a supplier reads its own
source only). Otherwise the profile is computed for the viewer on each request, as before.
"""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import Connection

from data_access import area_memo, queries
from data_access.access import ANONYMOUS, Viewer
from data_access.profile import PROFILE_COLUMNS, context_profile_rows
from data_access.visibility import own_source

KIND = "context_profile"
NUMERIC = ["value", "ci_low", "ci_high", "nl_value", "gm_value", "nl_any_value", "peer_min", "peer_p25",
           "peer_median", "peer_p75", "peer_max"]


PEER_COUNT = 20  # the buurtbeeld spreads the 20 buurten most alike on context


def _payloads(conn: Connection, viewer: Viewer, areas: list[queries.AreaInfo], catalogue: pd.DataFrame,
              n_peers: int, observed: pd.DataFrame | None = None) -> dict[str, dict]:
    """Area code → stored form of its profile (one read of each kind for all areas, `profile.context_profile_rows`;
    `observed`: their visible rows when already read)."""
    from data_access.peer_groups import context_peer_codes

    peers = context_peer_codes(conn, [a.code for a in areas], n=n_peers)
    rows = context_profile_rows(conn, viewer, areas, catalogue,
                                {code: codes for code, (codes, _why) in peers.items()}, observed)
    # per area its slice of every column as a list (one pass per column, not a frame per area)
    # missing as None, so the store writes the payload directly (NaN sends it through a slow value-by-value copy)
    columns = {col: rows[col].astype(object).where(rows[col].notna(), None).tolist() for col in PROFILE_COLUMNS}
    spans = {code: (int(at[0]), int(at[-1]) + 1) for code, at in rows.groupby("area").indices.items()}  # sorted
    out = {}
    for area in areas:
        start, stop = spans.get(area.code, (0, 0))
        out[area.code] = {"profile": {col: values[start:stop] for col, values in columns.items()},
                          "n_peers": len(peers[area.code][0]), "peer_reason": peers[area.code][1]}
    return out


def _compute(conn: Connection, viewer: Viewer, area: queries.AreaInfo, catalogue: pd.DataFrame,
             n_peers: int) -> dict:
    return _payloads(conn, viewer, [area], catalogue, n_peers)[area.code]


def ahead_payloads(conn: Connection, areas: list[queries.AreaInfo], catalogue: pd.DataFrame,
                   observed: pd.DataFrame | None = None) -> dict[str, dict]:
    """Stored key → profile of these programme buurten, as `area_profile` would store them on their first view (the
    refresh builds them ahead, `results.first_view`, when a stored copy is used: `shareable`; `observed`: their rows
    as everyone sees them, when already read)."""
    return {f"{code}|{PEER_COUNT}": payload
            for code, payload in _payloads(conn, ANONYMOUS, areas, catalogue, PEER_COUNT, observed).items()}


def _frame(payload: dict) -> pd.DataFrame:
    profile = pd.DataFrame(payload["profile"], columns=PROFILE_COLUMNS)
    for col in NUMERIC:
        profile[col] = pd.to_numeric(profile[col], errors="coerce").astype(float)
    profile["peer_n"] = profile["peer_n"].fillna(0).astype(int)
    for col in ("suppressed", "synthetic"):
        profile[col] = profile[col].fillna(False).astype(bool)
    return profile


def shareable(viewer: Viewer, catalogue: pd.DataFrame) -> bool:
    """Whether this viewer sees the same profile as everyone else (see the module docstring)."""
    context = catalogue[catalogue["group"] == "context"]
    return own_source(viewer) is None and bool(context["public"].astype(bool).all())


def area_profile(conn: Connection, viewer: Viewer, area: queries.AreaInfo, catalogue: pd.DataFrame,
                 n_peers: int = PEER_COUNT) -> tuple[pd.DataFrame, int, str]:
    """(profile, number of peers, Dutch reason when there are none) of an area for this viewer."""
    from data_access.results import store

    # only programme buurten are stored (at most one row each); a CBS area's profile is cheap (~0.1 s, no members
    # to aggregate) and 14,000 stored copies would grow the results table by hundreds of MB after a crawl
    if area.programme_id is not None and shareable(viewer, catalogue):
        payload = store.get_or_compute(conn, KIND, f"{area.code}|{n_peers}",
                                       lambda: _compute(conn, ANONYMOUS, area, catalogue, n_peers))
    elif shareable(viewer, catalogue):  # a CBS area: the process keeps the last few (data_access.area_memo)
        payload = area_memo.remembered(
            conn, KIND, f"{area.code}|{n_peers}",
            lambda: json.loads(store.dumps(_compute(conn, ANONYMOUS, area, catalogue, n_peers))))
    else:
        payload = json.loads(store.dumps(_compute(conn, viewer, area, catalogue, n_peers)))  # as if stored
    return _frame(payload), int(payload["n_peers"]), payload["peer_reason"]
