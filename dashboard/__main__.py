"""Command line: `python -m dashboard import <kind> <path>`, `demo`, `users …`.

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
    config = load_config({"DEMO_MODE": True} if getattr(args, "demo_ok", True) else None)
    engine = make_engine(config["DATABASE_URL"])
    upgrade(engine)
    with engine.begin() as conn:
        sync_catalogue(conn)
        sync_programme(conn)
    return engine, config


def cmd_import(args: argparse.Namespace) -> int:
    from data_access.importers import PARSERS, import_file

    if args.kind not in PARSERS:
        print(f"Onbekend importtype '{args.kind}'. Kies uit: {', '.join(sorted(PARSERS))}", file=sys.stderr)
        return 2
    engine, _ = _engine(args)
    status = 0
    for path in args.paths:
        report = import_file(engine, args.kind, path, user=args.user)
        print(report.summary(), file=sys.stdout if report.ok else sys.stderr)
        status = status or (0 if report.ok else 1)
    return status


def cmd_demo(args: argparse.Namespace) -> int:
    from data_access.demo import load_demo

    engine, config = _engine(args)
    load_demo(engine, args.public_dir or config["PUBLIC_DATA_DIR"], seed=args.seed, programme_size=args.programma)
    print("Demogegevens geladen.")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from data_access.models import User
    from data_access.users import create_user

    engine, _ = _engine(args)
    if args.action == "add":
        try:
            user_id = create_user(engine, args.email, args.password, args.role, args.name or "",
                                  args.buurt or [], args.bron)
        except Exception as exc:  # noqa: BLE001 — shown to the operator, not a traceback
            print(f"Gebruiker niet aangemaakt: {exc}", file=sys.stderr)
            return 1
        print(f"Gebruiker {args.email} aangemaakt (id {user_id}).")
    elif args.action == "list":
        with engine.connect() as conn:
            for user in conn.execute(select(User.email, User.role, User.active).order_by(User.email)):
                print(f"{user.email}\t{user.role}\t{'actief' if user.active else 'gedeactiveerd'}")
    elif args.action == "deactivate":
        with engine.begin() as conn:
            done = conn.execute(User.__table__.update().where(User.email == args.email.lower()).values(active=False))
        if not done.rowcount:
            print(f"Onbekende gebruiker {args.email}", file=sys.stderr)
            return 1
        print(f"Gebruiker {args.email} gedeactiveerd.")
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
    p_users = sub.add_parser("users", help="gebruikers beheren")
    p_users.add_argument("action", choices=["add", "list", "deactivate"])
    p_users.add_argument("--email")
    p_users.add_argument("--password")
    p_users.add_argument("--role")
    p_users.add_argument("--name")
    p_users.add_argument("--buurt", action="append", help="slug van een programmabuurt (herhaalbaar)")
    p_users.add_argument("--bron", help="bron van een leverancier")
    p_users.set_defaults(func=cmd_users)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
