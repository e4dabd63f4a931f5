"""Dutch text for the strings that Dash components bring themselves ("3 selected", "Search", AG Grid's menus).

`install()` (called once by the app factory) gives every dcc.Dropdown Dutch labels and every AG Grid the Dutch
locale, unless a page sets its own. One place, so no page can forget it.
"""

from __future__ import annotations

import functools

import dash_ag_grid as dag
from dash import dcc

DROPDOWN_LABELS_NL = {
    "select_all": "Alles kiezen",
    "deselect_all": "Niets kiezen",
    "selected_count": "{num_selected} gekozen",
    "search": "Zoeken",
    "clear_search": "Zoekterm wissen",
    "clear_selection": "Keuze wissen",
    "no_options_found": "Niets gevonden",
}

# AG Grid's built-in texts (community features the app uses: filters, menus, sorting, paging, loading).
AG_GRID_LOCALE_NL = {
    "selectAll": "(Alles kiezen)", "selectAllSearchResults": "(Alle zoekresultaten kiezen)",
    "searchOoo": "Zoeken…", "blanks": "(Leeg)", "noMatches": "Geen resultaten",
    "filterOoo": "Filteren…", "equals": "Is gelijk aan", "notEqual": "Is niet gelijk aan", "blank": "Leeg",
    "notBlank": "Niet leeg", "empty": "Kies er een", "lessThan": "Kleiner dan", "greaterThan": "Groter dan",
    "lessThanOrEqual": "Kleiner dan of gelijk aan", "greaterThanOrEqual": "Groter dan of gelijk aan",
    "inRange": "Tussen", "inRangeStart": "van", "inRangeEnd": "tot", "contains": "Bevat",
    "notContains": "Bevat niet", "startsWith": "Begint met", "endsWith": "Eindigt op", "dateFormatOoo": "dd-mm-jjjj",
    "before": "Voor", "after": "Na", "andCondition": "EN", "orCondition": "OF", "applyFilter": "Toepassen",
    "resetFilter": "Herstellen", "clearFilter": "Wissen", "cancelFilter": "Annuleren", "textFilter": "Tekstfilter",
    "numberFilter": "Getalfilter", "dateFilter": "Datumfilter", "setFilter": "Lijstfilter",
    "filterSummaryInactive": "is (alles)", "filterSummaryContains": "bevat", "filterSummaryNotContains": "bevat niet",
    "filterSummaryTextEquals": "is gelijk aan", "filterSummaryTextNotEqual": "is niet gelijk aan",
    "filterSummaryStartsWith": "begint met", "filterSummaryEndsWith": "eindigt op", "filterSummaryBlank": "is leeg",
    "filterSummaryNotBlank": "is niet leeg", "filterSummaryEquals": "=", "filterSummaryNotEqual": "≠",
    "filterSummaryGreaterThan": ">", "filterSummaryGreaterThanOrEqual": "≥", "filterSummaryLessThan": "<",
    "filterSummaryLessThanOrEqual": "≤", "filterSummaryInRange": "tussen",
    "ariaFilterInput": "Filterinvoer", "ariaFilterValue": "Filterwaarde", "ariaFilterFromValue": "Filteren vanaf",
    "ariaFilterToValue": "Filteren tot", "ariaFilteringOperator": "Filteroperator", "ariaFilterList": "Filterlijst",
    "ariaFilterColumnsInput": "Filterinvoer kolommen", "ariaFilterPanelList": "Filterlijst",
    "ariaColumn": "Kolom", "ariaColumnList": "Kolommenlijst", "ariaColumnFiltered": "Kolom gefilterd",
    "ariaSearch": "Zoeken", "ariaSearchFilterValues": "Filterwaarden doorzoeken",
    "ariaSortableColumn": "Druk op Enter om te sorteren", "ariaMenuColumn": "Druk op Alt+pijl-omlaag voor het "
    "kolommenu", "ariaFilterMenuOpen": "Filtermenu openen", "ariaHidden": "verborgen", "ariaVisible": "zichtbaar",
    "ariaChecked": "aangevinkt", "ariaUnchecked": "niet aangevinkt", "ariaIndeterminate": "onbepaald",
    "ariaDefaultListName": "Lijst", "ariaRowSelect": "Druk op Spatie om deze rij te kiezen",
    "ariaRowDeselect": "Druk op Spatie om deze rij niet meer te kiezen", "ariaRowSelectAll": "Druk op Spatie om "
    "alle rijen te kiezen", "ariaToggleVisibility": "Druk op Spatie om de zichtbaarheid te wisselen",
    "ariaSortAscending": "oplopend", "ariaSortDescending": "aflopend", "ariaSortNone": "niet gesorteerd",
    "ariaLabelColumnMenu": "Kolommenu", "ariaLabelColumnFilter": "Kolomfilter", "ariaLabelDialog": "Venster",
    "ariaLabelSelectField": "Keuzeveld", "ariaLabelTooltip": "Tooltip", "ariaLabelLoadingContextMenu": "Menu laden",
    "ariaSkeletonCellLoadingFailed": "Rij laden mislukt", "ariaSkeletonCellLoading": "Rij wordt geladen",
    "ariaPageSizeSelectorLabel": "Rijen per pagina", "ariaDropZoneColumnComponentSortAscending": "oplopend",
    "ariaDropZoneColumnComponentSortDescending": "aflopend",
    "loadingOoo": "Laden…", "loadingError": "FOUT", "noRowsToShow": "Geen rijen om te tonen",
    "enabled": "Aan", "page": "Pagina", "of": "van", "to": "tot", "more": "meer", "firstPage": "Eerste pagina",
    "lastPage": "Laatste pagina", "nextPage": "Volgende pagina", "previousPage": "Vorige pagina",
    "pageSizeSelectorLabel": "Rijen per pagina:", "pageLastRowUnknown": "?",
    "pinColumn": "Kolom vastzetten", "pinLeft": "Links vastzetten", "pinRight": "Rechts vastzetten",
    "noPin": "Niet vastzetten", "autosizeThisColumn": "Deze kolom passend maken",
    "autosizeAllColumns": "Alle kolommen passend maken", "resetColumns": "Kolommen herstellen",
    "columnFilter": "Kolomfilter", "columnChooser": "Kolommen kiezen", "chooseColumns": "Kolommen kiezen",
    "sortAscending": "Oplopend sorteren", "sortDescending": "Aflopend sorteren", "sortUnSort": "Sortering wissen",
    "copy": "Kopiëren", "copyWithHeaders": "Kopiëren met koppen", "paste": "Plakken", "export": "Exporteren",
    "csvExport": "Exporteren als CSV", "columns": "Kolommen", "filters": "Filters", "true": "ja", "false": "nee",
    "thousandSeparator": ".", "decimalSeparator": ",",
}


