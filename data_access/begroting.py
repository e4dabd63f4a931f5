"""The buurtbegroting: activities per theme with planned costs and hours, its status, and the realisation.

Every buurtnetwerk "ontwikkelt passende buurtbegroting incl. planning, i.o.m. begrotingscommissie" (transitieplan).
One budget per programme buurt per year; its activities link to the buurtagenda and the menukaart. Status:

    concept ──indienen──▶ ingediend ──goedkeuren──▶ goedgekeurd
       ▲                      │
       └──── (bewerken) ◀── terug ◀──terugsturen (with a comment)

The buurt's own network (and transitieteam, beheerder) edits activities and submits while the budget is concept or
terug; only the transitieteam (the begrotingscommissie) approves or sends back. Budgets and activities are saved
through the versioned-record service (`records.save_record`: author, time, optimistic lock, full history).
Realised costs and hours per activity per period arrive only through the `realisatie` import
(`importers/realisatie.py`), whether typed in the form or delivered as CSV.

Visibility (`detail_visible`, `totals_visible`): the buurt's own network, the transitieteam and the beheerder see
the detail; other buurtnetwerken see totals per theme only; suppliers and anonymous visitors see nothing.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from sqlalchemy import Connection, func, select

from data_access import periods, records
from data_access.access import Viewer
from data_access.menukaart import THEMES
from data_access.models import AgendaItem, Budget, BudgetActivity, BudgetRealisation, Intervention

STATUSES = ("concept", "ingediend", "goedgekeurd", "terug")
STATUS_LABELS = {"concept": "Concept", "ingediend": "Ingediend", "goedgekeurd": "Goedgekeurd",
                 "terug": "Teruggestuurd"}
EDITABLE_STATUSES = ("concept", "terug")
DECIDERS = ("transitieteam",)  # the begrotingscommissie
ACTIONS = {"indienen": ("ingediend", EDITABLE_STATUSES), "goedkeuren": ("goedgekeurd", ("ingediend",)),
           "terugsturen": ("terug", ("ingediend",))}
THEME_NAMES = dict(THEMES)
MAX_AMOUNT = 100_000_000  # euros or hours per activity per year: anything above is a typing error
ACTIVITY_COLUMNS = ["id", "version", "budget_id", "theme", "theme_name", "intervention_id", "intervention_name",
                    "agenda_item_id", "agenda_title", "title", "name", "planned_costs", "planned_hours", "note",
                    "realised_costs", "realised_hours", "updated_by", "updated_at"]


class BudgetError(ValueError):
    """A budget change the rules do not allow; the message is Dutch and shown to the user."""


# ---------------------------------------------------------------- who sees and does what

def detail_visible(viewer: Viewer, programme_id: int) -> bool:
    """The buurt's own network, transitieteam and beheerder see activities, amounts and comments."""
    return records.may_edit(viewer, programme_id)


def totals_visible(viewer: Viewer) -> bool:
    """Other buurtnetwerken see totals per theme; suppliers and anonymous visitors see nothing."""
    return viewer.sees_everything or viewer.role == "buurtnetwerk"


def may_decide(viewer: Viewer) -> bool:
    """Only the begrotingscommissie (transitieteam) approves or sends back a budget."""
    return viewer.role in DECIDERS


# ---------------------------------------------------------------- reading

def budget(conn: Connection, programme_id: int, year: int) -> dict | None:
    """The budget of one buurt and year as a plain dict, or None when there is none yet."""
    return records.load_where(conn, Budget, programme_id=programme_id, year=int(year))


def budget_years(conn: Connection, programme_id: int) -> list[int]:
    """Years for which the buurt has a budget, newest first."""
    rows = conn.execute(select(Budget.year).where(Budget.programme_id == programme_id)
                        .order_by(Budget.year.desc())).scalars()
    return list(rows)


