"""Imports run downward only: app → dashboard → layouts, callbacks → data_access; data_access knows neither Dash nor
Flask; callbacks and dashboard views hold no SQL and no statistics. Exceptions are listed here, each with its
reason, so a new one is a decision rather than an accident."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"app": 0, "dashboard": 1, "layouts": 2, "callbacks": 2, "data_access": 3}
FRAMEWORKS = {"dash", "flask", "flask_login", "dash_bootstrap_components", "dash_ag_grid", "plotly"}

# (importing layer, imported module prefix) → why it is allowed
ALLOWED_UPWARD = {
    ("layouts", "dashboard.ids"): "component ids are shared by layouts and callbacks; they live with the app",
    ("callbacks", "dashboard.ids"): "component ids are shared by layouts and callbacks; they live with the app",
    ("callbacks", "dashboard"): "`from dashboard import ids` (the same component ids)",
    ("layouts", "dashboard"): "`from dashboard import ids` (the same component ids)",
    ("callbacks", "dashboard.auth"): "the request's viewer and CSRF token come from the login (one place)",
    ("callbacks", "dashboard.security"): "the request guard's role check (require_role) for the beheer pages",
}
# callbacks may use layouts (presentation helpers); layouts never use callbacks
SIDEWAYS_FORBIDDEN = {("layouts", "callbacks")}
# dashboard/ registers the callbacks; no other dashboard module may import them
CALLBACK_REGISTRATION = {"dashboard/__init__.py"}

SQL = re.compile(r"\bselect\(|\bread_sql\b|\.execute\(")
SQL_ALLOWED = {
    "dashboard/auth.py": "the login manager's user loader: one indexed lookup per request, with the session guard",
    "dashboard/__main__.py": "the users CLI resolves an e-mail address to an id",
}
STATS_ALLOWED: dict[str, str] = {}


def _modules() -> list[tuple[str, Path]]:
    out = [("app", ROOT / "app.py")]
    for layer in ("dashboard", "layouts", "callbacks", "data_access"):
        out += [(layer, p) for p in sorted((ROOT / layer).rglob("*.py")) if "migrations" not in p.parts]
    return out


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _allowed(layer: str, module: str) -> bool:
    return any(layer == lay and (module == prefix or module.startswith(prefix + "."))
               for lay, prefix in ALLOWED_UPWARD)


def test_imports_run_downward_only():
    wrong = []
    for layer, path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        for module in _imports(path):
            top = module.split(".")[0]
            if top not in LAYERS or top == layer:
                continue
            if (layer, top) in SIDEWAYS_FORBIDDEN:
                wrong.append(f"{rel} imports {module}")
            elif top == "callbacks" and layer == "dashboard" and rel not in CALLBACK_REGISTRATION:
                wrong.append(f"{rel} imports {module} (only the factory registers callbacks)")
            elif LAYERS[top] < LAYERS[layer] and not _allowed(layer, module):
                wrong.append(f"{rel} imports {module} (upward)")
    assert wrong == []


def test_data_access_knows_neither_dash_nor_flask():
    wrong = [f"{p.relative_to(ROOT)} imports {m}" for layer, p in _modules() if layer == "data_access"
             for m in _imports(p) if m.split(".")[0] in FRAMEWORKS]
    assert wrong == []


def test_no_sql_in_callbacks_or_dashboard_views():
    wrong = []
    for layer, path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        if layer not in ("callbacks", "dashboard", "layouts") or rel in SQL_ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL.search(line) and not line.lstrip().startswith("#"):
                wrong.append(f"{rel}:{number}: {line.strip()}")
    assert wrong == []


def test_no_statistics_in_callbacks_or_dashboard_views():
    wrong = [f"{p.relative_to(ROOT).as_posix()} imports {m}" for layer, p in _modules()
             if layer in ("callbacks", "dashboard", "layouts") and p.relative_to(ROOT).as_posix() not in STATS_ALLOWED
             for m in _imports(p) if m.startswith(("data_access.stats", "scipy", "statsmodels"))]
    assert wrong == []
