"""Create the accounts of a load test: one buurtnetwerk account per programme buurt (the first N buurten) and a few
transitieteam accounts, so simulated users log in as different people (the lockout counts parallel logins of one
account, as it should). Only for a local test database.

  .venv/bin/python scripts/locust_users.py --db sqlite:////tmp/locust.db --n 50 --password "$LOCUST_PASSWORD"

Writes "e-mail;buurt;role" lines to stdout (scripts/locustfile.py reads this list
from LOCUST_USERS_FILE).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from data_access.db import make_engine  # noqa: E402
from data_access.models import ProgrammeBuurt, User  # noqa: E402
from data_access.users import create_user  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--password", required=True)
    parser.add_argument("--team", type=int, default=10, help="how many of the n are transitieteam members")
    args = parser.parse_args()
    engine = make_engine(args.db)
    with engine.connect() as conn:
        slugs = list(conn.execute(select(ProgrammeBuurt.slug).order_by(ProgrammeBuurt.id).limit(args.n)).scalars())
        existing = set(conn.execute(select(User.email)).scalars())
    for i, slug in enumerate(slugs):
        team = i < args.team
        email = f"last{i:03d}@load.test"
        if email not in existing:
            create_user(engine, email, args.password, "transitieteam" if team else "buurtnetwerk",
                        name=f"Lasttest {i}", programmes=None if team else [slug])
        print(f"{email};{slug};{'transitieteam' if team else 'buurtnetwerk'}")


if __name__ == "__main__":
    main()
