"""Callbacks of the Buurtnetwerk page (/buurt/<slug>/netwerk) and of the network's inputs shown elsewhere:
the narrative and agenda on /buurt/<slug>/beeld, review notes on /buurt/<slug>/uitkomsten, links on /buurt/<slug>.

Every callback resolves the slug itself (unknown → message, never SQL with it). Every save authorises inside the
callback with `current_viewer()` for the slug it receives: members of that buurt, transitieteam and beheerder may
edit; a crafted request for another buurt is refused and writes nothing but an audit line.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, ctx, html, no_update
from flask_login import current_user

from callbacks.common import area_code, as_int, client_ip, current_viewer, engine, per_store_version
from dashboard import ids
from data_access import netwerk as queries_netwerk
from data_access import periods, queries, records, results
from data_access.audit import record_event
from data_access.importers import import_file
from data_access.menukaart import THEMES
from data_access.models import AgendaItem, BuurtReport, Narrative, ReviewSession, utcnow
from data_access.netwerk import MANDATORY_THEMES, REVIEW_FIELDS, SKIPPED, STATUSES, STORY_FIELDS, delivery_csv
from data_access.published import visible_observations
from layouts.formatting import time_nl

THEME_NAMES = dict(THEMES)
STORY = [name for name, _, _ in STORY_FIELDS]
REVIEW_TEXT = [name for name, _, _ in REVIEW_FIELDS]
OWN = "eigen"
SKIP = "overslaan"
MAX_TEXT = 20_000
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
SHOWN, HIDDEN = {}, {"display": "none"}
MSG = {
    "unknown": "Onbekende buurt: ‘{code}’ staat niet in de lijst van programmabuurten.",
    "login": "Log in om de inbreng van het buurtnetwerk te zien.",
    "editable": "U kunt de inbreng van deze buurt bewerken. Elke opgeslagen versie blijft bewaard.",
    "read_only": "Alleen lezen: alleen leden van het buurtnetwerk van {name} en het transitieteam kunnen dit "
                 "bewerken.",
    "refused": "Opslaan geweigerd: u mag de inbreng van deze buurt niet bewerken. Er is niets opgeslagen.",
    "saved": "Opgeslagen als versie {version} ({when}).",
    "gone": "Dit onderdeel bestaat niet (meer) voor deze buurt; laad de pagina opnieuw. Er is niets opgeslagen.",
    "conflict_head": "Iemand anders heeft dit intussen opgeslagen",
    "conflict": "{who} sloeg op {when} versie {version} op terwijl u aan het bewerken was. Uw tekst is NIET "
                "opgeslagen, maar staat nog in het formulier. Lees beide versies hieronder; met ‘Mijn tekst opslaan "
                "als nieuwe versie’ bewaart u uw tekst als nieuwe versie (de andere blijft in de geschiedenis).",
    "no_review": "Voor {label} zijn nog geen aantekeningen vastgelegd.",
    "no_story": "Het buurtnetwerk heeft het verhaal bij het buurtbeeld nog niet geschreven.",
    "no_agenda": "Er staan nog geen interventies op de buurtagenda.",
}
YOURS, THEIRS = "Uw tekst (niet opgeslagen)", "Opgeslagen door {who}"


# ---------------------------------------------------------------- helpers

def _programme(conn, data) -> queries.AreaInfo | None:  # noqa: ANN001
    """The programme buurt of the page's store, or None for anything that is not a known slug."""
    code = (data or {}).get("code", "") if isinstance(data, dict) else ""
    if not isinstance(code, str) or not SLUG.match(code):
        return None
    area = queries.find_area(conn, code)
    return area if area is not None and area.programme_id is not None else None



def _author() -> str:
    return getattr(current_user, "email", "") or ""



def when(value) -> str:  # noqa: ANN001
    """A stored UTC time as Dutch local time: 23-11-2026 21:05 (`layouts.formatting.time_nl`)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return time_nl(value)


def day(value) -> str:  # noqa: ANN001
    """A date as 01-03-2026; '–' when missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return "–"
    return pd.Timestamp(value).strftime("%d-%m-%Y")


def _date(value) -> dt.date | None:  # noqa: ANN001
    """Parse an <input type=date> value (YYYY-MM-DD); ValueError with a Dutch message when malformed."""
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(f"ongeldige datum ‘{value}’ (verwacht jjjj-mm-dd)") from None


def _text(value) -> str:  # noqa: ANN001
    return (value if isinstance(value, str) else "")[:MAX_TEXT]


def _paragraphs(text: str) -> list:
    return [html.P(line) for line in (text or "").splitlines() if line.strip()] or [html.P("–", className="text-muted")]


def saved_alert(record: dict) -> dbc.Alert:
    return dbc.Alert(MSG["saved"].format(version=record["version"], when=when(record["updated_at"])),
                     color="success", className="save-ok", duration=8000)


def conflict_alert(fields: list[tuple[str, str]], theirs: dict, mine: dict) -> dbc.Alert:
    """Both texts side by side: the version someone else saved and the user's unsaved one."""
    rows = []
    for name, label in fields:
        other, own = str(theirs.get(name) or ""), str(mine.get(name) or "")
        if other == own:
            continue
        rows.append(html.Tr([html.Th(label, scope="row"), html.Td(_paragraphs(other), className="conflict-theirs"),
                             html.Td(_paragraphs(own), className="conflict-mine")]))
    who = theirs.get("updated_by") or "iemand"
    return dbc.Alert([
        html.H4(MSG["conflict_head"], className="alert-heading h5"),
        html.P(MSG["conflict"].format(who=who, when=when(theirs.get("updated_at")), version=theirs.get("version"))),
        dbc.Table([html.Thead(html.Tr([html.Th(""), html.Th(THEIRS.format(who=who)), html.Th(YOURS)])),
                   html.Tbody(rows)], size="sm", bordered=True, className="conflict-table mb-0 bg-white"),
    ], color="warning", className="save-conflict")


def _refuse(conn, what: str, code: str) -> dbc.Alert:  # noqa: ANN001
    record_event(conn, _author() or None, "access_denied", target=f"{what} {code}"[:200], ip=client_ip())
    return dbc.Alert(MSG["refused"], color="danger", className="save-refused")


