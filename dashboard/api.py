"""Read-only HTTP API (/api/v1): the base of every download and the contract for outside tools.

JSON by default; format=csv gives CSV (comma, decimal point), format=csv-nl gives ";" and decimal comma for Excel.
Anonymous callers get public sources only; unknown codes → 404, bad parameters → 400, both as JSON errors.
"""

from __future__ import annotations

import json
import math
import re

import pandas as pd
from flask import Blueprint, Response, current_app, jsonify, request

from dashboard.auth import current_viewer
from data_access import kpi_service, periods, queries
from data_access.comparisons import BENCHMARKS, with_comparison
from data_access.export_safety import safe_csv
from data_access.published import visible_observations

bp = Blueprint("api", __name__, url_prefix="/api/v1")
LEVELS = ("land", "gemeente", "wijk", "buurt", "programma")
FORMATS = ("json", "csv", "csv-nl")
MAX_PARAM_LENGTH = 1000  # no parameter needs more (a list of every indicator code is about 600 characters)
MAX_PATH_PARAM_LENGTH = 80
YEAR_RE = re.compile(r"[0-9]{4}")


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):  # noqa: ANN202
    # "fout" for Dutch readers; "error" stays for existing clients
    return jsonify({"fout": exc.message, "error": exc.message, "status": exc.status}), exc.status


def _unprintable(text: str) -> bool:
    return any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in text)


@bp.before_request
def _check_parameters() -> None:
    """Every route: 400 for a parameter no valid request has (too long, control characters such as NUL, which
    PostgreSQL refuses with an error), before anything reaches a query."""
    for key, value in request.args.items(multi=True):
        if len(key) > 40 or len(value) > MAX_PARAM_LENGTH or _unprintable(key) or _unprintable(value):
            raise ApiError(400, f"ongeldige parameter '{key[:40]}': te lang of met stuurtekens")
    for key, value in (request.view_args or {}).items():
        if isinstance(value, str) and (len(value) > MAX_PATH_PARAM_LENGTH or _unprintable(value)):
            raise ApiError(400, f"ongeldige {key}: te lang of met stuurtekens")


def _engine():  # noqa: ANN202
    return current_app.extensions["engine"]


def _format() -> str:
    fmt = request.args.get("format", "json")
    if fmt not in FORMATS:
        raise ApiError(400, f"onbekend format '{fmt}'; kies uit {', '.join(FORMATS)}")
    return fmt


