"""Callbacks of the Begroting tab (/buurt/<slug>/begroting), the Impact section of /transitie and the € per hour
freed on /buurt/<slug> and the best-practice stage.

Every callback resolves the slug through `security.authorised_programme` (unknown → message, never SQL with it)
and checks the viewer itself: the detail for the buurt's own network, transitieteam and beheerder; totals per theme
for other networks; edits for the own network and transitieteam/beheerder; decisions for the transitieteam only.
A refused save writes nothing but an audit line.
"""

from __future__ import annotations

import base64
import binascii
import os
import tempfile

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, ctx, html, no_update
from flask_login import current_user

from callbacks.common import area_code, as_int, client_ip, current_viewer, engine, per_store_version
from callbacks.transitie import allowed as transitie_allowed
from dashboard import ids
from dashboard.security import Forbidden, authorised_programme
from data_access import begroting, impact, impact_service
from data_access.access import Viewer
from data_access.audit import record_event
from data_access.importers import import_file
from data_access.importers.realisatie import realisation_csv
from data_access.menukaart import THEMES
from data_access.netwerk import agenda, menukaart
from layouts import html_table
from layouts.begroting import HIDDEN, IMPACT_PAGE
from layouts.formatting import number, signed

SHOWN: dict = {}
MSG = {
    "login": "Log in om de begroting te zien.",
    "unknown": "Onbekende buurt: ‘{code}’ staat niet in de lijst van programmabuurten.",
    "no_access": "De begroting is niet openbaar: alleen buurtnetwerken, het transitieteam en de beheerder zien haar.",
    "totals_only": "U ziet de totalen per thema. De activiteiten, bedragen per activiteit en de toelichting van de "
                   "begrotingscommissie ziet alleen het eigen buurtnetwerk (en het transitieteam).",
    "none": "Voor {year} is nog geen begroting opgesteld.",
    "none_edit": "Voor {year} is nog geen begroting: voeg hieronder de eerste activiteit toe (de begroting start "
                 "als concept).",
    "refused": "Geweigerd: u mag deze begroting niet wijzigen. Er is niets opgeslagen.",
    "saved": "Activiteit opgeslagen (versie {version}).",
    "deleted": "Activiteit verwijderd.",
    "conflict": "Iemand anders heeft deze activiteit intussen opgeslagen (versie {version} door {who}). Uw wijziging "
                "is niet opgeslagen; kies de activiteit opnieuw en voer haar opnieuw in.",
    "gone": "Deze activiteit bestaat niet (meer) in deze begroting; laad de pagina opnieuw.",
    "status_saved": "De begroting is nu {status} (versie {version}).",
    "status_conflict": "De begroting is intussen gewijzigd (versie {version}, {status}); laad de pagina opnieuw.",
    "real_saved": "Realisatie opgeslagen: {n} regel(s).",
    "real_refused": "De realisatie is afgewezen; er is niets opgeslagen.",
    "bad_upload": "Het bestand kon niet worden gelezen.",
    "no_effect": "geen betrouwbaar effect",
    "synthetic": "synthetisch",
    "real_own_only": "De realisatie per activiteit ziet alleen het eigen buurtnetwerk; de totalen staan hierboven.",
}
STATUS_COLOURS = {"concept": "secondary", "ingediend": "primary", "goedgekeurd": "success", "terug": "warning"}
THEME_NAMES = dict(THEMES)


# ---------------------------------------------------------------- helpers

def _author() -> str:
    return getattr(current_user, "email", "") or ""



def _year(value) -> int | None:  # noqa: ANN001
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 2000 <= year <= 2100 else None



def amount(value: float | None, decimals: int = 0) -> str:
    """A number in Dutch notation with a real minus sign (−1.735), as `signed` writes it."""
    text = number(value, decimals)
    return "−" + text[1:] if text.startswith("-") else text


def euro(value: float | None, decimals: int = 0) -> str:
    """€ 12.345 in Dutch notation (−€ 1.234 below zero); '–' when missing."""
    if value is None:
        return "–"
    return f"−€ {number(abs(value), decimals)}" if value < 0 else f"€ {number(value, decimals)}"


def euro_short(value: float | None, decimals: int = 1) -> str:
    """Large amounts in words: € 3,4 mln, € 1,5 mld; smaller ones as `euro`."""
    if value is None or abs(value) < 1e6:
        return euro(value)
    size, word = (1e9, "mld") if abs(value) >= 1e9 else (1e6, "mln")
    sign = "−" if value < 0 else ""
    return f"{sign}€ {number(abs(value) / size, decimals)} {word}"


def _interval(est: impact.Estimate | None, fmt=amount, decimals: int = 0) -> str:  # noqa: ANN001
    if est is None:
        return "–"
    return f"{fmt(est.value, decimals)} ({fmt(est.low, decimals)} tot {fmt(est.high, decimals)})"


def _card_value(est: impact.Estimate | None, fmt=amount, decimals: int = 0) -> list:  # noqa: ANN001
    """A headline figure with its interval on a smaller line below it."""
    if est is None:
        return ["–"]
    return [html.Div(fmt(est.value, decimals), className="fs-4 fw-semibold"),
            html.Div(f"95%: {fmt(est.low, decimals)} tot {fmt(est.high, decimals)}", className="small text-muted")]


