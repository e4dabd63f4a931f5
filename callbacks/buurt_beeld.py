"""The buurtbeeld (/buurt/<slug>/beeld and /gebied/<code>): title, headline figures and their trends, the
Fingertips-style spine chart with its table, challenges and strengths in words, and the location map.

The comparisons are those of the API (`/api/v1/observations?benchmark=NL`), so the words on the page and in the
CSV download agree. Every callback resolves the slug or code itself; unknown values get a message, not SQL.
"""

from __future__ import annotations

import copy
import functools
import math
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from dash import Input, Output, State, dcc, html

from callbacks.buurt import MSG, PUBLIC_KINDS, _code, _missing, _resolve, csv_link, fmt, period_label, synthetic_badge
from callbacks.common import current_viewer, engine, per_store_version
from dashboard import ids
from data_access import queries
from data_access.access import ANONYMOUS
from data_access.comparisons import gemeente_of
from data_access.profile import area_outlines, challenges_and_strengths
from data_access.profile_store import area_profile
from data_access.services.beeld_view import HEADLINES, stored_beeld_head
from layouts.figures import TEMPLATE, exportable, graph_config

# Okabe–Ito colours (colour-blind safe); every colour also has its own symbol and a word next to it.
STYLE = {
    "much_better": ("#0072B2", "circle", 15, "veel beter"),
    "better": ("#0072B2", "circle", 12, "beter"),
    "similar": ("#F0E442", "square", 11, "vergelijkbaar"),
    "worse": ("#D55E00", "diamond", 12, "slechter"),
    "much_worse": ("#D55E00", "diamond", 15, "veel slechter"),
    "higher": ("#CC79A7", "triangle-up", 12, "hoger"),
    "much_higher": ("#CC79A7", "triangle-up", 15, "veel hoger"),
    "lower": ("#CC79A7", "triangle-down", 12, "lager"),
    "much_lower": ("#CC79A7", "triangle-down", 15, "veel lager"),
    "not_comparable": ("#495057", "circle-open", 11, "niet getoetst"),
}
CSS_CLASS = {"much_better": "cmp-better", "better": "cmp-better", "similar": "cmp-similar",
             "worse": "cmp-worse", "much_worse": "cmp-worse", "higher": "cmp-neutral", "much_higher": "cmp-neutral",
             "lower": "cmp-neutral", "much_lower": "cmp-neutral", "not_comparable": "cmp-none"}
SYMBOL_TEXT = {"circle": "●", "square": "■", "diamond": "◆", "triangle-up": "▲", "triangle-down": "▼",
               "circle-open": "○"}
