"""Issue 10, findings 2, 6 and 7: deliveries scoped to their source, sources combined, corrections, serial imports."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from dashboard import ids
from data_access import queries, suppliers, uploads
from data_access.audit import audit_events
from data_access.importers import import_file
from data_access.models import ImportBatch, Observation, ObservationHistory, ObservationStaging
from data_access.seed import catalogue_entries
from tests.conftest import dash_post, login, write_csv

HEADER = "gebied;indicator;periode;teller;noemer;waarde;bron\n"
DEMO = "demo (synthetisch)"
ROOT = Path(__file__).resolve().parent.parent
START = "..beheer-upload-job.data...beheer-upload-poll.disabled...beheer-upload-status.children.."


def _upload(app, email: str, text: str) -> dict:
    """Upload as this user through the real callback and wait for the job row to finish."""
    client = app.server.test_client()
    assert login(client, email).status_code == 302
    contents = "data:text/csv;base64," + base64.b64encode(text.encode()).decode()
    response = dash_post(client, START, [{"id": ids.UPLOAD_FILE, "property": "contents", "value": contents}],
                         [{"id": ids.UPLOAD_FILE, "property": "filename", "value": "levering.csv"},
                          {"id": ids.UPLOAD_KIND, "property": "value", "value": "levering"}])
    batch_id = response.get_json()["response"][ids.UPLOAD_JOB]["data"]["batch"]
    engine = app.server.extensions["engine"]
    for _ in range(200):
        with engine.connect() as conn:
            row = uploads.batch(conn, batch_id)
        if row["status"] != "bezig":
            with engine.connect() as conn:
                row["rejected"] = uploads.rejected_rows(conn, batch_id)
            return row
        time.sleep(0.05)
    raise AssertionError("upload did not finish")


def _count(engine, model) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_supplier_cannot_write_a_public_indicator_with_a_source_in_other_case(app):
    row = _upload(app, "verzekeraar@demo.nl", HEADER + "BU03920105;pct_65plus;2024;;;99;DEMO (SYNTHETISCH)\n")
    assert row["status"] == "afgewezen"
    reasons = " | ".join(row["rejected"]["reden"])
    assert "openbaar" in reasons and "niet uw bron" in reasons
    assert _count(app.server.extensions["engine"], Observation) == 0
    body = app.server.test_client().get("/api/v1/observations?area=BU03920105&indicator=pct_65plus").get_json()
    assert body["data"] == []


def test_supplier_cannot_deliver_an_indicator_not_listed_for_its_source(app):
    row = _upload(app, "verzekeraar@demo.nl", HEADER + f"BU03920105;lb_modules;2025-B1;;;3;{DEMO}\n")
    assert row["status"] == "afgewezen"
    assert "staat niet op de lijst" in row["rejected"]["reden"].iloc[0]


def test_every_listed_indicator_exists_and_is_not_public():
    catalogue = {e["code"]: e for e in catalogue_entries()}
    listed = {code for codes in suppliers.all_suppliers().values() for code in codes}
    assert sorted(c for c in listed if c not in catalogue or catalogue[c]["public"]) == []


def test_two_sources_side_by_side_combine_as_a_ratio_of_sums(app, tmp_path):
    """Another insurer's rows stay; readers get (4200 + 800) / (30 + 20) hours per client and both sources."""
    engine = app.server.extensions["engine"]
    other = HEADER + ("BU03920105;wvpk_uren_per_client;2025-B1;4200;30;;Zilveren Kruis\n"
                      "BU03920105;wvpk_uren_per_client;2025-B2;4000;30;;Zilveren Kruis\n")
    assert import_file(engine, "levering", write_csv(tmp_path / "zk.csv", other), user="transitie@demo.nl").ok
    own = HEADER + f"BU03920105;wvpk_uren_per_client;2025-B1;800;20;;{DEMO}\n"
    assert _upload(app, "verzekeraar@demo.nl", own)["status"] == "geaccepteerd"
    assert _count(engine, Observation) == 3
    with engine.connect() as conn:
        frame = queries.observations(conn, ["BU03920105"], ["wvpk_uren_per_client"]).set_index("period")
    assert frame.loc["2025-B1", ["numerator", "denominator", "value"]].tolist() == [5000.0, 50.0, 100.0]
    assert frame.loc["2025-B1", "bronnen"] == ["Zilveren Kruis", DEMO]
    assert frame.loc["2025-B2", "ontbrekende_bronnen"] == [DEMO]


def test_api_names_the_sources_and_a_supplier_sees_only_its_own(app, tmp_path):
    engine = app.server.extensions["engine"]
    text = HEADER + ("BU03920105;wvpk_uren_per_client;2025-B1;4200;30;;Zilveren Kruis\n"
                     f"BU03920105;wvpk_uren_per_client;2025-B1;800;20;;{DEMO}\n")
    assert import_file(engine, "levering", write_csv(tmp_path / "both.csv", text), user="transitie@demo.nl").ok
    url = "/api/v1/observations?area=BU03920105&indicator=wvpk_uren_per_client"
    team = app.server.test_client()
    login(team, "transitie@demo.nl")
    assert team.get(url).get_json()["data"][0]["bronnen"] == ["Zilveren Kruis", DEMO]
    supplier = app.server.test_client()
    login(supplier, "verzekeraar@demo.nl")
    mine = supplier.get(url).get_json()["data"]
    assert [(r["value"], r["bronnen"]) for r in mine] == [(40.0, [DEMO])]