def _synthetic_badge(flag: bool) -> dbc.Badge | None:
    return dbc.Badge(MSG["synthetic"], color="warning", text_color="dark", className="ms-1") if flag else None


def _refuse(what: str, code: str) -> dbc.Alert:
    with engine().begin() as conn:
        record_event(conn, _author() or None, "access_denied", target=f"{what} {code}"[:200], ip=client_ip())
    return dbc.Alert(MSG["refused"], color="danger", className="begroting-refused")


def _access(data):  # noqa: ANN001, ANN202
    """The programme buurt of the page for the current viewer, or (None, message) when unknown or not allowed."""
    viewer = current_viewer()
    if viewer.anonymous:
        return None, viewer, dbc.Alert(MSG["login"], color="info")
    try:
        access = authorised_programme(area_code(data))
    except Forbidden:
        return None, viewer, dbc.Alert(MSG["unknown"].format(code=area_code(data)), color="warning")
    return access, viewer, None


def cost_per_hour_text(per_hour: impact.CostPerHour | None) -> str:
    """'€ 20 per uur (15 tot 30)', or the reason there is no figure."""
    if per_hour is None:
        return "–"
    if per_hour.value is None:
        return per_hour.reason
    return f"{euro(per_hour.value)} per vrijgespeeld uur ({euro(per_hour.low)} tot {euro(per_hour.high)})"


# ---------------------------------------------------------------- the Begroting tab

def _activity_table(frame: pd.DataFrame) -> dbc.Table:
    header = html.Thead(html.Tr([html.Th("Nr."), html.Th("Thema"), html.Th("Activiteit"),
                                 html.Th("Gepland €", className="text-end"), html.Th("Gepland uren",
                                                                                     className="text-end"),
                                 html.Th("Gerealiseerd €", className="text-end"),
                                 html.Th("Gerealiseerd uren", className="text-end")]))
    body = []
    for theme, part in frame.groupby("theme", sort=False):
        for row in part.itertuples(index=False):
            body.append(html.Tr([
                html.Td(str(row.id)), html.Td(THEME_NAMES.get(theme, theme)),
                html.Td([row.name, html.Div(row.note, className="small text-muted") if row.note else None]),
                html.Td(euro(row.planned_costs), className="text-end"),
                html.Td(number(row.planned_hours), className="text-end"),
                html.Td(euro(row.realised_costs), className="text-end"),
                html.Td(number(row.realised_hours), className="text-end"),
            ], id=f"begroting-activity-{row.id}"))
        body.append(html.Tr([html.Td(""), html.Td(f"Totaal {THEME_NAMES.get(theme, theme)}", colSpan=2),
                             html.Td(euro(part["planned_costs"].sum()), className="text-end"),
                             html.Td(number(part["planned_hours"].sum()), className="text-end"),
                             html.Td(euro(part["realised_costs"].sum()), className="text-end"),
                             html.Td(number(part["realised_hours"].sum()), className="text-end")],
                            className="table-light fw-semibold"))
    body.append(_grand_total(frame, 3))
    return dbc.Table([header, html.Tbody(body)], size="sm", bordered=False, hover=True, responsive=True,
                     className="begroting-table", id="begroting-activities")


def _grand_total(frame: pd.DataFrame, span: int) -> html.Tr:
    return html.Tr([html.Td("Totaal begroting", colSpan=span),
                    html.Td(euro(frame["planned_costs"].sum()), className="text-end", id="begroting-total-costs"),
                    html.Td(number(frame["planned_hours"].sum()), className="text-end"),
                    html.Td(euro(frame["realised_costs"].sum()), className="text-end"),
                    html.Td(number(frame["realised_hours"].sum()), className="text-end")],
                   className="fw-bold border-top")


def _totals_table(frame: pd.DataFrame) -> dbc.Table:
    totals = begroting.theme_totals(frame)
    header = html.Thead(html.Tr([html.Th("Thema"), html.Th("Activiteiten", className="text-end"),
                                 html.Th("Gepland €", className="text-end"),
                                 html.Th("Gepland uren", className="text-end"),
                                 html.Th("Gerealiseerd €", className="text-end"),
                                 html.Th("Gerealiseerd uren", className="text-end")]))
    body = [html.Tr([html.Td(r.theme_name), html.Td(number(r.activities), className="text-end"),
                     html.Td(euro(r.planned_costs), className="text-end"),
                     html.Td(number(r.planned_hours), className="text-end"),
                     html.Td(euro(r.realised_costs), className="text-end"),
                     html.Td(number(r.realised_hours), className="text-end")]) for r in totals.itertuples()]
    grand = _grand_total(frame, 1)
    grand.children.insert(1, html.Td(number(len(frame)), className="text-end"))
    body.append(grand)
    return dbc.Table([header, html.Tbody(body)], size="sm", responsive=True, className="begroting-table",
                     id="begroting-theme-totals")


