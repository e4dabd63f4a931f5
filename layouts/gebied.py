"""Context page of any CBS buurt, wijk or gemeente (/gebied/<code>): public figures only, as a buurtbeeld.

Filled by callbacks.buurt_beeld.update_head (the store says kind "gebied": anonymous view, CBS codes only).
"""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from layouts.buurt import area_name, beeld_body


def layout(code: str | None = None, **_query) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.BUURT_AREA, data={"kind": "gebied", "code": (code or "").strip().strip("/")}),
        beeld_body(),
    ], className="buurt-page")


def title(code: str | None = None, **_query) -> str:
    code = (code or "").strip().strip("/").upper()
    name = area_name(code) if code[:2] in ("BU", "WK", "GM", "NL") else None
    if name is None:
        return "Onbekend gebied – Buurtdashboard"
    return f"{name} ({code}) – gebied – Buurtdashboard" if name != code else f"{code} – gebied – Buurtdashboard"
