"""Pacts written by pact-python 4.2 (the Rust core) verify with accord, and back again.

pact-python writes V3 message pacts (``with_specification("V3")``) and V4 asynchronous
messages (``upon_receiving(..., "Async")``). accord's in-process Verifier must pass a
correct provider and fail a wrong one on those files; the official verifier must agree
when the same accord provider is served with ``serve_messages``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pact import Pact as PactPython
from pact import match as pp_match

from accord import Message, Verifier
from accord.provider.message_server import serve_messages
from accord.provider.results import Outcome
from tests.interop.support import run_official

CONSUMER = "BillingPy"
PROVIDER = "Invoices"
ISSUED = "an invoice was issued"
REMINDER = "a payment reminder"
INVOICE_EXISTS = "an invoice exists"


def write_pact_python_pact(directory: Path, spec: str) -> Path:
    """The consumer side, as a pact-python 4.2 user writes it."""
    pact = PactPython(CONSUMER, PROVIDER).with_specification(spec)
    (
        pact.upon_receiving(ISSUED, "Async")
        .given(INVOICE_EXISTS, number="INV-7", amount=120)
        .with_body(
            {
                "number": pp_match.regex("INV-1", regex=r"INV-\d+"),
                "amount": pp_match.int(100),
                "issuedAt": pp_match.datetime("2024-07-20T14:30:00+0000"),
                "customer": {"id": pp_match.uuid("550e8400-e29b-41d4-a716-446655440000")},
                "lines": pp_match.each_like(
                    {"sku": pp_match.str("X"), "price": pp_match.decimal(1.5)}
                ),
            },
            "application/json",
        )
        .with_metadata({"topic": "invoices"})
    )
    pact.upon_receiving(REMINDER, "Async").with_body("please pay", "text/plain")
    received: list[Any] = []
    pact.verify(lambda body, metadata: received.append((str(body), metadata)), "Async")
    assert len(received) == 2
    pact.write_file(directory, overwrite=True)
    path = directory / f"{CONSUMER}-{PROVIDER}.json"
    written = json.loads(path.read_text())
    expected = "3.0.0" if spec == "V3" else "4.0"
    assert written["metadata"]["pactSpecification"]["version"] == expected
    return path


def invoices_verifier(*, wrong: bool = False, seen: list[dict[str, Any]] | None = None) -> Verifier:
    """The provider, written with accord."""
    verifier = Verifier(PROVIDER)

    @verifier.state(INVOICE_EXISTS)
    def invoice_exists(number: str, amount: int) -> dict[str, Any]:
        if seen is not None:
            seen.append({"number": number, "amount": amount})
        return {"number": number, "amount": amount}

    @verifier.message(ISSUED)
    def issued(number: str, amount: int) -> Message:
        content = {
            "number": number,
            "amount": float(amount) + 0.5 if wrong else amount,
            "issuedAt": "2025-01-02T03:04:05+0000",
            "customer": {"id": "0b2a4a1e-8a3a-4c1f-9a57-3a1f1e7c9d10"},
            "lines": [{"sku": "A", "price": 2.25}, {"sku": "B", "price": 9.75}],
        }
        return Message(content, metadata={"topic": "invoices"})

    @verifier.message(REMINDER)
    def reminder() -> str:
        return "please pay"

    return verifier


@pytest.mark.parametrize("spec", ["V3", "V4"])
def test_accord_verifies_a_pact_python_pact(tmp_path: Path, spec: str) -> None:
    pact_file = write_pact_python_pact(tmp_path, spec)
    seen: list[dict[str, Any]] = []
    result = invoices_verifier(seen=seen).verify(pact_file)
    assert result.ok, result.report()
    assert len(result.results) == 2
    assert seen == [{"number": "INV-7", "amount": 120}]


@pytest.mark.parametrize("spec", ["V3", "V4"])
def test_accord_fails_a_wrong_provider_on_a_pact_python_pact(tmp_path: Path, spec: str) -> None:
    pact_file = write_pact_python_pact(tmp_path, spec)
    result = invoices_verifier(wrong=True).verify(pact_file)
    assert not result.ok
    failed = [r for r in result.results if r.outcome is not Outcome.PASSED]
    assert [r.description for r in failed] == [ISSUED], result.report()
    assert [m.path for m in failed[0].mismatches] == ["$.amount"], result.report()


@pytest.mark.parametrize("spec", ["V3", "V4"])
@pytest.mark.parametrize("wrong", [False, True], ids=["passing", "failing"])
def test_official_verifier_agrees_on_pact_python_pacts(
    tmp_path: Path, spec: str, wrong: bool
) -> None:
    pact_file = write_pact_python_pact(tmp_path, spec)
    with serve_messages(invoices_verifier(wrong=wrong)) as server:
        done = run_official(["--no-colour", *server.pact_verifier_args(str(pact_file))])
    if wrong:
        assert done.code != 0, done
        assert "$.amount" in done.output, done
    else:
        assert done.code == 0, done