def _status_block(current: dict | None, detail: bool) -> html.Div:
    if current is None:
        return html.Div()
    status = current["status"]
    parts = [dbc.Badge(begroting.STATUS_LABELS[status], color=STATUS_COLOURS[status], className="fs-6 me-2",
                       id="begroting-status-badge"),
             html.Span(f"versie {current['version']}, {current['updated_by'] or '–'}, "
                       f"{_when(current['updated_at'])}", className="small text-muted")]
    if current.get("synthetic"):
        parts.append(_synthetic_badge(True))
    if detail and current.get("comment"):
        parts.append(html.Div([html.Strong("Begrotingscommissie: "), current["comment"]],
                              className="small mt-1", id="begroting-commission-comment"))
    return html.Div(parts)


def _when(value) -> str:  # noqa: ANN001
    from callbacks.netwerk import when

    return when(value)


def _history(conn, budget_id: int) -> html.Ul:  # noqa: ANN001
    items = []
    for v in begroting.history(conn, budget_id):
        status = begroting.STATUS_LABELS.get(v.data.get("status"), v.data.get("status"))
        comment = v.data.get("comment") or ""
        items.append(html.Li(f"versie {v.version}: {status} — {v.author}, {_when(v.saved_at)}"
                             + (f" — “{comment}”" if comment else "")))
    return html.Ul(items, className="mb-0")


def _link_options(conn, programme_id: int) -> list[dict]:  # noqa: ANN001
    options = [{"label": f"Agenda: {THEME_NAMES.get(r.theme, r.theme)} – {r.intervention_name or r.title or '–'}",
                "value": f"agenda-{r.id}"} for r in agenda(conn, programme_id).itertuples() if r.theme in THEME_NAMES]
    options += [{"label": f"Menukaart: {THEME_NAMES.get(r.theme, r.theme)} – {r.name}", "value": f"menukaart-{r.id}"}
                for r in menukaart(conn).itertuples()]
    return options


def update_page(data, year_value, _m1, _m2, _m3):  # noqa: ANN001, ANN201
    """Fill the tab: title, status, activities (or theme totals), which forms and buttons show, realisation."""
    access, viewer, message = _access(data)
    hide = [HIDDEN] * 6
    if access is None:
        return (message, None, None, None, *hide, [], [], HIDDEN, [], None, None, HIDDEN)
    year = _year(year_value) or begroting.today_year()
    pid = access.programme_id
    detail = begroting.detail_visible(viewer, pid)
    title = html.H1(f"Begroting {access.area.name} {year}", className="h3")
    if not begroting.totals_visible(viewer):
        return (title, None, dbc.Alert(MSG["no_access"], color="warning"), None, *hide, [], [], HIDDEN, [], None,
                None, HIDDEN)
    with engine().connect() as conn:
        current = begroting.budget(conn, pid, year)
        frame = begroting.activities(conn, pid, year)
        history = _history(conn, current["id"]) if current is not None and detail else None
        links = _link_options(conn, pid) if detail else []
        realised = begroting.realisation(conn, pid, year) if detail else pd.DataFrame()
    status = current["status"] if current else "concept"
    may_edit = access.may_edit
    editable = may_edit and status in begroting.EDITABLE_STATUSES
    decide = begroting.may_decide(viewer) and status == "ingediend"
    if frame.empty:
        table = dbc.Alert((MSG["none_edit"] if editable else MSG["none"]).format(year=year), color="info")
    elif detail:
        table = _activity_table(frame)
    else:
        table = html.Div([dbc.Alert(MSG["totals_only"], color="light", className="small"), _totals_table(frame)])
    state = {"budget_id": current["id"] if current else None, "version": current["version"] if current else None,
             "status": status, "year": year}
    pick = [{"label": f"{r.id} – {r.theme_name}: {r.name}", "value": r.id} for r in frame.itertuples()] if editable \
        else []
    real_options = [{"label": f"{r.id} – {r.name}", "value": r.id} for r in frame.itertuples()]
    show = {"form": editable, "workflow": detail,
            "submit": editable and not frame.empty, "approve": decide, "return": decide, "comment": decide}
    return (
        title, _status_block(current, detail), table, state,
        SHOWN if show["form"] else HIDDEN, SHOWN if show["workflow"] else HIDDEN,
        SHOWN if show["submit"] else HIDDEN, SHOWN if show["approve"] else HIDDEN,
        SHOWN if show["return"] else HIDDEN, SHOWN if show["comment"] else HIDDEN,
        pick, links, SHOWN if may_edit and status == "goedgekeurd" else HIDDEN, real_options,
        _realisation_table(realised) if detail else html.P(MSG["real_own_only"], className="text-muted small"),
        history, SHOWN if show["comment"] else HIDDEN,
    )


def _realisation_table(frame: pd.DataFrame):  # noqa: ANN202
    if frame.empty:
        return html.P("Nog geen realisatie vastgelegd.", className="text-muted small")
    body = [html.Tr([html.Td(str(r.activity_id)), html.Td(r.name), html.Td(r.period),
                     html.Td(euro(r.costs), className="text-end"), html.Td(number(r.hours), className="text-end"),
                     html.Td([r.source, _synthetic_badge(impact.SYNTHETIC_WORD in str(r.source))])])
            for r in frame.itertuples()]
    header = html.Thead(html.Tr([html.Th("Nr."), html.Th("Activiteit"), html.Th("Periode"),
                                 html.Th("Kosten", className="text-end"), html.Th("Uren", className="text-end"),
                                 html.Th("Bron")]))
    return dbc.Table([header, html.Tbody(body)], size="sm", responsive=True, id="begroting-realisation")


