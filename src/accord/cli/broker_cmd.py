"""``accord broker serve`` and ``accord broker migrate``: run accord's own Pact Broker.

The broker is an optional extra; it is imported only when one of these commands runs, and
a missing extra prints the install hint instead of a traceback.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from accord.errors import AccordError

INSTALL_HINT = "the broker needs its extra: pip install 'accord[broker]'"


def register(sub: Any) -> None:
    broker = sub.add_parser("broker", help="run accord's Pact Broker")
    commands = broker.add_subparsers(dest="broker_command", metavar="COMMAND")
    commands.required = True
    default_db = os.environ.get("ACCORD_BROKER_DATABASE_URL") or os.environ.get(
        "PACT_BROKER_DATABASE_URL"
    )

    serve = commands.add_parser(
        "serve",
        help="serve the broker (SQLite file by default, PostgreSQL for teams)",
        description="Serve a Pact Broker compatible with the official clients. With no "
        "--database it uses ./accord-broker.sqlite3. Migrations run at start.",
    )
    serve.add_argument(
        "--database",
        default=default_db,
        metavar="URL",
        help="sqlite:///path or postgresql://user@host/db",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PACT_BROKER_PORT", "9292")))
    serve.add_argument(
        "--public-url",
        default=os.environ.get("PACT_BROKER_PUBLIC_URL"),
        help="the URL clients reach the broker at (for links)",
    )
    serve.add_argument(
        "--max-body-bytes",
        type=int,
        default=None,
        help="refuse larger request bodies with 413 (default 10 MiB)",
    )
    for name, what in (
        ("header-timeout", "a client may take to send a request's headers (default 10)"),
        ("body-timeout", "a client may take to send a request's body (default 30)"),
        ("lock-timeout", "a write waits for a locked database before a 503 (default 5)"),
        ("queue-timeout", "a SQLite write queues behind others before a 503 (default 30)"),
    ):
        serve.add_argument(
            f"--{name}",
            type=_seconds,
            default=None,
            metavar="SECONDS",
            help=f"seconds {what}; also ACCORD_BROKER_{name.upper().replace('-', '_')}",
        )
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(handler=run_serve)

    migrate = commands.add_parser("migrate", help="upgrade the broker database and exit")
    migrate.add_argument("--database", default=default_db, metavar="URL")
    migrate.set_defaults(handler=run_migrate)


def _seconds(text: str) -> float:
    """A positive number of seconds, or argparse's one-line usage error."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, found {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {text}")
    return value


def _broker() -> Any:
    try:
        import accord.broker.server as server
    except ImportError as exc:  # the package re-raises a missing module as ImportError
        missing = exc.name or getattr(exc.__cause__, "name", None)
        detail = f" ({missing} is missing)" if missing else ""
        raise AccordError(f"{INSTALL_HINT}{detail}") from exc
    return server


def run_serve(args: argparse.Namespace) -> int:
    server = _broker()
    from accord.broker.db.engine import DEFAULT_DATABASE_URL
    from accord.broker.settings import DEFAULT_MAX_BODY_BYTES, Settings

    # auth and webhook settings come from the environment, as in the official image
    settings = Settings.from_env(
        database_url=args.database or DEFAULT_DATABASE_URL,
        public_url=args.public_url,
        max_body_bytes=args.max_body_bytes or DEFAULT_MAX_BODY_BYTES,
        header_timeout=args.header_timeout,
        body_timeout=args.body_timeout,
        lock_timeout=args.lock_timeout,
        queue_timeout=args.queue_timeout,
    )
    print(f"accord broker on http://{args.host}:{args.port} ({settings.database_url})")
    server.serve(
        settings.database_url,
        args.host,
        args.port,
        args.public_url,
        settings=settings,
        log_level=args.log_level,
    )
    return 0


def run_migrate(args: argparse.Namespace) -> int:
    _broker()
    from accord.broker.db.engine import DEFAULT_DATABASE_URL
    from accord.broker.db.migrate import migrate

    url = args.database or DEFAULT_DATABASE_URL
    migrate(url)
    print(f"the broker database at {url} is up to date")
    return 0
