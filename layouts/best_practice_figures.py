"""Figures of best practices (the live evidence chart and the slide-sized story), drawn from plain data that
`data_access.best_practices.story_view` returns; used by the page and by the PNG/PDF export alike."""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

from data_access import periods

MSG = {
    "no_evidence": "Nog geen uitkomstgegevens om het bewijs te tonen.",
    "evidence_axis": "verandering sinds de nulmeting",
}


def _pct(log_change: float) -> float:
    return math.expm1(log_change) * 100 if log_change is not None and not pd.isna(log_change) else math.nan


def evidence_figure(view: dict, height: int = 360) -> go.Figure:
    """The buurt's change since the nulmeting (in %) against its peers' mean and 95% prediction band.

    view: `data_access.best_practices.story_view` (series, buurt, indicator_name)."""
    series, buurt, indicator_name = view["series"], view["buurt"], view["indicator_name"]
    fig = go.Figure()
    if series.empty:
        fig.add_annotation(text=MSG["no_evidence"], showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, height=height)
        return fig
    frame = series.assign(_k=series["period"].map(periods.sort_key)).sort_values("_k")
    labels = frame["period"].map(periods.label)
    band = frame.dropna(subset=["peer_low"])
    blabels = band["period"].map(periods.label)
    fig.add_trace(go.Scatter(x=list(blabels) + list(blabels[::-1]),
                             y=[_pct(v) for v in band["peer_high"]] + [_pct(v) for v in band["peer_low"][::-1]],
                             fill="toself", fillcolor="rgba(120,130,140,0.18)", line={"width": 0},
                             hoverinfo="skip", name="bandbreedte vergelijkingsbuurten (95%)"))
    fig.add_trace(go.Scatter(x=blabels, y=[_pct(v) for v in band["peer_mean"]], mode="lines",
                             line={"color": "#6c757d", "dash": "dash"}, name="vergelijkingsbuurten (gemiddeld)",
                             hovertemplate="%{y:.1f}%<extra>vergelijkingsbuurten</extra>"))
    colours = ["#198754" if b else "#0b5394" for b in frame["better"]]
    if frame["better"].any():  # a legend entry that explains the green points
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker={"size": 9, "color": "#198754"},
                                 name="beter dan de vergelijkingsbuurten"))
    fig.add_trace(go.Scatter(x=labels, y=[_pct(v) for v in frame["change"]], mode="lines+markers",
                             line={"color": "#0b5394", "width": 3}, marker={"size": 9, "color": colours},
                             name=buurt, hovertemplate="%{y:.1f}%<extra>" + buurt + "</extra>"))
    fig.update_layout(
        height=height, margin={"l": 60, "r": 10, "t": 30, "b": 40}, separators=",.",
        plot_bgcolor="white", paper_bgcolor="white", legend={"orientation": "h", "y": -0.2},
        title={"text": indicator_name, "font": {"size": 14}, "x": 0},
        yaxis={"title": MSG["evidence_axis"], "ticksuffix": "%", "gridcolor": "#e9ecef", "zerolinecolor": "#adb5bd"},
    )
    return fig


def story_figure(view: dict, practice: dict) -> go.Figure:
    """One story as a single slide-sized figure (title, text, interventions, contact, evidence) for export."""
    fig = evidence_figure(view, height=900)
    buurt = view["buurt"]
    interventions = view["interventions"]
    story = "<br>".join(textwrap.wrap(practice.get("story") or "", 48)[:22])
    lines = [f"<b>{buurt}</b>", "", story]
    if interventions:
        lines += ["", "<b>Interventies</b>"] + [f"• {name}" for _, name in interventions]
    if practice.get("contact"):
        lines += ["", f"<b>Contact:</b> {practice['contact']}"]
    if practice.get("indicator_code"):
        lines += ["", f"<b>Bewijs:</b> {view['indicator_name'].lower()},",
                  "verandering sinds de nulmeting naast vergelijkingsbuurten"]
    fig.update_layout(
        width=1600, height=900, margin={"l": 640, "r": 50, "t": 150, "b": 90},
        title={"text": f"<b>{practice['title']}</b>", "font": {"size": 34}, "x": 0.02, "y": 0.95},
        font={"size": 16},
    )
    fig.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=-0.62, y=1.0, xanchor="left",
                       yanchor="top", showarrow=False, align="left", font={"size": 18})
    return fig
