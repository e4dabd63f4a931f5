"""API of the buurtbegroting and its impact (on the same blueprint as dashboard.api):

GET /api/v1/programma/<slug>/begroting[?jaar=2026]   activities (or totals per theme, see below) and status
GET /api/v1/programma/<slug>/realisatie[?jaar=2026]  realised costs and hours per activity per period
GET /api/v1/programma/<slug>/impact                  hours, FTE and euros per hypothesis, € per hour freed
GET /api/v1/programma/impact                         programme, cohorts, buurten and the national scenarios

format=json (default) | csv | csv-nl | xlsx. Budgets are not public: anonymous → 401. The buurt's own network,
the transitieteam and the beheerder get the detail; other buurtnetwerken totals per theme (begroting) and no
realisation detail (403); suppliers 403. Impact figures follow the KPI's visibility. Unknown slug → 404.
Text cells of CSV and XLSX that a spreadsheet would run as a formula (= + - @ tab CR) start with a quote.
"""

from __future__ import annotations

import io

import pandas as pd
from flask import Response, request

from dashboard.api import YEAR_RE, ApiError, _engine, bp, respond
from dashboard.auth import current_viewer
from data_access import begroting, impact, impact_service, queries
from data_access.access import Viewer
from data_access.export_safety import safe_frame

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send(frame: pd.DataFrame, name: str, extra: dict | None = None) -> Response:
    """JSON or CSV through `dashboard.api.respond`, or XLSX; CSV and XLSX with formula-safe text cells."""
    fmt = request.args.get("format", "json")
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = name[:31]
        safe = safe_frame(frame)
        sheet.append(list(safe.columns))
        for row in safe.itertuples(index=False):
            sheet.append([None if (isinstance(v, float) and pd.isna(v)) else
                          v.item() if hasattr(v, "item") else v for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        return Response(buffer.getvalue(), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    return respond(frame, name, extra)  # respond() neutralises formula cells in CSV itself


def _programme(conn, slug: str) -> queries.AreaInfo:  # noqa: ANN001
    area = queries.find_area(conn, slug) if 0 < len(slug) <= 80 else None
    if area is None or area.programme_id is None:
        raise ApiError(404, f"onbekende programmabuurt '{slug}'")
    return area


def _logged_in() -> Viewer:
    viewer = current_viewer()
    if viewer.anonymous:
        raise ApiError(401, "log in: de begroting en haar resultaten zijn niet openbaar")
    return viewer


def _year() -> int:
    raw = request.args.get("jaar")
    if raw is None:
        return begroting.today_year()
    if not YEAR_RE.fullmatch(raw) or not 2000 <= int(raw) <= 2100:  # ASCII digits only: "²".isdigit() is True
        raise ApiError(400, "jaar moet een jaartal zijn, bv. 2026")
    return int(raw)


@bp.get("/programma/<slug>/begroting")
def budget(slug: str) -> Response:
    """The buurtbegroting of one year: activities for the own network, totals per theme for other networks."""
    viewer = _logged_in()
    year = _year()
    with _engine().connect() as conn:
        area = _programme(conn, slug)
        if not begroting.totals_visible(viewer):
            raise ApiError(403, "geen toegang tot begrotingen")
        current = begroting.budget(conn, area.programme_id, year)
        frame = begroting.activities(conn, area.programme_id, year)
    detail = begroting.detail_visible(viewer, area.programme_id)
    status = current["status"] if current else None
    extra = {"buurt": {"code": area.code, "name": area.name}, "jaar": year, "status": status,
             "detail": detail, "synthetic": bool(current and current["synthetic"])}
    if detail:
        extra["comment"] = current["comment"] if current else ""
        out = frame.drop(columns=["budget_id"]).assign(status=status)
    else:
        out = begroting.theme_totals(frame).assign(status=status)
    return send(out, f"begroting_{area.code}_{year}", extra)


@bp.get("/programma/<slug>/realisatie")
def realisation(slug: str) -> Response:
    """Realised costs and hours per activity per period (the buurt's own network, transitieteam, beheerder)."""
    viewer = _logged_in()
    year = request.args.get("jaar")
    with _engine().connect() as conn:
        area = _programme(conn, slug)
        if not begroting.detail_visible(viewer, area.programme_id):
            raise ApiError(403, "alleen het eigen buurtnetwerk en het transitieteam zien de realisatie per activiteit")
        frame = begroting.realisation(conn, area.programme_id, _year() if year is not None else None)
    if not frame.empty:
        frame["synthetic"] = frame["source"].str.contains(impact.SYNTHETIC_WORD)
    return send(frame, f"realisatie_{area.code}", {"buurt": {"code": area.code, "name": area.name}})


def _est(prefix: str, est: impact.Estimate | None) -> dict:
    if est is None:
        return {prefix: None, f"{prefix}_low": None, f"{prefix}_high": None}
    return {prefix: est.value, f"{prefix}_low": est.low, f"{prefix}_high": est.high}


def _per_hour(per_hour: impact.CostPerHour | None) -> dict:
    if per_hour is None:
        return {"euro_per_uur": None, "euro_per_uur_low": None, "euro_per_uur_high": None,
                "euro_per_uur_reden": "niet zichtbaar"}
    return {"euro_per_uur": per_hour.value, "euro_per_uur_low": per_hour.low, "euro_per_uur_high": per_hour.high,
            "euro_per_uur_reden": per_hour.reason}


@bp.get("/programma/<slug>/impact")
def buurt_impact(slug: str) -> Response:
    """Hours, FTE and euros freed per hypothesis with intervals, share of the target and € per hour freed."""
    viewer = _logged_in()
    with _engine().connect() as conn:
        area = _programme(conn, slug)
        result = impact_service.buurt_impact(conn, area.code, viewer)
    rows = [{"indicator": r["indicator"], "vrijgespeeld": r["what"], "ontwerp": r["design"],
             "periode": r["latest_period"], "effect": r["relative"], "effect_low": r["relative_low"],
             "effect_high": r["relative_high"], "geleverd": r["delivered"], "noemer": r["denominator"],
             **_est("per_jaar", r["freed"]), **_est("fte", r["fte"]), **_est("euro", r["euros"]),
             "synthetisch": r["synthetic"], "reden": r["reason"]} for r in result["hypotheses"]]
    share = result["share_of_target"]
    extra = {"buurt": {"code": area.code, "name": area.name}, "synthetisch": result["synthetic"],
             **_est("deel_van_doel", share), "gerealiseerde_kosten_jaar": result["realised_costs_year"],
             **_per_hour(result["cost_per_hour"])}
    return send(pd.DataFrame(rows), f"impact_{area.code}", extra)


@bp.get("/programma/impact")
def programme_impact() -> Response:
    """The programme's impact, per cohort and per buurt, with the scenarios beside the plan's 27k FTE and € 1,5 bn."""
    viewer = _logged_in()
    with _engine().connect() as conn:
        result = impact_service.programme_impact(conn, viewer)
    synthetic = result["synthetic"]
    rows = [{"niveau": "programma", "naam": "programma", "buurten": result["n_buurten"],
             **_est("uren", result["hours"]), **_est("fte", result["fte"]), **_est("euro", result["euros"]),
             "synthetisch": synthetic}]
    rows += [{"niveau": "scenario", "naam": f"{s['buurten']} buurten", "buurten": s["buurten"],
              **_est("uren", None), **_est("fte", s["fte"]), **_est("euro", s["euros"]),
              "deel_plan_fte": s["fte_share_of_plan"], "deel_plan_euro": s["euro_share_of_plan"],
              "synthetisch": synthetic} for s in result["scenarios"]]
    rows += [{"niveau": "cohort", "naam": f"cohort {c['cohort']}", "buurten": c["buurten"],
              **_est("uren", c["hours"]), **_est("fte", c["fte"]), **_est("euro", c["euros"]),
              "synthetisch": synthetic} for c in result["cohorts"]]
    rows += [{"niveau": "buurt", "naam": b["slug"], "buurten": 1, **_est("uren", b["hours"]),
              **_est("fte", b["fte"]), **_est("euro", b["euros"]), "gerealiseerde_kosten_jaar":
              b["realised_costs_year"], **_per_hour(b["cost_per_hour"]), "synthetisch": b["synthetic"]}
             for b in result["buurten"]]
    frame = pd.DataFrame(rows)
    params = result["parameters"]
    extra = {"plan": result["plan"], "periode": result["latest_period"], "synthetisch": synthetic,
             **_est("deel_van_doel", result["share_of_target"]),
             "parameters": {"kosten_per_fte": params.cost_per_fte,
                            "productieve_uren_per_fte": params.productive_hours_per_fte,
                            "kosten_per_huisartsconsult": params.cost_per_gp_consult,
                            "kosten_per_ligdag": params.cost_per_bed_day,
                            "kosten_per_opname": params.cost_per_admission,
                            "buurten_nederland": params.buurten_nederland, "bronnen": params.sources}}
    return send(frame, "impact_programma", extra)
