"""The transitieteam's overview (/transitie): all programme buurten, programme KPI, map, candidates for new cohorts.

A skeleton only: the callbacks in `callbacks/transitie.py` check the viewer's role and fill it.
"""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from data_access import kpi_service
from data_access.transitie import CASE_COMPONENTS, GRID_KPIS, SELECTION_CRITERIA
from layouts.begroting import impact_section
from layouts.figures import exportable, graph_config
from layouts.grid import link_col, num_col, text_col

TEXT = {
    "map_key": "Elke stip is een programmabuurt: ▲ blauw = KPI op koers, ▼ oranje = niet op koers, ● grijs = nog "
               "niet bekend. De tabel hierboven bevat dezelfde buurten met hun status in woorden.",
    "title": "Transitie: alle programmabuurten",
    "lead": "Voor het transitieteam: waar staat elke buurt, welke leveringen ontbreken, en welke buurten komen in "
            "aanmerking voor de volgende cohorten.",
    "buurten": "Programmabuurten",
    "buurten_help": "Adoptie uit de invoer van de buurtnetwerken (buurtbeeld, tweemaandelijkse sessies, gestarte "
                    "interventies, best practices). Actualiteit: laatste periode die per bron is aangeleverd; oranje = "
                    "achter of nooit aangeleverd.",
    "kpi": "Programma-KPI",
    "map": "Kaart van de programmabuurten",
    "partners": "Per alliantiepartner en cohort",
    "partners_help": "Status van de KPI wijkverpleging en buurten met een late of ontbrekende levering.",
    "candidates": "Kandidaten voor cohort 2 en 3",
    "candidates_open": "Toon de kandidaten, de gewichten en de checklist",
    "candidates_help": "Rangorde op een datagedreven urgentie (case for change): zorggebruik, vergrijzing, "
                       "gezondheid en toegang tot de huisarts. Elk onderdeel is een robuuste z-score over alle "
                       "kandidaten (mediaan en MAD, afgetopt op ±3), met het teken zo dat hoger = meer urgentie. De "
                       "score is het gewogen gemiddelde van de beschikbare onderdelen; pas de gewichten hieronder aan. "
                       "Buurten met minder dan 500 inwoners tellen niet mee. Gemeentecijfers (Vektis) gelden voor "
                       "alle buurten van de gemeente.",
    "level": "Niveau",
    "weights": "Gewichten",
    "csv": "Download de volledige rangorde (CSV)",
    "checklist": "Selectiecriteria uit het transitieplan",
    "checklist_help": "Kies een kandidaat in de tabel en vink aan wat het transitieteam heeft vastgesteld. Elke "
                      "opslag wordt een nieuwe versie met auteur en tijd.",
    "note": "Toelichting",
    "save": "Checklist opslaan",
    "cohort": "Cohort",
    "partner": "Alliantiepartner",
}


# ---------------------------------------------------------------- the grids' columns (no data: in the layout, so
# each grid asks for its first block of rows as soon as it is drawn)

FAMILY_HEADERS = {"verzekeraars": "Verzekeraars", "buurtnetwerk": "Buurtnetwerk", "alliantie": "Alliantiepartners"}
KPI_HEADERS = {"wvpk_uren_per_client": "KPI wijkverpleging (uren per cliënt)",
               "ha_consulten_per_patient": "Huisartsconsulten",
               "opnames_kwetsbare_ouderen_per_1000": "Opnames kwetsbare ouderen",
               "ligduur_kwetsbare_ouderen": "Ligduur kwetsbare ouderen"}
KPI_COLUMNS = [(code, KPI_HEADERS[code]) for code in GRID_KPIS]  # the grid's data holds these
MAIN_KPI = "wvpk_uren_per_client"