def activities(conn: Connection, programme_id: int, year: int) -> pd.DataFrame:
    """The live activities of one buurt's budget for a year, with names and realised totals, in theme order."""
    realised = (select(BudgetRealisation.activity_id, func.sum(BudgetRealisation.costs).label("realised_costs"),
                       func.sum(BudgetRealisation.hours).label("realised_hours"))
                .group_by(BudgetRealisation.activity_id).subquery())
    stmt = (
        select(BudgetActivity.id, BudgetActivity.version, BudgetActivity.budget_id, BudgetActivity.theme,
               BudgetActivity.intervention_id, Intervention.name.label("intervention_name"),
               BudgetActivity.agenda_item_id, AgendaItem.title.label("agenda_title"), BudgetActivity.title,
               BudgetActivity.planned_costs, BudgetActivity.planned_hours, BudgetActivity.note,
               realised.c.realised_costs, realised.c.realised_hours, BudgetActivity.updated_by,
               BudgetActivity.updated_at)
        .join(Budget, Budget.id == BudgetActivity.budget_id)
        .join(Intervention, Intervention.id == BudgetActivity.intervention_id, isouter=True)
        .join(AgendaItem, AgendaItem.id == BudgetActivity.agenda_item_id, isouter=True)
        .join(realised, realised.c.activity_id == BudgetActivity.id, isouter=True)
        .where(BudgetActivity.programme_id == programme_id, Budget.year == int(year),
               BudgetActivity.deleted.is_(False))
        .order_by(BudgetActivity.id)
    )
    frame = pd.read_sql(stmt, conn)
    frame["realised_costs"] = frame["realised_costs"].astype(float).fillna(0.0)
    frame["realised_hours"] = frame["realised_hours"].astype(float).fillna(0.0)
    frame["theme_name"] = frame["theme"].map(THEME_NAMES).fillna(frame["theme"])
    frame["name"] = [_activity_name(t, i, a) for t, i, a in
                     zip(frame["title"], frame["intervention_name"], frame["agenda_title"], strict=True)]
    order = {code: i for i, (code, _) in enumerate(THEMES)}
    frame = frame.assign(_o=frame["theme"].map(order).fillna(99)).sort_values(["_o", "id"]).drop(columns="_o")
    return frame[ACTIVITY_COLUMNS].reset_index(drop=True)


def _activity_name(title: object, intervention: object, agenda: object) -> str:
    for value in (title, intervention, agenda):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return "(zonder naam)"


