"""Matching a protobuf message against its JSON twin of the same shape.

No Python peer matches protobuf contracts without the Pact plugin binaries (pact-python
drives the Rust core, which hands protobuf to the downloaded ``pact-protobuf-plugin``
over gRPC), so the comparison here is accord against itself: the same message, the same
rules, once as protobuf bytes decoded with the pact's descriptors and once as JSON.

Three rows per size:

- ``json (dict)``: the producer returns a dict, as an in-process JSON producer does;
- ``json (bytes)``: the producer returns JSON text, parsed before matching;
- ``protobuf``: both bodies are protobuf bytes, decoded with the descriptors, then
  matched with the same engine.

Run: ``PYTHONPATH=src .venv/bin/python -m benchmarks.protobuf_matching [--repeats N]``.
Every run checks its outcome: the twins match, and a broken twin fails at the same path.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from accord.matching import compare_message
from accord.model.body import Body
from accord.model.pact import MessageContents
from accord.model.rules import MatchingRules
from accord.schemas import GivenSchemas, ProtoSchema

PROTO = """
syntax = "proto3";
package bench;

message Money {
  string currency = 1;
  int64 units = 2;
}

message Line {
  string sku = 1;
  int32 quantity = 2;
  Money price = 3;
  repeated string tags = 4;
}

message Order {
  string id = 1;
  string customer = 2;
  repeated Line lines = 3;
  map<string, string> labels = 4;
  bool paid = 5;
}
"""

CONTENT_TYPE = "application/protobuf; message=.bench.Order"


def order(lines: int, variant: int = 0) -> dict[str, Any]:
    return {
        "id": f"order-{1000 + variant}",
        "customer": f"customer {variant}",
        "lines": [
            {
                "sku": f"SKU-{index:05d}",
                "quantity": 1 + (index + variant) % 9,
                "price": {"currency": "EUR", "units": 100 + index * 7 + variant},
                "tags": ["fragile", "gift"] if index % 2 else ["bulk"],
            }
            for index in range(lines)
        ],
        "labels": {"channel": "web", "region": f"r{variant % 3}"},
        "paid": True,
    }


def rules() -> MatchingRules:
    out = MatchingRules()
    out.add("body", "$.id", [{"match": "regex", "regex": "^order-[0-9]+$"}])
    out.add("body", "$.customer", [{"match": "type"}])
    out.add("body", "$.lines", [{"match": "type", "min": 1}])
    out.add("body", "$.lines[*].sku", [{"match": "regex", "regex": "^SKU-[0-9]{5}$"}])
    out.add("body", "$.lines[*].quantity", [{"match": "integer"}])
    out.add("body", "$.lines[*].price.units", [{"match": "number"}])
    out.add("body", "$.labels", [{"match": "values"}])
    return out


def _median_seconds(work: Callable[[], Any], repeats: int, inner: int) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        for _ in range(inner):
            work()
        times.append((time.perf_counter() - started) / inner)
    return statistics.median(times)


def run(repeats: int) -> list[tuple[str, str, float]]:
    schema = ProtoSchema.from_proto_text(PROTO, "bench.proto")
    message = schema.message("bench.Order")
    schemas = GivenSchemas(proto=schema)
    results: list[tuple[str, str, float]] = []
    for lines in (1, 20, 200):
        inner = max(5, 2000 // (lines * 2))
        want, got = order(lines), order(lines, variant=7)
        broken = order(lines, variant=7)
        broken["lines"][-1]["sku"] = "sku-bad"
        bad_path = f"$.lines[{lines - 1}].sku"
        expected_json = MessageContents(Body(want, "application/json"), matching_rules=rules())
        expected_proto = MessageContents(
            Body(message.encode(want), CONTENT_TYPE), matching_rules=rules()
        )
        twins: dict[str, tuple[MessageContents, Callable[[Any], MessageContents], Any]] = {
            "json (dict)": (
                expected_json,
                lambda value: MessageContents(Body(value, "application/json")),
                None,
            ),
            "json (bytes)": (
                expected_json,
                lambda value: MessageContents(Body(json.dumps(value).encode(), "application/json")),
                None,
            ),
            "protobuf": (
                expected_proto,
                lambda value: MessageContents(Body(message.encode(value), CONTENT_TYPE)),
                schemas,
            ),
        }
        for name, (expected, make, source) in twins.items():
            good, bad = make(got), make(broken)
            if compare_message(expected, good, schemas=source):
                raise SystemExit(f"{name} x{lines}: the twin did not match")
            paths = [m.path for m in compare_message(expected, bad, schemas=source)]
            if paths != [bad_path]:
                raise SystemExit(f"{name} x{lines}: expected a mismatch at {bad_path}, got {paths}")
            seconds = _median_seconds(
                lambda e=expected, g=good, s=source: compare_message(e, g, schemas=s),
                repeats,
                inner,
            )
            size = len(message.encode(got)) if name == "protobuf" else len(json.dumps(got))
            results.append((f"{lines} line(s), {size} B", name, seconds))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rows = run(args.repeats)
    print("| message | path | median per comparison | vs json (dict) |")
    print("| --- | --- | ---: | ---: |")
    baseline: dict[str, float] = {}
    for label, name, seconds in rows:
        size_key = label.split(",", 1)[0]
        if name == "json (dict)":
            baseline[size_key] = seconds
        ratio = seconds / baseline[size_key]
        print(f"| {label} | {name} | {seconds * 1e6:,.0f} µs | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
