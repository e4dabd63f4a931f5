"""Callbacks of /best-practices and its presentation mode /best-practices/presentatie.

Logged-in transitieteam, beheerders and buurtnetwerken see the published stories (their evidence is a programme
buurt's aggregate next to a peer band, which buurtnetwerken may see of each other); only the transitieteam and
beheerders see the data's proposals, concept stories and the editor. Every callback checks the viewer itself.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, dcc, html, no_update
from flask import request

from callbacks.begroting import cost_per_hour_line
from callbacks.common import current_viewer, engine, per_store_version
from callbacks.contacts import contact_list
from dashboard import ids
from data_access import best_practices as bp_service
from data_access import contacts, menukaart, periods, queries
from data_access.access import Viewer
from data_access.audit import record_event
from data_access.best_practices import is_team, may_view
from layouts.best_practice_figures import evidence_figure
from layouts.figures import exportable
from layouts.formatting import number, signed, time_nl

MSG = {
    "anonymous": "Log in om de best practices te zien.",
    "denied": "Geen toegang: best practices zijn er voor het transitieteam en de buurtnetwerken.",
    "no_proposals": "Nog geen voorstellen: voor deze uitkomst doet geen buurt het in twee opeenvolgende perioden "
                    "duidelijk beter dan de vergelijkingsbuurten (of er zijn te weinig gegevens).",
    "no_stories": "Nog geen verhalen. Het transitieteam schrijft ze bij de voorstellen hierboven.",
    "no_stories_published": "Nog geen gepubliceerde verhalen. Het transitieteam schrijft ze bij buurten die het "
                            "twee perioden op rij duidelijk beter doen dan vergelijkbare buurten.",
    "no_published": "Nog geen gepubliceerde best practices om te presenteren.",
    "no_evidence": "Nog geen uitkomstgegevens om het bewijs te tonen.",
    "saved": "Opgeslagen als versie {version}.",
    "conflict": "Niet opgeslagen: {author} heeft dit verhaal intussen opgeslagen (versie {version}). Uw tekst staat "
                "nog in het formulier; laad het verhaal opnieuw via ‘Bewerken’ en voer uw wijziging opnieuw in.",
    "unknown": "Dit verhaal bestaat niet (meer).",
    "pick_buurt": "Kies de buurt van het verhaal.",
    "other_buurt": "Een opgeslagen verhaal blijft bij zijn buurt. Kies ‘Nieuw verhaal’ voor een andere buurt.",
    "proposal_title": "{name}: {indicator} beter dan vergelijkbare buurten",
    "run": "{n} perioden op rij beter, t/m {period}",
    "evidence_axis": "verandering sinds de nulmeting",
}


def _denied(viewer: Viewer) -> dbc.Alert:
    return dbc.Alert(MSG["anonymous"] if viewer.anonymous else MSG["denied"], color="warning", id="best-denied")


def _outcome_options(conn) -> list[dict]:  # noqa: ANN001
    catalogue = queries.indicators(conn).set_index("code")
    return [{"label": catalogue.at[c, "name"], "value": c} for c in bp_service.OUTCOME_INDICATORS
            if c in catalogue.index]


# ---------------------------------------------------------------- evidence chart (also used by the export)

def _indicator_name(conn, code: str | None) -> str:  # noqa: ANN001
    if not code:
        return ""
    catalogue = queries.indicators(conn).set_index("code")
    return catalogue.at[code, "name"] if code in catalogue.index else code


def story_evidence(conn, practice: dict, height: int = 360, viewer: Viewer | None = None) -> go.Figure:  # noqa: ANN001
    """The live evidence chart of one story (recomputed from the store on every call, for the current viewer)."""
    viewer = current_viewer() if viewer is None else viewer
    return evidence_figure(bp_service.story_view(conn, practice, viewer), height)


# ---------------------------------------------------------------- /best-practices

def setup_page(_path: str | None):  # noqa: ANN201
    """Access message, the team part's visibility and the options of the dropdowns."""
    viewer = current_viewer()
    if not may_view(viewer):
        return _denied(viewer), {"display": "none"}, [], None, [], [], []
    if not is_team(viewer):
        return None, {"display": "none"}, [], None, [], [], []
    with engine().connect() as conn:
        outcomes = _outcome_options(conn)
        programme = queries.programme_buurten(conn)
        interventions = menukaart.catalogue(conn)
    buurten = [{"label": f"{r.name} ({r.region})", "value": r.code} for r in programme.itertuples()]
    menu = [{"label": r.name, "value": r.code} for r in interventions.itertuples()]
    # the value is set with the options: a dropdown drops a value its options do not (yet) hold
    first = outcomes[0]["value"] if outcomes else None
    return None, {}, outcomes, first, buurten, menu, outcomes