X_RANGE = (-1.08, 1.08)  # the spine chart's x axis (rows are scaled to [−1, 1])
SPINE_LEFT = 320  # px for the indicator names left of the spine chart (the longest takes ~316 px)
TEXT = {
    "spine_title": "Hoe verhoudt {name} zich tot Nederland?",
    "spine_intro": "Elke rij is een contextindicator. De middellijn is Nederland; rechts = gunstiger dan "
                   "Nederland (bij indicatoren zonder goede of slechte richting: rechts = hoger). Het symbool "
                   "toont de waarde van {name}, gekleurd naar de toets op het 95%-interval (veel = buiten het "
                   "99,8%-interval). De grijze balk is de middelste helft van {peers}, de lijn hun laagste tot "
                   "hoogste waarde; het streepje is {gemeente}. Elke rij heeft zijn eigen schaal.",
    "peers": "de {n} meest vergelijkbare buurten",
    "no_peers": "Geen vergelijkbare buurten: {reason}",
    "table_summary": "Tabel bij de grafiek: alle contextcijfers",
    "csv": "Download alle contextcijfers met de vergelijking met Nederland (CSV)",
    "no_profile": "Voor dit gebied zijn nog geen contextcijfers geïmporteerd.",
    "no_chart_rows": "Geen indicator met zowel een waarde als een landelijk cijfer: de grafiek blijft leeg. De tabel "
                     "hieronder toont wat er wel is.",
    "nl_other_period": "niet getoetst (NL: {period})",
    "no_nl": "geen NL-cijfer",
    "words_title": "Uitdagingen en krachten volgens de cijfers",
    "words_intro": "Afgeleid uit de contextcijfers: een indicator telt als uitdaging of kracht wanneer het "
                   "landelijk gemiddelde buiten het 95%-betrouwbaarheidsinterval van {name} ligt. Het "
                   "buurtnetwerk vult dit aan met eigen kennis.",
    "challenges": "Uitdagingen (significant ongunstiger dan Nederland)",
    "strengths": "Krachten (significant gunstiger dan Nederland)",
    "none_challenges": "Geen indicator is significant ongunstiger dan in Nederland.",
    "none_strengths": "Geen indicator is significant gunstiger dan in Nederland.",
    "untested": "Opvallend, maar niet getoetst",
    "untested_intro": "Schattingen zonder betrouwbaarheidsinterval (zoals de RIVM-modelschattingen) die minstens "
                      "15% van het landelijk cijfer afwijken. Zonder interval is niet te zeggen of het verschil "
                      "toeval is.",
    "sentence": "{phrase} dan gemiddeld in Nederland ({value} tegen {nl}, {period})",
    "map_title": "Ligging",
    "map_none": "Voor dit gebied is (nog) geen kaart beschikbaar: de grenzen zijn niet geïmporteerd.",
    "map_caption": "Kaart van {what}. Grenzen: CBS/Kadaster {year}. Slepen zoomt in, dubbelklikken toont het "
                   "geheel.",
    "map_reconstructed": " De buurtgrenzen zijn gereconstrueerd en tot op enkele tientallen meters nauwkeurig.",
    "suppressed": "onderdrukt",
}
ROLE_STYLE = {  # role → (fill, line colour, line width, dash, legend label)
    "gemeente": ("rgba(233,236,239,0.7)", "#6c757d", 1.5, "solid", "gemeente {name}"),
    "omgeving": (None, "#adb5bd", 0.8, "solid", "omliggende gebieden"),
    "wijk": (None, "#343a40", 2.0, "dot", "wijk {name}"),
    "gebied": ("rgba(0,114,178,0.45)", "#0072B2", 2.0, "solid", "{name}"),
}
# Sentences for indicators whose name does not read well in the generic form ("<name>: meer").
PHRASES = {
    "pct_personen_laag_inkomen": ("Meer inwoners met een laag inkomen", "Minder inwoners met een laag inkomen"),
    "pct_huishoudens_laag_inkomen": ("Meer huishoudens met een laag inkomen",
                                     "Minder huishoudens met een laag inkomen"),
    "inkomen_per_inwoner": ("Hoger gemiddeld inkomen per inwoner", "Lager gemiddeld inkomen per inwoner"),
    "gestandaardiseerd_huishoudinkomen": ("Hoger huishoudinkomen", "Lager huishoudinkomen"),
    "uitkering_bijstand_per_100": ("Meer inwoners in de bijstand", "Minder inwoners in de bijstand"),
    "uitkering_ao_per_100": ("Meer inwoners met een arbeidsongeschiktheidsuitkering",
                             "Minder inwoners met een arbeidsongeschiktheidsuitkering"),
    "uitkering_ww_per_100": ("Meer inwoners met een WW-uitkering", "Minder inwoners met een WW-uitkering"),
    "misdrijven_per_1000": ("Meer geregistreerde misdrijven per inwoner",
                            "Minder geregistreerde misdrijven per inwoner"),
    "eenzaam_18plus": ("Meer volwassenen voelen zich eenzaam", "Minder volwassenen voelen zich eenzaam"),
    "eenzaam_65plus": ("Meer 65-plussers voelen zich eenzaam", "Minder 65-plussers voelen zich eenzaam"),
    "ervaren_gezondheid_goed_18plus": ("Meer volwassenen ervaren hun gezondheid als goed",
                                       "Minder volwassenen ervaren hun gezondheid als goed"),
    "ervaren_gezondheid_goed_65plus": ("Meer 65-plussers ervaren hun gezondheid als goed",
                                       "Minder 65-plussers ervaren hun gezondheid als goed"),
    "roker_18plus": ("Meer volwassenen roken", "Minder volwassenen roken"),
    "roker_65plus": ("Meer 65-plussers roken", "Minder 65-plussers roken"),
    "moeite_met_rondkomen_18plus": ("Meer volwassenen hebben moeite met rondkomen",
                                    "Minder volwassenen hebben moeite met rondkomen"),
    "moeite_met_rondkomen_65plus": ("Meer 65-plussers hebben moeite met rondkomen",
                                    "Minder 65-plussers hebben moeite met rondkomen"),
}


HEADLINE_LABELS = {  # the figures themselves: beeld_view.HEADLINES
    "inwoners": "Inwoners", "pct_65plus": "65-plussers", "huishoudens": "Huishoudens",
    "inkomen_per_inwoner": "Gemiddeld inkomen per inwoner", "wmo_per_1000": "Wmo-cliënten per 1.000 inwoners",
    "eenzaam_65plus": "Eenzaam (65-plussers)", "ervaren_gezondheid_goed_18plus": "Goed ervaren gezondheid (18+)",
    "zvw_kosten_totaal": "Zorgkosten Zvw per verzekerde (gemeente)", "afstand_huisarts": "Afstand tot huisarts",
}


# ---------------------------------------------------------------- data

def _area_for(data):  # noqa: ANN001, ANN202
    """(area, viewer, is_gebied) for the store of a buurt or gebied page; area None when unknown or mismatched."""
    code = _code(data)
    kind = data.get("kind") if isinstance(data, dict) else None
    is_gebied = kind == "gebied"
    with engine().connect() as conn:
        area = _resolve(conn, code)
    if area is None or (is_gebied and area.programme_id is not None) or (
            not is_gebied and area.programme_id is None):
        return None, None, is_gebied
    return area, (ANONYMOUS if kind in PUBLIC_KINDS else current_viewer()), is_gebied