def theme_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Planned and realised costs and hours per theme (what other buurtnetwerken may see)."""
    columns = ["planned_costs", "planned_hours", "realised_costs", "realised_hours"]
    rows = []
    for code, name in THEMES:
        part = frame[frame["theme"] == code]
        if part.empty:
            continue
        rows.append({"theme": code, "theme_name": name, "activities": len(part),
                     **{c: float(part[c].sum()) for c in columns}})
    return pd.DataFrame(rows, columns=["theme", "theme_name", "activities", *columns])


def realisation(conn: Connection, programme_id: int, year: int | None = None) -> pd.DataFrame:
    """Realised costs and hours per activity per period (newest period last), optionally of one budget year."""
    stmt = (
        select(BudgetRealisation.activity_id, BudgetActivity.theme, BudgetActivity.title,
               Intervention.name.label("intervention_name"), Budget.year, BudgetRealisation.period,
               BudgetRealisation.costs, BudgetRealisation.hours, BudgetRealisation.source,
               BudgetRealisation.batch_id, BudgetRealisation.updated_by, BudgetRealisation.updated_at)
        .join(BudgetActivity, BudgetActivity.id == BudgetRealisation.activity_id)
        .join(Budget, Budget.id == BudgetActivity.budget_id)
        .join(Intervention, Intervention.id == BudgetActivity.intervention_id, isouter=True)
        .where(BudgetRealisation.programme_id == programme_id)
    )
    if year is not None:
        stmt = stmt.where(Budget.year == int(year))
    frame = pd.read_sql(stmt, conn)
    if frame.empty:
        return frame
    frame["name"] = [_activity_name(t, i, None) for t, i in zip(frame["title"], frame["intervention_name"],
                                                                 strict=True)]
    keys = frame["period"].map(periods.sort_key)
    return (frame.assign(_k=keys).sort_values(["_k", "activity_id"]).drop(columns=["_k", "title",
                                                                                    "intervention_name"])
            .reset_index(drop=True))


def history(conn: Connection, budget_id: int) -> list[records.Version]:
    """Every saved version of a budget (status changes with author, time and comment), newest first."""
    return records.history(conn, records.record_type(Budget), budget_id)


# ---------------------------------------------------------------- writing

def ensure_budget(conn: Connection, programme_id: int, year: int, author: str, synthetic: bool = False) -> dict:
    """The budget of a buurt and year, created as concept when missing."""
    current = budget(conn, programme_id, year)
    if current is not None:
        return current
    result = records.save_record(conn, Budget, None, {"year": int(year), "status": "concept", "comment": "",
                                                      "synthetic": synthetic}, None, author, programme_id)
    return result.record if result.record is not None else budget(conn, programme_id, year)


def _amount(value: object, label: str) -> float:
    if value in (None, ""):
        return 0.0
    try:
        number = float(str(value).replace(",", ".")) if not isinstance(value, int | float) else float(value)
    except ValueError:
        raise BudgetError(f"{label}: ‘{value}’ is geen getal") from None
    if not math.isfinite(number) or number < 0:
        raise BudgetError(f"{label} kan niet negatief of leeg-oneindig zijn")
    if number > MAX_AMOUNT:
        raise BudgetError(f"{label} is onwaarschijnlijk groot ({number:,.0f})")
    return number


def clean_activity(conn: Connection, programme_id: int, values: dict) -> dict:
    """Check and normalise an activity's fields; BudgetError with a Dutch reason when something is wrong."""
    theme = values.get("theme")
    if theme not in THEME_NAMES:
        raise BudgetError("kies een thema")
    intervention_id = values.get("intervention_id")
    agenda_item_id = values.get("agenda_item_id")
    if intervention_id is not None:
        found = conn.execute(select(Intervention.theme).where(Intervention.id == int(intervention_id))).scalar()
        if found is None:
            raise BudgetError("onbekende interventie van de menukaart")
    if agenda_item_id is not None:
        found = conn.execute(select(AgendaItem.programme_id, AgendaItem.intervention_id)
                             .where(AgendaItem.id == int(agenda_item_id), AgendaItem.deleted.is_(False))).first()
        if found is None or found.programme_id != programme_id:
            raise BudgetError("deze regel staat niet op de buurtagenda van deze buurt")
        intervention_id = intervention_id if intervention_id is not None else found.intervention_id
    title = str(values.get("title") or "").strip()[:200]
    if not title and intervention_id is None and agenda_item_id is None:
        raise BudgetError("geef de activiteit een naam, of koppel haar aan de buurtagenda of de menukaart")
    return {"theme": theme, "intervention_id": None if intervention_id is None else int(intervention_id),
            "agenda_item_id": None if agenda_item_id is None else int(agenda_item_id), "title": title,
            "planned_costs": _amount(values.get("planned_costs"), "Geplande kosten"),
            "planned_hours": _amount(values.get("planned_hours"), "Geplande uren"),
            "note": str(values.get("note") or "")[:20_000], "deleted": bool(values.get("deleted", False))}


