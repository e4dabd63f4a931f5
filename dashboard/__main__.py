"""Command line: `python -m dashboard import <kind> <path>`, `demo`, `refresh`, `users …`.

Uses the same import functions as the upload page; a rejected file exits with status 1 and a readable report.
"""

from __future__ import annotations

import argparse
import logging
import sys

from dashboard.config import load_config
from data_access.db import make_engine, upgrade
from data_access.seed import sync_catalogue, sync_programme


def _engine(args: argparse.Namespace):  # noqa: ANN202
    config = load_config({"DEMO_MODE": True} if getattr(args, "demo_ok", True) else None, signs_sessions=False)
    engine = make_engine(config["DATABASE_URL"])
    upgrade(engine)
    with engine.begin() as conn:
        sync_catalogue(conn)
        sync_programme(conn)
    return engine, config


def cmd_import(args: argparse.Namespace) -> int:
    """Import each file; every run ends with an audit event and exit status 0 (all accepted) or 1, never a traceback."""
    from data_access.audit import record_event
    from data_access.importers import PARSERS, RUNNERS, import_file

    if args.kind not in PARSERS and args.kind not in RUNNERS:
        print(f"Onbekend importtype '{args.kind}'. Kies uit: {', '.join(sorted([*PARSERS, *RUNNERS]))}",
              file=sys.stderr)
        return 2
    engine, _ = _engine(args)
    status = 0
    for path in args.paths:
        try:
            report = import_file(engine, args.kind, path, user=args.user)
        except Exception as exc:  # noqa: BLE001 — a failed import must still leave an audit event and exit 1
            logging.getLogger(__name__).debug("import failed", exc_info=True)
            detail = f"{args.kind}: {path} — mislukt ({type(exc).__name__}: {str(exc)[:200]}) (opdrachtregel)"
            with engine.begin() as conn:
                record_event(conn, args.user, "import_rejected", target="", detail=detail)
            print(f"{args.kind}: {path} — mislukt: {type(exc).__name__}: {str(exc)[:300]}\n"
                  "Er is niets opgeslagen.", file=sys.stderr)
            status = 1
            continue
        with engine.begin() as conn:
            record_event(conn, args.user, "import" if report.ok else "import_rejected",
                         target=f"import {report.batch_id}" if report.batch_id else "",
                         detail=f"{args.kind}: {report.file_name} — {report.status}; {report.accepted} geaccepteerd, "
                                f"{len(report.rejections)} afgewezen (opdrachtregel)")
        print(report.summary(), file=sys.stdout if report.ok else sys.stderr)
        status = status or (0 if report.ok else 1)
    if status == 0:
        _refresh(engine)
    return status


def _progress_bar(step: str, done: int, total: int) -> None:
    """A one-line progress bar on stderr: [#####-----] 2/5 KPI."""
    width = 30
    filled = int(width * done / total) if total else width
    end = "\n" if done >= total else ""
    print(f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total} {step:<30}", end=end, file=sys.stderr,
          flush=True)


def _refresh(engine) -> bool:  # noqa: ANN001
    import time

    from data_access.results import refresh

    start = time.perf_counter()
    ran = refresh(engine, progress=_progress_bar)
    if ran:
        print(f"Berekende resultaten ververst in {time.perf_counter() - start:.1f} s.")
    else:
        print("Er loopt al een verversing (elders); deze opdracht is daaraan toegevoegd.")
    return ran


def cmd_refresh(args: argparse.Namespace) -> int:
    engine, _ = _engine(args)
    _refresh(engine)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import time

    from data_access.demo import load_demo

    engine, config = _engine(args)
    start = time.perf_counter()
    load_demo(engine, args.public_dir or config["PUBLIC_DATA_DIR"], seed=args.seed, programme_size=args.programma,
              progress=_progress_bar)
    print(f"Demogegevens geladen in {time.perf_counter() - start:.1f} s.")
    return 0


CLI_DONE = {"deactivate": "gedeactiveerd", "reactivate": "heractiveerd", "role": "rol gewijzigd",
            "member": "buurten gewijzigd", "source": "bron gewijzigd", "unlock": "gedeblokkeerd",
            "reset": "nieuw wachtwoord ingesteld"}


