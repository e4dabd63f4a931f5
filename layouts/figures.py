"""One visual system for every chart and judgement: the colour-blind-safe palette (Okabe–Ito), the symbols and words
that always go with a colour, the Plotly template "buurtdashboard" (Dutch separators, font, colours) and the
PNG/SVG download bar under a chart.

The template is registered once when the app is built (`register_template`); every figure then uses it by default,
so no figure needs its own `separators=",."`. It is built on plotly_white, so `template=TEMPLATE` alone is complete.

Colour is never the only carrier: better ▲ blue, similar ● grey, worse ▼ orange, each with its word.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
from dash import dcc, html

TEMPLATE = "buurtdashboard"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

# Okabe–Ito: distinguishable with every common form of colour blindness
OKABE_ITO = {"blue": "#0072B2", "orange": "#D55E00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "amber": "#E69F00", "purple": "#CC79A7", "grey": "#6C757D", "black": "#000000"}
# series order: blue first (the buurt), then a dark grey for the comparison, then the rest
COLORWAY = [OKABE_ITO[c] for c in ("blue", "amber", "green", "purple", "sky", "orange", "yellow", "grey")]

# judgement → (symbol, word, colour, css class); colours with ≥ 4.5:1 contrast on white for text
JUDGEMENT = {
    "beter": ("▲", "beter", "#0072B2", "judge-better"),
    "slechter": ("▼", "slechter", "#B34700", "judge-worse"),
    "gelijk": ("●", "gelijk gebleven", "#5A6268", "judge-similar"),
    "hoger": ("△", "hoger", "#5A6268", "judge-neutral"),
    "lager": ("▽", "lager", "#5A6268", "judge-neutral"),
}
# marker symbols for Plotly (same shapes as the text symbols)
MARKERS = {"beter": "triangle-up", "slechter": "triangle-down", "gelijk": "circle", "hoger": "triangle-up-open",
           "lager": "triangle-down-open"}
UNKNOWN = ("–", "", "#5A6268", "judge-unknown")

# status badges: programme-level statuses and buurt-level statuses share one look
STATUS_BADGES = {
    "op_koers": ("✔", "Op koers", "status-on"),
    "niet_op_koers": ("✖", "Niet op koers", "status-off"),
    "nog_niet_bekend": ("?", "Nog niet bekend", "status-unknown"),
}

EXPORT_TEXT = {"png": "Download als PNG", "svg": "Download als SVG", "bar": "Grafiek downloaden"}


def _template() -> go.layout.Template:
    template = go.layout.Template(pio.templates["plotly_white"])
    template.layout.update(
        separators=",.", colorway=COLORWAY, font=dict(family=FONT, size=13, color="#212529"),
        hoverlabel=dict(font=dict(family=FONT)), legend=dict(font=dict(size=12)),
        title=dict(font=dict(size=15)),
        # "allow": plotly.js skips its check of every tick label against the chart's edge, which measured all
        # labels again for each label (n² forced layouts: ~0.2 s for the spine chart's 85 rows, longer on a busy
        # page); a label past the edge is clipped by the chart instead of hidden
        xaxis=dict(ticklabeloverflow="allow"), yaxis=dict(ticklabeloverflow="allow"),
    )
    return template


def register_template() -> None:
    """Register the "buurtdashboard" template and make it the default for every figure (idempotent)."""
    if TEMPLATE not in pio.templates:
        pio.templates[TEMPLATE] = _template()
    pio.templates.default = TEMPLATE


apply_template = register_template  # the name the brief of issue 12 used


def judgement_style(judgement: str) -> tuple[str, str, str, str]:
    """(symbol, word, colour, css class) of a judgement; unknown judgements get a dash and no colour."""
    return JUDGEMENT.get(judgement, UNKNOWN)


def graph_config(filename: str) -> dict:
    """dcc.Graph config: the modebar's camera saves a PNG under a readable file name, in Dutch."""
    return {"displaylogo": False, "responsive": True,
            "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
            "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}


def export_bar(filename: str) -> html.Div:
    """PNG and SVG buttons; assets/chart-export.js downloads the chart in the same container (the page's figure,
    so exactly what the viewer may see)."""
    return html.Div([
        html.Button(EXPORT_TEXT[fmt], type="button", className="btn btn-link btn-sm chart-download p-0 me-3",
                    **{"data-format": fmt, "data-filename": filename}) for fmt in ("png", "svg")
    ], className="chart-export-bar small", role="group", **{"aria-label": EXPORT_TEXT["bar"]})


def exportable(graph: dcc.Graph, filename: str) -> html.Div:
    """A chart with its download bar in one container."""
    return html.Div([graph, export_bar(filename)], className="chart-export")


def status_badge(status: str, label: str | None = None) -> html.Span:
    """The one KPI status badge (programme and buurt pages alike): symbol, word and the palette's colour."""
    symbol, word, css = STATUS_BADGES.get(status, STATUS_BADGES["nog_niet_bekend"])
    return html.Span([html.Span(symbol, **{"aria-hidden": "true"}), " ", label or word],
                     className=f"kpi-status {css}")
