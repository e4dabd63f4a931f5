"""The review summary at the top of /buurt/<slug>/uitkomsten and in the printable handout: per theme what got better,
what got worse and what did not change, since the previous review and since the nulmeting.

A change is judged on the indicator's interval and polarity: when the 95% interval of the difference (from the two
values' intervals) excludes zero, the change is "beter" or "slechter" (or "hoger"/"lager" for neutral indicators);
otherwise "gelijk gebleven". Without an interval, an earlier value or a new measurement, the summary says so rather
than guess. Each indicator appears once, under the first of its themes, and names the others it serves.

Returns a plain view-model (dicts and lists of numbers and words); layouts/review.py renders it, layouts/review_pdf.py
prints it. What a viewer may see is decided by `visible_observations`, as for the tables below it.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

import pandas as pd
from sqlalchemy import Connection, select

from data_access import definitions, netwerk, periods, queries
from data_access.access import Viewer
from data_access.menukaart import THEMES
from data_access.models import ProgrammeBuurt
from data_access.published import visible_observations
from data_access.services.uitkomsten_view import GROUPS as UITKOMSTEN_GROUPS
from data_access.stats.intervals import z_value

GROUPS = tuple(code for code, _ in UITKOMSTEN_GROUPS)  # the groups of the uitkomsten tables, in order
Z95 = z_value(0.95)

# judgement → (word, symbol); colours live in layouts/figures.py (PALETTE), always next to the word and symbol
BETTER, WORSE, SIMILAR, CHANGED_UP, CHANGED_DOWN = "beter", "slechter", "gelijk", "hoger", "lager"
NO_NEW, NO_EARLIER, NO_INTERVAL, NO_VALUE = "geen_nieuwe_meting", "geen_eerdere_waarde", "geen_interval", "geen_waarde"
WORDS = {
    BETTER: "beter", WORSE: "slechter", SIMILAR: "gelijk gebleven", CHANGED_UP: "hoger (geen goed/slecht-richting)",
    CHANGED_DOWN: "lager (geen goed/slecht-richting)", NO_NEW: "geen nieuwe meting",
    NO_EARLIER: "nog geen eerdere waarde", NO_INTERVAL: "niet te beoordelen (geen interval)",
    NO_VALUE: "geen waarde",
}
JUDGED = {BETTER, WORSE, SIMILAR, CHANGED_UP, CHANGED_DOWN}  # a verdict, not a reason why there is none
ORDER = [WORSE, BETTER, CHANGED_UP, CHANGED_DOWN, SIMILAR, NO_NEW, NO_INTERVAL, NO_EARLIER, NO_VALUE]

ACTION_STATUS = {  # marker in the text of an action → status key
    "afgerond": "afgerond", "gedaan": "afgerond", "klaar": "afgerond", "x": "afgerond",
    "loopt": "loopt", "bezig": "loopt", "gestart": "loopt",
    "open": "open", "": "open",
    "vervallen": "vervallen", "gestopt": "vervallen",
}
ACTION_LABELS = {"open": "open", "loopt": "loopt", "afgerond": "afgerond", "vervallen": "vervallen"}
_MARKER = re.compile(r"\[\s*(afgerond|gedaan|klaar|x|loopt|bezig|gestart|open|vervallen|gestopt|)\s*\]",
                     re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")


@dataclass(frozen=True)
class Change:
    """A difference between two values of one indicator and how it is judged."""

    judgement: str
    difference: float | None = None
    since_period: str | None = None

    @property
    def word(self) -> str:
        return WORDS[self.judgement]


def _missing(value) -> bool:  # noqa: ANN001
    return value is None or (isinstance(value, float) and math.isnan(value)) or bool(pd.isna(value))


def _half_width(row: pd.Series, kind: str | None = None) -> float | None:
    """Standard error from a row's 95% interval (half its width over z), None without an interval.

    A count delivered without a numerator (adoption counts typed in by the buurtnetwerk) gets the Poisson
    standard error √n: the count itself is the number of events.
    """
    if _missing(row["ci_low"]) or _missing(row["ci_high"]):
        if kind == "count" and not _missing(row["value"]) and float(row["value"]) >= 0:
            return math.sqrt(max(float(row["value"]), 1.0))
        return None
    return (float(row["ci_high"]) - float(row["ci_low"])) / 2 / Z95


def judge(new: pd.Series | None, old: pd.Series | None, polarity: str, kind: str | None = None) -> Change:
    """Judge the change from `old` to `new`: significant when the difference's 95% interval excludes zero."""
    if new is None or _missing(new["value"]):
        return Change(NO_VALUE)
    if old is None or _missing(old["value"]):
        return Change(NO_EARLIER)
    if old["period"] == new["period"]:
        return Change(NO_NEW, 0.0, old["period"])
    diff = float(new["value"]) - float(old["value"])
    se_new, se_old = _half_width(new, kind), _half_width(old, kind)
    if se_new is None or se_old is None:
        return Change(NO_INTERVAL, diff, old["period"])
    if abs(diff) <= Z95 * math.hypot(se_new, se_old):
        return Change(SIMILAR, diff, old["period"])
    if polarity == "neutral":
        return Change(CHANGED_UP if diff > 0 else CHANGED_DOWN, diff, old["period"])
    up_is_good = polarity != "lower_is_better"
    return Change(BETTER if (diff > 0) == up_is_good else WORSE, diff, old["period"])