def pick_activity(activity_id, data, year_value):  # noqa: ANN001, ANN201
    """Fill the form with the chosen activity (or empty it for a new one)."""
    empty = (None, None, None, "", None, None, "")
    activity_id = as_int(activity_id)
    if activity_id is None:
        return empty
    access, viewer, _ = _access(data)
    if access is None or not access.may_edit:
        return empty
    year = _year(year_value)
    with engine().connect() as conn:
        frame = begroting.activities(conn, access.programme_id, year) if year else pd.DataFrame()
    row = frame[frame["id"] == activity_id] if not frame.empty else frame
    if row.empty:
        return empty
    r = row.iloc[0]
    link = (f"agenda-{int(r['agenda_item_id'])}" if pd.notna(r["agenda_item_id"]) else
            f"menukaart-{int(r['intervention_id'])}" if pd.notna(r["intervention_id"]) else None)
    return ({"id": int(r["id"]), "version": int(r["version"])}, r["theme"], link, r["title"] or "",
            float(r["planned_costs"]), float(r["planned_hours"]), r["note"] or "")


def _link_values(link) -> dict:  # noqa: ANN001
    if not isinstance(link, str) or "-" not in link:
        return {"agenda_item_id": None, "intervention_id": None}
    kind, _, raw = link.partition("-")
    number_ = as_int(raw)
    if kind == "agenda" and number_ is not None:
        return {"agenda_item_id": number_, "intervention_id": None}
    if kind == "menukaart" and number_ is not None:
        return {"agenda_item_id": None, "intervention_id": number_}
    return {"agenda_item_id": None, "intervention_id": None}


def save_activity(_save, _delete, data, year_value, state, theme, link, title, costs, hours, note):  # noqa: ANN001, ANN201, PLR0913
    """Save (or delete) an activity: authorised for this buurt, only while the budget is concept or terug."""
    if not ctx.triggered_id:
        return no_update, no_update
    try:
        access = authorised_programme(area_code(data), edit=True)
    except Forbidden:
        return _refuse("begroting", area_code(data)), no_update
    viewer = current_viewer()
    year = _year(year_value) or begroting.today_year()
    state = state if isinstance(state, dict) else {}
    activity_id, base = as_int(state.get("id")), as_int(state.get("version"))
    deleting = ctx.triggered_id == ids.BEGROTING_DELETE
    if deleting and activity_id is None:
        return dbc.Alert(MSG["gone"], color="warning"), no_update
    values = {"theme": theme, "title": title, "planned_costs": costs, "planned_hours": hours, "note": note,
              **_link_values(link), "deleted": deleting}
    try:
        with engine().begin() as conn:
            result = begroting.save_activity(conn, viewer, access.programme_id, year, activity_id, values, base,
                                             _author())
            if result.ok:
                record_event(conn, _author(), "edit", target=f"budget_activity/{result.record['id']} {access.slug}",
                             detail=f"versie {result.record['version']}{' (verwijderd)' if deleting else ''}",
                             ip=client_ip())
    except PermissionError:
        return _refuse("begroting", access.slug), no_update
    except begroting.BudgetError as exc:
        return dbc.Alert(str(exc), color="danger"), no_update
    if result.ok:
        text = MSG["deleted"] if deleting else MSG["saved"].format(version=result.record["version"])
        return dbc.Alert(text, color="success", className="begroting-saved", duration=8000), None
    if result.conflict:
        return dbc.Alert(MSG["conflict"].format(version=result.record["version"],
                                                who=result.record.get("updated_by") or "iemand"),
                         color="warning"), no_update
    return dbc.Alert(MSG["gone"], color="warning"), no_update


def change_status(_submit, _approve, _return, data, year_value, state, comment):  # noqa: ANN001, ANN201
    """Submit (network), approve or send back (transitieteam) the budget of the year shown."""
    action = {ids.BEGROTING_SUBMIT: "indienen", ids.BEGROTING_APPROVE: "goedkeuren",
              ids.BEGROTING_RETURN: "terugsturen"}.get(ctx.triggered_id)
    if action is None:
        return no_update
    try:
        access = authorised_programme(area_code(data))
    except Forbidden:
        return _refuse("begroting status", area_code(data))
    viewer = current_viewer()
    year = _year(year_value) or begroting.today_year()
    base = as_int((state or {}).get("version")) if isinstance(state, dict) else None
    try:
        with engine().begin() as conn:
            result = begroting.change_status(conn, viewer, access.programme_id, year, action, comment or "", base,
                                             _author())
            if result.ok:
                record_event(conn, _author(), "edit", target=f"budget/{result.record['id']} {access.slug}",
                             detail=f"{action}: versie {result.record['version']}", ip=client_ip())
    except PermissionError:
        return _refuse("begroting status", access.slug)
    except begroting.BudgetError as exc:
        return dbc.Alert(str(exc), color="danger")
    if result.ok:
        label = begroting.STATUS_LABELS[result.record["status"]].lower()
        return dbc.Alert(MSG["status_saved"].format(status=label, version=result.record["version"]),
                         color="success", className="begroting-status-saved")
    current = result.record or {}
    return dbc.Alert(MSG["status_conflict"].format(version=current.get("version"),
                                                   status=current.get("status")), color="warning")


