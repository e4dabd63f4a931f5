"""Every role × every API route and every Dash callback: nothing derived from a row the role may not see comes back.

One app (one database) for the whole module, one logged-in client per role. Rows are planted that some roles may
not see — a non-public gemeente row (issue 10, finding 3), another source's rows, a member area of another
programme buurt, small numbers — each with distinctive values. Every route (from `app.server.url_map`) and
every server-side callback (from `app.callback_map`) is called with sample inputs, and the response (JSON, CSV,
HTML, plotly's binary arrays decoded) is searched for those values, their counts and their Dutch renderings.
A route or callback that is in neither the sample table nor the list of non-numeric ones fails the coverage test,
so a new one has to be classified.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass

import numpy as np
import pytest

from dashboard.public import callback_outputs_public
from data_access import best_practices as bp_service
from data_access import records
from data_access.importers import import_file
from data_access.models import Area, BuurtReport, utcnow
from data_access.transitie import CASE_COMPONENTS
from layouts.formatting import number
from tests.conftest import cloned_database, dash_post, login, write_csv
from tests.netwerk_helpers import programme_id

OWN = "demo (synthetisch)"  # the demo leverancier's source
OTHER = "Verzekeraar X"
A, H = "de-vijfhoek", "haaksbergen"  # buurt A (the network's own) and a programme buurt of two CBS buurten
BU_A, BU_H1, BU_H2, GM = "BU03920105", "BU01580001", "BU01580900", "GM0392"
OUTSIDE = [f"BU039201{i:02d}" for i in range(6, 11)]  # Haarlem buurten outside the programme


@dataclass(frozen=True)
class Planted:
    """A row some roles may not see: its value and distinctive counts, and who must never get them."""

    name: str
    line: str
    value: float
    counts: tuple[float, ...]
    hidden_from: tuple[str, ...]


ALL_ROLES = ("anonymous", "beheerder", "transitieteam", "buurtnetwerk", "leverancier")
PLANTED = [
    # finding 3: a non-public gemeente row that a network of one of its buurten cannot read directly
    Planted("gemeente", f"{GM};wvpk_uren_per_client;2024-B1;4444400;10000;;{OTHER}", 444.44, (4444400,),
            ("anonymous", "buurtnetwerk", "leverancier")),
    # another source's row in buurt A's own CBS area: the network may see it, the supplier may not
    Planted("other-source", f"{BU_A};hap_per_1000;2024-B1;7373;100000;;{OTHER}", 73.73, (7373,),
            ("anonymous", "leverancier")),
    # a small number (3 patients): nobody sees it, not even the transitieteam
    Planted("small", f"{BU_A};ha_consulten_per_patient;2024-B1;13333,2;3;;{OWN}", 4444.4, (13333.2,),
            ALL_ROLES),
    # a member area of another programme buurt: networks see Haaksbergen as a whole only
    Planted("member", f"{BU_H1};wvpk_uren_per_client;2024-B1;55550;100;;{OWN}", 555.5, (55550,),
            ("anonymous", "buurtnetwerk")),
    # the small-number example of finding 5: 4 of 6 trainings (66,7 %)
    Planted("trainings", f"{A};prev_trainingen_gevolgd;2024-B3;4;6;;buurtnetwerk De Vijfhoek", 400 / 6, (),
            ALL_ROLES),
] + [
    # another source's rows in five buurten outside the programme: the comparison group the supplier must not get
    Planted(f"pool-{code}", f"{code};seh_per_1000;2024-B2;7474;100000;;{OTHER}", 74.74, (7474,),
            ("anonymous", "leverancier"))
    for code in OUTSIDE
]
BASE = [  # visible rows, so that benchmarks, comparison groups, KPI and learning have something to compute
    *(f"{BU_A};wvpk_uren_per_client;2024-B{b};{30 * (150 - b)};30;;{OWN}" for b in range(1, 7)),
    f"{BU_A};seh_per_1000;2024-B2;3000;100000;;{OWN}",
    f"{BU_H2};wvpk_uren_per_client;2024-B1;1000;100;;{OWN}",
    *(f"{code};wvpk_uren_per_client;2024-B{b};{(160 + i) * 40};40;;{OWN}"
      for i, code in enumerate(OUTSIDE) for b in range(1, 7)),
    f"{A};prev_clienten_geincludeerd;2024-B3;;;37;buurtnetwerk De Vijfhoek",
]
INDICATORS = ["wvpk_uren_per_client", "hap_per_1000", "ha_consulten_per_patient", "seh_per_1000",
              "prev_trainingen_gevolgd"]
OUTCOMES = ["wvpk_uren_per_client", "ha_consulten_per_patient", "hap_per_1000", "seh_per_1000"]
EMAILS = {"beheerder": "beheer@demo.nl", "transitieteam": "transitie@demo.nl", "buurtnetwerk": "vijfhoek@demo.nl",
          "leverancier": "verzekeraar@demo.nl"}


# ---------------------------------------------------------------- one app for the module

@pytest.fixture(scope="module")
def module_database(template_db, tmp_path_factory):
    """A database of its own for this module (the conftest `database_url` is per test)."""
    yield from cloned_database(template_db, tmp_path_factory.mktemp("visibility"))


@pytest.fixture(scope="module")
def planted_app(module_database, tmp_path_factory):
    from dashboard import create_app

    app = create_app({"DATABASE_URL": module_database, "LOAD_DEMO_DATA": False, "TESTING": True,
                      "DEMO_MODE": True})
    engine = app.server.extensions["engine"]
    with engine.begin() as conn:
        conn.execute(Area.__table__.insert(), [
            {"code": GM, "indeling": 2024, "level": "gemeente", "name": "Haarlem", "parent_code": None},
            {"code": "WK039201", "indeling": 2024, "level": "wijk", "name": "Oude Stad", "parent_code": GM},
            *({"code": c, "indeling": 2024, "level": "buurt", "name": f"Buurt {c[-2:]}", "parent_code": "WK039201"}
              for c in OUTSIDE)])
    folder = tmp_path_factory.mktemp("levering")
    body = "gebied;indicator;periode;teller;noemer;waarde;bron\n" + "\n".join(
        [p.line for p in PLANTED] + BASE) + "\n"
    report = import_file(engine, "levering", write_csv(folder / "levering.csv", body))
    assert report.ok, report.summary()
    with engine.begin() as conn:
        records.save_record(conn, BuurtReport, None, {"year": 2024, "intro": "Ons jaar.", "published": True,
                                                      "published_at": utcnow()}, None, "v", programme_id(engine, A))
        bp_service.save_practice(conn, None, {"title": "Haaksbergen", "story": "Wat werkte.", "interventions": [],
                                              "indicator_code": "wvpk_uren_per_client", "contact": "",
                                              "status": "gepubliceerd"}, None, "v", programme_id(engine, H))
    return app


@pytest.fixture(scope="module")
def clients(planted_app):
    out = {"anonymous": planted_app.server.test_client()}
    for role, email in EMAILS.items():
        client = planted_app.server.test_client()
        assert login(client, email).status_code == 302
        out[role] = client
    return out


# ---------------------------------------------------------------- what may not come back

def _tokens(value: float) -> list[str]:
    """How a number can appear: JSON/CSV (decimal point) and Dutch (decimal comma, thousands dot), 0–2 decimals."""
    out = {repr(float(value)), f"{value:.2f}", f"{value:.1f}"}
    out |= {number(value, d) for d in (1, 2)}
    if float(value).is_integer():
        out |= {str(int(value)), number(value, 0)}
    return sorted(out)


def _pattern(values: list[float]) -> re.Pattern:
    tokens = sorted({t for v in values for t in _tokens(v)}, key=len, reverse=True)
    return re.compile(r"(?<![\d.,])(?:" + "|".join(re.escape(t) for t in tokens) + r")(?![\d])")


FORBIDDEN = {role: [p for p in PLANTED if role in p.hidden_from] for role in ALL_ROLES}
PATTERNS = {role: _pattern([v for p in FORBIDDEN[role] for v in (p.value, *p.counts)]) for role in ALL_ROLES}


def _numbers(node, out: list[float]) -> None:  # noqa: ANN001
    """Every number in a JSON document, plotly's base64 arrays ({"dtype", "bdata"}) decoded."""
    if isinstance(node, dict):
        if "bdata" in node and "dtype" in node:
            out.extend(np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"]).astype(float).tolist())
            return
        for value in node.values():
            _numbers(value, out)
    elif isinstance(node, list):
        for value in node:
            _numbers(value, out)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        out.append(float(node))


def leaks(role: str, body: str, is_json: bool) -> list[str]:
    """The planted values this response holds that the role may not see (empty when it is clean)."""
    found = sorted({m.group(0) for m in PATTERNS[role].finditer(body)})
    if is_json:
        values: list[float] = []
        _numbers(json.loads(body), values)
        for p in FORBIDDEN[role]:
            for wanted in (p.value, *p.counts):
                if any(abs(v - wanted) <= 1e-6 * max(1.0, abs(wanted)) for v in values):
                    found.append(f"{p.name}={wanted}")
    return found


# ---------------------------------------------------------------- routes

AREAS = [A, H, BU_A, BU_H1, GM, OUTSIDE[0]]
ROUTES: dict[str, list[str]] = {
    "/api/v1/indicators": ["/api/v1/indicators"],
    "/api/v1/areas": ["/api/v1/areas?level=programma", "/api/v1/areas?level=gemeente"],
    "/api/v1/observations": [
        *(f"/api/v1/observations?area={a}" + (f"&benchmark={b}" if b else "")
          for a in AREAS for b in (None, "NL", "gemeente", "peers", "programma")),
        *(f"/api/v1/observations?area={a}&format={f}" for a in AREAS for f in ("csv", "csv-nl")),
        f"/api/v1/observations?area={A}&benchmark=gemeente&format=csv",
    ],
    "/api/v1/programma/<slug>/kpi": [f"/api/v1/programma/{s}/kpi{q}" for s in (A, H)
                                     for q in ("", "?vergelijking=gemeente", "?format=csv")],
    "/api/v1/programma/kpi": ["/api/v1/programma/kpi", "/api/v1/programma/kpi?vergelijking=gemeente"],
    "/api/v1/programma/<slug>/leerpartners": [f"/api/v1/programma/{s}/leerpartners?indicator={i}{f}"
                                              for s in (A, H) for i in OUTCOMES for f in ("", "&format=csv")],
    "/api/v1/programma/<slug>/begroting": [f"/api/v1/programma/{s}/begroting{q}" for s in (A, H)
                                           for q in ("", "?jaar=2024", "?format=csv")],
    "/api/v1/programma/<slug>/realisatie": [f"/api/v1/programma/{s}/realisatie{q}" for s in (A, H)
                                            for q in ("", "?format=csv")],
    "/api/v1/programma/<slug>/impact": [f"/api/v1/programma/{s}/impact{q}" for s in (A, H)
                                        for q in ("", "?format=csv")],
    "/api/v1/programma/impact": ["/api/v1/programma/impact", "/api/v1/programma/impact?format=csv"],
    "/verslag": ["/verslag"],
    "/verslag/<slug>/<int:year>": [f"/verslag/{A}/2024", f"/verslag/{H}/2024"],
    "/verslag/<path:_rest>": ["/verslag/x"],
    "/beheer/upload/afgewezen/<int:batch_id>.csv": ["/beheer/upload/afgewezen/1.csv"],
    "/download/<table>.<fmt>": [f"/download/{t}.{f}?slug={s}&review={r}" for t in ("uitkomsten", "review", "kpi")
                                for f in ("csv", "csv-nl") for s in (A, H) for r in ("2024-B2", "2024-B6")]
                               + [f"/download/transitie.{f}" for f in ("csv", "csv-nl")],
}
NO_NUMBERS_ROUTES = {  # rule → why it returns no observation value
    "/static/<path:filename>": "static files",
    "/login": "login form", "/logout": "logout", "/account/wachtwoord": "password form",
    "/auth/login.css": "stylesheet",
    "/assets/<path:filename>": "Dash assets",
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": "Dash's JavaScript",
    "/_dash-layout": "the data-free page skeletons (layouts never read the store)",
    "/_dash-dependencies": "callback wiring", "/_reload-hash": "hot reload", "/_favicon.ico": "icon",
    "/_dash-update-component": "every callback is sampled below",
    "/": "the Dash shell page", "/<path:path>": "the Dash shell page",
    "/export/review/<slug>/<review>.pdf": "a PDF of the review summary, drawn from the same view-model as "
                                          "/download/review.csv (sampled above)",
    "/export/best-practice/<int:practice_id>.<fmt>": "a PNG/PDF of the story figure that the best-list "
                                                     "callback (sampled below) returns as JSON",
}


# ---------------------------------------------------------------- callbacks

def _area(code: str) -> dict:
    return {"kind": "buurt" if not code[:2].isupper() else "gebied", "code": code}


# sample values per input ("component.property"); a callback is called once per sample of its longest input list,
# the other inputs cycling through theirs
VALUES: dict[str, list] = {
    "buurt-area.data": [_area(a) for a in AREAS],
    "buurt-beeld-table-summary.n_clicks": [1], "buurt-beeld-table.children": [None],
    "netwerk-area.data": [_area(A), _area(H)],
    "buurt-uit-review.value": ["2024-B2", "2024-B6"],
    "buurt-uit-indicator.value": INDICATORS,
    "buurt-uit-indicator-query.data": [None],
    "shell-url.pathname": ["/", "/transitie", "/best-practices", "/menukaart", "/best-practices/presentatie"],
    "shell-nav-search.search_value": ["Haarlem", "Vijf"],
    "shell-nav-search.value": [None],
    "publiek-search.search_value": ["Haarlem", "Vijf"],
    "publiek-search.value": [None],
    "home-search.value": [None, "Haarlem", "Vijf"], "home-page.active_page": [1, 2],
    "lerend-query.data": [{"indicator": i, "buurt": A, "link": None} for i in OUTCOMES],
    "lerend-indicator.value": OUTCOMES,
    "lerend-buurt.value": [A, H, None],
    "lerend-link.value": [f"{A}|{H}", f"{H}|{A}"],
    "lerend-graph.clickData": [None],
    "lerend-ranked-page.active_page": [1, 2], "lerend-table-page.active_page": [1, 2],
    "vergelijk-query.data": [{"gebieden": AREAS, "indicatoren": INDICATORS}],
    "vergelijk-areas.value": [AREAS, [GM, BU_H1], [OUTSIDE[0], BU_A]],
    "vergelijk-areas.search_value": ["Haarlem", "BU0392"],
    "vergelijk-indicators.value": [INDICATORS],
    "vergelijk-funnel-indicator.value": INDICATORS,
    "vergelijk-x.value": INDICATORS,
    "vergelijk-y.value": INDICATORS[1:] + INDICATORS[:1],
    "transitie-filter-cohort.value": [None], "transitie-filter-partner.value": [None],
    "transitie-grid.getRowsRequest": [{"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}],
    "transitie-cand-level.value": ["buurt", "wijk"],
    "transitie-cand-summary.n_clicks": [1], "transitie-cand-body.children": [None],
    "transitie-cand-csv.n_clicks": [1],
    "transitie-weight.value": [[{"id": {"type": "transitie-weight", "component": c.code}, "property": "value",
                                 "value": c.weight} for c in CASE_COMPONENTS]],
    "transitie-cand-grid.selectedRows": [None],
    "transitie-cand-grid.getRowsRequest": [{"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}],
    "best-indicator.value": OUTCOMES, "best-menu-indicator.value": OUTCOMES,
    "best-edit-id.data": [None],
    "netwerk-review-period.value": ["2024-B1", "2024-B3"],
    "netwerk-adoptie-period.value": ["2024-B3"],
    "netwerk-verslag-year.value": [2024],
    "beheer-upload-batch.value": [1],
    "beheer-upload-job.data": [None], "beheer-upload-poll.n_intervals": [0], "beheer-upload-poll.disabled": [True],
    "begroting-area.data": [_area(A), _area(H)], "begroting-year.value": [2024, 2026],
    "begroting-message.children": [None], "begroting-workflow-message.children": [None],
    "begroting-real-message.children": [None],
    "begroting-buurt-summary.id": ["begroting-buurt-summary"], "impact-section.id": ["impact-section"],
    "impact-search.value": [None, "Vijf"], "impact-page.active_page": [1, 2],
    "publiek-list-page.active_page": [1, 2],
}
NO_NUMBERS_CALLBACKS = {  # first output → why it returns no observation value (writes, users, audit, history)
    "shell-url.href": "navigation", "shell-nav-user.children": "the user's name and menu",
    "shell-nav-links.children": "navigation links per role", "publiek-search-go.href": "navigation",
    "home-start.children": "links to the role's start pages",
    "indicatoren-table.children": "the indicator catalogue's definitions (no observations)",
    "netwerk-verhaal-message.children": "saves text", "netwerk-verhaal-history.options": "version list",
    "netwerk-verhaal-old.children": "old text", "netwerk-title.children": "narrative text",
    "netwerk-agenda-coverage.children": "agenda lines (no observations)",
    "netwerk-agenda-message.children": "saves agenda", "netwerk-agenda-theme.value": "fills the agenda form",
    "netwerk-review-held-on.value": "session notes", "netwerk-review-message.children": "saves a session",
    "netwerk-review-history.options": "version list", "netwerk-review-old.children": "old notes",
    "netwerk-adoptie-message.children": "saves adoption counts (the form itself is sampled)",
    "netwerk-verslag-intro.value": "report text", "netwerk-verslag-message.children": "saves the report",
    "beheer-users-table.children": "users", "beheer-users-new-feedback.children": "creates a user",
    "beheer-users-edit-role.value": "a user's role", "beheer-users-edit-feedback.children": "changes a user",
    "beheer-audit-table.children": "audit log",
    "beheer-upload-kind.options": "import kinds", "beheer-upload-job.data": "starts an import",
    "transitie-check-title.children": "checklist text",
    "transitie-cand-body.children": "the candidate section's controls (its rows come with the grid)",
    "transitie-check-result.children": "saves a checklist",
    "best-edit-id.data": "fills the story editor", "best-edit-result.children": "saves a story",
    "lerend-link.value": "selects a link from a click",
    "begroting-edit-state.data": "fills the budget form", "begroting-message.children": "saves an activity",
    "begroting-workflow-message.children": "changes a budget's status",
    "begroting-real-message.children": "saves realisation (through the import)",
    "netwerk-contacts-message.children": "saves the kartrekkers' contact details (no observations)",
}


def _outputs(key: str) -> list[dict]:
    """The outputs of a callback key as dash-renderer sends them (anonymous requests are judged on these)."""
    parts = key.strip(".").split("...")
    return [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]} for p in parts]


def _first_output(key: str) -> str:
    return key.strip(".").split("...")[0].split("@")[0]


def _inputs(specs: list[dict], i: int) -> list:
    out = []
    for spec in specs:
        raw = spec["id"]
        pattern = raw.startswith("{")
        name = json.loads(raw)["type"] if pattern else raw
        samples = VALUES.get(f"{name}.{spec['property']}", [[] if pattern else None])
        value = samples[i % len(samples)]
        out.append(value if pattern else {"id": raw, "property": spec["property"], "value": value})
    return out


def _callbacks(app) -> list[tuple[str, dict]]:
    """Server-side callbacks of the app (clientside ones run in the browser on data a callback already sent;
    Dash's own page routing, `_pages_*`, renders the data-free layouts)."""
    return [(key, spec) for key, spec in app.callback_map.items()
            if "callback" in spec and not _first_output(key).startswith("_pages")]


def _calls(app) -> list[tuple[str, str, list, list]]:
    calls = []
    for key, spec in _callbacks(app):
        if _first_output(key) in NO_NUMBERS_CALLBACKS:
            continue
        names = [f"{json.loads(s['id'])['type'] if s['id'].startswith('{') else s['id']}.{s['property']}"
                 for s in spec["inputs"] + spec.get("state", [])]
        n = max([len(VALUES.get(name, [None])) for name in names] or [1])
        for i in range(n):
            calls.append((_first_output(key), key, _inputs(spec["inputs"], i), _inputs(spec.get("state", []), i)))
    return calls


# ---------------------------------------------------------------- the tests

def test_every_route_and_callback_is_sampled_or_said_to_show_no_numbers(planted_app):
    # converter arguments (int(max=…)) are a detail of the route, not a new route
    rules = {re.sub(r"<(\w+)\([^)]*\):", r"<\1:", r.rule) for r in planted_app.server.url_map.iter_rules()}
    assert rules - set(ROUTES) - set(NO_NUMBERS_ROUTES) == set()
    outputs = {_first_output(k) for k, _ in _callbacks(planted_app)}
    inputs = {f"{json.loads(s['id'])['type'] if s['id'].startswith('{') else s['id']}.{s['property']}"
              for k, spec in _callbacks(planted_app) if _first_output(k) not in NO_NUMBERS_CALLBACKS
              for s in spec["inputs"] + spec.get("state", [])}
    # every input of a sampled callback has sample values (a missing one would be called with None only)
    unsampled = {name for name in inputs if name not in VALUES}
    assert unsampled == set(), unsampled
    assert len(outputs - set(NO_NUMBERS_CALLBACKS)) >= 30


def test_team_gets_the_planted_gemeente_row_so_the_search_finds_what_is_there(clients):
    """The control: the transitieteam may see the gemeente row, and the search sees it in the benchmark."""
    response = clients["transitieteam"].get(f"/api/v1/observations?area={BU_A}&benchmark=gemeente")
    values = {r["indicator"]: r["benchmark_value"] for r in response.get_json()["data"] if r["period"] == "2024-B1"}
    assert values["wvpk_uren_per_client"] == pytest.approx(444.44)
    assert leaks("buurtnetwerk", response.get_data(as_text=True), True) != []


def test_gemeente_benchmark_shows_a_network_nothing_of_a_gemeente_row_it_cannot_read(clients):
    """Finding 3: the network of De Vijfhoek got 444,4 from a non-public Haarlem row."""
    network = clients["buurtnetwerk"]
    assert network.get(f"/api/v1/observations?area={GM}").get_json()["data"] == []
    data = network.get(f"/api/v1/observations?area={A}&benchmark=gemeente").get_json()["data"]
    assert [r["benchmark_value"] for r in data if r["indicator"] == "wvpk_uren_per_client"
            and r["period"] == "2024-B1"] == [None]


def test_gemeente_benchmark_shows_a_supplier_nothing_of_another_source(clients):
    """Finding 3: a supplier got another source's gemeente figure as its benchmark."""
    data = clients["leverancier"].get(f"/api/v1/observations?area={BU_A}&benchmark=gemeente").get_json()["data"]
    own = [r for r in data if r["indicator"] == "wvpk_uren_per_client" and r["period"] == "2024-B1"]
    assert [r["benchmark_value"] for r in own] == [None]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_no_route_returns_anything_the_role_may_not_see(clients, role):
    client = clients[role]
    found = {}
    for urls in ROUTES.values():
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, (url, response.status_code)
            body = response.get_data(as_text=True)
            hits = leaks(role, body, response.mimetype == "application/json")
            if hits:
                found[url] = hits
    assert found == {}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_no_callback_returns_anything_the_role_may_not_see(planted_app, clients, role):
    client = clients[role]
    found, errors = {}, {}
    for name, key, inputs, state in _calls(planted_app):
        changed = [f"{i['id']}.{i['property']}" for i in inputs if isinstance(i, dict)]
        response = dash_post(client, key, inputs, state, changed=changed)
        if role == "anonymous" and not callback_outputs_public({"outputs": _outputs(key)}):
            assert response.status_code == 401, (name, response.status_code)  # the guard: log in first
            continue
        if response.status_code not in (200, 204):
            errors[f"{name} {inputs}"] = response.status_code
            continue
        hits = leaks(role, response.get_data(as_text=True), response.status_code == 200)
        if hits:
            found[f"{name} {json.dumps(inputs)[:200]}"] = hits
    assert errors == {}
    assert found == {}
