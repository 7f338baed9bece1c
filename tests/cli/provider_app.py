"""A provider used by the CLI tests through ``--app provider_app:verifier``."""

from __future__ import annotations

from accord import Verifier

verifier = Verifier("cli-provider")


@verifier.message("good")
def good(n: int = 1) -> dict[str, int]:
    return {"n": n}


@verifier.message("bad")
def bad() -> None:
    raise RuntimeError("broker unavailable")


@verifier.state("ready")
def ready(n: int) -> dict[str, int]:
    return {"n": n}