def save_realisation(_clicks, contents, data, activity, period, costs, hours, file_name):  # noqa: ANN001, ANN201, PLR0913
    """Typed realisation or an uploaded CSV, both through the `realisatie` import (all-or-nothing, report)."""
    if not ctx.triggered_id:
        return no_update
    try:
        access = authorised_programme(area_code(data), edit=True)
    except Forbidden:
        return _refuse("realisatie", area_code(data))
    viewer = current_viewer()
    if ctx.triggered_id == ids.BEGROTING_REAL_UPLOAD:
        try:
            raw = base64.b64decode((contents or ",").split(",", 1)[1], validate=True)
        except (binascii.Error, IndexError, ValueError):
            return dbc.Alert(MSG["bad_upload"], color="danger")
        name = os.path.basename(str(file_name or "realisatie.csv"))[:200]
    else:
        raw = realisation_csv(access.slug, [{"activiteit": as_int(activity) or "", "periode": (period or "").strip(),
                                             "kosten": "" if costs is None else costs,
                                             "uren": "" if hours is None else hours}],
                              f"buurtnetwerk {access.area.name}")
        name = "realisatie (formulier)"
    allowed = None if viewer.sees_everything else {access.programme_id}
    author, ip = _author(), client_ip()

    def audit(conn, report) -> None:  # noqa: ANN001 — in the transaction that gives the batch its status
        record_event(conn, author, "import" if report.ok else "import_rejected",
                     target=f"import {report.batch_id}" if report.batch_id else "",
                     detail=f"realisatie {access.slug}: {report.status}", ip=ip)

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "realisatie.csv")
        with open(path, "wb") as handle:
            handle.write(raw)
        report = import_file(engine(), "realisatie", path, user=author, file_name=name,
                             allowed_programmes=allowed, on_done=audit)
    if report.ok:
        return dbc.Alert(MSG["real_saved"].format(n=report.accepted), color="success", className="begroting-real-ok")
    return dbc.Alert([html.P(MSG["real_refused"], className="mb-1"),
                      html.Ul([html.Li(f"regel {r.line}: {r.reason}" if r.line else r.reason)
                               for r in report.rejections[:20]])],
                     color="danger", className="begroting-real-rejected")


# ---------------------------------------------------------------- impact of one buurt

def impact_table(rows: list[dict]) -> dbc.Table:
    """Per hypothesis: effect, units freed per year, FTE and euros, each with its 95 % interval."""
    header = html.Thead(html.Tr([html.Th("Uitkomst"), html.Th("Effect (95%-interval)"),
                                 html.Th("Vrijgespeeld per jaar"), html.Th("FTE"), html.Th("Euro per jaar")]))
    body = []
    for r in rows:
        if r["relative"] is None:
            body.append(html.Tr([html.Td(r["what"]), html.Td(r["reason"] or "nog niet bekend", colSpan=4,
                                                             className="text-muted")]))
            continue
        effect = (f"{signed(r['relative'] * 100, 1, '%')} ({signed(r['relative_low'] * 100, 1, '%')} tot "
                  f"{signed(r['relative_high'] * 100, 1, '%')})")
        body.append(html.Tr([
            html.Td([r["what"], _synthetic_badge(r["synthetic"])]), html.Td(effect),
            html.Td(_interval(r["freed"])), html.Td(_interval(r["fte"], amount, 1)),
            html.Td(_interval(r["euros"], euro)),
        ], id=f"impact-row-{r['indicator']}"))
    return dbc.Table([header, html.Tbody(body)], size="sm", responsive=True, className="impact-table")


def update_impact(data):  # noqa: ANN001, ANN201
    """What the buurt freed: hours, FTE and euros with intervals, share of the target, € per hour freed."""
    access, viewer, message = _access(data)
    if access is None:
        return message
    with engine().connect() as conn:
        result = impact_service.buurt_impact(conn, access.slug, viewer)
    if not result["hypotheses"]:
        return dbc.Alert("Nog geen effect te berekenen: er zijn (voor u) geen uitkomstcijfers.", color="info")
    params = impact_service.parameters()
    share = result["share_of_target"]
    lines = [
        html.P([html.Strong("Deel van het doel (−15% uren per cliënt) bereikt: "),
                f"{amount(share.value * 100, 0)}% ({amount(share.low * 100, 0)}% tot {amount(share.high * 100, 0)}%)"
                if share else "nog niet bekend"], className="mb-1", id="impact-share"),
        html.P([html.Strong("Kosten per vrijgespeeld uur wijkverpleging: "),
                cost_per_hour_text(result["cost_per_hour"]),
                html.Span(f" — gerealiseerde kosten in hetzelfde voortschrijdende jaar: "
                          f"{euro(result['realised_costs_year'])}", className="text-muted")
                if result["realised_costs_year"] is not None else None], className="mb-2", id="impact-per-hour"),
        impact_table(result["hypotheses"]),
        html.P(f"Uren → FTE: ÷ {number(params.productive_hours_per_fte)} productieve uren per FTE per jaar; "
               f"FTE → euro: × {euro(params.cost_per_fte)} per FTE (transitieplan). Huisartsconsult "
               f"{euro(params.cost_per_gp_consult)}, ligdag {euro(params.cost_per_bed_day)}, opname "
               f"{euro(params.cost_per_admission)} (= ligdagen × prijs; opnames en ligdagen niet optellen). "
               "Bron: data_access/seed/impact_parameters.toml.",
               className="small text-muted"),
    ]
    if result["synthetic"]:
        lines.insert(0, dbc.Alert("Let op: deze cijfers rusten op synthetische (demo)leveringen.", color="warning",
                                  className="py-2 small"))
    return html.Div(lines)


