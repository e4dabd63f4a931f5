"""Column definitions for dash-ag-grid tables: sortable numbers shown in Dutch notation, links and text filters.

A number column keeps the raw value (so sorting and filtering are numeric) and shows the text that
`layouts.formatting` made for it (field `<name>_nl`, added to the rows by `callbacks.grid.rows`). Column definitions
hold no data, so a page can carry them in its layout and a grid can ask for its rows as soon as it is drawn.
"""

from __future__ import annotations


def text_col(field: str, header: str, **extra) -> dict:
    return {"field": field, "headerName": header, "filter": "agTextColumnFilter", **extra}


def link_col(field: str, header: str, **extra) -> dict:
    """A column whose cells are markdown links ("[name](/buurt/slug)")."""
    return {"field": field, "headerName": header, "cellRenderer": "markdown", "filter": "agTextColumnFilter",
            **extra}


def num_col(field: str, header: str, **extra) -> dict:
    """A numeric column that sorts on the value and shows its Dutch text."""
    return {"field": field, "headerName": header, "filter": "agNumberColumnFilter", "type": "rightAligned",
            "valueFormatter": {"function": f"params.data ? params.data['{field}_nl'] : ''"}, **extra}
