"""API of the lerende buurt: GET /api/v1/programma/<slug>/leerpartners (on the same blueprint as dashboard.api).

?indicator= picks the outcome (default: uren wijkverpleging per cliënt); format=csv|csv-nl flattens the nested
explanation into text columns. Access: learning links rest on outcome values, which are non-public for every
monitoring indicator, so an anonymous caller asking for a non-public outcome gets 401 (log in); a logged-in caller
gets links computed only on the values they may see (data_access.published). Unknown slug → 404; an indicator that
is not a usable outcome → 400.
"""

from __future__ import annotations

import json

import pandas as pd
from flask import Response, request

from dashboard.api import ApiError, _engine, bp, respond
from dashboard.auth import current_viewer
from data_access import learning, queries


@bp.get("/programma/<slug>/leerpartners")
def learning_partners(slug: str) -> Response:
    """The learning partners of one programme buurt, with similarity, drivers, outcome difference and agenda."""
    indicator = request.args.get("indicator", learning.DEFAULT_OUTCOME).strip()
    viewer = current_viewer()
    with _engine().connect() as conn:
        area = queries.find_area(conn, slug) if 0 < len(slug) <= 80 else None
        if area is None or area.programme_id is None:
            raise ApiError(404, f"onbekende programmabuurt '{slug}'")
        catalogue = queries.indicators(conn)
        if indicator not in set(catalogue["code"]):
            raise ApiError(404, f"onbekende indicator: {indicator}")
        try:
            row = learning.check_outcome(catalogue, indicator)
        except ValueError as exc:
            raise ApiError(400, str(exc)) from exc
        if viewer.anonymous and not bool(row["public"]):
            raise ApiError(401, "log in: leerpartners rusten op niet-openbare uitkomstcijfers")
        records, reason = learning.buurt_partners(conn, area.code, viewer, indicator)
    extra = {"buurt": {"code": area.code, "name": area.name},
             "indicator": {"code": indicator, "name": str(row["name"]), "unit": str(row["unit"])},
             "reason": reason}
    if request.args.get("format", "json") != "json":
        return respond(_flat(records), f"leerpartners_{area.code}")
    # nested records (drivers, interventions) go out as they are; respond() serialises flat frames
    payload = {"data": records, "count": len(records)} | extra
    return Response(json.dumps(payload, ensure_ascii=False, default=str), mimetype="application/json")


def _flat(records: list[dict]) -> pd.DataFrame:
    """One CSV row per partner: nested drivers and interventions as readable text."""
    rows = []
    for r in records:
        flat = {k: v for k, v in r.items() if not isinstance(v, (list, dict))}
        flat["change_self_ci_low"], flat["change_self_ci_high"] = r["change_self_ci"]
        flat["change_partner_ci_low"], flat["change_partner_ci_high"] = r["change_partner_ci"]
        flat["drivers"] = "; ".join(f"{d['label']}: {d['value_self']} / {d['value_partner']}" for d in r["drivers"])
        flat["interventions"] = "; ".join(f"{i['name']} ({i['start_date'] or '–'})" for i in r["interventions"])
        rows.append(flat)
    return pd.DataFrame(rows)
