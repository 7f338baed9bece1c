"""Running the broker: :func:`serve` in the foreground, :class:`BackgroundServer` for tests
and tools that need a real HTTP broker on a free port for a while."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn

from accord.broker.app import create_app
from accord.broker.http.protocol import with_head_timeout
from accord.broker.settings import Settings

KEEP_ALIVE_SECONDS = 5
MAX_HEAD_BYTES = 64 * 1024


def uvicorn_config(settings: Settings, **options: object) -> uvicorn.Config:
    """The one uvicorn configuration both :func:`serve` and :class:`BackgroundServer` use.

    A request's line and headers must arrive within ``settings.header_timeout`` and fit in
    :data:`MAX_HEAD_BYTES`; idle keep-alive connections close after
    :data:`KEEP_ALIVE_SECONDS`; the body deadline and size limit are the app's.
    """
    return uvicorn.Config(
        create_app(settings),
        http=with_head_timeout(settings.header_timeout),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        access_log=False,
        **options,  # type: ignore[arg-type]
    )


def serve(
    database_url: str | None = None,
    host: str = "127.0.0.1",
    port: int = 9292,
    public_url: str | None = None,
    *,
    settings: Settings | None = None,
    log_level: str = "info",
) -> None:
    """Serve the broker until interrupted. The database is migrated on start.

    Without ``settings``, they come from the environment (:meth:`Settings.from_env`: auth,
    webhook allowlists, ...), with the arguments given here taking precedence.
    """
    settings = settings or Settings.from_env(database_url=database_url, public_url=public_url)
    uvicorn.Server(uvicorn_config(settings, host=host, port=port, log_level=log_level)).run()


class BackgroundServer:
    """A broker on ``host:port`` (port 0: any free port) in a daemon thread.

    >>> with BackgroundServer(Settings(database_url="sqlite:///b.sqlite3")) as server:
    ...     httpx.get(server.url)
    """

    def __init__(self, settings: Settings, host: str = "127.0.0.1", port: int = 0) -> None:
        self.settings = settings
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self.host, self.port = self._sock.getsockname()[:2]
        self._server = uvicorn.Server(uvicorn_config(settings, log_level="warning", lifespan="on"))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 30.0) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the broker did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
