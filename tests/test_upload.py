"""Uploads on /beheer/upload: the job row, a supplier's own source only, reports and the rejected-rows CSV."""

from __future__ import annotations

import base64
import csv
import io
import json
import time

import pytest
from sqlalchemy import func, select

from dashboard import ids
from data_access import uploads
from data_access.audit import audit_events
from data_access.models import ImportBatch, Observation
from tests.conftest import dash_post, login, write_csv

OWN = ("gebied;indicator;periode;teller;noemer;waarde;bron\n"
       "BU03920105;wvpk_uren_per_client;2025-B1;4200;30;;demo (synthetisch)\n")
MIXED = OWN + "BU03921207;wvpk_uren_per_client;2025-B1;800;20;;Verzekeraar A\n"
START = "..beheer-upload-job.data...beheer-upload-poll.disabled...beheer-upload-status.children.."


def _client(app, email: str):
    client = app.server.test_client()
    assert login(client, email).status_code == 302
    return client


def _upload(client, text: str, kind: str = "levering", name: str = "levering.csv"):
    contents = "data:text/csv;base64," + base64.b64encode(text.encode()).decode()
    return dash_post(client, START, [{"id": ids.UPLOAD_FILE, "property": "contents", "value": contents}],
                     [{"id": ids.UPLOAD_FILE, "property": "filename", "value": name},
                      {"id": ids.UPLOAD_KIND, "property": "value", "value": kind}])


def _wait(engine, batch_id: int) -> dict:
    for _ in range(100):
        with engine.connect() as conn:
            row = uploads.batch(conn, batch_id)
        if row["status"] != "bezig":
            return row
        time.sleep(0.1)
    raise AssertionError("import did not finish")


def test_supplier_upload_runs_in_the_background_and_is_accepted_and_audited(app):
    engine = app.server.extensions["engine"]
    response = _upload(_client(app, "verzekeraar@demo.nl"), OWN)
    assert response.status_code == 200
    job = response.get_json()["response"][ids.UPLOAD_JOB]["data"]
    assert response.get_json()["response"][ids.UPLOAD_POLL]["disabled"] is False
    row = _wait(engine, job["batch"])
    assert row["status"] == "geaccepteerd" and row["rows_accepted"] == 1 and row["imported_by"] == "verzekeraar@demo.nl"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Observation)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(ImportBatch)).scalar() == 1  # the job row is the batch
        events = audit_events(conn, action="import")
    assert events.iloc[0]["actor"] == "verzekeraar@demo.nl" and "levering.csv" in events.iloc[0]["detail"]


def test_supplier_rows_of_another_source_reject_the_file_with_a_reason_and_a_csv(app):
    engine = app.server.extensions["engine"]
    client = _client(app, "verzekeraar@demo.nl")
    job = _upload(client, MIXED).get_json()["response"][ids.UPLOAD_JOB]["data"]
    row = _wait(engine, job["batch"])
    assert row["status"] == "afgewezen" and row["rows_rejected"] == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Observation)).scalar() == 0
    body = client.get(f"/beheer/upload/afgewezen/{job['batch']}.csv")
    assert body.status_code == 200 and body.mimetype == "text/csv"
    record = next(csv.DictReader(io.StringIO(body.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert record["regel"] == "3" and "niet uw bron" in record["reden"]
    # another supplier-like user and a buurtnetwerk cannot read that report
    assert _client(app, "vijfhoek@demo.nl").get(f"/beheer/upload/afgewezen/{job['batch']}.csv").status_code == 403
    assert _client(app, "transitie@demo.nl").get(f"/beheer/upload/afgewezen/{job['batch']}.csv").status_code == 200


def test_supplier_may_only_upload_deliveries(app):
    response = _upload(_client(app, "verzekeraar@demo.nl"), "code;naam\n", kind="gebieden")
    assert "mag u niet uploaden" in json.dumps(response.get_json())
    with app.server.extensions["engine"].connect() as conn:
        assert conn.execute(select(func.count()).select_from(ImportBatch)).scalar() == 0


def test_buurtnetwerk_cannot_upload_with_a_crafted_callback(app):
    response = _upload(_client(app, "vijfhoek@demo.nl"), OWN)
    assert "Geen toegang" in json.dumps(response.get_json())
    with app.server.extensions["engine"].connect() as conn:
        assert conn.execute(select(func.count()).select_from(ImportBatch)).scalar() == 0


def test_supplier_sees_only_its_own_import_reports(app, tmp_path):
    from data_access.importers import import_file

    engine = app.server.extensions["engine"]
    other = import_file(engine, "levering", write_csv(tmp_path / "a.csv", OWN.replace("demo (synthetisch)", "X")),
                        user="transitie@demo.nl")
    client = _client(app, "verzekeraar@demo.nl")
    own = _upload(client, OWN).get_json()["response"][ids.UPLOAD_JOB]["data"]["batch"]
    _wait(engine, own)
    listing = dash_post(client, "..beheer-upload-batches.children...beheer-upload-batch.options..",
                        [{"id": ids.UPLOAD_JOB, "property": "data", "value": None},
                         {"id": ids.UPLOAD_POLL, "property": "disabled", "value": True}]).get_json()
    options = listing["response"][ids.UPLOAD_BATCH]["options"]
    assert [o["value"] for o in options] == [own]
    report = dash_post(client, "beheer-upload-report.children",
                       [{"id": ids.UPLOAD_BATCH, "property": "value", "value": other.batch_id}])
    assert "niet van u" in json.dumps(report.get_json())
    assert client.get(f"/beheer/upload/afgewezen/{other.batch_id}.csv").status_code == 404


@pytest.mark.parametrize(("role", "kinds"), [("leverancier", ["levering"]), ("buurtnetwerk", []),
                                             ("transitieteam", ["levering", "kwb", "rivm", "vektis", "gebieden",
                                                                "geo"])])
def test_allowed_kinds_per_role(role, kinds):
    assert uploads.allowed_kinds(role) == kinds