def sentence(row) -> str:  # noqa: ANN001
    """A Dutch sentence on one indicator's difference from NL, e.g. 'Meer inwoners met een laag inkomen …'."""
    more = row["value"] > row["nl_value"]
    if row["indicator"] in PHRASES:
        phrase = PHRASES[row["indicator"]][0 if more else 1]
    else:
        unit = str(row["unit"] or "")
        if unit == "km":
            word = "groter" if more else "kleiner"
        elif row["kind"] in ("percentage", "rate"):
            word = "meer" if more else "minder"
        else:
            word = "hoger" if more else "lager"
        phrase = f"{row['name']}: {word}"
    unit = str(row["unit"] or "")
    per = f" {unit}" if unit.startswith("per ") else ""  # "0,85 tegen 2,25 per 100 inwoners"
    return TEXT["sentence"].format(phrase=phrase, value=fmt(row["value"], row["kind"], row["unit"]),
                                   nl=fmt(row["nl_value"], row["kind"], row["unit"]) + per,
                                   period=period_label(row["period"]))


# ---------------------------------------------------------------- title, headline cards, trends

def _row_note(row: dict) -> str:
    if row["note"]:
        return row["note"]
    return "onderdrukt" if row["suppressed"] else ("geen waarde" if row["value"] is None else "")


def _headline_card(label: str, row: dict | None, entry: dict | None) -> dbc.Col:
    if row is None or entry is None:
        value, sub = MSG["not_available"], ""
    elif row["value"] is None:
        value, sub = "–", _row_note(row)
    else:
        value = fmt(row["value"], entry["kind"], entry["unit"])
        sub = [f"{period_label(row['period'])} · {row['source']}"]
        if row["synthetic"]:
            sub += [" ", synthetic_badge()]
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.Div(label, className="headline-label"),
        html.Div(value, className="headline-value"),
        html.Small(sub, className="text-muted"),
    ]), className="h-100 headline-card"), xs=6, md=4, xl=3)


def trend_figure(series: dict[str, list[dict]], names: dict[str, str], unit: str | None) -> dict:
    """One headline's development for the area, its gemeente and Nederland: a plain figure dict (a validated
    plotly figure cost ~40 ms each)."""
    traces = []
    for key in ("buurt", "gemeente", "nl"):
        rows = series.get(key) or []
        if not rows or (key != "buurt" and len(rows) < 2):
            continue
        traces.append({"type": "scatter", "mode": "lines+markers", "name": names[key],
                       "x": [str(r["period"]) for r in rows], "y": [r["value"] for r in rows]})
    # margins as plotly.js widens them for the tick labels and the legend below (widening costs a second draw)
    layout = {"height": 220, "margin": {"l": 60, "r": 10, "t": 15, "b": 80}, "legend": {"orientation": "h", "y": -0.3},
              "separators": ",.", "template": _template_json()}
    if isinstance(unit, str) and unit:
        layout["yaxis"] = {"title": {"text": unit}}
    return {"data": traces, "layout": layout}


@per_store_version
def update_head(data):  # noqa: ANN001, ANN201
    """Title, headline cards and trends of a buurtbeeld (the view-model: `services.beeld_view`)."""
    area, viewer, is_gebied = _area_for(data)
    kind = data.get("kind") if isinstance(data, dict) else None
    if area is None:
        msg = MSG["unknown_area" if is_gebied else "unknown"].format(code=_code(data))
        return dbc.Alert(msg, color="warning"), None, None
    with engine().connect() as conn:
        view = stored_beeld_head(conn, viewer, area)
    gm_name = view["gemeente"][1] if view["gemeente"] else "gemeente"
    level_word = {"programma": "programmabuurt", "buurt": "buurt", "wijk": "wijk", "gemeente": "gemeente",
                  "land": "land"}.get(area.level, area.level)
    title = html.Div([
        html.H1(("Buurtbeeld " if not is_gebied else "") + area.name
                + (" – openbaar profiel" if kind == "publiek" else "")),
        html.P(f"{level_word} {area.code} · openbare contextcijfers vergeleken met "
               + (f"{gm_name} en Nederland" if view["gm_code"] != area.code else "Nederland"), className="text-muted"),
    ])
    catalogue = view["catalogue"]
    cards = [_headline_card(HEADLINE_LABELS[ind], view["headlines"].get(ind), catalogue.get(ind))
             for ind, _scope in HEADLINES]
    headlines = html.Section([html.H2("Kerncijfers", className="h4"), dbc.Row(cards, className="g-2")])

    names = {"buurt": area.name, "gemeente": gm_name, "nl": "Nederland"}
    trend_cols = []
    for ind, _scope in HEADLINES:
        label = HEADLINE_LABELS[ind]
        if ind not in catalogue:
            continue
        series = view["series"][ind]
        valued = [r for r in series["buurt"] if r["value"] is not None]
        if len(valued) < 3:
            continue
        entry = catalogue[ind]
        table_rows = [html.Tr([html.Td(period_label(r["period"])), html.Td(fmt(r["value"], entry["kind"],
                                                                                entry["unit"]))])
                      for r in valued]
        trend_cols.append(dbc.Col(dbc.Card(dbc.CardBody([
            html.H3(label, className="h6"),
            html.Figure(exportable(dcc.Graph(figure=trend_figure(series, names, entry["unit"]),
                                             config=graph_config(f"{area.code}-{ind}"), className="trend-graph"),
                                   f"{area.code}-{ind}"),
                        role="group", className="m-0",
                        **{"aria-label": f"Grafiek: {label} van {area.name}, {gm_name} en Nederland door de jaren"}),
            html.Details([html.Summary("Tabel"), dbc.Table([html.Thead(html.Tr([html.Th("Periode"),
                                                                                 html.Th(area.name)])),
                                                            html.Tbody(table_rows)], size="sm")]),
            html.Small([f"Bron: {entry['source']} · ", csv_link(area.code, ind)], className="text-muted"),
        ])), xs=12, md=6, xl=4))
    trends = html.Section([html.H2("Ontwikkeling door de jaren", className="h4"),
                           dbc.Row(trend_cols, className="g-2")]) if trend_cols else None
    return title, headlines, trends