def _audit_saved(conn, record_type: str, record: dict, code: str) -> None:  # noqa: ANN001
    record_event(conn, _author(), "edit", target=f"{record_type}/{record['id']} {code}"[:200],
                 detail=f"versie {record['version']}", ip=client_ip())


def _save(model: type, data, state, values: dict, overwrite: bool, what: str):  # noqa: ANN001, ANN202
    """Authorise, then save through the versioned service. Returns (message, new state, overwrite style)."""
    state = state if isinstance(state, dict) else {}
    record_id = as_int(state.get("conflict_id") if overwrite else state.get("id"))
    base = as_int(state.get("conflict_version") if overwrite else state.get("version"))
    if record_id is None and overwrite:
        return dbc.Alert(MSG["gone"], color="warning"), no_update, HIDDEN
    viewer = current_viewer()
    with engine().begin() as conn:
        area = _programme(conn, data)
        if area is None or not records.may_edit(viewer, area.programme_id):
            return _refuse(conn, what, area_code(data)), no_update, HIDDEN
        if record_id is not None and base is None:
            return dbc.Alert(MSG["gone"], color="warning"), no_update, HIDDEN
        result = records.save_record(conn, model, record_id, values, base, _author(), area.programme_id)
        if result.ok:
            _audit_saved(conn, records.record_type(model), result.record, area.code)
    if result.ok:  # a story, review or report: only the adoption counts (transitie rows) depend on it
        results.after_change(engine(), [area.programme_id], steps=frozenset())
        return saved_alert(result.record), {"id": result.record["id"], "version": result.record["version"]}, HIDDEN
    if result.conflict:
        labels = [(n, lbl) for n, lbl, _ in STORY_FIELDS + REVIEW_FIELDS] + [
            ("held_on", "Datum bijeenkomst"), ("intro", "Inleiding"), ("published", "Gepubliceerd")]
        state = {**state, "conflict_id": result.record["id"], "conflict_version": result.record["version"]}
        mine = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in result.unsaved.items()}
        theirs = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in result.record.items()}
        return conflict_alert([(n, lbl) for n, lbl in labels if n in values], theirs, mine), state, SHOWN
    return dbc.Alert(MSG["gone"], color="warning"), no_update, HIDDEN


def _history_options(model: type, data, state) -> list[dict]:  # noqa: ANN001
    record_id = as_int((state or {}).get("id")) if isinstance(state, dict) else None
    if record_id is None or current_viewer().anonymous:
        return []
    with engine().connect() as conn:
        area = _programme(conn, data)
        record = records.load(conn, model, record_id) if area else None
        if record is None or record["programme_id"] != area.programme_id:
            return []
        versions = records.history(conn, records.record_type(model), record_id)
    return [{"label": f"Versie {v.version} · {v.author or 'onbekend'} · {when(v.saved_at)}", "value": v.version}
            for v in versions]


def _old_version(model: type, version, data, state, fields: list[tuple[str, str]]):  # noqa: ANN001, ANN202
    record_id = as_int((state or {}).get("id")) if isinstance(state, dict) else None
    version = as_int(version)
    if record_id is None or version is None or current_viewer().anonymous:
        return None
    with engine().connect() as conn:
        area = _programme(conn, data)
        versions = records.history(conn, records.record_type(model), record_id) if area else []
    match = [v for v in versions if v.version == version and v.data.get("programme_id") == area.programme_id]
    if not match:
        return None
    v = match[0]
    return dbc.Card(dbc.CardBody([
        html.H4(f"Versie {v.version}, opgeslagen door {v.author or 'onbekend'} op {when(v.saved_at)}",
                className="h6"),
        html.Dl([item for name, label in fields
                 for item in (html.Dt(label), html.Dd(_paragraphs(str(v.data.get(name) or ""))))]),
    ]), className="old-version bg-light")


# ---------------------------------------------------------------- buurtbeeld-verhaal

def load_verhaal(data):  # noqa: ANN001, ANN201
    """Title, the four texts (read-only unless the viewer may edit), the record state and the save button."""
    viewer = current_viewer()
    blank = [""] * len(STORY)
    with engine().connect() as conn:
        area = _programme(conn, data)
        if area is None:
            return (dbc.Alert(MSG["unknown"].format(code=area_code(data)), color="warning"), *blank,
                    *[True] * len(STORY), None, HIDDEN)
        if viewer.anonymous:
            return (dbc.Alert([MSG["login"], " ", html.A("Inloggen", href=f"/login?next=/buurt/{area.code}/netwerk")],
                              color="info"), *blank, *[True] * len(STORY), None, HIDDEN)
        narrative = records.load_where(conn, Narrative, programme_id=area.programme_id)
    editable = records.may_edit(viewer, area.programme_id)
    title = html.Div([
        html.H1(f"Buurtnetwerk {area.name}"),
        html.P(MSG["editable"] if editable else MSG["read_only"].format(name=area.name),
               className="text-muted netwerk-rights"),
    ])
    values = [narrative[f] if narrative else "" for f in STORY]
    state = {"id": narrative["id"], "version": narrative["version"]} if narrative else {"id": None, "version": None}
    return title, *values, *[not editable] * len(STORY), state, SHOWN if editable else HIDDEN


def save_verhaal(_save_clicks, _overwrite_clicks, data, state, *texts):  # noqa: ANN001, ANN201
    """Save the narrative; on conflict show both texts and keep the user's in the form."""
    if ctx.triggered_id not in (ids.NETWERK_VERHAAL_SAVE, ids.NETWERK_VERHAAL_OVERWRITE):
        return no_update, no_update, no_update
    values = {name: _text(t) for name, t in zip(STORY, texts, strict=True)}
    return _save(Narrative, data, state, values, ctx.triggered_id == ids.NETWERK_VERHAAL_OVERWRITE, "narrative")


def verhaal_history(state, data):  # noqa: ANN001, ANN201
    return _history_options(Narrative, data, state), None


def verhaal_old(version, state, data):  # noqa: ANN001, ANN201
    return _old_version(Narrative, version, data, state, [(n, lbl) for n, lbl, _ in STORY_FIELDS])


# ---------------------------------------------------------------- buurtagenda