@per_store_version
def update_proposals(indicator: str | None):  # noqa: ANN201
    viewer = current_viewer()
    if not is_team(viewer) or not indicator:
        return None
    with engine().connect() as conn:
        if indicator not in queries.indicator_codes(conn) or indicator not in bp_service.OUTCOME_INDICATORS:
            return dbc.Alert("Onbekende uitkomst.", color="warning")
        summary, _series = bp_service.stored_proposals(conn, indicator, viewer)
    proposed = summary[summary["proposed"]]
    if proposed.empty:
        return dbc.Alert(MSG["no_proposals"], color="info")
    header = html.Thead(html.Tr([html.Th("Buurt"), html.Th("Beter dan vergelijkingsbuurten"),
                                 html.Th("Verschil in verandering (laatste periode)"), html.Th("Vergelijkingsbuurten"),
                                 html.Th("")]))
    body = []
    for row in proposed.itertuples():
        diff = signed(row.relative_difference * 100, 1, "%") if not pd.isna(row.relative_difference) else "–"
        body.append(html.Tr([
            html.Td(html.A(row.name, href=f"/buurt/{row.target}")),
            html.Td(MSG["run"].format(n=row.longest_run, period=periods.label(row.run_end))),
            html.Td(f"{diff} ({periods.label(row.latest_period)})"),
            html.Td(number(row.n_peers)),
            html.Td(dbc.Button("Schrijf het verhaal", id=ids.best_use_proposal(row.target), size="sm",
                               color="primary", outline=True)),
        ], id=f"best-proposal-{row.target}"))
    return dbc.Table([header, html.Tbody(body)], hover=True, size="sm", responsive=True, id="best-proposal-table")


def _story_card(conn, row, team: bool, kartrekkers: list[dict] | None = None) -> dbc.Card:  # noqa: ANN001
    practice = row._asdict()
    interventions = bp_service.interventions_named(conn, practice.get("interventions") or "")
    badge = dbc.Badge(practice["status"], color="success" if practice["status"] == "gepubliceerd" else "secondary",
                      className="ms-2")
    actions = [html.A("PNG", href=f"/export/best-practice/{practice['id']}.png", className="me-2"),
               html.A("PDF", href=f"/export/best-practice/{practice['id']}.pdf", className="me-3")]
    if team:
        actions.append(dbc.Button("Bewerken", id=ids.best_edit_button(int(practice["id"])), size="sm",
                                  color="secondary", outline=True))
    return dbc.Card(dbc.CardBody(dbc.Row([
        dbc.Col([
            html.H3([practice["title"], badge], className="h5"),
            html.P(html.A(practice["buurt"], href=f"/buurt/{practice['slug']}"), className="text-muted mb-1"),
            html.P(practice["story"], style={"whiteSpace": "pre-wrap"}),
            html.Ul([html.Li(name) for _, name in interventions]) if interventions else None,
            html.P(f"Contact: {practice['contact'] or practice['contact_role'] or '–'}", className="small"),
            contact_list(kartrekkers, "Kartrekkers") if kartrekkers is not None else None,
            html.Div(["Exporteren: ", *actions], className="small"),
            html.Small(f"versie {practice['version']}, {practice['updated_by']}, "
                       f"{time_nl(practice['updated_at'])}", className="text-muted"),
        ], xs=12, lg=5),
        dbc.Col(exportable(dcc.Graph(figure=story_evidence(conn, practice), config={"displayModeBar": False}),
                           f"best-practice-{practice['id']}"), xs=12, lg=7),
    ])), className="mb-3", id=f"best-story-{practice['id']}")


@per_store_version
def update_list(_path: str | None, _saved):  # noqa: ANN001, ANN201
    viewer = current_viewer()
    if not may_view(viewer):
        return None
    team = is_team(viewer)
    with engine().connect() as conn:
        frame = bp_service.practices(conn, published_only=not team)
        if frame.empty:
            return dbc.Alert(MSG["no_stories" if team else "no_stories_published"], color="info")
        people = contacts.contacts_by_slug(conn, viewer, list(frame["slug"]))
        shows = contacts.may_see_contacts(viewer)
        return [_story_card(conn, row, team, people.get(row.slug, []) if shows else None)
                for row in frame.itertuples(index=False)]


