"""Shared pieces of the interop tests: the official CLI, the pacts, the accord provider.

The interop tests prove accord and the official Pact tools understand each other in both
directions. They run the real ``pact verifier`` binary (from ``pact-python-cli``) as a
subprocess; a missing binary is a failure, not a skip, because a silently skipped interop
suite would prove nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from accord import Message, Pact, Verifier, match

VERIFIER_TIMEOUT = 120.0
"""Seconds one official verifier run may take; it usually needs well under one."""

CONSUMER = "OrdersUI"
PROVIDER = "Orders"
PLACED = "an order was placed"
CANCELLED = "an order was cancelled"
NOTE = "a plain-text note"
ORDER_EXISTS = "an order exists"


@cache
def official_verifier() -> tuple[str, ...]:
    """The command that runs the official verifier: ``pact verifier`` or ``pact_verifier_cli``.

    ``ACCORD_PACT_VERIFIER`` replaces the search (e.g. ``/opt/pact/bin/pact_verifier_cli``).
    Otherwise the ``pact`` binary beside this Python (pact-python-cli in the virtualenv) wins
    over one on ``PATH``, so the version pinned in ``pyproject.toml`` is the one tested.
    """
    override = os.environ.get("ACCORD_PACT_VERIFIER")
    candidates: list[tuple[str, ...]] = []
    if override:
        candidates.append(tuple(override.split()))
    else:
        beside = str(Path(sys.executable).parent)
        for name, extra in (("pact", ("verifier",)), ("pact_verifier_cli", ())):
            for found in (shutil.which(name, path=beside), shutil.which(name)):
                if found:
                    candidates.append((found, *extra))
    for command in candidates:
        try:
            probe = subprocess.run(
                [*command, "--version"], capture_output=True, text=True, timeout=60
            )
        except OSError:
            continue
        if probe.returncode == 0 and "verifier" in probe.stdout.lower():
            return command
    pytest.fail(
        "the official Pact verifier was not found: install it with `pip install "
        "pact-python-cli` (gives `pact verifier`), put `pact_verifier_cli` on PATH, or set "
        f"ACCORD_PACT_VERIFIER. Tried: {[' '.join(c) for c in candidates] or 'nothing found'}",
        pytrace=False,
    )


def run_official(args: Sequence[str]) -> Completed:
    """Run the official verifier with ``args`` (everything after ``pact verifier``)."""
    return run_command([*official_verifier(), *args])


def run_command(argv: Sequence[str]) -> Completed:
    """Run ``argv`` with a time limit; output without colour or tracking notices."""
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true", "NO_COLOR": "1"}
    try:
        done = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=VERIFIER_TIMEOUT, env=env
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{' '.join(argv)} did not finish in {VERIFIER_TIMEOUT:g} s: {exc.output!r}")
    return Completed(list(argv), done.returncode, done.stdout + done.stderr)


@dataclass
class Completed:
    """One finished verifier run; ``str()`` is what to show when an assertion fails."""

    args: list[str]
    code: int
    output: str

    def __str__(self) -> str:
        return f"$ {' '.join(self.args)}\n(exit {self.code})\n{self.output}"


# -- the consumer's pact, written by accord --------------------------------------------------


def write_accord_pact(directory: Path, spec: str = "V4") -> Path:
    """The consumer's pact as accord's DSL writes it, after its handler accepted every message."""
    pact = Pact(CONSUMER, PROVIDER, spec=spec)
    (
        pact.expects_to_receive(PLACED)
        .given(ORDER_EXISTS, id=42, currency="EUR")
        .with_metadata({"Content-Type": "application/json", "topic": match.like("orders")})
        .with_content(
            {
                "id": match.integer(42),
                "total": match.decimal(9.99),
                "currency": match.regex("EUR", r"[A-Z]{3}"),
                "items": match.each_like({"sku": match.like("A-1"), "qty": match.integer(1)}),
            }
        )
    )
    (
        pact.expects_to_receive(CANCELLED)
        .with_metadata({"topic": "orders"})
        .with_content({"id": match.integer(7), "reason": match.like("late")})
    )
    pact.expects_to_receive(NOTE).with_content("thanks for your order", "text/plain")
    seen: list[str] = []
    pact.verify(lambda message: seen.append(message.description))
    assert sorted(seen) == sorted([PLACED, CANCELLED, NOTE])
    return pact.write(directory)


# -- the provider, as accord users write it --------------------------------------------------


@dataclass
class OrdersProvider:
    """An accord provider whose state calls are recorded, with a switch to break a producer."""

    wrong_id_type: bool = False
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    orders: dict[int, str] = field(default_factory=dict)

    def verifier(self) -> Verifier:
        verifier = Verifier(PROVIDER)

        @verifier.state(ORDER_EXISTS)
        def order_exists(id: int | str, currency: str) -> Any:
            self.calls.append(("setup", {"id": id, "currency": currency}))
            id = int(id)  # --state-change-as-query sends every param as a string
            self.orders[id] = currency
            yield {"id": id}
            del self.orders[id]
            self.calls.append(("teardown", {"id": id}))

        @verifier.message(PLACED)
        def placed(id: int) -> Message:
            assert id in self.orders, "the state handler did not run first"
            content = {
                "id": str(id) if self.wrong_id_type else id,
                "total": 12.5,
                "currency": self.orders[id],
                "items": [{"sku": "B-2", "qty": 3}],
            }
            return Message(content, metadata={"topic": "orders.v1"})

        @verifier.message(CANCELLED)
        def cancelled() -> Message:
            return Message({"id": 8, "reason": "out of stock"}, metadata={"topic": "orders"})

        @verifier.message(NOTE)
        def note() -> str:
            return "thanks for your order"

        return verifier
