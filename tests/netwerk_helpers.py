"""Helpers for tests of the buurtnetwerk callbacks: a crafted POST to Dash's callback endpoint, as browsers send."""

from __future__ import annotations

from sqlalchemy import func, select

from data_access.models import ProgrammeBuurt


def callback_key(app, first_output: str) -> str:
    """The callback-map key of the callback whose first output is `first_output` (e.g. 'netwerk-verhaal-message')."""
    return next(k for k in app.callback_map if k.lstrip(".").startswith(first_output + "."))


def dash_post(client, app, first_output: str, inputs: list[tuple], state: list[tuple], trigger: str | None = None):
    """POST /_dash-update-component for one callback. inputs/state: (id, property, value) or lists of those."""
    key = callback_key(app, first_output)
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]

    def spec(item):  # noqa: ANN001, ANN202
        if isinstance(item, list):
            return [spec(i) for i in item]
        return {"id": item[0], "property": item[1], "value": item[2]}

    payload = {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": [spec(i) for i in inputs],
        "state": [spec(s) for s in state],
        "changedPropIds": [trigger] if trigger else [],
    }
    cookie = client.get_cookie("_csrf_token")  # set at login; Dash sends it back as a header
    headers = {"X-CSRFToken": cookie.value} if cookie is not None else {}
    return client.post("/_dash-update-component", json=payload, headers=headers)


def programme_id(engine, slug: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(ProgrammeBuurt.id).where(ProgrammeBuurt.slug == slug)).scalar_one()


def count(engine, model, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
