"""``python -m accord.broker``: serve the broker (``accord broker serve`` calls the same)."""

from __future__ import annotations

import argparse
import os

from accord.broker.db.engine import DEFAULT_DATABASE_URL
from accord.broker.db.migrate import migrate
from accord.broker.server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m accord.broker", description="Serve the accord Pact Broker."
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("ACCORD_BROKER_DATABASE_URL")
        or os.environ.get("PACT_BROKER_DATABASE_URL")
        or DEFAULT_DATABASE_URL,
        help="sqlite:///path or postgresql://user@host/db (default: %(default)s)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PACT_BROKER_PORT", "9292")))
    parser.add_argument("--public-url", default=os.environ.get("PACT_BROKER_PUBLIC_URL"))
    parser.add_argument("--migrate-only", action="store_true", help="upgrade the database and exit")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    if args.migrate_only:
        migrate(args.database_url)
        return
    serve(args.database_url, args.host, args.port, args.public_url, log_level=args.log_level)


if __name__ == "__main__":
    main()