# ---------------------------------------------------------------- spine chart

def _centre(row) -> float | None:  # noqa: ANN001
    for key in ("nl_any_value", "peer_median", "gm_value"):
        if not _missing(row[key]):
            return float(row[key])
    return None


def spine_rows(profile: pd.DataFrame) -> pd.DataFrame:
    """The rows of the spine chart: no counts, a centre to scale on; x positions scaled to [−1, 1] per row.

    Right is better (higher for neutral indicators): a lower-is-better indicator is mirrored.
    """
    rows = profile[(profile["kind"] != "count")].copy()
    rows["centre"] = [_centre(r) for _, r in rows.iterrows()]
    rows = rows[rows["centre"].notna()]
    if rows.empty:
        return rows
    parts = ["value", "gm_value", "peer_min", "peer_max", "ci_low", "ci_high"]
    spread = pd.concat([(rows[c] - rows["centre"]).abs() for c in parts], axis=1).max(axis=1, skipna=True)
    fallback = rows["centre"].abs() * 0.1
    half = spread.where(spread > 0, fallback.where(fallback > 0, 1.0))
    sign = rows["polarity"].map(lambda p: -1.0 if p == "lower_is_better" else 1.0)
    for col in ("value", "gm_value", "peer_min", "peer_p25", "peer_p75", "peer_max"):
        rows[f"x_{col}"] = sign * (rows[col] - rows["centre"]) / half * 0.95
    # mirrored rows swap their low and high ends
    flip = sign < 0
    for low, high in (("x_peer_min", "x_peer_max"), ("x_peer_p25", "x_peer_p75")):
        lo, hi = rows[low].copy(), rows[high].copy()
        rows.loc[flip, low], rows.loc[flip, high] = hi[flip], lo[flip]
    rows["label"] = rows["name"].where(~rows["name"].duplicated(keep=False), rows["name"] + " (" + rows["indicator"]
                                       + ")")
    return rows


def _key(row) -> str:  # noqa: ANN001
    key = row["cmp_nl"] if isinstance(row["cmp_nl"], str) else "not_comparable"
    return key if key in STYLE else "not_comparable"


def _word(row) -> str:  # noqa: ANN001
    if bool(row["suppressed"]) or _missing(row["value"]):
        return TEXT["suppressed"] if bool(row["suppressed"]) else "geen waarde"
    key = _key(row)
    if key == "not_comparable" and _missing(row["nl_any_value"]):
        return TEXT["no_nl"]
    if key == "not_comparable" and row["nl_any_period"] != row["period"]:
        return TEXT["nl_other_period"].format(period=period_label(row["nl_any_period"]))
    return STYLE[key][3]