def coverage(items: pd.DataFrame) -> list:
    """Warnings for missing mandatory themes and for other themes skipped without a justification."""
    out = []
    for theme, label in THEMES:
        rows = items[items["theme"] == theme] if not items.empty else items
        active = rows[rows["status"] != SKIPPED] if not rows.empty else rows
        skipped = rows[rows["status"] == SKIPPED] if not rows.empty else rows
        if not active.empty:
            out.append(html.Li([html.Strong(label), f": {len(active)} interventie(s)"], className="theme-ok"))
        elif theme in MANDATORY_THEMES:
            out.append(html.Li([html.Strong(label), ": verplicht thema, maar er staat nog niets op de agenda"],
                               className="theme-missing text-danger"))
        elif not skipped.empty:
            out.append(html.Li([html.Strong(label), ": overgeslagen – ", skipped.iloc[0]["note"]],
                               className="theme-skipped"))
        else:
            out.append(html.Li([html.Strong(label), ": niet op de agenda en geen motivatie; kies een interventie "
                                                    "of leg vast waarom de buurt dit thema overslaat"],
                               className="theme-unjustified text-warning-emphasis"))
    warn = any(t in MANDATORY_THEMES for t in set(THEME_NAMES) - set(
        items.loc[items["status"] != SKIPPED, "theme"] if not items.empty else []))
    return [dbc.Alert([html.Strong("Thema's op de agenda"), html.Ul(out, className="mb-0")],
                      color="warning" if warn else "light", className="agenda-coverage")]


def _agenda_view(conn, area: queries.AreaInfo, editable: bool):  # noqa: ANN001, ANN202
    items = queries_netwerk.agenda(conn, area.programme_id)
    if items.empty:
        table = html.P(MSG["no_agenda"], className="text-muted")
    else:
        body = []
        for _, r in items.iterrows():
            name = r["intervention_name"] if isinstance(r["intervention_name"], str) else (
                r["title"] or ("thema overgeslagen" if r["status"] == SKIPPED else "–"))
            buttons = [dbc.Button("Bewerken", id=ids.netwerk_agenda_edit(int(r["id"])), size="sm", color="link"),
                       dbc.Button("Verwijderen", id=ids.netwerk_agenda_delete(int(r["id"])), size="sm",
                                  color="link", className="text-danger")] if editable else []
            body.append(html.Tr([
                html.Td(THEME_NAMES.get(r["theme"], r["theme"])), html.Td(name), html.Td(day(r["start_date"])),
                html.Td(r["status"]), html.Td(r["note"] or "", className="small"),
                html.Td(f"v{r['version']} · {r['updated_by']}", className="small text-muted"), html.Td(buttons),
            ], className="agenda-row", **{"data-item": str(r["id"])}))
        table = dbc.Table([html.Thead(html.Tr([html.Th(h) for h in (
            "Thema", "Interventie", "Start", "Status", "Toelichting", "Versie", "")])), html.Tbody(body)],
            size="sm", hover=True, responsive=True, className="agenda-table")
    versions = {str(i): int(v) for i, v in zip(items["id"], items["version"], strict=True)}
    return coverage(items), table, versions


def load_agenda(data):  # noqa: ANN001, ANN201
    """Theme coverage, the agenda lines, their versions, the intervention options and the form (editors only)."""
    viewer = current_viewer()
    with engine().connect() as conn:
        area = _programme(conn, data)
        if area is None or viewer.anonymous:
            return None, None, {}, [], HIDDEN
        editable = records.may_edit(viewer, area.programme_id)
        cover, table, versions = _agenda_view(conn, area, editable)
        menu = queries_netwerk.menukaart(conn)
    options = [{"label": f"{THEME_NAMES.get(t, t)} – {n}", "value": str(i)}
               for i, n, t in zip(menu["id"], menu["name"], menu["theme"], strict=True)]
    options += [{"label": "Eigen interventie (vul hieronder een naam in)", "value": OWN},
                {"label": "Dit thema slaan we over (motivatie verplicht)", "value": SKIP}]
    return cover, table, versions, options, SHOWN if editable else HIDDEN


def agenda_values(conn, theme, intervention, title, start, status, note) -> dict:  # noqa: ANN001
    """Check the agenda form and return the record values; ValueError with a Dutch message when not valid."""
    title, note = _text(title)[:200], _text(note)
    if intervention in (None, ""):
        raise ValueError("kies een interventie van de menukaart, een eigen interventie of ‘thema overslaan’")
    if intervention not in (OWN, SKIP):
        menu = queries_netwerk.menukaart(conn)
        match = menu[menu["id"].astype(str) == str(intervention)]
        if match.empty:
            raise ValueError("onbekende interventie")
        theme = match.iloc[0]["theme"]  # a menukaart intervention belongs to its own theme
    if theme not in THEME_NAMES:
        raise ValueError("kies een thema")
    if intervention == SKIP:
        if theme in MANDATORY_THEMES:
            raise ValueError(f"{THEME_NAMES[theme]} is verplicht en kan niet worden overgeslagen")
        if not note.strip():
            raise ValueError("leg in de toelichting uit waarom de buurt dit thema overslaat")
        return {"theme": theme, "intervention_id": None, "title": "", "start_date": None, "status": SKIPPED,
                "note": note, "deleted": False}
    if intervention == OWN and not title.strip():
        raise ValueError("geef de eigen interventie een naam")
    if status not in STATUSES:
        raise ValueError("kies een status: " + ", ".join(STATUSES))
    return {"theme": theme, "intervention_id": None if intervention == OWN else int(intervention),
            "title": title if intervention == OWN else "", "start_date": _date(start), "status": status,
            "note": note, "deleted": False}


