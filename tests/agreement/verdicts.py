"""accord's verdicts and the reference's, side by side, for every case of every file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.matching.message import compare_message
from accord.model.at import At
from accord.model.read import load_pact, parse_message
from accord.model.write import pact_to_json
from tests.agreement import reference
from tests.agreement.cases import Part, mutations, parts_of


@dataclass(frozen=True)
class Verdict:
    file: str
    where: str
    case: str
    accord: bool
    """True when accord finds the body matches."""
    rust: bool

    def __str__(self) -> str:
        def say(ok: bool) -> str:
            return "match" if ok else "mismatch"

        return (
            f"{self.file} {self.where} [{self.case}]: accord says {say(self.accord)}, "
            f"the Rust core says {say(self.rust)}"
        )


def accord_matches(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    at = At("<agreement>")
    found = compare_message(parse_message(expected, 3, at), parse_message(actual, 3, at))
    return not found


def verdicts(path: Path) -> Iterator[Verdict]:
    document = json.loads(path.read_text(encoding="utf-8"))
    for part in parts_of(document):
        expected = part.expected()
        for label, body in mutations(part):
            actual = part.actual(body)
            yield Verdict(
                path.name,
                part.where,
                label,
                accord_matches(expected, actual),
                not reference.message_mismatches(expected, actual),
            )


def round_trip(path: Path) -> dict[str, Any]:
    """The document accord writes after reading ``path`` (V4, or V3 for V3 message pacts)."""
    pact = load_pact(path)
    spec = "3.0.0" if pact.is_message_pact and pact.spec_major == 3 else "4.0"
    return json.loads(json.dumps(pact_to_json(pact, spec)))


def round_trip_differences(path: Path) -> list[str]:
    """Cases where the reference judges the rewritten file differently from the original."""
    original = parts_of(json.loads(path.read_text(encoding="utf-8")))
    written_doc = round_trip(path)
    written = parts_of(written_doc)
    problems: list[str] = []
    if not reference.reads_pact(written_doc):
        problems.append(f"{path.name}: the Rust core cannot read the file accord wrote")
    if len(original) != len(written):
        problems.append(
            f"{path.name}: {len(original)} bodies before the round trip, {len(written)} after"
        )
        return problems
    for before, after in zip(original, written, strict=True):
        problems += _same_judgement(path.name, before, after)
    return problems


def _same_judgement(name: str, before: Part, after: Part) -> list[str]:
    out = []
    for label, body in mutations(before):
        was = not reference.message_mismatches(before.expected(), before.actual(body))
        now = not reference.message_mismatches(after.expected(), after.actual(body))
        if was != now:
            out.append(
                f"{name} {before.where} [{label}]: the Rust core says "
                f"{'match' if was else 'mismatch'} on the original and "
                f"{'match' if now else 'mismatch'} on accord's rewrite"
            )
    return out