def save_activity(conn: Connection, viewer: Viewer, programme_id: int, year: int, activity_id: int | None,
                  values: dict, base_version: int | None, author: str) -> records.SaveResult:
    """Add or change an activity of the buurt's budget for `year` (concept or terug only)."""
    if not records.may_edit(viewer, programme_id):
        raise PermissionError("geen toegang tot deze begroting")
    current = ensure_budget(conn, programme_id, year, author)
    if current["status"] not in EDITABLE_STATUSES:
        raise BudgetError(f"de begroting is {STATUS_LABELS[current['status']].lower()}: activiteiten wijzigen kan "
                          "alleen in een concept of een teruggestuurde begroting")
    clean = clean_activity(conn, programme_id, values)
    if activity_id is not None:
        existing = records.load(conn, BudgetActivity, int(activity_id))
        if existing is None or existing["programme_id"] != programme_id or existing["budget_id"] != current["id"]:
            return records.SaveResult("onbekend", None, clean)
    else:
        clean["budget_id"] = current["id"]
    return records.save_record(conn, BudgetActivity, activity_id, clean, base_version, author, programme_id)


def change_status(conn: Connection, viewer: Viewer, programme_id: int, year: int, action: str, comment: str,
                  base_version: int | None, author: str) -> records.SaveResult:
    """Submit (network), approve or send back (transitieteam, with a comment) a budget; versioned like any edit."""
    if action not in ACTIONS:
        raise BudgetError(f"onbekende actie ‘{action}’")
    target, allowed_from = ACTIONS[action]
    if action == "indienen":
        if not records.may_edit(viewer, programme_id):
            raise PermissionError("geen toegang tot deze begroting")
    elif not may_decide(viewer):
        raise PermissionError("alleen de begrotingscommissie (transitieteam) beslist over een begroting")
    current = budget(conn, programme_id, year)
    if current is None:
        raise BudgetError("er is nog geen begroting voor dit jaar")
    if current["status"] not in allowed_from:
        raise BudgetError(f"de begroting is {STATUS_LABELS[current['status']].lower()}; ‘{action}’ kan alleen "
                          f"vanuit {' of '.join(STATUS_LABELS[s].lower() for s in allowed_from)}")
    comment = (comment or "").strip()[:20_000]
    if action == "terugsturen" and not comment:
        raise BudgetError("schrijf bij terugsturen wat er anders moet")
    if action == "indienen" and activities(conn, programme_id, year).empty:
        raise BudgetError("een begroting zonder activiteiten kan niet worden ingediend")
    values = {"status": target, "comment": comment if action != "indienen" else current["comment"]}
    return records.save_record(conn, Budget, current["id"], values, base_version, author, programme_id)


# ---------------------------------------------------------------- realised costs in a window (for € per hour)

def months_of(period: str) -> list[tuple[int, int]]:
    """The calendar months (year, month) a period covers."""
    year, kind, n = periods.parse(period)
    first, count = {"Y": (1, 12), "Q": (3 * (n - 1) + 1, 3), "B": (2 * (n - 1) + 1, 2)}[kind]
    return [(year, m) for m in range(first, first + count)]


def rolling_year_months(period: str) -> set[tuple[int, int]]:
    """The twelve months ending with the last month of `period` (insurers deliver rolling-year figures)."""
    year, month = months_of(period)[-1]
    out = set()
    for _ in range(12):
        out.add((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def realised_costs(frame: pd.DataFrame, months: set[tuple[int, int]] | None = None) -> float:
    """Sum of realised costs, pro rata for periods that only partly fall in `months` (all when None)."""
    if frame.empty:
        return 0.0
    if months is None:
        return float(frame["costs"].sum())
    total = 0.0
    for period, costs in zip(frame["period"], frame["costs"], strict=True):
        covered = months_of(period)
        share = sum(1 for m in covered if m in months) / len(covered)
        total += float(costs) * share
    return total


def all_realisation(conn: Connection) -> pd.DataFrame:
    """Realised costs per programme buurt and period (for the programme view), without activity detail."""
    return pd.read_sql(
        select(BudgetRealisation.programme_id, BudgetRealisation.period,
               func.sum(BudgetRealisation.costs).label("costs"), func.sum(BudgetRealisation.hours).label("hours"))
        .group_by(BudgetRealisation.programme_id, BudgetRealisation.period), conn)


def today_year(today: dt.date | None = None) -> int:
    return (today or dt.date.today()).year
