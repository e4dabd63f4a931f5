"""Time the transitieteam's overview (/transitie) at programme scale: 1,000 programme buurten on the real data.

Usage: .venv/bin/python scripts/measure_transitie.py [--db sqlite:////tmp/transitie-bench.db] [--programma 1000]
                                                     [--repeat 5] [--browser]
Builds the database once when it is empty (public files + synthetic deliveries, as the demo does), then times, as
a logged-in transitieteam member through the real Dash callback endpoint:
  1. the overview callback (grid of all programme buurten with KPI status, adoption, freshness, map), first call
     (KPI computed) and warm (KPI cached per store version);
  2. the programme KPI callback (cards, index and event-study charts);
  3. the candidate ranking for cohorts 2 and 3 (all CBS buurten scored);
and with --browser the whole page in headless Chromium: from navigation until the grid shows its rows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from dashboard import create_app  # noqa: E402
from data_access.models import ProgrammeBuurt  # noqa: E402
from data_access.transitie import CASE_COMPONENTS  # noqa: E402
from tests.conftest import login  # noqa: E402

CALLBACKS = {
    "overview (grid, KPI status, freshness, map)": (
        [("transitie-status", "children"), ("transitie-content", "style"), ("transitie-grid", "rowData"),
         ("transitie-grid", "columnDefs"), ("transitie-map", "figure"), ("transitie-filter-cohort", "options"),
         ("transitie-filter-partner", "options"), ("transitie-partners", "children")],
        [("shell-url", "pathname", "/transitie"), ("transitie-filter-cohort", "value", None),
         ("transitie-filter-partner", "value", None)]),
    "programme KPI (cards, index, event study)": (
        [("transitie-kpi", "children"), ("transitie-event-study", "children")],
        [("shell-url", "pathname", "/transitie")]),
    "candidates (all CBS buurten scored, top 300)": (
        [("transitie-cand-grid", "rowData"), ("transitie-cand-grid", "columnDefs"),
         ("transitie-cand-info", "children")],
        [("transitie-cand-level", "value", "buurt"),
         ({"type": "transitie-weight", "component": ["ALL"]}, "value", [c.weight for c in CASE_COMPONENTS])]),
}


def _payload(outputs, inputs) -> str:  # noqa: ANN001
    dash_inputs = []
    for ident, prop, value in inputs:
        if isinstance(ident, dict):  # pattern-matching ALL: one entry per slider
            dash_inputs.append([{"id": {"type": ident["type"], "component": c.code}, "property": prop, "value": v}
                                for c, v in zip(CASE_COMPONENTS, value, strict=True)])
        else:
            dash_inputs.append({"id": ident, "property": prop, "value": value})
    return json.dumps({
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..",
        "outputs": [{"id": i, "property": p} for i, p in outputs],
        "inputs": dash_inputs, "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"], "state": [],
    })


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite:////tmp/transitie-bench.db")
    parser.add_argument("--programma", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--browser", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    app = create_app({"DATABASE_URL": args.db, "DEMO_PROGRAMME_SIZE": args.programma, "DEMO_SEED": 7})
    engine = app.server.extensions["engine"]
    with engine.connect() as conn:
        n_prog = conn.execute(select(func.count()).select_from(ProgrammeBuurt)).scalar()
    print(f"database ready in {time.perf_counter() - start:.1f} s: {n_prog} programme buurten ({args.db})")
    client = app.server.test_client()
    assert login(client, "transitie@demo.nl").status_code == 302
    headers = {"Content-Type": "application/json", "X-CSRFToken": client.get_cookie("_csrf_token").value}
    print(f"{'callback':48} {'first s':>8} {'warm p50 s':>11} {'response kB':>12}")
    for name, (outputs, inputs) in CALLBACKS.items():
        body = _payload(outputs, inputs)
        samples, size = [], 0
        for _ in range(args.repeat + 1):
            t0 = time.perf_counter()
            response = client.post("/_dash-update-component", data=body, headers=headers)
            samples.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
            size = len(response.data)
        print(f"{name:48} {samples[0]:>8.2f} {statistics.median(samples[1:]):>11.2f} {size / 1024:>12.0f}")
    if args.browser:
        browser_render(app, n_prog)


def browser_render(app, n_prog: int) -> None:  # noqa: ANN001
    """Serve the app and time /transitie in headless Chromium until every programme buurt is in the grid."""
    import socket
    import threading

    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.common.by import By
    from werkzeug.serving import make_server

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = Options()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options)
    try:
        base = f"http://127.0.0.1:{port}"
        driver.get(base + "/login")
        driver.find_element(By.ID, "email").send_keys("transitie@demo.nl")
        driver.find_element(By.ID, "password").send_keys("demo")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        time.sleep(1)
        for label in ("first", "second"):
            t0 = time.perf_counter()
            driver.get(base + "/transitie")
            count = 0
            while time.perf_counter() - t0 < 300:
                count = driver.execute_script(
                    "try { return dash_ag_grid.getApi('transitie-grid').getDisplayedRowCount(); }"
                    " catch (e) { return 0; }")
                if count >= n_prog:
                    break
                time.sleep(0.1)
            print(f"browser, {label} visit: grid shows {count} of {n_prog} buurten after "
                  f"{time.perf_counter() - t0:.1f} s")
    finally:
        driver.quit()
        server.shutdown()


if __name__ == "__main__":
    main()
