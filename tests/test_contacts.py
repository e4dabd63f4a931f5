"""Kartrekkers' contacts (data_access/contacts.py, callbacks/contacts.py): edited by the buurt's own members on
/buurt/<slug>/netwerk, versioned, and shown to programme members only."""

from __future__ import annotations

import json

import pytest

from data_access import contacts, records
from data_access.access import ANONYMOUS, Viewer
from data_access.models import AuditEvent, NetworkContacts, RecordVersion
from tests.conftest import login
from tests.netwerk_helpers import count, dash_post, programme_id

LINES = "Anna de Vries; wijkverpleegkundige; anna@voorbeeld.nl; 06 12345678\nHenk Bos; huisarts; ; 023-5551234\n"


@pytest.fixture
def db(app):
    return app.server.extensions["engine"]


def _save(client, app, slug: str, text: str, state: dict | None = None):
    return dash_post(client, app, "netwerk-contacts-message",
                     inputs=[("netwerk-contacts-save", "n_clicks", 1)],
                     state=[("netwerk-area", "data", {"kind": "buurt", "code": slug}),
                            ("netwerk-contacts-state", "data", state or {}),
                            ("netwerk-contacts-text", "value", text)],
                     trigger="netwerk-contacts-save.n_clicks")


def _client(app, email: str):
    client = app.server.test_client()
    assert login(client, email).status_code == 302
    return client


def test_lines_become_contacts_and_bad_addresses_are_named():
    people, problems = contacts.parse_contacts(LINES + "Zonder Adres; kartrekker\nX; y; geen-mail; \n")
    assert ([p["name"] for p in people], problems) == (
        ["Anna de Vries", "Henk Bos", "Zonder Adres", "X"],
        ["regel 3: geef een e-mailadres of telefoonnummer", "regel 4: ‘geen-mail’ is geen e-mailadres"])


def test_member_saves_versions_of_own_buurt_and_is_refused_for_another(app, db):
    client = _client(app, "vijfhoek@demo.nl")
    refused = json.dumps(_save(client, app, "sterrenwijk", LINES).get_json()["response"])
    assert "Opslaan geweigerd" in refused and count(db, NetworkContacts) == 0
    first = _save(client, app, "de-vijfhoek", LINES).get_json()["response"]
    state = first["netwerk-contacts-state"]["data"]
    _save(client, app, "de-vijfhoek", LINES + "Fatima El Amrani; bewoner; fatima@voorbeeld.nl;\n", state)
    with db.connect() as conn:
        saved = contacts.load_contacts(conn, programme_id(db, "de-vijfhoek"))
        versions = records.history(conn, "network_contacts", saved["id"])
    assert ([v.version for v in versions], "Fatima" in saved["kartrekkers"]) == ([2, 1], True)
    assert count(db, RecordVersion, RecordVersion.record_type == "network_contacts") == 2
    assert count(db, AuditEvent, AuditEvent.action == "access_denied", AuditEvent.actor == "vijfhoek@demo.nl") == 1


def test_invalid_lines_save_nothing(app, db):
    client = _client(app, "vijfhoek@demo.nl")
    body = json.dumps(_save(client, app, "de-vijfhoek", "Anna; rol; niet-een-adres;").get_json()["response"])
    assert "Niet opgeslagen" in body and count(db, NetworkContacts) == 0


def test_contacts_are_shown_to_programme_members_only(app, db):
    with db.begin() as conn:
        contacts.save_contacts(conn, programme_id(db, "de-vijfhoek"), LINES, None, None, "test")
    with db.connect() as conn:
        shown = {role: contacts.contacts_by_slug(conn, viewer, ["de-vijfhoek"]) for role, viewer in (
            ("anoniem", ANONYMOUS), ("leverancier", Viewer(role="leverancier", supplier_source="x")),
            ("buurtnetwerk", Viewer(role="buurtnetwerk", programme_ids=frozenset({999}))))}
    assert ({k: len(v.get("de-vijfhoek", [])) for k, v in shown.items()}) == {
        "anoniem": 0, "leverancier": 0, "buurtnetwerk": 2}


def test_story_card_on_best_practices_names_the_kartrekkers(app, db):
    from data_access.models import BestPractice

    pid = programme_id(db, "de-vijfhoek")
    with db.begin() as conn:
        contacts.save_contacts(conn, pid, LINES, None, None, "test")
        records.save_record(conn, BestPractice, None, {"title": "Mantelzorgcafé", "story": "Elke week koffie.",
                                                       "status": "gepubliceerd"}, None, "test", pid)
    client = _client(app, "sterrenwijk@demo.nl")
    response = dash_post(client, app, "best-list", inputs=[("shell-url", "pathname", "/best-practices"),
                                                           ("best-edit-id", "data", None)], state=[])
    body = json.dumps(response.get_json()["response"])
    assert "anna@voorbeeld.nl" in body and "mailto:anna@voorbeeld.nl" in body
