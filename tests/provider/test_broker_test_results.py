"""Per-interaction results in the shape of the official broker client's contract."""

from __future__ import annotations

from accord.matching import Mismatch
from accord.provider.broker import broker_test_result
from accord.provider.results import InteractionResult, Outcome


def _result(outcome: Outcome, interaction_id: str | None = "ID1") -> InteractionResult:
    return InteractionResult("c", "p", "a request", outcome, interaction_id=interaction_id)


def test_a_pass_is_the_interaction_id_and_success() -> None:
    assert broker_test_result(_result(Outcome.PASSED)) == {"interactionId": "ID1", "success": True}


def test_a_pass_without_a_broker_id_is_named_by_its_description() -> None:
    entry = broker_test_result(_result(Outcome.PASSED, None))
    assert entry == {"interactionDescription": "a request", "success": True}


def test_a_failure_carries_its_description_and_mismatches() -> None:
    result = _result(Outcome.FAILED)
    result.mismatches = [
        Mismatch("status", "", "expected 200 but was 500"),
        Mismatch("body", "$.id", "Expected 1 but was 2"),
    ]
    assert broker_test_result(result) == {
        "interactionId": "ID1",
        "interactionDescription": "a request",
        "success": False,
        "mismatches": [
            {"attribute": "status", "description": "expected 200 but was 500"},
            {"attribute": "body", "identifier": "$.id", "description": "Expected 1 but was 2"},
        ],
    }


def test_an_error_is_reported_as_an_exception() -> None:
    result = _result(Outcome.ERROR)
    result.error = "state change for 'x' failed: HTTP 500"
    entry = broker_test_result(result)
    assert entry["success"] is False
    assert entry["exceptions"] == [{"message": "state change for 'x' failed: HTTP 500"}]