def spine_figure(rows: pd.DataFrame, area_name: str, gm_name: str, peers_label: str) -> go.Figure:
    """The Fingertips-style spine chart: one row per indicator, themes as headings, NL as the centre line.

    Built from plain dicts and handed to plotly unvalidated: validating ~70 rows of traces and annotations took
    most of a second per request; the dicts use only properties plotly validated here before.
    """
    rows = rows.copy()
    for col in [c for c in rows.columns if c.startswith("x_")]:  # 4 decimals: enough for a pixel, a lean payload
        rows[col] = rows[col].astype(float).round(4)
    records = rows.to_dict("records")
    for r in records:
        r["_key"] = _key(r)
        r["_word"] = _word(r)
        r["_fmt"] = fmt(r["value"], r["kind"], r["unit"])
    labels: list[str] = []
    theme = None
    for r in records:
        if r["theme"] != theme:
            theme = r["theme"]
            labels.append(f"<b>{str(theme).replace('_', ' ').capitalize()}</b>")
        labels.append(r["label"])
    # headings need a (transparent) point to exist as categories
    headings = [lab for lab in labels if lab.startswith("<b>")]
    traces = [dict(type="scatter", x=[0] * len(headings), y=headings, mode="markers", marker=dict(opacity=0),
                   hoverinfo="skip", showlegend=False)]

    def segments(low: str, high: str) -> tuple[list, list]:
        xs, ys = [], []
        for r in records:
            if not _missing(r[low]) and not _missing(r[high]):
                xs += [r[low], r[high], None]
                ys += [r["label"], r["label"], None]
        return xs, ys

    xs, ys = segments("x_peer_min", "x_peer_max")
    if xs:
        traces.append(dict(type="scatter", x=xs, y=ys, mode="lines", line=dict(color="#8a939b", width=1.5),
                           hoverinfo="skip", name=f"{peers_label}: laagste–hoogste"))
    xs, ys = segments("x_peer_p25", "x_peer_p75")
    if xs:
        traces.append(dict(type="scatter", x=xs, y=ys, mode="lines", line=dict(color="#c5ccd3", width=10),
                           hoverinfo="skip", name=f"{peers_label}: middelste helft"))
    gm = [r for r in records if not _missing(r["x_gm_value"])]
    if gm:
        traces.append(dict(type="scatter", x=[r["x_gm_value"] for r in gm], y=[r["label"] for r in gm],
                           mode="markers", name=gm_name,
                           marker=dict(symbol="line-ns-open", size=16, color="#212529", line=dict(width=3)),
                           hovertemplate="%{y}<br>" + gm_name + ": %{customdata}<extra></extra>",
                           customdata=[fmt(r["gm_value"], r["kind"], r["unit"]) for r in gm]))
    valued = [r for r in records if not _missing(r["value"])]
    for key, (colour, symbol, size, word) in STYLE.items():
        part = [r for r in valued if r["_key"] == key]
        if not part:
            continue
        hover = [
            f"{area_name}: {r['_fmt']} ({period_label(r['period'])})<br>"
            f"Nederland: {fmt(r['nl_any_value'], r['kind'], r['unit'])}<br>"
            f"{gm_name}: {fmt(r['gm_value'], r['kind'], r['unit'])}<br>"
            + (f"{peers_label}: {fmt(r['peer_p25'], r['kind'], r['unit'])} – {fmt(r['peer_p75'], r['kind'], r['unit'])}"
               "<br>" if r["peer_n"] else "")
            + f"t.o.v. Nederland: {r['_word']}"
            for r in part
        ]
        traces.append(dict(type="scatter", x=[r["x_value"] for r in part], y=[r["label"] for r in part],
                           mode="markers", name=f"{area_name}: {word}",
                           marker=dict(symbol=symbol, size=size, color=colour,
                                       line=dict(width=2 if symbol.endswith("-open") else 1.5,
                                                 color=colour if symbol.endswith("-open") else "#212529")),
                           customdata=hover, hovertemplate="%{y}<br>%{customdata}<extra></extra>"))
    # the value and its word right of each row: one text trace beside the plot (x at the axis' right end, not
    # clipped), where 85 annotations cost plotly.js a measured group each
    traces.append(dict(type="scatter", mode="text", x=[X_RANGE[1]] * len(records), y=[r["label"] for r in records],
                       text=[f"{SYMBOL_TEXT[STYLE[r['_key']][1]] + ' ' if not _missing(r['value']) else ''}"
                             f"{r['_fmt']} · {r['_word']}" for r in records],
                       textposition="middle right", cliponaxis=False, hoverinfo="skip", showlegend=False,
                       textfont=dict(size=12, color="#212529")))
    layout = dict(
        shapes=[dict(type="line", x0=0, x1=0, xref="x", y0=0, y1=1, yref="y domain",
                     line=dict(color="#212529", width=1.5))],
        # margins as wide as plotly.js makes them for the indicator names (left) and a legend of two rows (top):
        # a margin it has to widen itself costs a second draw of the whole chart
        height=max(260, 26 * len(labels) + 130), margin=dict(l=SPINE_LEFT, r=230, t=100, b=40),
        template=copy.deepcopy(_template_json()), separators=",.", hovermode="closest", showlegend=True,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, xanchor="left", font=dict(size=12)),
        xaxis=dict(range=list(X_RANGE), tickvals=[-0.95, 0, 0.95], zeroline=False, fixedrange=True,
                   ticktext=["← ongunstiger / lager", "Nederland", "gunstiger / hoger →"], side="bottom"),
        yaxis=dict(categoryorder="array", categoryarray=labels, autorange="reversed", fixedrange=True,
                   automargin=True, tickfont=dict(size=12)),
    )
    return go.Figure(data=traces, layout=layout, _validate=False)


@functools.cache
def _template_json() -> dict:
    """The registered template as plotly would inline it (an unvalidated figure does not resolve its name)."""
    return pio.templates[TEMPLATE].to_plotly_json()


def _cmp_cell(key: str, label: str) -> html.Td:
    key = key if isinstance(key, str) and key in STYLE else "not_comparable"
    word = STYLE[key][3] if key != "not_comparable" else (label and "niet getoetst" or "–")
    return html.Td([html.Span(SYMBOL_TEXT[STYLE[key][1]], className=f"cmp-symbol {CSS_CLASS[key]}",
                              **{"aria-hidden": "true"}), " ", word], className="cmp-cell")