def _as_of(rows: list[dict], period: str) -> dict | None:
    """The latest value as of a review (the rule of `definitions.latest_as_of`: the newest period up to it with a
    value) among one indicator's records, oldest first (`uitkomsten_view.records_by_area`)."""
    key = periods.sort_key(period)
    return next((r for r in reversed(rows) if r["_k"] <= key and not _missing(r["value"])), None)


def parse_actions(text: str | None) -> list[dict]:
    """The actions agreed at a review: one per line; a marker such as [afgerond], [loopt] or [open] sets its status."""
    out = []
    for line in (text or "").splitlines():
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        found = _MARKER.search(line)
        status = ACTION_STATUS[found.group(1).lower()] if found else "open"
        words = _MARKER.sub("", line).strip(" –-:")
        if words:
            out.append({"text": words, "status": status, "status_label": ACTION_LABELS[status]})
    return out


def last_session(conn: Connection, programme_id: int, review: str) -> dict | None:
    """The most recent review session up to and including `review`, with its actions parsed."""
    frame = netwerk.reviews(conn, programme_id)
    if frame.empty:
        return None
    key = periods.sort_key(review)
    frame = frame[frame["period"].map(lambda p: periods.is_valid(p) and periods.sort_key(p) <= key)]
    if frame.empty:
        return None
    row = frame.iloc[0]  # newest first
    held = row["held_on"]
    return {"period": row["period"], "period_label": periods.label(row["period"]),
            "held_on": None if _missing(held) else pd.Timestamp(held).date(),
            "attendees": row["attendees"] or "", "actions": parse_actions(row["actions"])}


def _target(cat_row: pd.Series) -> dict | None:
    if _missing(cat_row["target_value"]) and not isinstance(cat_row["target_description"], str):
        return None
    return {"value": None if _missing(cat_row["target_value"]) else float(cat_row["target_value"]),
            "description": cat_row["target_description"] if isinstance(cat_row["target_description"], str) else ""}


def _kpi(conn: Connection, slug: str, viewer: Viewer) -> list[dict]:
    from data_access.kpi_service import buurt_kpi

    return [{"indicator": r["indicator"], "name": r["name"], "status": r["status"],
             "status_label": r["status_label"], "reason": r["reason"] or "", "design": r["design"],
             "latest_period": r["latest_period"]}
            for r in buurt_kpi(conn, slug, viewer) if r["latest_period"] is not None]


def review_summary(conn: Connection, viewer: Viewer, area: queries.AreaInfo, review: str,
                   with_kpi: bool = True) -> dict:
    """The review summary of one programme buurt at one bimonthly review, as plain data."""
    return with_network(conn, viewer, area, _own_part(conn, viewer, area, review), with_kpi)


def _own_part(conn: Connection, viewer: Viewer, area: queries.AreaInfo, review: str) -> dict:
    """`summary_parts` of one buurt, read as this viewer may see it."""
    from data_access.services.uitkomsten_view import monitoring_codes

    catalogue = queries.indicators(conn)
    frame = visible_observations(conn, viewer, area, monitoring_codes(catalogue), catalogue=catalogue)
    start_date = conn.execute(select(ProgrammeBuurt.start_date)
                              .where(ProgrammeBuurt.id == area.programme_id)).scalar_one_or_none()
    return summary_parts(frame, [(area.code, area.name, start_date)], review, catalogue)[area.code]


