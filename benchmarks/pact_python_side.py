"""pact-python 4.2's side of every case, as :class:`~benchmarks.timing.Bench` factories.

pact-python verifies messages through its Rust core: ``Verifier.message_handler`` starts a
local HTTP relay the core POSTs to for each message, and ``state_handler`` another for each
provider-state change. Producers must return ``{"contents": bytes, "metadata", "content_type"}``;
they return prebuilt bytes here so the clock measures pact-python, not the benchmark.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks import accord_side
from benchmarks import workloads as w
from benchmarks.timing import Bench, BenchError, Context, import_time

if TYPE_CHECKING:
    from pact.types import Message

    Producers = dict[str, Callable[..., Message] | Message | bytes]

# The Rust core otherwise sends anonymous usage statistics over the network during a run.
os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

_fresh = itertools.count()


def _fresh_dir(root: Path, name: str) -> Path:
    path = root / f"pp-{name}-{next(_fresh)}"
    path.mkdir(parents=True)
    return path


def _message(contents: bytes) -> Message:
    return {"contents": contents, "metadata": dict(w.METADATA), "content_type": w.JSON}


def _verify(verifier: Any) -> Any:
    """Run the verifier; a failed verification is an outcome to check, not a crash."""
    with contextlib.suppress(RuntimeError):
        verifier.verify()
    return verifier


def _interaction_results(verifier: Any) -> tuple[bool, int]:
    results = verifier.results
    passed = sum(1 for r in results.get("interactionResults", []) if r.get("result") == "OK")
    return bool(results.get("result")), passed


def _expect_ok(count: int) -> Callable[[Any], str]:
    def check(verifier: Any) -> str:
        ok, passed = _interaction_results(verifier)
        if not ok or passed != count:
            output = verifier.output(strip_ansi=True)[-800:]
            raise BenchError(f"expected {count} passing interactions, {passed} passed: {output}")
        return ""

    return check


# -- case 1: one message with a 10,000-item list --------------------------------------------


def list10k_verify(ctx: Context) -> Bench:
    """``pact.Verifier`` with a message producer, end to end."""
    from pact import Verifier

    path = w.write_accord_pact(
        ctx.workdir / "catalogue",
        1,
        lambda _: w.LIST_DESCRIPTION,
        lambda m, _: w.catalogue(m),
        state=None,
    )
    message = _message(w.json_bytes(w.produced_catalogue()))
    producers: Producers = {w.LIST_DESCRIPTION: lambda: message}

    def work() -> Any:
        verifier = Verifier(w.PROVIDER).message_handler(producers).add_source(str(path))
        return _verify(verifier)

    return Bench(lambda: work, _expect_ok(1))


# -- case 2: an 8 MB, 1,000-interaction V4 pact ----------------------------------------------


def load_big(ctx: Context) -> Bench:
    """The Rust core's own parser (``pactffi_parse_pact_json``) on the same file.

    pact-python has no public API that loads a pact file; this FFI call is what its core
    does when it reads one, so it is the fair equivalent of ``accord.model.load_pact``.
    """
    from pact_ffi import ffi, lib

    path = accord_side.big_pact_file(ctx)

    def work() -> Any:
        return lib.pactffi_parse_pact_json(path.read_bytes())

    def check(pointer: Any) -> str:
        if pointer == ffi.NULL:
            raise BenchError("the Rust core could not parse the pact")
        iterator = lib.pactffi_pact_model_interaction_iterator(pointer)
        count = 0
        # Items stay owned by the iterator (pact_ffi wraps them with owned=True).
        while lib.pactffi_pact_interaction_iter_next(iterator) != ffi.NULL:
            count += 1
        lib.pactffi_pact_interaction_iter_delete(iterator)
        lib.pactffi_pact_model_delete(pointer)
        if count != w.BIG_PACT_INTERACTIONS:
            raise BenchError(f"parsed {count} interactions")
        return f"{path.stat().st_size / 1e6:.1f} MB file (FFI parse)"

    return Bench(lambda: work, check)


def write_big(ctx: Context) -> Bench:
    """``Pact.write_file`` of the same 1,000 interactions, declared through its DSL (untimed)."""
    from pact import Pact

    m = w.PactPythonMatchers()
    pact = Pact(w.CONSUMER, w.PROVIDER).with_specification("V4")
    for index in range(w.BIG_PACT_INTERACTIONS):
        (
            pact.upon_receiving(w.order_description(index), "Async")
            .given(w.STATE, id=index)
            .with_metadata(dict(w.METADATA))
            .with_body(w.order_event(m, index), w.JSON)
        )

    def prepare() -> Callable[[], Path]:
        target = _fresh_dir(ctx.workdir, "write")

        def work() -> Path:
            pact.write_file(target, overwrite=True)
            return target

        return work

    def check(target: Path) -> str:
        files = list(target.glob("*.json"))
        if len(files) != 1 or w.interactions_in(files[0]) != w.BIG_PACT_INTERACTIONS:
            raise BenchError(f"expected one pact file with every interaction in {target}")
        return f"{files[0].stat().st_size / 1e6:.1f} MB written"

    return Bench(prepare, check)


# -- case 3: consumer side, 1,000 messages ---------------------------------------------------


def consumer(ctx: Context) -> Bench:
    """Define 1,000 messages, ``Pact.verify(handler, "Async")``, ``write_file``."""
    from pact import Pact

    count = 1_000
    m = w.PactPythonMatchers()
    seen: list[int] = []

    def handler(body: str | bytes | None, metadata: dict[str, object]) -> None:
        seen.append(json.loads(body or b"null")["id"])

    def prepare() -> Callable[[], Path]:
        target = _fresh_dir(ctx.workdir, "consumer")
        seen.clear()

        def work() -> Path:
            pact = Pact(w.CONSUMER, w.PROVIDER).with_specification("V4")
            for index in range(count):
                (
                    pact.upon_receiving(w.event_description(index), "Async")
                    .given(w.STATE, id=index)
                    .with_metadata(dict(w.METADATA))
                    .with_body(w.user_event(m, index), w.JSON)
                )
            pact.verify(handler, "Async")
            pact.write_file(target, overwrite=True)
            return target

        return work

    def check(target: Path) -> str:
        files = list(target.glob("*.json"))
        written = w.interactions_in(files[0]) if len(files) == 1 else 0
        if len(seen) != count or written != count:
            raise BenchError(f"handler saw {len(seen)} messages, {written} written")
        return ""

    return Bench(prepare, check)


# -- case 4: provider verification with a state handler per message -------------------------


def _provider(ctx: Context, count: int, scale: float) -> Bench:
    from pact import Verifier

    path = w.write_accord_pact(
        ctx.workdir / f"events-{count}", count, w.event_description, w.user_event
    )
    users: dict[int, bool] = {}

    def user_exists(parameters: dict[str, Any] | None = None) -> None:
        users[int((parameters or {})["id"])] = True

    def producer(index: int) -> Callable[[], Message]:
        return lambda: _message(w.json_bytes(w.produced_user_event(index)))

    producers: Producers = {w.event_description(i): producer(i) for i in range(count)}

    def work() -> Any:
        verifier = (
            Verifier(w.PROVIDER)
            .message_handler(producers)
            .state_handler({w.STATE: user_exists}, teardown=False)
            .add_source(str(path))
        )
        return _verify(verifier)

    label = f"measured on {count} messages, ×{scale:g}" if scale != 1 else ""
    return Bench(lambda: work, _expect_ok(count), scale=scale, label=label)


def provider_1k(ctx: Context) -> Bench:
    """1,000 messages, or in ``--quick`` mode 100 messages scaled by 10 (and labelled so)."""
    return _provider(ctx, 100, 10.0) if ctx.quick else _provider(ctx, 1_000, 1.0)


# -- case 5: a failing state handler ---------------------------------------------------------


def failing_state(ctx: Context) -> Bench:
    """A state handler that raises. The runner enforces the timeout from outside."""
    from pact import Verifier

    path = w.write_accord_pact(
        ctx.workdir / "failing",
        1,
        w.event_description,
        w.user_event,
        state=w.FAILING_STATE,
    )

    def broken(parameters: dict[str, Any] | None = None) -> None:
        raise ConnectionError(w.FAILURE_TEXT)

    event = _message(w.json_bytes(w.produced_user_event(0)))
    producers: Producers = {w.event_description(0): lambda: event}

    def work() -> Any:
        verifier = (
            Verifier(w.PROVIDER)
            .message_handler(producers)
            .state_handler({w.FAILING_STATE: broken}, teardown=False)
            .add_source(str(path))
        )
        return _verify(verifier)

    def check(verifier: Any) -> str:
        ok, _ = _interaction_results(verifier)
        if ok:
            raise BenchError("the failing state handler did not fail verification")
        report = verifier.output(strip_ansi=True) + json.dumps(verifier.results)
        shown = w.FAILURE_TEXT in report
        lines = [line.strip() for line in report.splitlines() if line.strip().startswith("1)")]
        return f"reason shown: {'yes' if shown else 'NO'}: {lines[0] if lines else ''}"

    return Bench(lambda: work, check)


# -- cases 7 and 8: the realistic workload ---------------------------------------------------


def realistic_consumer(ctx: Context) -> Bench:
    """Define 1,000 realistic messages, ``Pact.verify(handler, "Async")``, ``write_file``."""
    from pact import Pact

    from benchmarks import realistic as r

    vocabulary = r.PactPythonVocabulary()
    seen: list[int] = []

    def handler(body: str | bytes | None, metadata: dict[str, object]) -> None:
        seen.append(json.loads(body or b"null")["orderId"])

    def prepare() -> Callable[[], Path]:
        target = _fresh_dir(ctx.workdir, "realistic-consumer")
        seen.clear()

        def work() -> Path:
            pact = Pact(w.CONSUMER, w.PROVIDER).with_specification("V4")
            for index in range(r.COUNT):
                (
                    pact.upon_receiving(r.description(index), "Async")
                    .given(r.STATE, orderId=index)
                    .with_metadata(dict(r.METADATA))
                    .with_body(r.order_event(vocabulary, index), w.JSON)  # type: ignore[arg-type]
                )
            pact.verify(handler, "Async")
            pact.write_file(target, overwrite=True)
            return target

        return work

    def check(target: Path) -> str:
        files = list(target.glob("*.json"))
        written = w.interactions_in(files[0]) if len(files) == 1 else 0
        if len(seen) != r.COUNT or written != r.COUNT:
            raise BenchError(f"handler saw {len(seen)} messages, {written} written")
        return f"{files[0].stat().st_size / 1e6:.1f} MB written"

    return Bench(prepare, check)


def realistic_provider(ctx: Context) -> Bench:
    """The same accord-written realistic pact as accord's side, 1,000 messages (or 100 ×10)."""
    from pact import Verifier

    from benchmarks import realistic as r

    count, scale = (100, 10.0) if ctx.quick else (r.COUNT, 1.0)
    path = r.write_pact(ctx.workdir / f"pp-realistic-{count}", count)

    def order_exists(parameters: dict[str, Any] | None = None) -> None:
        int((parameters or {})["orderId"])

    def producer(index: int) -> Callable[[], Message]:
        message: Message = {
            "contents": w.json_bytes(r.produced_order(index)),
            "metadata": dict(r.METADATA),
            "content_type": w.JSON,
        }
        return lambda: message

    producers: Producers = {r.description(i): producer(i) for i in range(count)}

    def work() -> Any:
        verifier = (
            Verifier(w.PROVIDER)
            .message_handler(producers)
            .state_handler({r.STATE: order_exists}, teardown=False)
            .add_source(str(path))
        )
        return _verify(verifier)

    label = f"measured on {count} messages, ×{scale:g}" if scale != 1 else ""
    return Bench(lambda: work, _expect_ok(count), scale=scale, label=label)


def import_pact(ctx: Context) -> Bench:
    """The same names from pact-python (which loads its FFI on first use)."""
    return Bench(lambda: lambda: import_time("from pact import Pact, Verifier, match, generate"))


FACTORIES: dict[str, Callable[[Context], Bench]] = {
    "pact.import": import_pact,
    "pact.realistic.consumer": realistic_consumer,
    "pact.realistic.provider": realistic_provider,
    "pact.list10k.verify": list10k_verify,
    "pact.load": load_big,
    "pact.write": write_big,
    "pact.consumer": consumer,
    "pact.provider1k": provider_1k,
    "pact.failing_state": failing_state,
}
