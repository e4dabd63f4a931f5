"""Shared fixtures: a migrated empty database per test (SQLite file or a real PostgreSQL database).

The database kind follows TEST_DATABASE_URL: unset → SQLite files in a temporary folder; a postgresql+psycopg URL
(as set by scripts/test.sh) → a fresh database per test, cloned from a migrated template.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data_access.db import make_engine, upgrade
from data_access.seed import sync_catalogue

FIXTURES = Path(__file__).parent / "fixtures"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
USE_POSTGRES = POSTGRES_URL.startswith("postgresql")


def _admin_engine():
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


def _prepare_template(engine) -> None:  # noqa: ANN001
    """Migrate, sync the catalogue and the programme, and create the demo accounts once: five scrypt hashes
    cost about a second, and every app a test creates would otherwise pay them again."""
    from data_access.seed import sync_menukaart, sync_programme
    from data_access.users import ensure_demo_accounts

    upgrade(engine)
    with engine.begin() as conn:
        sync_catalogue(conn)
        sync_programme(conn)
        sync_menukaart(conn)
    ensure_demo_accounts(engine)


def _make_template(tmp_path_factory, prepare):  # noqa: ANN001
    """Create one template database prepared by `prepare(engine)`; yields its name (PostgreSQL) or path."""
    if USE_POSTGRES:
        name = f"tmpl_{uuid.uuid4().hex[:8]}"
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = make_engine(_pg_url(name))
        prepare(engine)
        engine.dispose()
        yield name
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        prepare(engine)
        engine.dispose()
        yield str(path)


def _prepare_bare_template(engine) -> None:  # noqa: ANN001
    upgrade(engine)
    with engine.begin() as conn:
        sync_catalogue(conn)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A migrated database with the catalogue, the programme and the demo accounts, cloned for every test."""
    yield from _make_template(tmp_path_factory, _prepare_template)


@pytest.fixture(scope="session")
def bare_template_db(tmp_path_factory):
    """A migrated database with only the catalogue: for importer tests that count every area they create."""
    yield from _make_template(tmp_path_factory, _prepare_bare_template)


def cloned_database(template_db: str, folder: Path):  # noqa: ANN201
    """Yield the URL of a new database cloned from the template (PostgreSQL: CREATE DATABASE … TEMPLATE; SQLite: a
    file copy in `folder`), and drop it afterwards."""
    if USE_POSTGRES:
        name = f"t_{uuid.uuid4().hex[:10]}"
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
        yield _pg_url(name)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = folder / "test.db"
        shutil.copy(template_db, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def database_url(request, tmp_path):
    """URL of a fresh, migrated database of its own for one test (`@pytest.mark.bare_store`: catalogue only)."""
    bare = request.node.get_closest_marker("bare_store") is not None
    yield from cloned_database(request.getfixturevalue("bare_template_db" if bare else "template_db"), tmp_path)


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def make_app(database_url):
    """Factory for a test app on this test's database (no demo data; tests load what they need)."""
    from dashboard import create_app

    def _make(**overrides):
        config = {"DATABASE_URL": database_url, "LOAD_DEMO_DATA": False, "TESTING": True, "DEMO_MODE": True}
        config.update(overrides)
        return create_app(config)

    return _make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.server.test_client()


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def login(client, email: str, password: str = "demo"):
    """Log in through the real form (fetching its CSRF token first)."""
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def start_browser_app(dash_duo, app) -> None:
    """Serve the app for a browser test on a free port (parallel test runs must not share Dash's default 8050)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # No navigation on start: Dash's implicit wait for its page at "/" would meet the login page (the request
    # guard); browser tests log in first and then open their page.
    dash_duo.start_server(app, navigate=False, port=port)
    dash_duo._url = dash_duo.server.url  # what the server_url setter sets, without its wait_for_page


def browser_login(dash_duo, email: str = "transitie@demo.nl") -> None:
    """Log in through the real form in the test browser (every Dash page is behind the guard)."""
    dash_duo.driver.get(dash_duo.server_url + "/login")
    dash_duo.find_element("#email").send_keys(email)
    dash_duo.find_element("#password").send_keys("demo")
    dash_duo.find_element("button[type=submit]").click()
    dash_duo.wait_for_element("#shell-nav-search", timeout=30)


def console_errors(dash_duo) -> list[dict]:
    """Browser console errors (every asset is served locally, so there is no exception to make)."""
    return dash_duo.get_logs() or []


def dash_post(client, output: str, inputs: list[dict], state: list[dict] | None = None, csrf: bool = True,
              changed: list[str] | None = None):
    """POST a crafted callback request to /_dash-update-component, as dash-renderer would.

    output: "component-id.property" (several: "..a.children...b.data.."); inputs/state: [{"id", "property",
    "value"}]; changed: the "id.property" inputs that triggered it (default: all). The CSRF header is copied
    from the `_csrf_token` cookie the login set (csrf=False leaves it out).
    """
    outputs = [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1].split("@")[0]}
               for part in output.strip(".").split("...")]
    payload = {"output": output, "outputs": outputs[0] if len(outputs) == 1 else outputs, "inputs": inputs,
               "changedPropIds": changed if changed is not None else [f"{i['id']}.{i['property']}" for i in inputs],
               "state": state or []}
    headers = {}
    cookie = client.get_cookie("_csrf_token")
    if csrf and cookie is not None:
        headers["X-CSRFToken"] = cookie.value
    return client.post("/_dash-update-component", json=payload, headers=headers)
