"""accord's Pact Broker: a server the official Pact clients can publish to, verify from and
ask can-i-deploy, backed by SQLite (default) or PostgreSQL.

Needs the ``broker`` extra (``pip install 'accord[broker]'``). It depends on
:mod:`accord.model` only, to validate the pacts it stores.

    from accord.broker import Settings, create_app, serve
    serve("postgresql://broker@db/broker", host="0.0.0.0", port=9292)
"""

from __future__ import annotations

try:
    import sqlalchemy  # noqa: F401
    import starlette  # noqa: F401
    import uvicorn  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        f"the accord broker needs the 'broker' extra ({exc.name} is missing): "
        "pip install 'accord[broker]'"
    ) from exc

from accord.broker.app import create_app
from accord.broker.db.migrate import migrate
from accord.broker.server import BackgroundServer, serve
from accord.broker.settings import Settings

__all__ = ["BackgroundServer", "Settings", "create_app", "migrate", "serve"]