def save_agenda(_clicks, data, state, theme, intervention, title, start, status, note):  # noqa: ANN001, ANN201
    """Add or update one agenda line (versioned); refresh the list and coverage."""
    if ctx.triggered_id != ids.NETWERK_AGENDA_SAVE:
        return (no_update,) * 5
    viewer = current_viewer()
    state = state if isinstance(state, dict) else {}
    record_id, base = as_int(state.get("id")), as_int(state.get("version"))
    with engine().begin() as conn:
        area = _programme(conn, data)
        if area is None or not records.may_edit(viewer, area.programme_id):
            return _refuse(conn, "agenda_item", area_code(data)), no_update, no_update, no_update, no_update
        try:
            values = agenda_values(conn, theme, intervention, title, start, status, note)
        except ValueError as exc:
            return dbc.Alert(f"Niet opgeslagen: {exc}.", color="danger"), no_update, no_update, no_update, no_update
        result = records.save_record(conn, AgendaItem, record_id, values, base, _author(), area.programme_id)
        if result.ok:
            _audit_saved(conn, "agenda_item", result.record, area.code)
        cover, table, versions = _agenda_view(conn, area, True)
    if result.conflict:
        msg = dbc.Alert(f"Niet opgeslagen: {result.record['updated_by']} heeft deze regel op "
                        f"{when(result.record['updated_at'])} gewijzigd. Uw invoer staat nog in het formulier; de "
                        f"lijst hierboven toont de nieuwe stand. Kies ‘Bewerken’ om opnieuw te beginnen.",
                        color="warning", className="save-conflict")
        return msg, cover, table, versions, no_update
    if not result.ok:
        return dbc.Alert(MSG["gone"], color="warning"), cover, table, versions, {"id": None, "version": None}
    results.after_change(engine(), [area.programme_id], steps=frozenset({"agenda"}))  # partners' agendas
    return saved_alert(result.record), cover, table, versions, {"id": None, "version": None}


def edit_agenda(_edit, _delete, _new, data, versions):  # noqa: ANN001, ANN201
    """Fill the form with a line to edit, soft-delete a line, or start a new one."""
    trigger = ctx.triggered_id
    none = (no_update,) * 11
    if trigger is None or (isinstance(trigger, dict) and not (ctx.triggered and ctx.triggered[0]["value"])):
        return none
    blank_form = (None, None, "", "", "gepland", "", {"id": None, "version": None})
    if trigger == ids.NETWERK_AGENDA_NEW:
        return (*blank_form, None, no_update, no_update, no_update)
    item_id = as_int(trigger.get("index"))
    viewer = current_viewer()
    with engine().begin() as conn:
        area = _programme(conn, data)
        if area is None or item_id is None or not records.may_edit(viewer, area.programme_id):
            return (*(no_update,) * 7, _refuse(conn, "agenda_item", area_code(data)), no_update, no_update, no_update)
        record = records.load(conn, AgendaItem, item_id)
        if record is None or record["programme_id"] != area.programme_id or record["deleted"]:
            return (*(no_update,) * 7, dbc.Alert(MSG["gone"], color="warning"), no_update, no_update, no_update)
        if trigger["type"] == "netwerk-agenda-edit":
            intervention = str(record["intervention_id"]) if record["intervention_id"] else (
                SKIP if record["status"] == SKIPPED else OWN)
            start = record["start_date"].isoformat() if record["start_date"] else ""
            return (record["theme"], intervention, record["title"], start,
                    record["status"] if record["status"] in STATUSES else "gepland", record["note"],
                    {"id": record["id"], "version": record["version"]},
                    dbc.Alert(f"U bewerkt versie {record['version']} van deze regel.", color="info"),
                    no_update, no_update, no_update)
        base = as_int((versions or {}).get(str(item_id))) if isinstance(versions, dict) else None
        result = records.save_record(conn, AgendaItem, item_id, {"deleted": True}, base, _author(),
                                     area.programme_id)
        if result.ok:
            _audit_saved(conn, "agenda_item", result.record, area.code)
        cover, table, new_versions = _agenda_view(conn, area, True)
    if result.ok:
        results.after_change(engine(), [area.programme_id], steps=frozenset({"agenda"}))
    msg = dbc.Alert("Regel verwijderd (de geschiedenis blijft bewaard).", color="success", duration=8000) \
        if result.ok else dbc.Alert("Niet verwijderd: iemand anders heeft deze regel intussen gewijzigd; bekijk de "
                                    "nieuwe stand en probeer het opnieuw.", color="warning")
    return (*blank_form, msg, cover, table, new_versions)


# ---------------------------------------------------------------- reviewsessies

def _review_period(period) -> str | None:  # noqa: ANN001
    if not isinstance(period, str) or not periods.is_valid(period) or periods.parse(period)[1] != "B":
        return None
    return period


def _review_list(conn, area: queries.AreaInfo):  # noqa: ANN001, ANN202
    frame = queries_netwerk.reviews(conn, area.programme_id)
    if frame.empty:
        return html.P("Nog geen reviews vastgelegd.", className="text-muted")
    body = [html.Tr([html.Td(f"{r['period']} ({periods.label(r['period'])})"), html.Td(day(r["held_on"])),
                     html.Td(_paragraphs(r["notes"]), className="small"),
                     html.Td(_paragraphs(r["actions"]), className="small"),
                     html.Td(f"v{r['version']} · {r['updated_by']}", className="small text-muted")])
            for _, r in frame.iterrows()]
    return dbc.Table([html.Thead(html.Tr([html.Th(h) for h in ("Review", "Datum", "Aantekeningen", "Acties",
                                                               "Versie")])), html.Tbody(body)],
                     size="sm", responsive=True, className="review-table")


def load_review(data, period):  # noqa: ANN001, ANN201
    """The review of the chosen period in the form (empty for a new one), and the list of all reviews."""
    viewer = current_viewer()
    n = len(REVIEW_TEXT) + 1
    with engine().connect() as conn:
        area = _programme(conn, data)
        period = _review_period(period)
        if area is None or viewer.anonymous or period is None:
            return (*[""] * n, *[True] * n, None, HIDDEN, None, None)
        review = records.load_where(conn, ReviewSession, programme_id=area.programme_id, period=period)
        listing = _review_list(conn, area)
    editable = records.may_edit(viewer, area.programme_id)
    held = review["held_on"].isoformat() if review and review["held_on"] else ""
    texts = [review[f] if review else "" for f in REVIEW_TEXT]
    state = {"id": review["id"], "version": review["version"]} if review else {"id": None, "version": None}
    return (held, *texts, *[not editable] * n, state, SHOWN if editable else HIDDEN, listing, None)