def _csv_href(area_code: str, indicators: list[str]) -> str:
    query = urlencode({"area": area_code, "indicator": ",".join(indicators), "benchmark": "NL", "format": "csv-nl"})
    return f"/api/v1/observations?{query}"


def profile_table(profile: pd.DataFrame, area: queries.AreaInfo, gm_name: str | None,
                  peers_label: str) -> dbc.Table:
    """Every context indicator with its value, the benchmarks, the peer range and the comparison words."""
    body = []
    theme = None
    columns = 8 if gm_name else 6
    for _, r in profile.iterrows():
        if r["theme"] != theme:
            theme = r["theme"]
            body.append(html.Tr(html.Th(str(theme).replace("_", " ").capitalize(), colSpan=columns,
                                        className="theme-row", scope="colgroup")))
        kind, unit = r["kind"], r["unit"]
        value_cell = [html.Span(fmt(r["value"], kind, unit), className="beeld-value")]
        if _missing(r["value"]):
            value_cell.append(html.Div(r["note"] or ("onderdrukt" if bool(r["suppressed"]) else "geen waarde"),
                                       className="small text-muted beeld-note"))
        if bool(r["synthetic"]):
            value_cell.append(synthetic_badge())
        value_cell.append(html.Div(period_label(r["period"]), className="small text-muted"))
        counts = kind == "count"
        peer = "–" if not r["peer_n"] or counts else (
            f"{fmt(r['peer_p25'], kind, unit)} – {fmt(r['peer_p75'], kind, unit)}")
        nl_cell = [fmt(r["nl_value"], kind, unit)]
        if _missing(r["nl_value"]) and not _missing(r["nl_any_value"]):
            nl_cell = [fmt(r["nl_any_value"], kind, unit),
                       html.Div(period_label(r["nl_any_period"]), className="small text-muted")]
        cells = [
            html.Th([r["name"], html.Div(unit, className="small text-muted fw-normal")], scope="row"),
            html.Td(value_cell),
        ]
        if gm_name:
            cells.append(html.Td(fmt(r["gm_value"], kind, unit)))
        cells += [html.Td(nl_cell), html.Td(peer)]
        if gm_name:
            cells.append(html.Td("") if counts else _cmp_cell(r["cmp_gm"], r["cmp_gm_label"]))
        cells.append(html.Td("") if counts else _cmp_cell(r["cmp_nl"], r["cmp_nl_label"]))
        cells.append(html.Td(r["source"] or "", className="small"))
        body.append(html.Tr(cells, id=f"beeld-row-{r['indicator']}", className="beeld-row",
                            **{"data-indicator": r["indicator"]}))
    head = ["Indicator", area.name] + ([gm_name] if gm_name else []) + ["Nederland", f"{peers_label} (25–75%)"] \
        + ([f"t.o.v. {gm_name}"] if gm_name else []) + ["t.o.v. Nederland", "Bron"]
    return dbc.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(body)],
                     bordered=False, hover=True, responsive=True, size="sm", className="beeld-table")


def _profile_parts(data):  # noqa: ANN001, ANN202
    """(area, profile, n_peers, peer_reason, gemeente name) of a page's area; area None when unknown."""
    area, viewer, _is_gebied = _area_for(data)
    if area is None:
        return None, None, 0, "", None
    with engine().connect() as conn:
        catalogue = queries.indicators(conn)
        profile, n_peers, peer_reason = area_profile(conn, viewer, area, catalogue)
        gm_code = gemeente_of(area)
        gm_area = _resolve(conn, gm_code) if gm_code else None
    return area, profile, n_peers, peer_reason, gm_area.name if gm_area is not None else None


def _peers_label(n_peers: int) -> str:
    return TEXT["peers"].format(n=n_peers) if n_peers else "vergelijkbare buurten"