def overview_columns() -> list[dict]:
    """The programme grid's columns."""
    cols = [
        link_col("buurt", "Buurt", pinned="left", width=190),
        num_col("cohort", "Cohort", width=100),
        text_col("alliance_partner", "Alliantiepartner", width=155),
        text_col("region", "Regio", width=130),
        text_col("start", "Start", width=105),
        *[text_col(f"kpi_{code}_txt", header, width=190 if code == MAIN_KPI else 165,
                   cellClassRules={f"kpi-{key}": f"params.data && params.data.kpi_{code} == '{key}'" for key in
                                   kpi_service.STATUS_LABELS})
          for code, header in KPI_COLUMNS],
        text_col("buurtbeeld_txt", "Buurtbeeld", width=105),
        num_col("sessies", "Sessies", width=95),
        num_col("interventies_gestart", "Interventies gestart", width=115),
        num_col("best_practices", "Best practices", width=100),
    ]
    for key, header in FAMILY_HEADERS.items():
        cols.append(text_col(f"{key}_txt", f"Laatste levering {header.lower()}", width=150,
                             cellClassRules={"fresh-late": f"!!(params.data && params.data.{key}_late)"}))
    return cols


def candidate_columns(level: str) -> list[dict]:
    """The candidate grid's columns at a level ("buurt" has the wijk's name too)."""
    cols = [num_col("rank", "Rang", width=90, pinned="left"), text_col("name", "Naam", minWidth=170),
            text_col("code", "CBS-code", width=125)]
    if level == "buurt":
        cols.append(text_col("wijk", "Wijk", minWidth=150))
    cols += [text_col("gemeente", "Gemeente", minWidth=130), num_col("inwoners", "Inwoners", width=110),
             num_col("score", "Score", width=100), num_col("criteria_ok", "Criteria (van 6)", width=130)]
    cols += [num_col(c.code, c.label, minWidth=150, headerTooltip=c.label) for c in CASE_COMPONENTS]
    return cols


def _paged_grid(grid_id: str, height: str, row_id: str, columns: list[dict], selectable: bool = False
                ) -> dag.AgGrid:
    """A grid whose rows the server sorts, filters and sends one block at a time (AG Grid's infinite row model):
    with 1,000 programme buurten or ~7,000 candidate buurten the page sends what one screen shows. Fixed row
    height: the infinite row model has no automatic row heights."""
    options = {"animateRows": False, "tooltipShowDelay": 300, "cacheBlockSize": 100, "maxBlocksInCache": 10,
               "infiniteInitialRowCount": 1, "rowBuffer": 0}
    if selectable:  # rows have ids, so a selection survives reloading the blocks
        options["rowSelection"] = {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True}
    return dag.AgGrid(
        id=grid_id, columnDefs=columns, getRowId=f"params.data.{row_id}", rowModelType="infinite",
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "wrapHeaderText": True,
                       "autoHeaderHeight": True},
        dashGridOptions=options, style={"height": height},
    )


def _weights() -> html.Div:
    rows = []
    for comp in CASE_COMPONENTS:
        rows.append(dbc.Row([
            dbc.Col(html.Label(comp.label, className="small"), xs=12, md=5),
            # no number box next to the slider: it had no label (axe: critical), and the marks show the value
            dbc.Col(dcc.Slider(id=ids.transitie_weight(comp.code), min=0, max=3, step=0.5, value=comp.weight,
                               allow_direct_input=False,
                               marks={v: str(v).replace(".", ",") for v in (0, 1, 2, 3)},
                               tooltip={"placement": "bottom"}), xs=12, md=7),
        ], className="align-items-center"))
    return html.Div(rows, id=ids.TRANSITIE_CAND_WEIGHTS)