def save_review(_save_clicks, _overwrite_clicks, data, period, state, held_on, *texts):  # noqa: ANN001, ANN201
    """Save the review of one period (versioned, optimistic locking)."""
    if ctx.triggered_id not in (ids.NETWERK_REVIEW_SAVE, ids.NETWERK_REVIEW_OVERWRITE):
        return (no_update,) * 4
    period = _review_period(period)
    if period is None:
        return dbc.Alert("Kies een tweemaandelijkse review (bv. 2026-B5).", color="danger"), no_update, HIDDEN, \
            no_update
    try:
        held = _date(held_on)
    except ValueError as exc:
        return dbc.Alert(f"Niet opgeslagen: {exc}.", color="danger"), no_update, HIDDEN, no_update
    values = {"period": period, "held_on": held, **{n: _text(t) for n, t in zip(REVIEW_TEXT, texts, strict=True)}}
    message, new_state, style = _save(ReviewSession, data, state, values,
                                      ctx.triggered_id == ids.NETWERK_REVIEW_OVERWRITE, "review_session")
    with engine().connect() as conn:
        area = _programme(conn, data)
        listing = _review_list(conn, area) if area is not None and not current_viewer().anonymous else no_update
    return message, new_state, style, listing


def review_history(state, data):  # noqa: ANN001, ANN201
    return _history_options(ReviewSession, data, state), None


def review_old(version, state, data):  # noqa: ANN001, ANN201
    fields = [("held_on", "Datum bijeenkomst")] + [(n, lbl) for n, lbl, _ in REVIEW_FIELDS]
    return _old_version(ReviewSession, version, data, state, fields)


# ---------------------------------------------------------------- adoptiecijfers

ADOPTIE_FIELDS = {  # per indicator kind: the inputs of the form and their labels
    "count": [("teller", "aantal")],
    "percentage": [("teller", "gevolgd"), ("noemer", "aangeboden")],
    "score": [("waarde", "gemiddeld cijfer"), ("noemer", "aantal respondenten")],
    "nps": [("teller", "promotors"), ("noemer", "respondenten")],
}


def _adoptie_catalogue(conn) -> pd.DataFrame:  # noqa: ANN001
    catalogue = queries.indicators(conn)
    return catalogue[(catalogue["group"] == "adoptie") & catalogue["kind"].isin(list(ADOPTIE_FIELDS))]


def _number_text(value) -> str:  # noqa: ANN001
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return f"{value:g}" if isinstance(value, float | int) else str(value)


def load_adoptie(data, period):  # noqa: ANN001, ANN201
    """One row per adoption indicator with inputs for the chosen period, filled with what is stored."""
    viewer = current_viewer()
    with engine().connect() as conn:
        area = _programme(conn, data)
        period = _review_period(period)
        if area is None or viewer.anonymous or period is None:
            return None, HIDDEN
        catalogue = queries.indicators(conn)
        adoptie = _adoptie_catalogue(conn)
        stored = visible_observations(conn, viewer, area, list(adoptie["code"]), period, catalogue)
    editable = records.may_edit(viewer, area.programme_id)
    by_ind = {r["indicator"]: r for _, r in stored.iterrows()}
    column = {"teller": "numerator", "noemer": "denominator", "waarde": "value"}
    rows = []
    for theme, theme_label in THEMES:
        for _, c in adoptie[adoptie["theme"].str.split(",").map(lambda t, th=theme: th in t)].iterrows():
            current = by_ind.get(c["code"])
            inputs = []
            for field, label in ADOPTIE_FIELDS[c["kind"]]:
                value = None if current is None else current[column[field]]
                if current is not None and field == "teller" and c["kind"] == "count" and pd.isna(value):
                    value = current["value"]
                inputs.append(dbc.InputGroup([
                    dbc.InputGroupText(label),
                    dbc.Input(id=ids.netwerk_adoptie_input(c["code"], field), type="text", inputMode="decimal",
                              value=_number_text(value), disabled=not editable, size="sm",
                              placeholder=label),  # dbc.Input has no aria-label; the placeholder names it
                ], size="sm", className="mb-1"))
            note = "" if current is None else (current["note"] or ("onderdrukt" if current["suppressed"] else ""))
            rows.append(html.Tr([html.Td(theme_label, className="small text-muted"),
                                 html.Td([c["name"], html.Div(c["unit"], className="small text-muted")]),
                                 html.Td(inputs), html.Td(note, className="small")],
                                className="adoptie-row", **{"data-indicator": c["code"]}))
    table = dbc.Table([html.Thead(html.Tr([html.Th(h) for h in ("Thema", "Indicator",
                                                                f"Waarde {periods.label(period)}", "")])),
                       html.Tbody(rows)], size="sm", responsive=True, className="adoptie-table")
    return table, SHOWN if editable else HIDDEN


def save_adoptie(_clicks, data, period, values, input_ids):  # noqa: ANN001, ANN201
    """Build a generic delivery CSV from the form and import it through the `levering` pipeline."""
    if ctx.triggered_id != ids.NETWERK_ADOPTIE_SAVE:
        return no_update
    viewer = current_viewer()
    period = _review_period(period)
    with engine().begin() as conn:
        area = _programme(conn, data)
        if area is None or not records.may_edit(viewer, area.programme_id):
            return _refuse(conn, "adoptiecijfers", area_code(data))
        known = set(_adoptie_catalogue(conn)["code"])
        name = area.name
    if period is None:
        return dbc.Alert("Kies een tweemaandelijkse periode.", color="danger")
    rows: dict[str, dict] = {}
    for value, key in zip(values or [], input_ids or [], strict=False):
        if not isinstance(key, dict) or key.get("index") not in known or key.get("field") not in (
                "teller", "noemer", "waarde"):
            continue
        text = str(value).strip() if value not in (None, "") else ""
        if text:
            rows.setdefault(key["index"], {"indicator": key["index"]})[key["field"]] = text[:40]
    if not rows:
        return dbc.Alert("Vul minstens één aantal in.", color="warning")
    ordered = list(rows.values())
    body = delivery_csv(area.code, period, f"buurtnetwerk {name}", ordered)
    fd, path = tempfile.mkstemp(suffix=".csv", prefix="adoptie-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        report = import_file(engine(), "levering", path, user=_author(),
                             file_name=f"adoptieformulier-{area.code}-{period}.csv")
    finally:
        os.unlink(path)
    if report.status == "geaccepteerd":  # adoption counts: member-level KPI and learning outcomes are untouched
        results.after_change(engine(), [area.programme_id], steps=frozenset())
    with engine().begin() as conn:
        record_event(conn, _author(), "import", target=f"levering adoptieformulier {area.code} {period}",
                     detail=f"{report.status}: {report.accepted} geaccepteerd, {len(report.rejections)} afgewezen",
                     ip=client_ip())
    if report.status == "geaccepteerd":
        return dbc.Alert(f"{report.accepted} aantal(len) voor {periods.label(period)} opgeslagen (import "
                         f"{report.batch_id}).", color="success", className="adoptie-ok")
    if report.status == "ongewijzigd":
        return dbc.Alert("Deze aantallen waren al precies zo opgeslagen; er is niets gewijzigd.", color="info",
                         className="adoptie-unchanged")
    line_to_indicator = {i + 2: r["indicator"] for i, r in enumerate(ordered)}
    return dbc.Alert([
        html.Strong("Niet opgeslagen: "), "een of meer aantallen zijn afgewezen, er is niets opgeslagen.",
        html.Ul([html.Li(f"{line_to_indicator.get(r.line, 'bestand')}: {r.reason}") for r in report.rejections]),
    ], color="danger", className="adoptie-rejected")


