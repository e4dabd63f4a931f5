"""Best practices (/best-practices) and their presentation mode (/best-practices/presentatie).

Skeletons only; the callbacks in `callbacks/best_practices.py` check the viewer and fill them.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids

TEXT = {
    "title": "Best practices",
    "lead": "Buurten die het aantoonbaar beter doen dan vergelijkbare buurten krijgen een podium. De data stellen "
            "kandidaten voor; het transitieteam schrijft het verhaal. De grafieken tonen altijd de nieuwste "
            "leveringen: elke levering werkt ze bij.",
    "present": "Presentatiemodus",
    "proposals": "Voorgesteld door de data",
    "proposals_help": "Positieve afwijkers: de verandering sinds de nulmeting is in minstens twee opeenvolgende "
                      "perioden gunstiger dan bij de vergelijkingsbuurten, buiten het 95%-voorspellingsinterval van "
                      "één vergelijkingsbuurt (ruis). Vergelijkingsbuurten: CBS-buurten buiten het programma in "
                      "dezelfde gemeente met gegevens over deze uitkomst.",
    "indicator": "Uitkomst",
    "stories": "Verhalen",
    "editor": "Verhaal schrijven of bewerken",
    "buurt": "Buurt",
    "story_title": "Titel",
    "story": "Wat hebben ze gedaan?",
    "interventions": "Interventies (menukaart)",
    "evidence": "Bewijs: uitkomst voor de grafiek",
    "contact": "Contact",
    "status": "Status",
    "save": "Opslaan",
    "new": "Nieuw verhaal",
    "history": "Versies",
    "menu_title": "Menukaart",
    "menu_lead": "Bewezen interventies per thema, de buurten die ze uitvoeren, en hoe de uitkomsten zich "
                 "ontwikkelen in buurten met en zonder de interventie.",
    "menu_comparison": "Uitkomsten in buurten met en zonder een interventie",
    "menu_causal": "Beschrijvend, geen causaal effect: buurten kiezen zelf hun interventies en verschillen ook op "
                   "andere punten. Gemiddelde verandering sinds de nulmeting per buurt, met 95%-interval.",
    "prev": "← Vorige",
    "next": "Volgende →",
    "fullscreen": "Volledig scherm",
}


def layout(**_query) -> html.Div:
    return html.Div([
        dbc.Row([
            dbc.Col(html.H1(TEXT["title"]), width="auto"),
            dbc.Col(dbc.Button(TEXT["present"], href="/best-practices/presentatie", color="primary",
                               outline=True), width="auto", className="ms-auto align-self-center"),
        ]),
        html.P(TEXT["lead"], className="lead"),
        html.Div(id=ids.BEST_CONTENT),
        html.Div(id=ids.BEST_TEAM, style={"display": "none"}, children=[
            html.H2(TEXT["proposals"], className="h4 mt-3"),
            html.P(TEXT["proposals_help"], className="text-muted small"),
            dbc.Row(dbc.Col([html.Label(TEXT["indicator"], className="small"),
                             dcc.Dropdown(id=ids.BEST_INDICATOR, clearable=False)],
                            xs=12, md=6)),
            dcc.Loading(html.Div(id=ids.BEST_PROPOSALS, className="mt-2")),
            dbc.Card(dbc.CardBody([
                html.H2(TEXT["editor"], className="h4"),
                dcc.Store(id=ids.BEST_EDIT_ID),
                dbc.Row([
                    dbc.Col([dbc.Label(TEXT["buurt"], html_for=ids.BEST_EDIT_PROGRAMME),
                             dcc.Dropdown(id=ids.BEST_EDIT_PROGRAMME)], xs=12, md=4),
                    dbc.Col([dbc.Label(TEXT["story_title"], html_for=ids.BEST_EDIT_TITLE),
                             dbc.Input(id=ids.BEST_EDIT_TITLE, maxLength=200)], xs=12, md=8),
                ]),
                dbc.Label(TEXT["story"], html_for=ids.BEST_EDIT_STORY, className="mt-2"),
                dbc.Textarea(id=ids.BEST_EDIT_STORY, rows=5),
                dbc.Row([
                    dbc.Col([dbc.Label(TEXT["interventions"], html_for=ids.BEST_EDIT_INTERVENTIONS),
                             dcc.Dropdown(id=ids.BEST_EDIT_INTERVENTIONS, multi=True)], xs=12, md=6),
                    dbc.Col([dbc.Label(TEXT["evidence"], html_for=ids.BEST_EDIT_INDICATOR),
                             dcc.Dropdown(id=ids.BEST_EDIT_INDICATOR)], xs=12, md=6),
                ], className="mt-2"),
                dbc.Row([
                    dbc.Col([dbc.Label(TEXT["contact"], html_for=ids.BEST_EDIT_CONTACT),
                             dbc.Input(id=ids.BEST_EDIT_CONTACT, maxLength=200)], xs=12, md=8),
                    dbc.Col([dbc.Label(TEXT["status"]),
                             dbc.RadioItems(id=ids.BEST_EDIT_STATUS, value="concept", inline=True, options=[
                                 {"label": "concept", "value": "concept"},
                                 {"label": "gepubliceerd", "value": "gepubliceerd"}])], xs=12, md=4),
                ], className="mt-2"),
                dbc.Button(TEXT["save"], id=ids.BEST_EDIT_SAVE, color="primary", className="mt-3 me-2"),
                dbc.Button(TEXT["new"], id=ids.BEST_EDIT_NEW, color="secondary", outline=True, className="mt-3"),
                html.Div(id=ids.BEST_EDIT_RESULT, className="mt-2"),
                html.Div(id=ids.BEST_EDIT_HISTORY, className="mt-2 small"),
            ]), className="mt-4"),
        ]),
        html.H2(TEXT["stories"], className="h4 mt-4"),
        dcc.Loading(html.Div(id=ids.BEST_LIST)),
    ])


def presentation_layout(**_query) -> html.Div:
    return html.Div([
        html.Div([
            dbc.Button(TEXT["prev"], id=ids.BEST_SLIDE_PREV, color="light", className="me-2"),
            html.Span(id=ids.BEST_SLIDE_COUNTER, className="slide-counter me-2"),
            dbc.Button(TEXT["next"], id=ids.BEST_SLIDE_NEXT, color="light", className="me-3"),
            dbc.Button(TEXT["fullscreen"], id=ids.BEST_FULLSCREEN, color="secondary", outline=True),
            html.Small("Pijltjestoetsen of PageUp/PageDown om te bladeren", className="ms-3 text-muted"),
        ], className="slide-controls"),
        dcc.Store(id=ids.BEST_SLIDE_INDEX, data=0),
        dcc.Loading(html.Div(id=ids.BEST_SLIDES, className="slides")),
    ], className="presentation", id=ids.BEST_PRESENTATION)
