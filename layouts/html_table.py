"""A table sent to the browser as ONE component: escaped HTML in a dcc.Markdown.

Built from html.Tr/html.Td, a table of 25 rows is 150–250 Dash components, and each costs dash-renderer and React
about a millisecond to mount (and again on every store update): the partner and per-buurt tables on /transitie were
~400 of its 691 components. Here the same markup (ids, classes, scope, caption) is one string, which dcc.Markdown
puts in the page with innerHTML (an HTML block: no markdown is applied, the string has no blank line).

Safety: this module is the only writer of tags. Every text and attribute value goes through `html.escape`, so no
value from the store can add markup; only `tag` and `Markup` values are inserted as they are.
"""

from __future__ import annotations

from html import escape

from dash import dcc


class Markup(str):
    """A fragment of HTML made by this module (already escaped)."""


def _text(value) -> str:  # noqa: ANN001
    """Escaped text on one line: a blank line would end the HTML block and let markdown read the rest."""
    return escape(" ".join(str(value).splitlines()), quote=True)


def _content(value) -> str:  # noqa: ANN001
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, list | tuple):
        return "".join(_content(v) for v in value)
    return _text(value)


def tag(name: str, content=None, **attrs) -> Markup:  # noqa: ANN001
    """`<name attr="…">content</name>` (`name` is always a literal of the caller); `class_name` becomes `class`,
    `col_span` `colspan`; None and False leave an attribute out. `content` is text (escaped), a
    Markup, or a list of both."""
    parts = [name]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        key = {"class_name": "class", "col_span": "colspan"}.get(key, key).replace("_", "-")
        parts.append(f'{key}="{_text(value)}"')
    return Markup(f"<{' '.join(parts)}>{_content(content)}</{name}>")


def link(text, href: str, **attrs) -> Markup:  # noqa: ANN001
    return tag("a", text, href=href, **attrs)


def table_component(head: list, rows: list[Markup], *, table_id: str | None = None, class_name: str = "table",
                    caption: str | None = None, responsive: bool = True, component_id: str | None = None
                    ) -> dcc.Markdown:
    """The table as one dcc.Markdown. `head`: header cells (text or `tag("th", …)`); `rows`: `tag("tr", …)`.
    `class_name` is what dbc.Table would have made (e.g. "table table-sm table-striped"); `responsive` wraps it in
    Bootstrap's scrolling container, as dbc.Table(responsive=True) does."""
    header = tag("thead", tag("tr", [cell if isinstance(cell, Markup) else tag("th", cell) for cell in head]))
    markup = tag("table", [tag("caption", caption, class_name="small") if caption else None, header,
                           tag("tbody", list(rows))], id=table_id, class_name=class_name)
    if responsive:
        markup = tag("div", markup, class_name="table-responsive")
    extra = {"id": component_id} if component_id else {}
    return dcc.Markdown(markup, dangerously_allow_html=True, **extra)
