"""A provider whose first producer is interrupted (Ctrl-C), for the CLI report tests."""

from __future__ import annotations

from accord import Verifier

verifier = Verifier("Users")


@verifier.message("first")
def first() -> None:
    raise KeyboardInterrupt


@verifier.message("second")
def second() -> dict[str, int]:
    return {"n": 2}