# ---------------------------------------------------------------- buurtverslag

def _year(value) -> int | None:  # noqa: ANN001
    year = as_int(value)
    return year if year is not None and 2020 <= year <= 2100 else None


def _verslag_link(slug: str, year: int) -> html.A:
    return html.A(f"/verslag/{slug}/{year}", href=f"/verslag/{slug}/{year}", target="_blank",
                  className="verslag-link")


def load_verslag(data, year):  # noqa: ANN001, ANN201
    """The intro and publication state of the chosen year's buurtverslag."""
    viewer = current_viewer()
    year = _year(year)
    with engine().connect() as conn:
        area = _programme(conn, data)
        if area is None or viewer.anonymous or year is None:
            return "", False, True, True, None, HIDDEN, None
        report = records.load_where(conn, BuurtReport, programme_id=area.programme_id, year=year)
    editable = records.may_edit(viewer, area.programme_id)
    state = {"id": report["id"], "version": report["version"]} if report else {"id": None, "version": None}
    message = dbc.Alert(["Gepubliceerd: ", _verslag_link(area.code, year)], color="success") \
        if report and report["published"] else None
    return (report["intro"] if report else "", bool(report and report["published"]), not editable, not editable,
            state, SHOWN if editable else HIDDEN, message)


def save_verslag(_save_clicks, _overwrite_clicks, data, year, state, intro, published):  # noqa: ANN001, ANN201
    """Save (and publish or withdraw) the buurtverslag of one year."""
    if ctx.triggered_id not in (ids.NETWERK_VERSLAG_SAVE, ids.NETWERK_VERSLAG_OVERWRITE):
        return (no_update,) * 3
    year = _year(year)
    if year is None:
        return dbc.Alert("Kies een jaar.", color="danger"), no_update, HIDDEN
    published = bool(published)
    first_published = None
    record_id = as_int(state.get("id")) if isinstance(state, dict) else None
    if published and record_id is not None:
        with engine().connect() as conn:  # keep the first publication date when an edit republishes
            current = records.load(conn, BuurtReport, record_id)
            first_published = current["published_at"] if current and current["published"] else None
    values = {"year": year, "intro": _text(intro), "published": published,
              "published_at": (first_published or utcnow()) if published else None}
    message, new_state, style = _save(BuurtReport, data, state, values,
                                      ctx.triggered_id == ids.NETWERK_VERSLAG_OVERWRITE, "buurt_report")
    if published and isinstance(new_state, dict) and "conflict_id" not in new_state:
        message = html.Div([message, dbc.Alert(["Openbaar verslag: ", _verslag_link(area_code(data), year)],
                                               color="success")])
    return message, new_state, style


# ---------------------------------------------------------------- shown on the other buurt pages

@per_store_version
def show_on_beeld(data):  # noqa: ANN001, ANN201
    """/buurt/<slug>/beeld: the network's story and the buurtagenda (themes, interventions, start dates)."""
    viewer = current_viewer()
    if viewer.anonymous:
        return None
    with engine().connect() as conn:
        area = _programme(conn, data)
        if area is None:
            return None
        narrative = records.load_where(conn, Narrative, programme_id=area.programme_id)
        items = queries_netwerk.agenda(conn, area.programme_id)
    edit_link = html.A("Bewerken op de pagina Buurtnetwerk", href=f"/buurt/{area.code}/netwerk", className="small")
    if narrative and any((narrative[f] or "").strip() for f in STORY):
        story = html.Div([
            dbc.Row([dbc.Col(dbc.Card(dbc.CardBody([html.H3(label, className="h6"),
                                                    *_paragraphs(narrative[name])]), className="h-100"),
                             xs=12, md=6, className="mb-2")
                     for name, label, _ in STORY_FIELDS], className="g-2"),
            html.P(f"Versie {narrative['version']}, laatst bewerkt door {narrative['updated_by']} op "
                   f"{when(narrative['updated_at'])}.", className="small text-muted"),
        ], className="netwerk-story")
    else:
        story = html.P(MSG["no_story"], className="text-muted")
    if items.empty:
        agenda = html.P(MSG["no_agenda"], className="text-muted")
    else:
        blocks = []
        for theme, label in THEMES:
            rows = items[items["theme"] == theme]
            if rows.empty:
                lines = [html.Li("nog niets gekozen" + (" (verplicht thema)" if theme in MANDATORY_THEMES else ""),
                                 className="text-muted")]
            else:
                lines = [html.Li(
                    f"overgeslagen: {r['note']}" if r["status"] == SKIPPED else
                    f"{r['intervention_name'] if isinstance(r['intervention_name'], str) else r['title']} – "
                    f"{r['status']}" + (f", start {day(r['start_date'])}" if r["start_date"] else ""))
                    for _, r in rows.iterrows()]
            blocks.append(dbc.Col([html.H3(label, className="h6"), html.Ul(lines, className="small ps-3")],
                                  xs=12, md=6, xl=4))
        agenda = dbc.Row(blocks, className="g-2 netwerk-agenda")
    return html.Section([
        html.H2("Het verhaal van het buurtnetwerk", className="h4"), story,
        html.H2("Buurtagenda", className="h4 mt-3"), agenda, edit_link,
    ], className="netwerk-on-beeld")