def test_resending_an_older_file_applies_it_again_and_keeps_the_superseded_values(app, tmp_path):
    """Finding 7: import A, then B (same key, new value), then A again: A's value is back, both changes kept."""
    engine = app.server.extensions["engine"]
    a = write_csv(tmp_path / "a.csv", HEADER + f"BU03920105;wvpk_uren_per_client;2025-B1;4200;30;;{DEMO}\n")
    b = write_csv(tmp_path / "b.csv", HEADER + f"BU03920105;wvpk_uren_per_client;2025-B1;4500;30;;{DEMO}\n")
    reports = [import_file(engine, "levering", path, user="verzekeraar@demo.nl") for path in (a, b, a)]
    assert [r.status for r in reports] == ["geaccepteerd", "geaccepteerd", "geaccepteerd"]
    with engine.connect() as conn:
        stored = conn.execute(select(Observation.numerator)).scalar_one()
        history = conn.execute(select(ObservationHistory.old_numerator, ObservationHistory.new_numerator,
                                      ObservationHistory.changed_by).order_by(ObservationHistory.id)).all()
    assert stored == 4200
    assert [tuple(h) for h in history] == [(4200, 4500, "verzekeraar@demo.nl"), (4500, 4200, "verzekeraar@demo.nl")]


def test_an_unchanged_resend_changes_nothing_and_never_names_another_users_import(app, tmp_path):
    engine = app.server.extensions["engine"]
    text = HEADER + f"BU03920105;wvpk_uren_per_client;2025-B1;4200;30;;{DEMO}\n"
    first = import_file(engine, "levering", write_csv(tmp_path / "t.csv", text), user="transitie@demo.nl")
    assert first.status == "geaccepteerd"
    row = _upload(app, "verzekeraar@demo.nl", text)
    assert row["status"] == "ongewijzigd"
    assert f"import {first.batch_id}" not in row["message"] and "al geïmporteerd" not in row["message"]
    assert _count(engine, ObservationHistory) == 0


def test_concurrent_imports_run_one_after_the_other_and_are_audited(app, tmp_path):
    """Finding 6: two command-line imports in two processes at once both end cleanly (exit 0) with an audit event
    each, and reads during the imports succeed."""
    engine = app.server.extensions["engine"]
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    rows = [f"BU03920105;wvpk_uren_per_client;2025-B{p};{4000 + n};30;;{DEMO}\n" for n, p in enumerate(range(1, 7))]
    files = [write_csv(tmp_path / f"f{i}.csv", HEADER + "".join(rows[i::2])) for i in range(2)]
    processes = [subprocess.Popen([sys.executable, "-m", "dashboard", "import", "levering", str(path), "--user",
                                   path.stem], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for path in files]
    reads = 0
    while any(p.poll() is None for p in processes):
        with engine.connect() as conn:
            queries.observations(conn, ["BU03920105"])
        reads += 1
        time.sleep(0.02)
    outputs = [p.communicate() for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert reads > 0
    assert _count(engine, Observation) == 6 and _count(engine, ObservationStaging) == 0
    with engine.connect() as conn:
        events = audit_events(conn, action="import")
        statuses = sorted(conn.execute(select(ImportBatch.status)).scalars())
    assert sorted(events["actor"]) == ["f0", "f1"] and statuses == ["geaccepteerd", "geaccepteerd"]


def test_a_public_indicator_keeps_one_figure_per_key_across_source_names(app, tmp_path):
    """Public figures are never summed over sources: a later file replaces the key (and the old value is kept)."""
    engine = app.server.extensions["engine"]
    for name, value in (("CBS 2024", 20), ("CBS 2024 (herzien)", 21)):
        text = HEADER + f"BU03920105;pct_65plus;2024;;;{value};{name}\n"
        assert import_file(engine, "levering", write_csv(tmp_path / f"{value}.csv", text)).ok
    with engine.connect() as conn:
        stored = conn.execute(select(Observation.source, Observation.value)).all()
        kept = conn.execute(select(ObservationHistory.source, ObservationHistory.old_value,
                                   ObservationHistory.new_source)).all()
    assert [tuple(r) for r in stored] == [("CBS 2024 (herzien)", 21.0)]
    assert [tuple(r) for r in kept] == [("CBS 2024", 20.0, "CBS 2024 (herzien)")]


def test_combining_sums_counts_and_refuses_a_source_without_counts():
    import pandas as pd

    def row(indicator: str, kind: str, source: str, value, num, den):  # noqa: ANN001, ANN202
        return {"area": "BU03920105", "indeling": 2024, "level": "buurt", "indicator": indicator,
                "period": "2025-B1", "value": value, "numerator": num, "denominator": den, "detractors": None,
                "suppressed": False, "source": source, "batch_id": 1, "_kind": kind, "_per": 1.0}

    frame = pd.DataFrame([row("bd_klachten", "count", "A", 2.0, 2.0, None),
                          row("bd_klachten", "count", "B", 3.0, 3.0, None),
                          row("wvpk_uren_per_client", "rate", "A", 140.0, 4200.0, 30.0),
                          row("wvpk_uren_per_client", "rate", "B", 40.0, None, None)])
    out = queries.combine_sources(frame).set_index("indicator")
    assert out.loc["bd_klachten", "value"] == 5.0
    assert pd.isna(out.loc["wvpk_uren_per_client", "value"])
    assert out.loc["wvpk_uren_per_client", "note"].startswith("niet te combineren")