@per_store_version
def update_profile(data):  # noqa: ANN001, ANN201
    """Spine chart (with its CSV link; its table loads when opened) and the challenges and strengths of the area."""
    area, profile, n_peers, peer_reason, gm_name = _profile_parts(data)
    if area is None:
        return None, None
    if profile.empty:
        return dbc.Alert(TEXT["no_profile"], color="info"), None
    peers_label = _peers_label(n_peers)
    rows = spine_rows(profile)
    parts = [html.H2(TEXT["spine_title"].format(name=area.name), className="h4"),
             html.P(TEXT["spine_intro"].format(name=area.name, peers=peers_label,
                                               gemeente=gm_name or "de gemeente"), className="small text-muted")]
    if not n_peers:
        parts.append(dbc.Alert(TEXT["no_peers"].format(reason=peer_reason), color="light", className="small py-2"))
    if rows.empty:
        parts.append(dbc.Alert(TEXT["no_chart_rows"], color="info"))
    else:
        fig = spine_figure(rows, area.name, gm_name or "gemeente", peers_label)
        judged = rows[rows["value"].notna()].apply(_key, axis=1).value_counts()
        summary = ", ".join(f"{n} {STYLE[k][3]}" for k, n in judged.items())
        parts.append(html.Figure([
            exportable(dcc.Graph(id=ids.BUURT_BEELD_SPINE_GRAPH, figure=fig, config=graph_config(f"spine-{area.code}"),
                                 className="spine-graph"), f"spine-{area.code}"),
            html.Figcaption(f"Spine chart van {len(rows)} contextindicatoren van {area.name} ten opzichte van "
                            f"Nederland: {summary}. Bron: CBS, RIVM/GGD'en/CBS, Vektis; de tabel hieronder bevat "
                            "dezelfde cijfers.", className="small text-muted"),
        ], className="spine-figure", role="group",
            **{"aria-label": f"Spine chart: {area.name} ten opzichte van Nederland, per contextindicator"}))
    # the table (two thirds of the bytes) is sent when opened; without a chart it is the only view: open, inline
    table = profile_table(profile, area, gm_name, peers_label) if rows.empty else None
    parts.append(html.Details([html.Summary(TEXT["table_summary"], id=ids.BUURT_BEELD_TABLE_SUMMARY),
                               html.Div(table, id=ids.BUURT_BEELD_TABLE)],
                              id=ids.BUURT_BEELD_TABLE_DETAILS, className="mb-2 spine-table", open=rows.empty))
    parts.append(html.A(TEXT["csv"], href=_csv_href(area.code, list(profile["indicator"])), className="csv-link small",
                        target="_blank"))
    words = challenges_section(profile, area.name)
    return html.Section(parts, className="mb-4"), words


@per_store_version
def update_profile_table(clicks, data, shown):  # noqa: ANN001, ANN201
    """The spine chart's table, when its <details> is first opened (the stored profile: no recomputation)."""
    if not clicks or shown:
        return dash.no_update
    area, profile, n_peers, _reason, gm_name = _profile_parts(data)
    if area is None or profile.empty:
        return None
    return profile_table(profile, area, gm_name, _peers_label(n_peers))


def _sentence_list(frame: pd.DataFrame, css: str, empty: str) -> html.Ul | html.P:
    if frame.empty:
        return html.P(empty, className="small text-muted")
    return html.Ul([html.Li([html.Span(SYMBOL_TEXT[STYLE[_key(r)][1]] if _key(r) in STYLE else "",
                                       className=f"cmp-symbol {CSS_CLASS.get(_key(r), 'cmp-none')}",
                                       **{"aria-hidden": "true"}), " ", sentence(r)],
                            **{"data-indicator": r["indicator"]}) for _, r in frame.iterrows()],
                   className=f"list-unstyled words-list {css}")


def challenges_section(profile: pd.DataFrame, area_name: str) -> html.Section:
    """Challenges and strengths in words, and notable untested differences."""
    split = challenges_and_strengths(profile)
    untested = split["untested"]
    return html.Section([
        html.H2(TEXT["words_title"], className="h4"),
        html.P(TEXT["words_intro"].format(name=area_name), className="small text-muted"),
        dbc.Row([
            dbc.Col([html.H3(TEXT["challenges"], className="h6"),
                     _sentence_list(split["challenges"], "words-challenges", TEXT["none_challenges"])],
                    xs=12, md=6, className="words-col"),
            dbc.Col([html.H3(TEXT["strengths"], className="h6"),
                     _sentence_list(split["strengths"], "words-strengths", TEXT["none_strengths"])],
                    xs=12, md=6, className="words-col"),
        ], className="g-3"),
        html.Details([
            html.Summary(f"{TEXT['untested']} ({len(untested)})"),
            html.P(TEXT["untested_intro"], className="small text-muted mb-1"),
            html.Ul([html.Li(sentence(r), **{"data-indicator": r["indicator"]}) for _, r in untested.iterrows()],
                    className="small words-untested"),
        ], className="mt-2") if not untested.empty else None,
    ], className="mb-4 words-section")


# ---------------------------------------------------------------- map