def layout(**_query) -> html.Div:
    return html.Div([
        html.H1(TEXT["title"]),
        html.P(TEXT["lead"], className="lead"),
        # the first visit after new deliveries computes the KPI for every buurt: show that the page is working
        dcc.Loading(html.Div(id=ids.TRANSITIE_STATUS, style={"minHeight": "3rem"}), type="dot"),
        # shown at once (the page is only served to the transitieteam and beheerders; a callback hides it from anyone
        # else): the grids ask for their rows and the charts draw while the overview is still on its way
        html.Div(id=ids.TRANSITIE_CONTENT, children=[
            html.H2(TEXT["buurten"], className="h4 mt-3"),
            html.P(TEXT["buurten_help"], className="text-muted small"),
            dbc.Row([
                dbc.Col([html.Label(TEXT["cohort"], className="small"),
                         dcc.Dropdown(id=ids.TRANSITIE_FILTER_COHORT, multi=True, placeholder="alle cohorten")],
                        xs=12, md=3),
                dbc.Col([html.Label(TEXT["partner"], className="small"),
                         dcc.Dropdown(id=ids.TRANSITIE_FILTER_PARTNER, multi=True,
                                      placeholder="alle alliantiepartners")], xs=12, md=5),
            ], className="mb-2"),
            _paged_grid(ids.TRANSITIE_GRID, "28rem", "slug", overview_columns()),
            html.H2(TEXT["kpi"], className="h4 mt-4"),
            dcc.Loading(html.Div(id=ids.TRANSITIE_KPI)),
            html.Div(id=ids.TRANSITIE_EVENT_STUDY),
            impact_section(),  # hours, FTE, euros and € per hour freed (layouts/begroting.py, callbacks/begroting.py)
            dbc.Row([
                dbc.Col([html.H2(TEXT["map"], className="h4 mt-4"),
                         dcc.Loading(exportable(dcc.Graph(id=ids.TRANSITIE_MAP, config=graph_config("programmakaart"),
                                                          style={"height": "38rem"}), "programmakaart")),
                         html.P(TEXT["map_key"], className="small text-muted")], xs=12, lg=6),
                dbc.Col([html.H2(TEXT["partners"], className="h4 mt-4"),
                         html.P(TEXT["partners_help"], className="text-muted small"),
                         html.Div(id=ids.TRANSITIE_PARTNERS)], xs=12, lg=6),
            ]),
            html.H2(TEXT["candidates"], className="h4 mt-4"),
            html.P(TEXT["candidates_help"], className="text-muted small"),
            # drawn when opened (callbacks.transitie.open_candidates): the grid of ~7,000 candidates, its seven
            # weight sliders and the checklist cost every visit of the page about a third of its drawing time
            html.Details([html.Summary(TEXT["candidates_open"], id=ids.TRANSITIE_CAND_SUMMARY, className="mb-2"),
                          html.Div(id=ids.TRANSITIE_CAND_BODY)], id=ids.TRANSITIE_CAND_DETAILS),
        ]),
    ])


def candidates_block() -> html.Div:
    """The candidate section's controls, grid and checklist (sent when its <details> is first opened; the grid then
    asks for its rows)."""
    return html.Div([
        dbc.Row([
            dbc.Col([
                html.Label(TEXT["level"], className="small"),
                dbc.RadioItems(id=ids.TRANSITIE_CAND_LEVEL, value="buurt", inline=True,
                               options=[{"label": "CBS-buurten", "value": "buurt"},
                                        {"label": "CBS-wijken", "value": "wijk"}]),
                html.H3(TEXT["weights"], className="h6 mt-3"),
                _weights(),
                dbc.Button(TEXT["csv"], id=ids.TRANSITIE_CAND_CSV, color="secondary", size="sm",
                           className="mt-2"),
                dcc.Download(id=ids.TRANSITIE_CAND_DOWNLOAD),
            ], xs=12, lg=4),
            dbc.Col([
                html.Div(id=ids.TRANSITIE_CAND_INFO, className="small text-muted mb-1"),
                _paged_grid(ids.TRANSITIE_CAND_GRID, "26rem", "code", candidate_columns("buurt"), selectable=True),
            ], xs=12, lg=8),
        ]),
        dbc.Card(dbc.CardBody([
            html.H3(TEXT["checklist"], className="h5"),
            html.P(TEXT["checklist_help"], className="text-muted small"),
            html.Div(id=ids.TRANSITIE_CHECK_TITLE, className="fw-bold mb-2"),
            dbc.Checklist(id=ids.TRANSITIE_CHECK_LIST, options=[
                {"label": label, "value": key, "disabled": True} for key, label in SELECTION_CRITERIA],
                value=[]),
            dbc.Label(TEXT["note"], html_for=ids.TRANSITIE_CHECK_NOTE, className="mt-2 small"),
            dbc.Textarea(id=ids.TRANSITIE_CHECK_NOTE, rows=2, disabled=True),
            dcc.Store(id=ids.TRANSITIE_CHECK_VERSION), dcc.Store(id=ids.TRANSITIE_CAND_SAVED),
            dbc.Button(TEXT["save"], id=ids.TRANSITIE_CHECK_SAVE, color="primary", className="mt-2",
                       disabled=True),
            html.Div(id=ids.TRANSITIE_CHECK_RESULT, className="mt-2"),
        ]), className="mt-3")
    ])