def _review_card(review: dict | None, period: str, heading: str) -> dbc.Card:
    label = f"{heading}: {period} ({periods.label(period)})"
    if review is None:
        body = [html.H3(label, className="h6"), html.P(MSG["no_review"].format(label=periods.label(period)),
                                                       className="small text-muted mb-0")]
    else:
        body = [html.H3(label, className="h6"),
                html.P((f"Gehouden op {day(review['held_on'])}" if day(review["held_on"]) != "–" else
                        "Datum niet vastgelegd") + (f" · aanwezig: {review['attendees']}" if review["attendees"]
                                                    else ""),
                       className="small text-muted"),
                html.Strong("Aantekeningen", className="small"), html.Div(_paragraphs(review["notes"]),
                                                                         className="small"),
                html.Strong("Afgesproken acties", className="small"), html.Div(_paragraphs(review["actions"]),
                                                                              className="small")]
    return dbc.Card(dbc.CardBody(body), className="h-100 review-note")


@per_store_version
def show_on_uitkomsten(data, review):  # noqa: ANN001, ANN201
    """/buurt/<slug>/uitkomsten: notes and actions of the chosen review and of the one before."""
    viewer = current_viewer()
    review = _review_period(review)
    if viewer.anonymous or review is None:
        return None
    previous = periods.previous(review)
    with engine().connect() as conn:
        area = _programme(conn, data)
        if area is None:
            return None
        frame = queries_netwerk.reviews(conn, area.programme_id)
    by_period = {r["period"]: r.to_dict() for _, r in frame.iterrows()} if not frame.empty else {}
    return html.Section([
        dbc.Row([dbc.Col(_review_card(by_period.get(review), review, "Deze review"), xs=12, md=6),
                 dbc.Col(_review_card(by_period.get(previous), previous, "Vorige review"), xs=12, md=6)],
                className="g-2"),
        html.A("Review vastleggen of aanvullen", href=f"/buurt/{area.code}/netwerk", className="small"),
    ], className="netwerk-review-notes", **{"aria-label": "Aantekeningen van de reviews"})


@per_store_version
def show_on_overview(data):  # noqa: ANN001, ANN201
    """/buurt/<slug>: a card linking to the Buurtnetwerk page and the published buurtverslagen."""
    with engine().connect() as conn:
        area = _programme(conn, data)
        if area is None:
            return None
        reports = queries_netwerk.published_reports(conn, area.code)
    links = [html.Li(html.A(f"Buurtverslag {y}", href=f"/verslag/{area.code}/{y}")) for y in reports["year"]]
    return dbc.Row([
        dbc.Col(dbc.Card(dbc.CardBody([
            html.H2(html.A("Buurtnetwerk", href=f"/buurt/{area.code}/netwerk"), className="h5"),
            html.P("Het verhaal bij het buurtbeeld, de buurtagenda, de reviewsessies, de adoptiecijfers en het "
                   "buurtverslag van het buurtnetwerk."),
        ])), xs=12, md=6),
        dbc.Col(dbc.Card(dbc.CardBody([
            html.H2("Buurtverslagen voor bewoners", className="h5"),
            html.Ul(links, className="mb-0") if links else html.P("Nog geen gepubliceerd buurtverslag.",
                                                                  className="text-muted mb-0"),
        ])), xs=12, md=6),
    ], className="g-3")


# ---------------------------------------------------------------- wiring