def _clean(value):  # noqa: ANN001, ANN202
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def respond(frame: pd.DataFrame, name: str, extra: dict | None = None) -> Response:
    """Serialise a frame as JSON ({"data": [...]}) or CSV, as the caller asked."""
    fmt = _format()
    if fmt != "json":
        frame = frame.copy()
        for col in frame.columns:
            if frame[col].map(lambda v: isinstance(v, list)).any():
                frame[col] = frame[col].map(lambda v: " ".join(v) if isinstance(v, list) else v)
        sep, decimal = (",", ".") if fmt == "csv" else (";", ",")
        body = safe_csv(frame, index=False, sep=sep, decimal=decimal)
        return Response(body, mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    records = [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]
    payload = {"data": records, "count": len(records)} | (extra or {})
    return Response(json.dumps(payload, ensure_ascii=False, default=str), mimetype="application/json")


@bp.get("/indicators")
def list_indicators() -> Response:
    with _engine().connect() as conn:
        frame = queries.indicators(conn).drop(columns=["id", "sort_order"])
    return respond(frame, "indicatoren")


@bp.get("/areas")
def list_areas() -> Response:
    level = request.args.get("level", "buurt")
    if level not in LEVELS:
        raise ApiError(400, f"onbekend niveau '{level}'; kies uit {', '.join(LEVELS)}")
    indeling = request.args.get("indeling")
    if indeling is not None and not YEAR_RE.fullmatch(indeling):
        raise ApiError(400, "indeling moet een jaartal van vier cijfers zijn, bv. 2024")
    with _engine().connect() as conn:
        frame = queries.areas(conn, level, int(indeling) if indeling else None)
    if level == "programma":
        frame = frame.rename(columns={"members": "member_codes"})
        frame["slug"] = frame["code"]
        frame = frame[["code", "slug", "name", "level", "parent_code", "cohort", "alliance_partner", "region",
                       "start_date", "status", "provisional", "synthetic", "indeling", "member_codes",
                       "gemeente_code"]]
    return respond(frame, f"gebieden_{level}")


def _indicator_list(conn, raw: str | None) -> list[str] | None:  # noqa: ANN001
    if not raw:
        return None
    wanted = [c.strip() for c in raw.split(",") if c.strip()]
    unknown = sorted(set(wanted) - queries.indicator_codes(conn))
    if unknown:
        raise ApiError(404, f"onbekende indicator: {', '.join(unknown)}")
    return wanted


@bp.get("/observations")
def list_observations() -> Response:
    code = request.args.get("area", "").strip()
    if not code:
        raise ApiError(400, "parameter 'area' ontbreekt (CBS-code of slug van een programmabuurt)")
    period = request.args.get("period")
    if period is not None and not periods.is_valid(period):
        raise ApiError(400, f"ongeldige periode '{period}' (verwacht bv. 2023, 2025-Q2 of 2025-B3)")
    with _engine().connect() as conn:
        area = queries.find_area(conn, code)
        if area is None:
            raise ApiError(404, f"onbekend gebied '{code}'")
        wanted = _indicator_list(conn, request.args.get("indicator"))
        viewer = current_viewer()
        frame = visible_observations(conn, viewer, area, wanted, period)
        benchmark = request.args.get("benchmark")
        if benchmark is not None:
            if benchmark not in BENCHMARKS:
                raise ApiError(400, f"onbekende benchmark '{benchmark}'; kies uit {', '.join(BENCHMARKS)}")
            frame = with_comparison(conn, frame, area, benchmark, queries.indicators(conn), viewer=viewer)
    return respond(frame, f"waarnemingen_{area.code}", {"area": {"code": area.code, "name": area.name,
                                                                "level": area.level}})


def _kpi_comparison() -> str:
    comparison = request.args.get("vergelijking", "matched")
    if comparison not in kpi_service.COMPARISONS:
        raise ApiError(400, f"onbekende vergelijkingsgroep '{comparison}'; kies uit "
                            f"{', '.join(kpi_service.COMPARISONS)}")
    return comparison


def _kpi_response(results: list[dict], extra: dict) -> Response:
    if _format() != "json":
        flat = pd.DataFrame([{k: v for k, v in r.items() if k not in ("series", "event_study", "comparison")}
                             | {"comparison_n_buurten": r["comparison"]["n_buurten"]} for r in results])
        return respond(flat, "kpi_" + str(extra.get("programme", "programma")))
    return Response(json.dumps({"data": results, "count": len(results)} | extra, ensure_ascii=False, default=str),
                    mimetype="application/json")


@bp.get("/programma/<slug>/kpi")
def buurt_kpi(slug: str) -> Response:
    """The KPI and the plan's other outcome targets for one programme buurt (non-public: authorised viewers)."""
    comparison = _kpi_comparison()
    with _engine().connect() as conn:
        area = queries.find_area(conn, slug)
        if area is None or area.programme_id is None:
            raise ApiError(404, f"onbekende programmabuurt '{slug}'")
        results = kpi_service.buurt_kpi(conn, area.code, current_viewer(), comparison)
    return _kpi_response(results, {"programme": area.code, "name": area.name, "base_period": kpi_service.BASE_PERIOD})


@bp.get("/programma/kpi")
def programme_kpi() -> Response:
    """The KPI for the programme as a whole, with the event study over the staggered cohorts."""
    comparison = _kpi_comparison()
    with _engine().connect() as conn:
        results = kpi_service.programme_kpi(conn, current_viewer(), comparison)
    return _kpi_response(results, {"programme": "programma", "base_period": kpi_service.BASE_PERIOD})