def start_edit(_use, _edit, _new, indicator: str | None):  # noqa: ANN001, ANN201
    """Fill the editor: from a proposal (buurt and indicator), from a stored story, or empty for a new one."""
    viewer = current_viewer()
    trigger = ctx.triggered_id
    if not is_team(viewer) or trigger is None or not any(
            (t.get("value") or 0) for t in ctx.triggered if isinstance(t, dict)):
        return (no_update,) * 9
    empty = (None, None, "", "", [], None, "", "concept", "")
    if trigger == ids.BEST_EDIT_NEW:
        return empty
    if isinstance(trigger, dict) and trigger.get("type") == "best-use":
        with engine().connect() as conn:
            programme = queries.programme_buurten(conn).set_index("code")
            slug = trigger.get("slug")
            if slug not in programme.index:
                return empty
            name = programme.at[slug, "name"]
            title = MSG["proposal_title"].format(name=name, indicator=_indicator_name(conn, indicator).lower())
        return None, slug, title[:200], "", [], indicator, "", "concept", ""
    if isinstance(trigger, dict) and trigger.get("type") == "best-edit":
        with engine().connect() as conn:
            practice = bp_service.load_practice(conn, int(trigger.get("id", 0)))
            if practice is None:
                return (*empty[:-1], dbc.Alert(MSG["unknown"], color="warning"))
            slug = (bp_service.programme_slug_name(conn, practice["programme_id"]) or (None,))[0]
        codes = [c for c in (practice["interventions"] or "").split(",") if c]
        return ({"id": practice["id"], "version": practice["version"]}, slug, practice["title"], practice["story"],
                codes, practice["indicator_code"], practice["contact"], practice["status"], "")
    return (no_update,) * 9


def save_story(_clicks, state: dict | None, slug: str | None, title: str | None, story: str | None,  # noqa: ANN001, ANN201, PLR0913
               interventions: list | None, indicator: str | None, contact: str | None, status: str | None):
    """Save through the versioned-record service: a new version, or a Dutch conflict message keeping the text."""
    viewer = current_viewer()
    if not _clicks:
        return no_update, no_update, no_update
    if not is_team(viewer):
        return dbc.Alert(MSG["denied"], color="danger"), no_update, no_update
    from flask_login import current_user

    author = getattr(current_user, "email", "onbekend")
    values = {"title": title, "story": story, "interventions": list(interventions or []),
              "indicator_code": indicator, "contact": contact, "status": status}
    state = state or {}
    with engine().begin() as conn:
        programme = queries.find_area(conn, slug or "")
        if programme is None or programme.programme_id is None:
            return dbc.Alert(MSG["pick_buurt"], color="warning"), no_update, no_update
        if state.get("id"):
            stored = bp_service.load_practice(conn, int(state["id"]))
            if stored is not None and stored["programme_id"] != programme.programme_id:
                return dbc.Alert(MSG["other_buurt"], color="warning"), no_update, no_update
        try:
            result = bp_service.save_practice(conn, state.get("id"), values, state.get("version"), author,
                                              programme.programme_id)
        except ValueError as exc:
            return dbc.Alert(str(exc), color="danger"), no_update, no_update
        if result.ok:
            record_event(conn, author, "edit", target=f"best_practice/{result.record['id']}",
                         detail=f"versie {result.record['version']}: {result.record['title']}",
                         ip=request.remote_addr or "")
            history = bp_service.practice_history(conn, result.record["id"])
    if not result.ok:
        if result.record is None:
            return dbc.Alert(MSG["unknown"], color="danger"), no_update, no_update
        return (dbc.Alert(MSG["conflict"].format(author=result.record["updated_by"],
                                                 version=result.record["version"]), color="danger"),
                no_update, no_update)
    record = result.record
    versions = html.Div([html.Strong("Versies: "), html.Ul([
        html.Li(f"versie {v['version']} – {v['author']}, {time_nl(v['saved_at'])}: {v['data'].get('title')}")
        for v in history], id="best-history-list")])
    return (dbc.Alert(MSG["saved"].format(version=record["version"]), color="success"),
            {"id": record["id"], "version": record["version"]}, versions)


# ---------------------------------------------------------------- presentation mode

def build_slides(_path: str | None):  # noqa: ANN201
    """One slide per published story, large type, with its live evidence chart and export links."""
    viewer = current_viewer()
    if not may_view(viewer):
        return _denied(viewer), 0
    with engine().connect() as conn:
        frame = bp_service.practices(conn, published_only=True)
        if frame.empty:
            return dbc.Alert(MSG["no_published"], color="info", className="slide-empty"), 0
        slides = []
        for i, row in enumerate(frame.itertuples(index=False)):
            practice = row._asdict()
            interventions = bp_service.interventions_named(conn, practice["interventions"] or "")
            slides.append(html.Section([
                html.H2(practice["title"], className="slide-title"),
                html.P(practice["buurt"], className="slide-buurt"),
                dbc.Row([
                    dbc.Col([
                        html.P(practice["story"], className="slide-story"),
                        html.Ul([html.Li(name) for _, name in interventions], className="slide-interventions")
                        if interventions else None,
                        html.P(f"Contact: {practice['contact'] or practice['contact_role'] or '–'}",
                               className="slide-contact"),
                        html.P(cost_per_hour_line(conn, practice["slug"], viewer), className="slide-contact"),
                        html.Div([html.A("Download PNG", href=f"/export/best-practice/{practice['id']}.png",
                                         className="me-3"),
                                  html.A("Download PDF", href=f"/export/best-practice/{practice['id']}.pdf")],
                                 className="slide-export"),
                    ], xs=12, lg=5),
                    dbc.Col(dcc.Graph(figure=story_evidence(conn, practice, height=460),
                                      config={"displayModeBar": False}), xs=12, lg=7),
                ]),
            ], id=ids.best_slide(i), className="slide", style={"display": "block" if i == 0 else "none"}))
    return slides, 0


