"""The one-page review handout as PDF (/export/review/<slug>/<review>.pdf), from the same view-model as the screen.

reportlab draws it directly (no browser, no system libraries): per theme the judged indicators, then the KPI
status and the actions of the last session. Everything is shrunk into one A4 page so it prints as one sheet.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from data_access import periods
from layouts.figures import judgement_style
from layouts.review import HEAD, TEXT, change_text, target_text, value_text

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _fonts() -> tuple[str, str]:
    """DejaVu Sans when present (it has ▲ ▼ ●); Helvetica otherwise (the words still carry the meaning)."""
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _judged(change, item: dict, style: ParagraphStyle) -> Paragraph:  # noqa: ANN001
    symbol, word, colour, _css = judgement_style(change.judgement)
    diff = change_text(change.difference, item["kind"], item["unit"]) if change.difference is not None else ""
    text = f'<font color="{colour}">{symbol}</font> {_escape(word or change.word)}'
    if diff:
        text += f"<br/>{_escape(diff)}"
    return Paragraph(text, style)


def handout_pdf(summary: dict) -> bytes:
    """The review summary as a one-page A4 PDF."""
    regular, bold = _fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=8, leading=10)
    small = ParagraphStyle("small", parent=base, fontSize=7, leading=8.5, textColor=colors.HexColor("#495057"))
    h1 = ParagraphStyle("h1", parent=base, fontName=bold, fontSize=14, leading=17, spaceAfter=2)
    h2 = ParagraphStyle("h2", parent=base, fontName=bold, fontSize=10, leading=12, spaceBefore=5, spaceAfter=2)
    story = [
        Paragraph(_escape(f"{TEXT['title']} – {summary['name']}"), h1),
        Paragraph(_escape(TEXT["intro"].format(review=summary["review"], label=summary["review_label"],
                                               previous=summary["previous"])), small),
    ]
    if summary["synthetic"]:
        story.append(Paragraph(_escape(TEXT["synthetic"]), small))
    if summary["kpi"]:
        story.append(Paragraph(TEXT["kpi"], h2))
        for k in summary["kpi"]:
            story.append(Paragraph(_escape(f"{k['name']}: {k['status_label']}"
                                           + (f" ({k['reason']})" if k["reason"] else "")), base))
    grid = TableStyle([("FONTNAME", (0, 0), (-1, 0), bold), ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                       ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                       ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#ced4da")),
                       ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                       ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
    widths = [62 * mm, 26 * mm, 34 * mm, 34 * mm, 24 * mm]
    for theme in summary["themes"]:
        if not theme["items"]:
            continue
        c = theme["counts"]
        story.append(Paragraph(_escape(f"{theme['label']} – {c['beter']} beter, {c['slechter']} slechter, "
                                       f"{c['gelijk']} gelijk gebleven"), h2))
        rows = [[Paragraph(h, base) for h in HEAD]]
        for item in theme["items"]:
            name = _escape(item["name"]) + (f"<br/><font size=6>{_escape(', '.join(item['also']))}</font>"
                                            if item["also"] else "")
            value = value_text(item["value"], item["kind"], item["unit"]) if not item["suppressed"] else (
                item["note"] or "geen waarde")
            rows.append([Paragraph(name, base), Paragraph(_escape(f"{value} ({periods.label(item['period'])})"),
                                                          base),
                         _judged(item["since_previous"], item, base), _judged(item["since_start"], item, base),
                         Paragraph(_escape(target_text(item["target"])), small)])
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(grid)
        story.append(table)
    session = summary["session"]
    story.append(Paragraph("Afgesproken acties" if session is None else
                           _escape(TEXT["actions"].format(period=session["period"], label=session["period_label"])),
                           h2))
    if session is None or not session["actions"]:
        story.append(Paragraph(TEXT["no_session"] if session is None else TEXT["no_actions"], small))
    else:
        rows = [[Paragraph("Actie", base), Paragraph("Status", base)]] + [
            [Paragraph(_escape(a["text"]), base), Paragraph(_escape(a["status_label"]), base)]
            for a in session["actions"]]
        table = Table(rows, colWidths=[150 * mm, 30 * mm])
        table.setStyle(grid)
        story.append(table)
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph("Symbolen: ▲ beter · ▼ slechter · ● gelijk gebleven (binnen het 95%-interval) · "
                           "△/▽ hoger/lager zonder goed/slecht-richting.", small))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=10 * mm,
                            bottomMargin=10 * mm, title=f"Review {summary['name']} {summary['review']}",
                            author="Buurtdashboard", lang="nl")
    frame_w, frame_h = A4[0] - 24 * mm, A4[1] - 20 * mm - 1
    doc.build([KeepInFrame(frame_w, frame_h, story, mode="shrink")])
    return buffer.getvalue()