def cmd_users(args: argparse.Namespace) -> int:
    """users add|list|deactivate|reactivate|role|member|source|unlock|reset: the same service as /beheer/gebruikers."""
    from sqlalchemy import select

    from data_access import users
    from data_access.models import User

    engine, _ = _engine(args)
    actor = "cli"
    if args.action == "list":
        with engine.connect() as conn:
            frame = users.list_users(conn)
        for row in frame.itertuples():
            status = "actief" if row.active else "gedeactiveerd"
            extra = ", ".join(row.buurten) or (row.supplier_source or "")
            print(f"{row.email}\t{row.role}\t{status}\t{extra}")
        return 0
    if not args.email:
        print("Geef --email op.", file=sys.stderr)
        return 2
    email = args.email.strip().lower()
    try:
        with engine.begin() as conn:
            if args.action == "add":
                user_id, generated = users.add_user(conn, actor, email, args.role or "", args.name or "",
                                                    args.buurt or [], args.bron, password=args.password)
                print(f"Gebruiker {email} aangemaakt (id {user_id}).")
                if generated:
                    print(f"Eenmalig wachtwoord (wordt niet opnieuw getoond): {generated}")
                return 0
            user_id = conn.execute(select(User.id).where(User.email == email)).scalar()
            if user_id is None:
                raise users.UserError(f"Onbekende gebruiker {email}.")
            current = users.list_users(conn).set_index("id").loc[user_id]
            if args.action in ("deactivate", "reactivate"):
                users.set_active(conn, actor, user_id, args.action == "reactivate")
            elif args.action == "role":
                users.update_user(conn, actor, user_id, args.role or "", args.buurt or [], args.bron)
            elif args.action == "member":
                users.update_user(conn, actor, user_id, current["role"], args.buurt or [],
                                  current["supplier_source"])
            elif args.action == "source":
                users.update_user(conn, actor, user_id, current["role"], list(current["buurten"]), args.bron)
            elif args.action == "unlock":
                users.unlock(conn, actor, user_id)
            elif args.action == "reset":
                password = users.reset_password(conn, actor, user_id)
                print(f"Nieuw eenmalig wachtwoord (wordt niet opnieuw getoond): {password}")
    except users.UserError as exc:
        print(f"Niet gelukt: {exc}", file=sys.stderr)
        return 1
    print(f"Gebruiker {email}: {CLI_DONE[args.action]}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Buurtdashboard beheer")
    sub = parser.add_subparsers(dest="command", required=True)
    p_import = sub.add_parser("import", help="importeer een bestand (kwb, rivm, vektis, geo, gebieden, levering)")
    p_import.add_argument("kind")
    p_import.add_argument("paths", nargs="+")
    p_import.add_argument("--user", default="cli")
    p_import.set_defaults(func=cmd_import)
    p_demo = sub.add_parser("demo", help="laad openbare bestanden en synthetische leveringen")
    p_demo.add_argument("--programma", type=int, default=20, help="aantal programmabuurten (bv. 1000)")
    p_demo.add_argument("--seed", type=int, default=2024)
    p_demo.add_argument("--public-dir", default=None)
    p_demo.set_defaults(func=cmd_demo)
    p_refresh = sub.add_parser("refresh", help="bereken vergelijkingsgroepen, KPI en leerpartners opnieuw")
    p_refresh.set_defaults(func=cmd_refresh)
    p_users = sub.add_parser("users", help="gebruikers beheren")
    p_users.add_argument("action", choices=["add", "list", "deactivate", "reactivate", "role", "member", "source",
                                            "unlock", "reset"])
    p_users.add_argument("--email")
    p_users.add_argument("--password", help="zonder: er wordt een eenmalig wachtwoord gemaakt en getoond")
    p_users.add_argument("--role")
    p_users.add_argument("--name")
    p_users.add_argument("--buurt", action="append", help="slug van een programmabuurt (herhaalbaar)")
    p_users.add_argument("--bron", help="bron van een leverancier")
    p_users.set_defaults(func=cmd_users)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