def summary_parts(frame: pd.DataFrame, buurten: list[tuple[str, str, object]], review: str,
                  catalogue: pd.DataFrame) -> dict[str, dict]:
    """The part of the summary that rests on each buurt's own rows (`frame`: published monitoring observations of
    `buurten`, slug, name, start date): per theme what changed. Pure and one pass over all buurten, so the refresh
    builds the whole programme's at once; `with_network` adds the KPI and the last session."""
    from data_access.services.uitkomsten_view import records_by_area

    monitoring = catalogue[catalogue["group"].isin(GROUPS)].sort_values("sort_order", kind="stable")
    previous = periods.previous(review)
    theme_names = dict(THEMES)
    records = records_by_area(frame)
    synthetic = frame.groupby("area")["synthetic"].any().to_dict() if not frame.empty else {}
    indicators = []
    for c in monitoring.to_dict("records"):
        themes = [t.strip() for t in (c["theme"] if isinstance(c["theme"], str) else "").split(",")
                  if t.strip() in theme_names]
        if themes:
            indicators.append((c, themes))
    out = {}
    for slug, name, start_date in buurten:
        by_theme: dict[str, list[dict]] = {code: [] for code, _ in THEMES}
        for c, themes in indicators:
            rows = records.get((slug, c["code"]), [])
            latest = _as_of(rows, review)
            if latest is None:
                continue  # nothing delivered up to this review: the full table below says so
            before = _as_of(rows, previous)
            valued = [r for r in rows if not _missing(r["value"])]
            base = definitions.nulmeting([r["period"] for r in valued], start_date).period
            first = next(r for r in valued if r["period"] == base) if base is not None else latest
            polarity = c["polarity"]
            since_start = (judge(latest, first, polarity, c["kind"]) if first["period"] != latest["period"]
                           else Change(NO_EARLIER))
            by_theme[themes[0]].append({
                "indicator": c["code"], "name": c["name"], "kind": c["kind"], "unit": c["unit"], "polarity": polarity,
                "group": c["group"], "themes": themes, "also": [theme_names[t] for t in themes[1:]],
                "value": None if _missing(latest["value"]) else float(latest["value"]), "period": latest["period"],
                "suppressed": bool(latest["suppressed"]),
                "note": "" if _missing(latest.get("note")) else str(latest.get("note") or ""),
                "synthetic": bool(latest["synthetic"]),
                "since_previous": judge(latest, before, polarity, c["kind"]), "since_start": since_start,
                "start_period": first["period"], "target": _target(c),
                "actiehouder": c.get("actiehouder") or "", "frequency": c.get("frequency") or "",
            })
        themes_out = []
        for code, label in THEMES:
            items = sorted(by_theme[code], key=lambda i: ORDER.index(i["since_previous"].judgement))
            counts = {j: sum(1 for i in items if i["since_previous"].judgement == j) for j in (BETTER, WORSE, SIMILAR)}
            themes_out.append({"theme": code, "label": label, "items": items, "counts": counts})
        out[slug] = {"slug": slug, "name": name, "review": review, "review_label": periods.label(review),
                     "previous": previous, "previous_label": periods.label(previous), "themes": themes_out,
                     "synthetic": bool(synthetic.get(slug, False)), "empty": slug not in synthetic}
    return out


def with_network(conn: Connection, viewer: Viewer, area: queries.AreaInfo, own: dict, with_kpi: bool = True) -> dict:
    """The summary: its own part with the buurt's KPI (stored) and the last review session up to the review (read
    per request, so a saved session never makes the stored part stale)."""
    session = last_session(conn, area.programme_id, own["review"]) if area.programme_id is not None else None
    return {**own, "kpi": _kpi(conn, area.code, viewer) if with_kpi and not viewer.anonymous else [],
            "session": session}


def judgements(summary: dict, which: str = "since_previous") -> dict[str, list[str]]:
    """Indicator codes per judgement across all themes (for tests, the handout and screen readers' summary)."""
    out: dict[str, list[str]] = {}
    for theme in summary["themes"]:
        for item in theme["items"]:
            out.setdefault(item[which].judgement, []).append(item["indicator"])
    return out


KIND = "review_summary_own"  # `summary_parts` per scope|slug|review; built ahead for every buurt by the refresh


def _to_payload(summary: dict) -> dict:
    themes = [{**t, "items": [{**i, "since_previous": asdict(i["since_previous"]),
                               "since_start": asdict(i["since_start"])} for i in t["items"]]}
              for t in summary["themes"]]
    return {**summary, "themes": themes}


def _from_payload(payload: dict) -> dict:
    themes = [{**t, "items": [{**i, "since_previous": Change(**i["since_previous"]),
                               "since_start": Change(**i["since_start"])} for i in t["items"]]}
              for t in payload["themes"]]
    return {**payload, "themes": themes}


def part_payloads(frame: pd.DataFrame, buurten: list[tuple[str, str, object]], scope: str, review: str,
                  catalogue: pd.DataFrame) -> dict[str, dict]:
    """`summary_parts` as stored rows (key scope|slug|review): what the refresh stores ahead."""
    return {f"{scope}|{slug}|{review}": _to_payload(part)
            for slug, part in summary_parts(frame, buurten, review, catalogue).items()}


def stored_review_summary(conn: Connection, viewer: Viewer, area: queries.AreaInfo, review: str) -> dict:
    """`review_summary` from its stored part (per buurt, review and viewer scope), with the KPI and last session.

    The part depends on the viewer only through the aggregate scope (`data_access.results.scopes`): it shows
    programme-buurt aggregates, which every network sees as the team does."""
    from data_access.results import store
    from data_access.results.scopes import aggregate_scope, scope_viewer

    scope = aggregate_scope(viewer)
    own = _from_payload(store.get_or_compute(conn, KIND, f"{scope}|{area.code}|{review}", lambda: _to_payload(
        _own_part(conn, scope_viewer(scope), area, review))))
    return with_network(conn, scope_viewer(scope), area, own)