def install() -> None:
    """Make Dutch the default of dcc.Dropdown's labels and of AG Grid's locale (idempotent)."""
    if getattr(dcc.Dropdown, "_dutch_default", False):
        return
    dcc.Dropdown.__init__ = _with_default(dcc.Dropdown.__init__, _dropdown_defaults)
    dcc.Dropdown._dutch_default = True
    dag.AgGrid.__init__ = _with_default(dag.AgGrid.__init__, _grid_defaults)


def _with_default(init, defaults):  # noqa: ANN001, ANN202
    @functools.wraps(init)
    def wrapped(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        return init(self, *args, **defaults(kwargs))

    return wrapped


def _dropdown_defaults(kwargs: dict) -> dict:
    labels = kwargs.get("labels")
    kwargs["labels"] = {**DROPDOWN_LABELS_NL, **labels} if isinstance(labels, dict) else DROPDOWN_LABELS_NL
    return kwargs


def _grid_defaults(kwargs: dict) -> dict:
    options = dict(kwargs.get("dashGridOptions") or {})
    options.setdefault("localeText", AG_GRID_LOCALE_NL)
    kwargs["dashGridOptions"] = options
    return kwargs


def yes_no(value: object) -> str:
    """A boolean as the app shows it: ja / nee (never True/False)."""
    return "ja" if bool(value) else "nee"