def register(app: dash.Dash) -> None:
    app.callback(
        Output(ids.BEST_CONTENT, "children"), Output(ids.BEST_TEAM, "style"), Output(ids.BEST_INDICATOR, "options"),
        Output(ids.BEST_INDICATOR, "value"), Output(ids.BEST_EDIT_PROGRAMME, "options"),
        Output(ids.BEST_EDIT_INTERVENTIONS, "options"), Output(ids.BEST_EDIT_INDICATOR, "options"),
        Input(ids.URL, "pathname"),
    )(setup_page)
    app.callback(Output(ids.BEST_PROPOSALS, "children"), Input(ids.BEST_INDICATOR, "value"))(update_proposals)
    app.callback(Output(ids.BEST_LIST, "children"), Input(ids.URL, "pathname"),
                 Input(ids.BEST_EDIT_ID, "data"))(update_list)
    app.callback(
        Output(ids.BEST_EDIT_ID, "data", allow_duplicate=True), Output(ids.BEST_EDIT_PROGRAMME, "value"),
        Output(ids.BEST_EDIT_TITLE, "value"), Output(ids.BEST_EDIT_STORY, "value"),
        Output(ids.BEST_EDIT_INTERVENTIONS, "value"), Output(ids.BEST_EDIT_INDICATOR, "value"),
        Output(ids.BEST_EDIT_CONTACT, "value"), Output(ids.BEST_EDIT_STATUS, "value"),
        Output(ids.BEST_EDIT_RESULT, "children", allow_duplicate=True),
        Input({"type": "best-use", "slug": ALL}, "n_clicks"), Input({"type": "best-edit", "id": ALL}, "n_clicks"),
        Input(ids.BEST_EDIT_NEW, "n_clicks"), State(ids.BEST_INDICATOR, "value"), prevent_initial_call=True,
    )(start_edit)
    app.callback(
        Output(ids.BEST_EDIT_RESULT, "children"), Output(ids.BEST_EDIT_ID, "data"),
        Output(ids.BEST_EDIT_HISTORY, "children"),
        Input(ids.BEST_EDIT_SAVE, "n_clicks"), State(ids.BEST_EDIT_ID, "data"), State(ids.BEST_EDIT_PROGRAMME, "value"),
        State(ids.BEST_EDIT_TITLE, "value"), State(ids.BEST_EDIT_STORY, "value"),
        State(ids.BEST_EDIT_INTERVENTIONS, "value"), State(ids.BEST_EDIT_INDICATOR, "value"),
        State(ids.BEST_EDIT_CONTACT, "value"), State(ids.BEST_EDIT_STATUS, "value"), prevent_initial_call=True,
    )(save_story)
    app.callback(Output(ids.BEST_SLIDES, "children"), Output(ids.BEST_SLIDE_INDEX, "data"),
                 Input(ids.URL, "pathname"))(build_slides)
    # navigation runs in the browser (assets/presentatie.js): buttons and keys move the index, the index shows one
    app.clientside_callback(
        ClientsideFunction(namespace="presentatie", function_name="move"),
        Output(ids.BEST_SLIDE_INDEX, "data", allow_duplicate=True),
        Input(ids.BEST_SLIDE_PREV, "n_clicks"), Input(ids.BEST_SLIDE_NEXT, "n_clicks"),
        State(ids.BEST_SLIDE_INDEX, "data"), State({"type": "best-slide", "index": ALL}, "id"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="presentatie", function_name="show"),
        Output({"type": "best-slide", "index": ALL}, "style"), Output(ids.BEST_SLIDE_COUNTER, "children"),
        Input(ids.BEST_SLIDE_INDEX, "data"), State({"type": "best-slide", "index": ALL}, "id"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="presentatie", function_name="fullscreen"),
        Output(ids.BEST_FULLSCREEN, "title"), Input(ids.BEST_FULLSCREEN, "n_clicks"), prevent_initial_call=True,
    )
