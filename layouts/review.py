"""The review summary at the top of /buurt/<slug>/uitkomsten: renders the view-model of
`data_access.review_summary.review_summary` (no database here).

Per theme one small table, worst news first; each judgement as symbol, word and colour (never colour alone); changes
of percentages, scores and NPS in points, never relative. Then the KPI status and the actions of the last session,
and links to the printable handout (print CSS) and its PDF.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from data_access import periods
from data_access.review_summary import JUDGED
from layouts.figures import judgement_style, status_badge
from layouts.formatting import number, percentage, signed

TEXT = {
    "title": "Samenvatting voor de review",
    "intro": "Review {review} ({label}). ‘Sinds vorige review’ vergelijkt met de stand bij review {previous}; "
             "‘sinds nulmeting’ met de nulmeting (de laatste meting vóór de start van de buurt, anders de "
             "eerste). Beter of slechter betekent: buiten de "
             "onzekerheid (95%-interval van het verschil) en in de goede of verkeerde richting. De volledige tabellen "
             "staan hieronder.",
    "counts": "Sinds de vorige review: {beter} beter, {slechter} slechter, {gelijk} gelijk gebleven.",
    "nothing": "Nog geen aangeleverde waarden voor dit thema.",
    "kpi": "Kern-KPI en streefwaarden",
    "actions": "Afgesproken acties (review {period}, {label})",
    "no_session": "Er is nog geen reviewsessie vastgelegd vóór of in deze review.",
    "no_actions": "Bij de laatste sessie zijn geen acties vastgelegd.",
    "print": "Afdrukken (handout)",
    "pdf": "Download de handout (PDF)",
    "csv": "Samenvatting als CSV",
    "xlsx": "Samenvatting als Excel (XLSX)",
    "also": "ook voor: {themes}",
    "rest": "Zonder oordeel: {n} indicator(en) zonder nieuwe meting, interval of zichtbare waarde",
    "target": "Doel: {target}",
    "synthetic": "demo: synthetische cijfers",
    "login": None,
}
HEAD = ["Indicator", "Nu", "Sinds vorige review", "Sinds nulmeting", "Doel"]
ACTION_CLASS = {"open": "action-open", "loopt": "action-running", "afgerond": "action-done",
                "vervallen": "action-dropped"}


def _decimals(value: float) -> int:
    size = abs(value)
    return 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 1 or size == 0 else 3


def value_text(value: float | None, kind: str, unit: str) -> str:
    """A value in Dutch notation with a short unit."""
    if value is None:
        return "–"
    if kind == "percentage":
        return percentage(value, 1)
    if kind == "nps":
        return number(value, 0)
    if kind == "count":
        return number(value, 0)
    if kind == "score":
        return number(value, 1)
    return number(value, _decimals(value))


def _points(diff: float, decimals: int, singular: str, plural: str) -> str:
    word = singular if round(abs(diff), decimals) == 1 else plural
    return signed(diff, decimals, f" {word}")


def change_text(diff: float | None, kind: str, unit: str) -> str:
    """An absolute change: procentpunten for percentages, punten for scores and NPS, else in the unit."""
    if diff is None:
        return ""
    if kind == "percentage":
        return _points(diff, 1, "procentpunt", "procentpunten")
    if kind == "nps":
        return _points(diff, 0, "punt", "punten")
    if kind == "score":
        return _points(diff, 1, "punt", "punten")
    if kind == "count":
        return signed(diff, 0, f" {unit}" if unit else "")
    return signed(diff, _decimals(diff) if diff else 1, f" {unit}" if unit else "")


def target_text(target: dict | None) -> str:
    if not target:
        return "–"
    if target["description"]:  # the plan's own words already hold the number
        return target["description"]
    return signed(target["value"] * 100, 0, "%") if target["value"] is not None else "–"


def judgement_cell(change, item: dict) -> html.Td:  # noqa: ANN001
    """Symbol, word and colour of one judgement, with the change in points or units."""
    symbol, word, _colour, css = judgement_style(change.judgement)
    new = change.judgement == "geen_nieuwe_meting"
    diff = change_text(change.difference, item["kind"], item["unit"]) if change.difference is not None and not new \
        else ""
    word = word or change.word
    since = f" (t.o.v. {periods.label(change.since_period)})" if change.since_period and not new else ""
    return html.Td([
        html.Span([html.Span(symbol, className="judge-symbol", **{"aria-hidden": "true"}), " ", word],
                  className=f"judge {css}"),
        html.Div(diff + since, className="small text-muted") if diff or since else None,
    ], **{"data-judgement": change.judgement})


def _row(item: dict) -> html.Tr:
    name = [html.Span(item["name"], className="review-name")]
    if item["also"]:
        name.append(html.Div(TEXT["also"].format(themes=", ".join(item["also"])), className="small text-muted"))
    value = [value_text(item["value"], item["kind"], item["unit"]),
             html.Div(f"{item['unit']} · {periods.label(item['period'])}", className="small text-muted")]
    if item["suppressed"] or item["value"] is None:
        value = [item["note"] or "geen waarde"]
    return html.Tr([
        html.Th(name, scope="row"), html.Td(value), judgement_cell(item["since_previous"], item),
        judgement_cell(item["since_start"], item), html.Td(target_text(item["target"]), className="small"),
    ], className="review-row", id=f"review-row-{item['indicator']}", **{"data-indicator": item["indicator"]})


def theme_block(theme: dict) -> html.Section:
    counts = theme["counts"]
    head = html.H3(theme["label"], className="h6 mb-1")
    if not theme["items"]:
        return html.Section([head, html.P(TEXT["nothing"], className="small text-muted")],
                            className="review-theme", id=f"review-theme-{theme['theme']}")
    summary = html.P([
        html.Span([html.Span("▲", **{"aria-hidden": "true"}), f" {counts['beter']} beter"],
                  className="judge judge-better me-2"),
        html.Span([html.Span("▼", **{"aria-hidden": "true"}), f" {counts['slechter']} slechter"],
                  className="judge judge-worse me-2"),
        html.Span([html.Span("●", **{"aria-hidden": "true"}), f" {counts['gelijk']} gelijk gebleven"],
                  className="judge judge-similar"),
    ], className="small mb-1 review-counts")
    judged = [i for i in theme["items"] if {i["since_previous"].judgement, i["since_start"].judgement} & JUDGED]
    rest = [i for i in theme["items"] if i not in judged]
    parts = [head, summary]
    if judged:
        parts.append(_table(judged))
    if rest:  # no verdict possible (no new value, no interval, hidden): out of the way, one click away
        parts.append(html.Details([html.Summary(TEXT["rest"].format(n=len(rest)), className="small"), _table(rest)],
                                  className="review-rest"))
    return html.Section(parts, className="review-theme", id=f"review-theme-{theme['theme']}")


def _table(items: list[dict]) -> dbc.Table:
    return dbc.Table([html.Thead(html.Tr([html.Th(h, scope="col", className=f"review-col-{n}")
                                          for n, h in enumerate(HEAD)])),
                      html.Tbody([_row(i) for i in items])], size="sm", responsive=True, className="review-table")


def kpi_block(kpi: list[dict]) -> html.Section | None:
    if not kpi:
        return None
    items = [html.Li([html.Strong(k["name"]), ": ", status_badge(k["status"], k["status_label"]),
                      html.Span(f" ({k['reason']})" if k["reason"] else "", className="small text-muted")])
             for k in kpi]
    return html.Section([html.H3(TEXT["kpi"], className="h6"), html.Ul(items, className="list-unstyled mb-0")],
                        className="review-kpi")


def actions_block(session: dict | None) -> html.Section:
    if session is None:
        return html.Section([html.H3("Afgesproken acties", className="h6"),
                             html.P(TEXT["no_session"], className="small text-muted")], className="review-actions")
    head = html.H3(TEXT["actions"].format(period=session["period"], label=session["period_label"]), className="h6")
    if not session["actions"]:
        return html.Section([head, html.P(TEXT["no_actions"], className="small text-muted")],
                            className="review-actions")
    rows = [html.Tr([html.Td(a["text"]), html.Td(html.Span(a["status_label"],
                                                           className=f"action-status {ACTION_CLASS[a['status']]}"))])
            for a in session["actions"]]
    return html.Section([head, dbc.Table([html.Thead(html.Tr([html.Th("Actie", scope="col"),
                                                               html.Th("Status", scope="col")])),
                                          html.Tbody(rows)], size="sm", className="review-actions-table")],
                        className="review-actions")


def summary_section(summary: dict, slug: str) -> html.Section:
    """The whole summary card, with print and download links."""
    review = summary["review"]
    links = html.Div([
        html.Button(TEXT["print"], type="button", className="btn btn-outline-primary btn-sm me-2 review-print",
                    id="review-print-button"),
        html.A(TEXT["pdf"], href=f"/export/review/{slug}/{review}.pdf", className="btn btn-outline-primary btn-sm me-2",
               id="review-pdf-link"),
        html.A(TEXT["csv"], href=f"/download/review.csv-nl?slug={slug}&review={review}", className="small me-2"),
        html.A(TEXT["xlsx"], href=f"/download/review.xlsx?slug={slug}&review={review}", className="small"),
    ], className="mb-2 no-print-links d-print-none")
    body = [
        html.H2(TEXT["title"] + f" – {summary['name']}", className="h4"),
        html.P(TEXT["intro"].format(review=review, label=summary["review_label"], previous=summary["previous"]),
               className="small text-muted"),
        links,
    ]
    if summary["synthetic"]:
        body.append(html.P(TEXT["synthetic"], className="small review-synthetic"))
    body.append(dbc.Row([dbc.Col(kpi_block(summary["kpi"]), xs=12, lg=6),
                         dbc.Col(actions_block(summary["session"]), xs=12, lg=6)], className="g-3 mb-2"))
    body += [theme_block(t) for t in summary["themes"]]
    return html.Section(dbc.Card(dbc.CardBody(body)), className="mb-4 review-summary", id="review-summary",
                        **{"aria-label": TEXT["title"]})