def update_impact_page(data, _message):  # noqa: ANN001, ANN201
    """The impact block of the Begroting tab, again after a realisation was saved."""
    return update_impact(data)


@per_store_version
def buurt_summary(_id, data):  # noqa: ANN001, ANN201
    """One line on /buurt/<slug>: € per hour freed (or why not), with a link to the Begroting tab."""
    viewer = current_viewer()
    if viewer.anonymous or not begroting.totals_visible(viewer):
        return None
    try:
        access = authorised_programme(area_code(data))
    except Forbidden:
        return None
    with engine().connect() as conn:
        result = impact_service.buurt_impact(conn, access.slug, viewer)
    return dbc.Alert([html.Strong("Kosten per vrijgespeeld uur: "), cost_per_hour_text(result["cost_per_hour"]),
                      _synthetic_badge(result["synthetic"]), " · ",
                      html.A("naar de begroting", href=f"/buurt/{access.slug}/begroting")],
                     color="light", className="py-2", id="begroting-buurt-per-hour")


def cost_per_hour_line(conn, slug: str, viewer: Viewer) -> str:  # noqa: ANN001
    """€ per hour freed of a buurt as one line for the best-practice stage ('' when the viewer may not see it)."""
    if not begroting.totals_visible(viewer):
        return ""
    result = impact_service.buurt_impact(conn, slug, viewer)
    suffix = f" ({MSG['synthetic']})" if result["synthetic"] else ""
    return f"Kosten per vrijgespeeld uur wijkverpleging: {cost_per_hour_text(result['cost_per_hour'])}{suffix}"


# ---------------------------------------------------------------- Impact section of /transitie

def _scenario_table(result: dict) -> dbc.Table:
    plan = result["plan"]
    rows = [html.Tr([html.Td(f"{number(s['buurten'])} buurten" + (" (alle buurten van Nederland)"
                                                                   if s is result["scenarios"][-1] else "")),
                     html.Td(_interval(s["fte"], amount, 0)), html.Td(_interval(s["euros"], euro_short, 2)),
                     html.Td(f"{number(s['fte_share_of_plan'] * 100, 1)}% / "
                             f"{number(s['euro_share_of_plan'] * 100, 1)}%")],
                    id=f"impact-scenario-{s['buurten']}") for s in result["scenarios"]]
    rows.append(html.Tr([html.Td(html.Strong("Transitieplan, 2033")), html.Td(number(plan["fte_2033"])),
                         html.Td(euro_short(plan["euro_2033"])), html.Td("100%")], className="table-light"))
    header = html.Thead(html.Tr([html.Th("Als … het tot nu toe gemeten effect halen"), html.Th("FTE per jaar"),
                                 html.Th("Euro per jaar"), html.Th("Deel van het plan (van 27.000 FTE / € 1,5 mld)")]))
    return dbc.Table([header, html.Tbody(rows)], size="sm", responsive=True, id="impact-scenarios")


def _buurten_table(rows: list[dict], caption: str):  # noqa: ANN202 — one dcc.Markdown (layouts.html_table)
    """One page of the per-buurt table as one component (as html.Td cells it was ~240 Dash components)."""
    head = [html_table.tag("th", h, scope="col") for h in (
        "Buurt", "Cohort", "Uren vrijgespeeld per jaar", "FTE", "Kosten (zelfde 12 mnd)", "€ per vrijgespeeld uur")]
    badge = html_table.tag("span", MSG["synthetic"], class_name="ms-1 badge text-dark bg-warning")  # as dbc.Badge
    body = [html_table.tag("tr", [
        html_table.tag("td", [html_table.link(r["name"], f"/buurt/{r['slug']}/begroting"),
                              badge if r["synthetic"] else None], class_name="text-nowrap"),
        html_table.tag("td", str(r["cohort"])), html_table.tag("td", _interval(r["hours"]), class_name="text-nowrap"),
        html_table.tag("td", _interval(r["fte"], amount, 1), class_name="text-nowrap"),
        html_table.tag("td", euro(r["realised_costs_year"]), class_name="text-nowrap"),
        html_table.tag("td", cost_per_hour_text(r["cost_per_hour"]).replace(" per vrijgespeeld uur", "")),
    ], id=f"impact-buurt-{r['slug']}", class_name="impact-buurt-row") for r in rows]
    return html_table.table_component(head, body, table_id="impact-buurten", caption=caption,
                                      class_name="table table-sm table-hover")


