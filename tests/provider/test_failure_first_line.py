"""A failure says why in its first line; a renamed field reads as the missing key."""

from __future__ import annotations

from pathlib import Path

from accord import Pact, Verifier, match
from accord.matching.json_body import compare_json


def _pact(tmp_path: Path) -> Path:
    pact = Pact("Users", "UserService", pact_dir=tmp_path)
    pact.expects_to_receive("a user event").with_content(
        {"name": match.like("Billy"), "lastName": match.like("Sampson"), "id": match.integer(1)}
    )
    pact.verify(lambda message: None)
    return pact.write()


def test_a_renamed_field_reads_as_the_missing_key_with_the_new_one_as_a_hint(
    tmp_path: Path,
) -> None:
    verifier = Verifier("UserService")

    @verifier.message("a user event")
    def user_event() -> dict[str, object]:
        return {"name": "Billy", "surname": "Sampson", "id": 7}

    result = verifier.verify(_pact(tmp_path))
    assert not result.ok
    first_line = result.report().splitlines()[0]
    assert first_line.startswith(
        "Verifying provider 'UserService': Users: 'a user event' failed: body $: missing key "
        "'lastName' (received key 'surname' instead: renamed?)"
    )


def test_missing_and_unexpected_keys_in_a_request_are_named() -> None:
    found = compare_json({"a": 1, "b": 2}, {"a": 1, "c": 2}, {}, allow_unexpected_keys=False)
    # the reason first; the Rust core's wording after it, for tools that look for that
    assert [m.message for m in found] == [
        "missing key 'b' (received unexpected key 'c' instead: renamed?); "
        "Expected a Map with keys [a, b] but received one with keys [a, c]"
    ]
    found = compare_json({"a": 1}, {"a": 1, "c": 2, "d": 3}, {}, allow_unexpected_keys=False)
    assert [m.message for m in found] == [
        "unexpected keys 'c', 'd'; Expected a Map with keys [a] but received one with keys "
        "[a, c, d]"
    ]
    assert compare_json({"a": 1}, {"a": 1, "c": 2}, {}, allow_unexpected_keys=True) == []


def test_a_passing_run_keeps_a_plain_first_line(tmp_path: Path) -> None:
    verifier = Verifier("UserService")

    @verifier.message("a user event")
    def user_event() -> dict[str, object]:
        return {"name": "Billy", "lastName": "Sampson", "id": 7}

    result = verifier.verify(_pact(tmp_path))
    assert result.ok
    assert result.report().splitlines()[0] == "Verifying provider 'UserService'"
