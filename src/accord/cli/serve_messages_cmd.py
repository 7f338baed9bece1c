"""``accord serve-messages --app module:verifier``: a Python provider for any Pact verifier.

Serves the Verifier's producers and state handlers over the Pact message protocol (see
:mod:`accord.provider.message_server`) and prints the official ``pact verifier`` command
that verifies it, so teams whose pipelines run the official CLI can keep doing so.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from accord.cli.verify_cmd import load_app
from accord.provider.message_server import MessageServer, serve_messages

DEFAULT_SOURCE = "pacts"
"""Where accord's consumer DSL writes pacts unless told otherwise."""


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "serve-messages",
        help="serve a Python provider over the Pact message protocol for other verifiers",
        description="Serve the producers and state handlers of an accord Verifier over the "
        "standard Pact message protocol (POST / and /_pact/message for asynchronous and V4 "
        "synchronous messages, POST /_pact/state for provider states), so the official "
        "`pact verifier` or any Pact library can verify it. Prints the `pact verifier` "
        "command, then serves until Ctrl-C.",
    )
    parser.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help=f"pact files, dirs or URLs to put in the printed command ({DEFAULT_SOURCE}/)",
    )
    parser.add_argument(
        "--app", required=True, metavar="MODULE:ATTR", help="the Verifier, e.g. app.pact:verifier"
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (0 = any free port)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per call (30)")
    parser.add_argument(
        "--missing-state",
        choices=["fail", "warn"],
        default="fail",
        help="what a provider state without a handler does (fail)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="do not print each request")
    parser.set_defaults(handler=run)


def pact_verifier_command(server: MessageServer, sources: list[str]) -> str:
    """The official CLI command line for ``server``, as a shell would take it.

    pact-python-cli installs ``pact`` (``pact verifier ...``); the standalone Rust build is
    ``pact_verifier_cli`` with the same flags. One on ``PATH`` is named as is; one found only
    beside this Python (an unactivated virtualenv) by its full path, so the line runs when
    pasted. Without either, ``pact verifier`` is the one to install.
    """
    args = server.pact_verifier_args(*(sources or [DEFAULT_SOURCE]))
    beside_python = str(Path(sys.executable).parent)
    for name, prefix in (("pact", ["verifier"]), ("pact_verifier_cli", [])):
        if shutil.which(name):
            return shlex.join([name, *prefix, *args])
        found = shutil.which(name, path=beside_python)
        if found:
            return shlex.join([found, *prefix, *args])
    return shlex.join(["pact", "verifier", *args])


def run(args: argparse.Namespace) -> int:
    verifier = load_app(args.app)
    verifier.timeout = args.timeout
    verifier.missing_state = args.missing_state

    def show(line: str) -> None:
        print(f"  {line}", flush=True)

    stop = threading.Event()
    with serve_messages(
        verifier, args.host, args.port, on_request=None if args.quiet else show
    ) as server:
        print(
            f"Serving {_count(len(verifier.producers), 'message')} and "
            f"{_count(len(verifier.states), 'state')} of provider {verifier.provider!r} "
            f"at {server.url}"
        )
        print("Verify it with the official Pact CLI:")
        print(f"  {pact_verifier_command(server, list(args.sources))}")
        print("Press Ctrl-C to stop.", flush=True)
        previous = _on_sigterm(stop)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
    print("stopped", flush=True)
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _on_sigterm(stop: threading.Event) -> Any:
    """Stop cleanly on SIGTERM too, so state teardowns run when a supervisor stops us."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    return signal.signal(signal.SIGTERM, handle)
