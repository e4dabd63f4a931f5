"""User management: the service (validation, audit), the /beheer/gebruikers callbacks (crafted requests), the CLI."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from dashboard import ids
from dashboard.__main__ import main as cli
from data_access import users
from data_access.audit import audit_events
from data_access.models import Membership, User
from tests.conftest import dash_post, login

NEW = "..beheer-users-new-feedback.children...beheer-users-version.data.."
EDIT = "..beheer-users-edit-feedback.children...beheer-users-version.data.."
LIST = "..beheer-users-table.children...beheer-users-edit-user.options...beheer-users-new-buurten.options..." \
       "beheer-users-edit-buurten.options.."


def _logged_in(app, email: str):
    client = app.server.test_client()
    assert login(client, email).status_code == 302
    return client


def _state(**values) -> list[dict]:
    props = {ids.USERS_NEW_EMAIL: "value", ids.USERS_NEW_NAME: "value", ids.USERS_NEW_ROLE: "value",
             ids.USERS_NEW_BUURTEN: "value", ids.USERS_NEW_SOURCE: "value", ids.USERS_VERSION: "data"}
    return [{"id": key, "property": prop, "value": values.get(key)} for key, prop in props.items()]


def _create(client, email: str, role: str, buurten=None, source=None):  # noqa: ANN001, ANN202
    state = _state(**{ids.USERS_NEW_EMAIL: email, ids.USERS_NEW_ROLE: role, ids.USERS_NEW_BUURTEN: buurten,
                      ids.USERS_NEW_SOURCE: source, ids.USERS_VERSION: 0})
    return dash_post(client, NEW, [{"id": ids.USERS_NEW_SUBMIT, "property": "n_clicks", "value": 1}], state)


def _edit(client, button: str, user_id: int, role=None, buurten=None, source=None):  # noqa: ANN001, ANN202
    buttons = [ids.USERS_EDIT_SAVE, ids.USERS_EDIT_DEACTIVATE, ids.USERS_EDIT_REACTIVATE, ids.USERS_EDIT_UNLOCK,
               ids.USERS_EDIT_RESET]
    inputs = [{"id": b, "property": "n_clicks", "value": 1 if b == button else None} for b in buttons]
    state = [{"id": ids.USERS_EDIT_USER, "property": "value", "value": user_id},
             {"id": ids.USERS_EDIT_ROLE, "property": "value", "value": role},
             {"id": ids.USERS_EDIT_BUURTEN, "property": "value", "value": buurten},
             {"id": ids.USERS_EDIT_SOURCE, "property": "value", "value": source},
             {"id": ids.USERS_VERSION, "property": "data", "value": 0}]
    # allow_duplicate gives the output a hash suffix: take the callback's real output string from Dash itself
    output = next(d["output"] for d in client.get("/_dash-dependencies").get_json()
                  if d["output"].startswith(EDIT.rstrip(".")))
    return dash_post(client, output, inputs, state, changed=[f"{button}.n_clicks"])


def _user_id(app, email: str) -> int | None:
    with app.server.extensions["engine"].connect() as conn:
        return conn.execute(select(User.id).where(User.email == email)).scalar()


# ---------------------------------------------------------------- the service

@pytest.mark.parametrize(("kwargs", "message"), [
    ({"email": "geen-adres", "role": "transitieteam"}, "geldig e-mailadres"),
    ({"email": "beheer@demo.nl", "role": "transitieteam"}, "bestaat al"),
    ({"email": "a@b.nl", "role": "buurtnetwerk"}, "minstens één programmabuurt"),
    ({"email": "a@b.nl", "role": "buurtnetwerk", "programmes": ["bestaat-niet"]}, "Onbekende programmabuurt"),
    ({"email": "a@b.nl", "role": "transitieteam", "programmes": ["de-vijfhoek"]}, "Alleen een buurtnetwerk"),
    ({"email": "a@b.nl", "role": "leverancier"}, "bron"),
    ({"email": "a@b.nl", "role": "koning"}, "Onbekende rol"),
    ({"email": "a@b.nl", "role": "transitieteam", "password": "kort"}, "minstens 10 tekens"),
])
def test_invalid_users_are_refused_with_a_dutch_reason(app, kwargs, message):
    with app.server.extensions["engine"].begin() as conn:
        with pytest.raises(users.UserError, match=message):
            users.add_user(conn, "tester", **kwargs)


def test_every_change_is_audited_without_the_password(app):
    engine = app.server.extensions["engine"]
    with engine.begin() as conn:
        user_id, password = users.add_user(conn, "beheer@demo.nl", "Nieuw@Voorbeeld.nl", "buurtnetwerk",
                                           programmes=["de-vijfhoek"])
        users.update_user(conn, "beheer@demo.nl", user_id, "buurtnetwerk", ["de-vijfhoek", "sterrenwijk"])
        users.update_user(conn, "beheer@demo.nl", user_id, "leverancier", [], "Zilveren Kruis")
        users.set_active(conn, "beheer@demo.nl", user_id, False)
        users.set_active(conn, "beheer@demo.nl", user_id, True)
        users.unlock(conn, "beheer@demo.nl", user_id)
        new_password = users.reset_password(conn, "beheer@demo.nl", user_id)
    with engine.connect() as conn:
        events = audit_events(conn, target="nieuw@voorbeeld.nl")
    assert list(events["action"])[::-1] == [
        "user_created", "user_memberships", "user_role", "user_memberships", "user_source", "user_deactivated",
        "user_reactivated", "user_unlocked", "user_password_reset"]
    assert set(events["actor"]) == {"beheer@demo.nl"}
    text = " ".join(events["detail"]) + " ".join(events["target"])
    assert password not in text and new_password not in text
    assert login(app.server.test_client(), "nieuw@voorbeeld.nl", new_password).status_code == 302


def test_a_beheerder_cannot_lock_themselves_out(app):
    engine = app.server.extensions["engine"]
    me = _user_id(app, "beheer@demo.nl")
    with engine.begin() as conn:
        with pytest.raises(users.UserError, match="eigen account"):
            users.set_active(conn, "beheer@demo.nl", me, False)
        with pytest.raises(users.UserError, match="eigen rol"):
            users.update_user(conn, "beheer@demo.nl", me, "transitieteam")


# ---------------------------------------------------------------- the page's callbacks, crafted

def test_beheerder_creates_a_user_whose_one_time_password_works(app):
    client = _logged_in(app, "beheer@demo.nl")
    response = _create(client, "nieuw.lid@buurt.nl", "buurtnetwerk", ["sterrenwijk"])
    assert response.status_code == 200
    body = response.get_json()["response"]
    assert body[ids.USERS_VERSION]["data"] == 1
    text = json.dumps(body[ids.USERS_NEW_FEEDBACK])
    password = next(p["props"]["children"] for p in _walk(body[ids.USERS_NEW_FEEDBACK]["children"])
                    if p.get("type") == "Code")
    assert "nieuw.lid@buurt.nl" in text and len(password) >= 12
    assert login(app.server.test_client(), "nieuw.lid@buurt.nl", "demo").status_code == 401
    assert login(app.server.test_client(), "nieuw.lid@buurt.nl", password).status_code == 302
    with app.server.extensions["engine"].connect() as conn:
        assert conn.execute(select(Membership.programme_id).where(
            Membership.user_id == _user_id(app, "nieuw.lid@buurt.nl"))).scalars().all()


def _walk(node):  # noqa: ANN001, ANN202
    """All components in a serialised Dash component tree."""
    if isinstance(node, dict):
        if "props" in node:
            yield node
            yield from _walk(node["props"].get("children"))
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


@pytest.mark.parametrize("email", ["transitie@demo.nl", "vijfhoek@demo.nl", "verzekeraar@demo.nl"])
def test_other_roles_cannot_list_or_create_users_with_crafted_callbacks(app, email):
    client = _logged_in(app, email)
    listing = dash_post(client, LIST, [{"id": ids.USERS_VERSION, "property": "data", "value": 0}])
    assert listing.status_code == 200
    text = json.dumps(listing.get_json())
    assert "Geen toegang" in text and "beheer@demo.nl" not in text
    _create(client, "indringer@x.nl", "beheerder")
    assert _user_id(app, "indringer@x.nl") is None
    _edit(client, ids.USERS_EDIT_DEACTIVATE, _user_id(app, "beheer@demo.nl"))
    with app.server.extensions["engine"].connect() as conn:
        assert conn.execute(select(User.active).where(User.email == "beheer@demo.nl")).scalar() is True


def test_beheerder_lists_users_with_role_and_status(app):
    text = json.dumps(dash_post(_logged_in(app, "beheer@demo.nl"), LIST,
                                [{"id": ids.USERS_VERSION, "property": "data", "value": 0}]).get_json())
    for email in ("beheer@demo.nl", "vijfhoek@demo.nl", "verzekeraar@demo.nl"):
        assert email in text
    assert ids.users_row(_user_id(app, "vijfhoek@demo.nl")) in text and "de-vijfhoek" in text


def test_deactivating_a_user_ends_their_session_and_login(app):
    victim = _logged_in(app, "sterrenwijk@demo.nl")
    assert victim.get("/buurt/sterrenwijk/uitkomsten").status_code == 200
    admin = _logged_in(app, "beheer@demo.nl")
    response = _edit(admin, ids.USERS_EDIT_DEACTIVATE, _user_id(app, "sterrenwijk@demo.nl"))
    assert "gedeactiveerd" in json.dumps(response.get_json())
    assert victim.get("/buurt/sterrenwijk/uitkomsten").status_code == 302
    assert login(app.server.test_client(), "sterrenwijk@demo.nl").status_code == 401
    response = _edit(admin, ids.USERS_EDIT_SAVE, _user_id(app, "sterrenwijk@demo.nl"), "leverancier", [], "")
    assert "bron" in json.dumps(response.get_json())  # validation message, nothing saved


# ---------------------------------------------------------------- CLI

def test_cli_adds_changes_and_deactivates_users_through_the_same_service(app, database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert cli(["users", "add", "--email", "cli@voorbeeld.nl", "--role", "buurtnetwerk", "--buurt",
                "de-vijfhoek"]) == 0
    printed = capsys.readouterr().out
    password = printed.split("getoond): ")[1].strip()
    assert login(app.server.test_client(), "cli@voorbeeld.nl", password).status_code == 302
    assert cli(["users", "member", "--email", "cli@voorbeeld.nl", "--buurt", "sterrenwijk"]) == 0
    assert cli(["users", "deactivate", "--email", "cli@voorbeeld.nl"]) == 0
    assert cli(["users", "role", "--email", "cli@voorbeeld.nl", "--role", "leverancier"]) == 1
    assert "bron" in capsys.readouterr().err
    with app.server.extensions["engine"].connect() as conn:
        actions = list(audit_events(conn, target="cli@voorbeeld.nl")["action"])[::-1]
    assert actions == ["user_created", "user_memberships", "user_deactivated"]