def impact_buurten_page(rows: list[dict], search: str | None = None, page: int | None = 1) -> tuple:
    """One page of the per-buurt impact table (1,000 rows at once were ~9,000 components the browser never drew):
    the table, the status line, the number of pages and the page shown."""
    view = impact_service.buurten_page(rows, search, page, IMPACT_PAGE)
    text = f"{number(len(rows))} programmabuurten"
    if view["matching"] != len(rows):
        text = f"{number(view['matching'])} van de {text} gevonden"
    if view["pages"] > 1:
        text += f" · pagina {view['page']} van {view['pages']}"
    caption = (f"Per buurt, meeste vrijgespeelde uren eerst ({text}). 95%-intervallen tussen haakjes; "
               "alle buurten in één bestand: CSV of Excel boven de tabel.")
    table = _buurten_table(view["rows"], caption) if view["rows"] else \
        html.P("Geen programmabuurt gevonden.", className="text-muted")
    return table, text, view["pages"], view["page"]


def update_impact_buurten(search: str | None = None, page: int | None = 1):  # noqa: ANN201
    """Another page or a search of the per-buurt table (the first page comes with the section itself)."""
    viewer = current_viewer()
    if not transitie_allowed(viewer):
        return None, None, 1, 1
    try:
        if ctx.triggered_id == ids.IMPACT_SEARCH:
            page = 1  # a new search starts at its first page
    except dash.exceptions.MissingCallbackContextException:  # called directly (tests)
        pass
    with engine().connect() as conn:
        rows = impact_service.stored_programme_impact(conn, viewer)["buurten"]
    return impact_buurten_page(rows, search, page)


def update_impact_section(_id):  # noqa: ANN001, ANN201
    """Programme, cohorts, buurten and national scenarios in hours, FTE and euros (transitieteam and beheerder)."""
    viewer = current_viewer()
    if not transitie_allowed(viewer):
        return None, None, None, 1
    with engine().connect() as conn:
        result = impact_service.stored_programme_impact(conn, viewer)
    table, status, pages, _page = impact_buurten_page(result["buurten"])
    params = result["parameters"]
    share = result["share_of_target"]
    head = []
    if result["synthetic"]:
        head.append(dbc.Alert("Let op: alle cijfers hieronder rusten op synthetische (demo)leveringen: "
                              "synthetisch, niet echt.", color="warning", className="py-2 small"))
    if result["hours"] is None:
        head.append(dbc.Alert("Nog geen programma-effect te berekenen.", color="info"))
    else:
        percent = share.scaled(100) if share else None
        cards = [("Uren wijkverpleging vrijgespeeld per jaar", _card_value(result["hours"]), "impact-hours"),
                 ("FTE per jaar", _card_value(result["fte"], amount, 1), "impact-fte"),
                 ("Euro per jaar", _card_value(result["euros"], euro_short, 2), "impact-euros"),
                 ("Deel van het doel (−15%) bereikt", _card_value(percent, lambda v, d: f"{amount(v, d)}%"),
                  "impact-share-programme")]
        head.append(dbc.Row([dbc.Col(dbc.Card(dbc.CardBody([html.Div(label, className="small text-muted"), *value]),
                                              id=card_id, className="h-100"), xs=12, md=6, xl=3, className="mb-2")
                             for label, value, card_id in cards]))
        head.append(html.P(f"{number(result['n_buurten'])} programmabuurten met een levering in "
                           f"{result['latest_period'] or '–'}; effect {signed(result['relative'] * 100, 1, '%')} "
                           "(verschil-in-verschillen, cluster-bootstrap). 95%-intervallen tussen haakjes.",
                           className="small text-muted"))
        head.append(html.H3("Scenario's naast het transitieplan", className="h6 mt-3"))
        head.append(_scenario_table(result))
        head.append(html.P(f"Scenario: de vrijgespeelde uren per programmabuurt × het aantal buurten; "
                           f"{number(params.buurten_nederland)} = alle CBS-buurten (2024). Een programmabuurt is vaak "
                           "groter dan één CBS-buurt, dus het scenario 'alle buurten' is eerder een bovengrens.",
                           className="small text-muted"))
    cohorts = [html.Li(f"Cohort {c['cohort']}: {c['buurten_met_effect']} van {c['buurten']} buurten met een berekend "
                       f"effect; {_interval(c['hours'])} uur, {_interval(c['fte'], amount, 1)} FTE, "
                       f"{_interval(c['euros'], euro_short, 2)} per jaar", id=f"impact-cohort-{c['cohort']}")
               for c in result["cohorts"]]
    return html.Div([*head, html.H3("Per cohort", className="h6 mt-3"), html.Ul(cohorts, className="small")]), \
        table, status, pages