def _rings(geometry: dict) -> list[list[list[float]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coords)
    if kind == "MultiPolygon":
        return [ring for polygon in coords for ring in polygon]
    return []


def map_figure(outlines: pd.DataFrame, names: dict[str, str], area_name: str | None = None) -> dict:
    """Outlines as plain scatter lines (no tile server, works offline), with equal distances on both axes.

    A plain figure dict: graph objects validated every outline point on each request (~50 ms)."""
    traces: list[dict] = []
    lats = []
    near: list[tuple[float, float]] = []  # points of everything but the gemeente: the initial view
    for role in ("gemeente", "omgeving", "wijk", "gebied"):
        part = outlines[outlines["role"] == role]
        if part.empty:
            continue
        fill, colour, width, dash_style, label = ROLE_STYLE[role]
        groups = [part] if role in ("gemeente", "omgeving") else [part[part["code"] == c] for c in part["code"]]
        for i, group in enumerate(groups):
            xs, ys = [], []
            for geometry in group["geometry"]:
                for ring in _rings(geometry):
                    xs += [p[0] for p in ring] + [None]
                    ys += [p[1] for p in ring] + [None]
            lats += [y for y in ys if y is not None]
            if role != "gemeente":
                near += [(x, y) for x, y in zip(xs, ys, strict=True) if x is not None]
            name = label.format(name=names.get(group["code"].iloc[0], group["name"].iloc[0])) \
                if len(group) == 1 else label.format(name="")
            trace = {"type": "scatter", "x": xs, "y": ys, "mode": "lines", "name": name,
                     "fill": "toself" if fill else "none",
                     "line": {"color": colour, "width": width, "dash": dash_style},
                     "hoveron": "fills" if fill else "points", "hoverinfo": "name" if fill else "skip",
                     "showlegend": role != "gebied" or (i == 0 and len(groups) == 1), "legendgroup": role}
            if fill:
                trace["fillcolor"] = fill
            traces.append(trace)
        if role == "gebied" and len(groups) > 1:  # one legend entry for a programme buurt of several areas
            traces.append({"type": "scatter", "x": [None], "y": [None], "mode": "lines", "fill": "toself",
                           "fillcolor": fill, "legendgroup": role, "line": {"color": colour, "width": width},
                           "name": f"{area_name} ({len(groups)} CBS-gebieden)"})
    mid = (min(lats) + max(lats)) / 2 if lats else 52.0
    layout = {
        "height": 360, "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "template": _template_json(), "showlegend": True,
        "legend": {"orientation": "h", "y": 0, "yanchor": "top", "x": 0, "font": {"size": 12}},
        "xaxis": {"visible": False}, "plot_bgcolor": "#ffffff",
        # one degree of longitude is cos(latitude) times a degree of latitude: keep the shapes true
        "yaxis": {"visible": False, "scaleanchor": "x", "scaleratio": 1 / math.cos(math.radians(mid))},
    }
    if near and lats:
        # in a large gemeente the buurt would be a dot: start zoomed on the buurt and its wijk (double-click
        # shows the whole gemeente again)
        xs_n, ys_n = [p[0] for p in near], [p[1] for p in near]
        span_y = max(max(ys_n) - min(ys_n), 0.004)
        if span_y * 3 < max(lats) - min(lats):
            pad = span_y * 0.6
            layout["yaxis"]["range"] = [min(ys_n) - pad, max(ys_n) + pad]
            layout["xaxis"]["range"] = [min(xs_n) - pad * 1.6, max(xs_n) + pad * 1.6]
    return {"data": traces, "layout": layout}


@per_store_version
def update_map(data):  # noqa: ANN001, ANN201
    """Where the buurt lies: its CBS areas in their wijk and gemeente."""
    area, _viewer, _is_gebied = _area_for(data)
    if area is None:
        return None
    with engine().connect() as conn:
        outlines = area_outlines(conn, area)
    title = html.H2(TEXT["map_title"], className="h4")
    if outlines.empty or not (outlines["role"] == "gebied").any():
        return html.Section([title, dbc.Alert(TEXT["map_none"], color="light")], className="mb-4")
    own = outlines[outlines["role"] == "gebied"]
    names = dict(zip(outlines["code"], outlines["name"], strict=True))
    if area.programme_id is not None and len(own) == 1:
        names[own["code"].iloc[0]] = area.name  # a one-area programme buurt goes by its programme name
    fig = map_figure(outlines, names, area.name)
    wijk = outlines.loc[outlines["role"] == "wijk", "name"].tolist()
    gemeente = outlines.loc[outlines["role"] == "gemeente", "name"].tolist()
    what = area.name + (f" in wijk {', '.join(wijk)}" if wijk else "") + (
        f", gemeente {gemeente[0]}" if gemeente else "")
    caption = TEXT["map_caption"].format(what=what, year=2024)
    if own["reconstructed"].any() or outlines["reconstructed"].any():
        caption += TEXT["map_reconstructed"]
    return html.Section([
        title,
        html.Figure([
            exportable(dcc.Graph(id=ids.BUURT_BEELD_MAP_GRAPH, figure=fig,
                                 config={**graph_config("kaart"), "scrollZoom": False}, className="map-graph"),
                       "kaart"),
            html.Figcaption(caption, className="small text-muted"),
        ], role="group", **{"aria-label": f"Kaart: {what}"}, className="map-figure"),
    ], className="mb-4")


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.BUURT_BEELD_TITLE, "children"), Output(ids.BUURT_BEELD_HEADLINES, "children"),
                 Output(ids.BUURT_BEELD_TRENDS, "children"), Input(ids.BUURT_AREA, "data"))(update_head)
    app.callback(Output(ids.BUURT_BEELD_SPINE, "children"), Output(ids.BUURT_BEELD_WORDS, "children"),
                 Input(ids.BUURT_AREA, "data"))(update_profile)
    app.callback(Output(ids.BUURT_BEELD_MAP, "children"), Input(ids.BUURT_AREA, "data"))(update_map)
    app.callback(Output(ids.BUURT_BEELD_TABLE, "children"), Input(ids.BUURT_BEELD_TABLE_SUMMARY, "n_clicks"),
                 State(ids.BUURT_AREA, "data"), State(ids.BUURT_BEELD_TABLE, "children"),
                 prevent_initial_call=True)(update_profile_table)