def register(app: dash.Dash) -> None:
    story_ids = [ids.NETWERK_VERHAAL_FIELD[n] for n in STORY]
    app.callback(Output(ids.NETWERK_TITLE, "children"), *[Output(i, "value") for i in story_ids],
                 *[Output(i, "disabled") for i in story_ids], Output(ids.NETWERK_VERHAAL_STATE, "data"),
                 Output(ids.NETWERK_VERHAAL_SAVE, "style"), Input(ids.NETWERK_AREA, "data"))(load_verhaal)
    app.callback(Output(ids.NETWERK_VERHAAL_MESSAGE, "children"),
                 Output(ids.NETWERK_VERHAAL_STATE, "data", allow_duplicate=True),
                 Output(ids.NETWERK_VERHAAL_OVERWRITE, "style"),
                 Input(ids.NETWERK_VERHAAL_SAVE, "n_clicks"), Input(ids.NETWERK_VERHAAL_OVERWRITE, "n_clicks"),
                 State(ids.NETWERK_AREA, "data"), State(ids.NETWERK_VERHAAL_STATE, "data"),
                 *[State(i, "value") for i in story_ids], prevent_initial_call=True)(save_verhaal)
    app.callback(Output(ids.NETWERK_VERHAAL_HISTORY, "options"), Output(ids.NETWERK_VERHAAL_HISTORY, "value"),
                 Input(ids.NETWERK_VERHAAL_STATE, "data"), State(ids.NETWERK_AREA, "data"))(verhaal_history)
    app.callback(Output(ids.NETWERK_VERHAAL_OLD, "children"), Input(ids.NETWERK_VERHAAL_HISTORY, "value"),
                 State(ids.NETWERK_VERHAAL_STATE, "data"), State(ids.NETWERK_AREA, "data"))(verhaal_old)

    form = [ids.NETWERK_AGENDA_THEME, ids.NETWERK_AGENDA_INTERVENTION, ids.NETWERK_AGENDA_TITLE,
            ids.NETWERK_AGENDA_START, ids.NETWERK_AGENDA_STATUS, ids.NETWERK_AGENDA_NOTE]
    app.callback(Output(ids.NETWERK_AGENDA_COVERAGE, "children"), Output(ids.NETWERK_AGENDA_LIST, "children"),
                 Output(ids.NETWERK_AGENDA_ITEMS, "data"), Output(ids.NETWERK_AGENDA_INTERVENTION, "options"),
                 Output(ids.NETWERK_AGENDA_FORM, "style"), Input(ids.NETWERK_AREA, "data"))(load_agenda)
    app.callback(Output(ids.NETWERK_AGENDA_MESSAGE, "children"),
                 Output(ids.NETWERK_AGENDA_COVERAGE, "children", allow_duplicate=True),
                 Output(ids.NETWERK_AGENDA_LIST, "children", allow_duplicate=True),
                 Output(ids.NETWERK_AGENDA_ITEMS, "data", allow_duplicate=True),
                 Output(ids.NETWERK_AGENDA_STATE, "data"),
                 Input(ids.NETWERK_AGENDA_SAVE, "n_clicks"), State(ids.NETWERK_AREA, "data"),
                 State(ids.NETWERK_AGENDA_STATE, "data"), *[State(i, "value") for i in form],
                 prevent_initial_call=True)(save_agenda)
    app.callback(*[Output(i, "value") for i in form],
                 Output(ids.NETWERK_AGENDA_STATE, "data", allow_duplicate=True),
                 Output(ids.NETWERK_AGENDA_MESSAGE, "children", allow_duplicate=True),
                 Output(ids.NETWERK_AGENDA_COVERAGE, "children", allow_duplicate=True),
                 Output(ids.NETWERK_AGENDA_LIST, "children", allow_duplicate=True),
                 Output(ids.NETWERK_AGENDA_ITEMS, "data", allow_duplicate=True),
                 Input(ids.netwerk_agenda_edit(ALL), "n_clicks"), Input(ids.netwerk_agenda_delete(ALL), "n_clicks"),
                 Input(ids.NETWERK_AGENDA_NEW, "n_clicks"), State(ids.NETWERK_AREA, "data"),
                 State(ids.NETWERK_AGENDA_ITEMS, "data"), prevent_initial_call=True)(edit_agenda)

    review_ids = [ids.NETWERK_REVIEW_FIELD[n] for n in ["held_on", *REVIEW_TEXT]]
    app.callback(*[Output(i, "value") for i in review_ids], *[Output(i, "disabled") for i in review_ids],
                 Output(ids.NETWERK_REVIEW_STATE, "data"), Output(ids.NETWERK_REVIEW_SAVE, "style"),
                 Output(ids.NETWERK_REVIEW_LIST, "children"), Output(ids.NETWERK_REVIEW_MESSAGE, "children"),
                 Input(ids.NETWERK_AREA, "data"), Input(ids.NETWERK_REVIEW_PERIOD, "value"))(load_review)
    app.callback(Output(ids.NETWERK_REVIEW_MESSAGE, "children", allow_duplicate=True),
                 Output(ids.NETWERK_REVIEW_STATE, "data", allow_duplicate=True),
                 Output(ids.NETWERK_REVIEW_OVERWRITE, "style"),
                 Output(ids.NETWERK_REVIEW_LIST, "children", allow_duplicate=True),
                 Input(ids.NETWERK_REVIEW_SAVE, "n_clicks"), Input(ids.NETWERK_REVIEW_OVERWRITE, "n_clicks"),
                 State(ids.NETWERK_AREA, "data"), State(ids.NETWERK_REVIEW_PERIOD, "value"),
                 State(ids.NETWERK_REVIEW_STATE, "data"), *[State(i, "value") for i in review_ids],
                 prevent_initial_call=True)(save_review)
    app.callback(Output(ids.NETWERK_REVIEW_HISTORY, "options"), Output(ids.NETWERK_REVIEW_HISTORY, "value"),
                 Input(ids.NETWERK_REVIEW_STATE, "data"), State(ids.NETWERK_AREA, "data"))(review_history)
    app.callback(Output(ids.NETWERK_REVIEW_OLD, "children"), Input(ids.NETWERK_REVIEW_HISTORY, "value"),
                 State(ids.NETWERK_REVIEW_STATE, "data"), State(ids.NETWERK_AREA, "data"))(review_old)

    app.callback(Output(ids.NETWERK_ADOPTIE_FORM, "children"), Output(ids.NETWERK_ADOPTIE_SAVE, "style"),
                 Input(ids.NETWERK_AREA, "data"), Input(ids.NETWERK_ADOPTIE_PERIOD, "value"))(load_adoptie)
    pattern = ids.netwerk_adoptie_input(ALL, ALL)
    app.callback(Output(ids.NETWERK_ADOPTIE_MESSAGE, "children"), Input(ids.NETWERK_ADOPTIE_SAVE, "n_clicks"),
                 State(ids.NETWERK_AREA, "data"), State(ids.NETWERK_ADOPTIE_PERIOD, "value"),
                 State(pattern, "value"), State(pattern, "id"), prevent_initial_call=True)(save_adoptie)

    app.callback(Output(ids.NETWERK_VERSLAG_INTRO, "value"), Output(ids.NETWERK_VERSLAG_PUBLISHED, "value"),
                 Output(ids.NETWERK_VERSLAG_INTRO, "disabled"), Output(ids.NETWERK_VERSLAG_PUBLISHED, "disabled"),
                 Output(ids.NETWERK_VERSLAG_STATE, "data"), Output(ids.NETWERK_VERSLAG_SAVE, "style"),
                 Output(ids.NETWERK_VERSLAG_MESSAGE, "children"),
                 Input(ids.NETWERK_AREA, "data"), Input(ids.NETWERK_VERSLAG_YEAR, "value"))(load_verslag)
    app.callback(Output(ids.NETWERK_VERSLAG_MESSAGE, "children", allow_duplicate=True),
                 Output(ids.NETWERK_VERSLAG_STATE, "data", allow_duplicate=True),
                 Output(ids.NETWERK_VERSLAG_OVERWRITE, "style"),
                 Input(ids.NETWERK_VERSLAG_SAVE, "n_clicks"), Input(ids.NETWERK_VERSLAG_OVERWRITE, "n_clicks"),
                 State(ids.NETWERK_AREA, "data"), State(ids.NETWERK_VERSLAG_YEAR, "value"),
                 State(ids.NETWERK_VERSLAG_STATE, "data"), State(ids.NETWERK_VERSLAG_INTRO, "value"),
                 State(ids.NETWERK_VERSLAG_PUBLISHED, "value"), prevent_initial_call=True)(save_verslag)

    app.callback(Output(ids.NETWERK_BEELD, "children"), Input(ids.BUURT_AREA, "data"))(show_on_beeld)
    app.callback(Output(ids.NETWERK_UIT_REVIEWS, "children"), Input(ids.BUURT_AREA, "data"),
                 Input(ids.UIT_REVIEW, "value"))(show_on_uitkomsten)
    app.callback(Output(ids.NETWERK_OVERVIEW, "children"), Input(ids.BUURT_AREA, "data"))(show_on_overview)
