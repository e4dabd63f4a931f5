"""The tables behind the pages as plain frames for CSV and XLSX downloads (/download/<table>.<format>).

Each table reads through the same services as its page (`visible_observations`, `review_summary`, `buurt_kpi`,
`transitie.programme_overview`), so a download never holds a value the page would hide. Column names are codes;
`DUTCH` gives the Dutch headers for the Dutch CSV and the XLSX.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection

from data_access import periods, queries
from data_access.access import Viewer
from data_access.published import visible_observations
from data_access.review_summary import GROUPS, stored_review_summary

DUTCH = {
    "theme": "Thema", "indicator": "Indicatorcode", "name": "Indicator", "unit": "Eenheid", "period": "Periode",
    "value": "Waarde", "numerator": "Teller", "denominator": "Noemer", "ci_low": "95%-interval onder",
    "ci_high": "95%-interval boven", "suppressed": "Verborgen", "note": "Toelichting", "source": "Bron",
    "synthetic": "Synthetisch (demo)", "since_previous": "Sinds vorige review", "change_previous": "Verschil vorige",
    "since_start": "Sinds nulmeting", "change_start": "Verschil nulmeting", "start_period": "Nulmeting (periode)",
    "also": "Ook voor thema's", "target": "Doel", "status": "Status", "design": "Opzet", "index_t": "Index buurt",
    "index_c": "Index vergelijkingsgroep", "band_low": "Bandbreedte onder", "band_high": "Bandbreedte boven",
    "target_index": "Streefpad", "slug": "Buurt (code)", "alliance_partner": "Alliantiepartner", "region": "Regio",
    "cohort": "Cohort", "start_date": "Start", "area": "Gebied", "area_name": "Gebiedsnaam",
    "actiehouder": "Actiehouder", "frequency": "Frequentie",
}
YES_NO = {True: "ja", False: "nee"}


def uitkomsten_table(conn: Connection, viewer: Viewer, area: queries.AreaInfo, review: str) -> pd.DataFrame:
    """Every visible value of the buurt's monitoring indicators up to the review (the uitkomsten tables' data)."""
    catalogue = queries.indicators(conn)
    monitoring = catalogue[catalogue["group"].isin(GROUPS)]
    frame = visible_observations(conn, viewer, area, list(monitoring["code"]), catalogue=catalogue)
    columns = ["indicator", "name", "unit", "period", "value", "numerator", "denominator", "ci_low", "ci_high",
               "suppressed", "note", "source", "synthetic"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = frame[frame["period"].map(periods.sort_key) <= periods.sort_key(review)]
    cat = monitoring.set_index("code")
    frame = frame.assign(name=frame["indicator"].map(cat["name"]), unit=frame["indicator"].map(cat["unit"]),
                         _k=frame["period"].map(periods.sort_key))
    frame = frame.sort_values(["indicator", "_k"])
    return frame[columns].reset_index(drop=True)


def review_table(conn: Connection, viewer: Viewer, area: queries.AreaInfo, review: str) -> pd.DataFrame:
    """The review summary, one row per indicator (judgements as words, differences as numbers)."""
    summary = stored_review_summary(conn, viewer, area, review)
    rows = []
    for theme in summary["themes"]:
        for item in theme["items"]:
            target = item["target"] or {}
            rows.append({
                "theme": theme["label"], "indicator": item["indicator"], "name": item["name"], "unit": item["unit"],
                "period": item["period"], "value": item["value"],
                "since_previous": item["since_previous"].word, "change_previous": item["since_previous"].difference,
                "since_start": item["since_start"].word, "change_start": item["since_start"].difference,
                "start_period": item["start_period"], "also": ", ".join(item["also"]),
                "target": target.get("description") or "", "actiehouder": item["actiehouder"],
                "frequency": item["frequency"],
            })
    return pd.DataFrame(rows, columns=["theme", "indicator", "name", "unit", "period", "value", "since_previous",
                                       "change_previous", "since_start", "change_start", "start_period", "also",
                                       "target", "actiehouder", "frequency"])


def kpi_table(conn: Connection, viewer: Viewer, area: queries.AreaInfo) -> pd.DataFrame:
    """The KPI and hypotheses' index series of one buurt (as the KPI chart and its table)."""
    from data_access.kpi_service import buurt_kpi

    rows = []
    for result in buurt_kpi(conn, area.code, viewer):
        for s in result["series"]:
            rows.append({"indicator": result["indicator"], "name": result["name"], "status": result["status_label"],
                         "design": result["design"], "period": s["period"], "index_t": s["index_t"],
                         "index_c": s["index_c"], "band_low": s.get("band_low"), "band_high": s.get("band_high"),
                         "target_index": s.get("target_index")})
    return pd.DataFrame(rows, columns=["indicator", "name", "status", "design", "period", "index_t", "index_c",
                                       "band_low", "band_high", "target_index"])


def transitie_table(conn: Connection) -> pd.DataFrame:
    """The transitie overview: one row per programme buurt (the caller checks the role)."""
    from data_access.transitie import programme_overview

    frame = programme_overview(conn)
    return frame.drop(columns=[c for c in ("programme_id", "gemeente_code") if c in frame.columns])


def dutch_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """The same frame with Dutch column names and ja/nee for booleans (for csv-nl and xlsx)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = out[column].map(YES_NO)
    return out.rename(columns=lambda c: DUTCH.get(c, c.replace("_", " ").capitalize()))