def register(app: dash.Dash) -> None:
    app.callback(
        Output(ids.BEGROTING_TITLE, "children"), Output(ids.BEGROTING_STATUS, "children"),
        Output(ids.BEGROTING_TABLE, "children"), Output(ids.BEGROTING_STATE, "data"),
        Output(ids.BEGROTING_FORM, "style"), Output(ids.BEGROTING_WORKFLOW, "style"),
        Output(ids.BEGROTING_SUBMIT, "style"), Output(ids.BEGROTING_APPROVE, "style"),
        Output(ids.BEGROTING_RETURN, "style"), Output(ids.BEGROTING_COMMENT, "style"),
        Output(ids.BEGROTING_EDIT_PICK, "options"), Output(ids.BEGROTING_LINK, "options"),
        Output(ids.BEGROTING_REAL_FORM, "style"), Output(ids.BEGROTING_REAL_ACTIVITY, "options"),
        Output(ids.BEGROTING_REAL_TABLE, "children"), Output(ids.BEGROTING_HISTORY, "children"),
        Output("begroting-comment-label", "style"),
        Input(ids.BEGROTING_AREA, "data"), Input(ids.BEGROTING_YEAR, "value"),
        Input(ids.BEGROTING_MESSAGE, "children"), Input(ids.BEGROTING_WORKFLOW_MESSAGE, "children"),
        Input(ids.BEGROTING_REAL_MESSAGE, "children"),
    )(update_page)
    app.callback(
        Output(ids.BEGROTING_EDIT_STATE, "data"), Output(ids.BEGROTING_THEME, "value"),
        Output(ids.BEGROTING_LINK, "value"), Output(ids.BEGROTING_ACT_TITLE, "value"),
        Output(ids.BEGROTING_COSTS, "value"), Output(ids.BEGROTING_HOURS, "value"),
        Output(ids.BEGROTING_NOTE, "value"),
        Input(ids.BEGROTING_EDIT_PICK, "value"), State(ids.BEGROTING_AREA, "data"), State(ids.BEGROTING_YEAR, "value"),
    )(pick_activity)
    app.callback(
        Output(ids.BEGROTING_MESSAGE, "children"), Output(ids.BEGROTING_EDIT_PICK, "value"),
        Input(ids.BEGROTING_SAVE, "n_clicks"), Input(ids.BEGROTING_DELETE, "n_clicks"),
        State(ids.BEGROTING_AREA, "data"), State(ids.BEGROTING_YEAR, "value"), State(ids.BEGROTING_EDIT_STATE, "data"),
        State(ids.BEGROTING_THEME, "value"), State(ids.BEGROTING_LINK, "value"),
        State(ids.BEGROTING_ACT_TITLE, "value"), State(ids.BEGROTING_COSTS, "value"),
        State(ids.BEGROTING_HOURS, "value"), State(ids.BEGROTING_NOTE, "value"), prevent_initial_call=True,
    )(save_activity)
    app.callback(
        Output(ids.BEGROTING_WORKFLOW_MESSAGE, "children"),
        Input(ids.BEGROTING_SUBMIT, "n_clicks"), Input(ids.BEGROTING_APPROVE, "n_clicks"),
        Input(ids.BEGROTING_RETURN, "n_clicks"), State(ids.BEGROTING_AREA, "data"),
        State(ids.BEGROTING_YEAR, "value"), State(ids.BEGROTING_STATE, "data"), State(ids.BEGROTING_COMMENT, "value"),
        prevent_initial_call=True,
    )(change_status)
    app.callback(
        Output(ids.BEGROTING_REAL_MESSAGE, "children"),
        Input(ids.BEGROTING_REAL_SAVE, "n_clicks"), Input(ids.BEGROTING_REAL_UPLOAD, "contents"),
        State(ids.BEGROTING_AREA, "data"), State(ids.BEGROTING_REAL_ACTIVITY, "value"),
        State(ids.BEGROTING_REAL_PERIOD, "value"), State(ids.BEGROTING_REAL_COSTS, "value"),
        State(ids.BEGROTING_REAL_HOURS, "value"), State(ids.BEGROTING_REAL_UPLOAD, "filename"),
        prevent_initial_call=True,
    )(save_realisation)
    app.callback(Output(ids.BEGROTING_IMPACT, "children"), Input(ids.BEGROTING_AREA, "data"),
                 Input(ids.BEGROTING_REAL_MESSAGE, "children"))(update_impact_page)
    app.callback(Output(ids.BEGROTING_BUURT_SUMMARY, "children"), Input(ids.BEGROTING_BUURT_SUMMARY, "id"),
                 State(ids.BUURT_AREA, "data"))(buurt_summary)
    # the section brings the table's first page (one computation on load); page and search ask for others
    app.callback(Output(ids.IMPACT_CONTENT, "children"), Output(ids.IMPACT_BUURTEN, "children"),
                 Output(ids.IMPACT_STATUS, "children"), Output(ids.IMPACT_PAGE, "max_value"),
                 Input(ids.IMPACT_SECTION, "id"))(update_impact_section)
    app.callback(Output(ids.IMPACT_BUURTEN, "children", allow_duplicate=True),
                 Output(ids.IMPACT_STATUS, "children", allow_duplicate=True),
                 Output(ids.IMPACT_PAGE, "max_value", allow_duplicate=True), Output(ids.IMPACT_PAGE, "active_page"),
                 Input(ids.IMPACT_SEARCH, "value"), Input(ids.IMPACT_PAGE, "active_page"),
                 prevent_initial_call=True)(update_impact_buurten)
