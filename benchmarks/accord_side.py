"""accord's side of every case, as :class:`~benchmarks.timing.Bench` factories.

Each factory builds its fixtures once (untimed) and returns the work to time. Producers
return prebuilt values so the clock measures accord, not the benchmark's data generation.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import workloads as w
from benchmarks.timing import Bench, BenchError, Context, import_time

_fresh = itertools.count()


def _fresh_dir(root: Path, name: str) -> Path:
    """An empty output directory per repeat, so writes never merge with a previous run."""
    path = root / f"{name}-{next(_fresh)}"
    path.mkdir(parents=True)
    return path


def _expect_ok(count: int) -> Callable[[Any], str]:
    def check(result: Any) -> str:
        if not result.ok or len(result.results) != count:
            raise BenchError(f"expected {count} passing interactions; got {result.summary()}")
        return ""

    return check


# -- case 1: one message with a 10,000-item list --------------------------------------------


def _catalogue_fixture(ctx: Context) -> tuple[Path, list[dict[str, Any]]]:
    path = w.write_accord_pact(
        ctx.workdir / "catalogue",
        1,
        lambda _: w.LIST_DESCRIPTION,
        lambda m, _: w.catalogue(m),
        state=None,
    )
    return path, w.produced_catalogue()


def list10k_compare(ctx: Context) -> Bench:
    """``compare_message`` alone: the matching engine on 10,000 items, nothing else."""
    from accord.matching import compare_message
    from accord.matching.generators import PROVIDER, generate_message
    from accord.model import Body, MessageContents, load_pact

    path, items = _catalogue_fixture(ctx)
    interaction = load_pact(path).interactions[0]
    expected = generate_message(interaction.message, mode=PROVIDER)  # type: ignore[attr-defined]
    actual = MessageContents(Body(items, w.JSON), dict(w.METADATA))

    def check(mismatches: Any) -> str:
        if mismatches:
            raise BenchError(f"unexpected mismatches: {mismatches[:3]}")
        return ""

    return Bench(lambda: lambda: compare_message(expected, actual), check)


def _list10k_verify(ctx: Context, content: Any) -> Bench:
    from accord import Message, Verifier

    path, _ = _catalogue_fixture(ctx)
    message = Message(content=content, metadata=dict(w.METADATA))

    def work() -> Any:
        verifier = Verifier(w.PROVIDER, producers={w.LIST_DESCRIPTION: lambda: message})
        return verifier.verify(path)

    return Bench(lambda: work, _expect_ok(1))


def list10k_verify(ctx: Context) -> Bench:
    """``Verifier.verify`` end to end (load, produce, match); the producer returns a list."""
    return _list10k_verify(ctx, w.produced_catalogue())


def list10k_verify_bytes(ctx: Context) -> Bench:
    """As :func:`list10k_verify`, but the producer returns JSON bytes, as pact-python's must."""
    return _list10k_verify(ctx, w.json_bytes(w.produced_catalogue()))


# -- case 2: an 8 MB, 1,000-interaction V4 pact ----------------------------------------------


def _big_pact(ctx: Context) -> Path:
    return w.write_accord_pact(
        ctx.workdir / "big", w.BIG_PACT_INTERACTIONS, w.order_description, w.order_event
    )


def big_pact_file(ctx: Context) -> Path:
    """The case-2 file, shared with pact-python's side so both parse the same bytes."""
    return _big_pact(ctx)


def load_big(ctx: Context) -> Bench:
    """``load_pact``: read and parse the file into accord's model."""
    from accord.model import load_pact

    path = _big_pact(ctx)

    def check(pact: Any) -> str:
        if len(pact.interactions) != w.BIG_PACT_INTERACTIONS:
            raise BenchError(f"loaded {len(pact.interactions)} interactions")
        return f"{path.stat().st_size / 1e6:.1f} MB file"

    return Bench(lambda: lambda: load_pact(path), check)


def write_big(ctx: Context) -> Bench:
    """``write_pact`` of the loaded model into an empty directory (no merge to do)."""
    from accord.model import load_pact, write_pact

    model = load_pact(_big_pact(ctx))

    def prepare() -> Callable[[], Path]:
        target = _fresh_dir(ctx.workdir, "write")
        return lambda: write_pact(model, target, spec="V4", overwrite=True)

    def check(path: Path) -> str:
        if w.interactions_in(path) != w.BIG_PACT_INTERACTIONS:
            raise BenchError(f"{path} does not hold every interaction")
        return f"{path.stat().st_size / 1e6:.1f} MB written"

    return Bench(prepare, check)


# -- case 3: consumer side, 1,000 messages ---------------------------------------------------


def consumer(ctx: Context) -> Bench:
    """Define 1,000 messages, pass each example to a handler, write the pact."""
    from accord import Message, Pact

    count = 1_000
    m = w.AccordMatchers()
    seen: list[int] = []

    def handler(message: Message) -> None:
        seen.append(message.content["id"])

    def prepare() -> Callable[[], Path]:
        target = _fresh_dir(ctx.workdir, "consumer")
        seen.clear()

        def work() -> Path:
            pact = Pact(w.CONSUMER, w.PROVIDER, spec="V4")
            for index in range(count):
                (
                    pact.expects_to_receive(w.event_description(index))
                    .given(w.STATE, id=index)
                    .with_metadata(w.METADATA)
                    .with_content(w.user_event(m, index))
                )
            pact.verify(handler)
            return pact.write(target)

        return work

    def check(path: Path) -> str:
        written = w.interactions_in(path)
        if len(seen) != count or written != count:
            raise BenchError(f"handler saw {len(seen)} messages, {written} written")
        return ""

    return Bench(prepare, check)


# -- cases 4 and 6: provider verification with a state handler per message ------------------


def _provider(ctx: Context, count: int) -> Bench:
    from accord import Verifier

    path = w.write_accord_pact(
        ctx.workdir / f"events-{count}", count, w.event_description, w.user_event
    )
    users: dict[int, bool] = {}

    def user_exists(id: int) -> None:
        users[id] = True

    def producer(index: int) -> Callable[[], dict[str, Any]]:
        return lambda: w.produced_user_event(index)

    producers = {w.event_description(i): producer(i) for i in range(count)}

    def work() -> Any:
        verifier = Verifier(w.PROVIDER, producers=producers, states={w.STATE: user_exists})
        return verifier.verify(path)

    return Bench(lambda: work, _expect_ok(count))


def provider_1k(ctx: Context) -> Bench:
    """1,000 messages, each behind a provider state with a parameter."""
    return _provider(ctx, 1_000)


def provider_10k(ctx: Context) -> Bench:
    """10,000 messages: with :func:`provider_1k`, shows whether cost grows linearly."""
    return _provider(ctx, 10_000)


# -- case 5: a failing state handler ---------------------------------------------------------


def failing_state(ctx: Context) -> Bench:
    """A state handler that raises: how long until the report, and does it say why?"""
    from accord import Verifier

    path = w.write_accord_pact(
        ctx.workdir / "failing",
        1,
        w.event_description,
        w.user_event,
        state=w.FAILING_STATE,
    )

    def broken() -> None:
        raise ConnectionError(w.FAILURE_TEXT)

    def work() -> Any:
        verifier = Verifier(
            w.PROVIDER,
            producers={w.event_description(0): lambda: w.produced_user_event(0)},
            states={w.FAILING_STATE: broken},
        )
        return verifier.verify(path)

    def check(result: Any) -> str:
        if result.ok:
            raise BenchError("the failing state handler did not fail verification")
        error = result.results[0].error or ""
        if w.FAILURE_TEXT not in error:
            raise BenchError(f"the result does not name the exception: {error!r}")
        return f"reason shown: yes: {error}"

    return Bench(lambda: work, check)


# -- cases 7 and 8: the realistic workload (about 2 KB, every matcher and generator) ------


def realistic_consumer(ctx: Context) -> Bench:
    """Define, verify and write 1,000 realistic messages."""
    from accord import Message, Pact
    from benchmarks import realistic as r

    vocabulary = r.AccordVocabulary()
    seen: list[int] = []

    def handler(message: Message) -> None:
        seen.append(message.content["orderId"])

    def prepare() -> Callable[[], Path]:
        target = _fresh_dir(ctx.workdir, "realistic-consumer")
        seen.clear()

        def work() -> Path:
            pact = Pact(w.CONSUMER, w.PROVIDER, spec="V4")
            for index in range(r.COUNT):
                (
                    pact.expects_to_receive(r.description(index))
                    .given(r.STATE, orderId=index)
                    .with_metadata(r.METADATA)
                    .with_content(r.order_event(vocabulary, index))
                )
            pact.verify(handler)
            return pact.write(target)

        return work

    def check(path: Path) -> str:
        written = w.interactions_in(path)
        if len(seen) != r.COUNT or written != r.COUNT:
            raise BenchError(f"handler saw {len(seen)} messages, {written} written")
        return f"{path.stat().st_size / 1e6:.1f} MB written"

    return Bench(prepare, check)


def realistic_pact_file(ctx: Context) -> Path:
    """The accord-written realistic pact, shared with pact-python's provider side."""
    from benchmarks import realistic as r

    return r.write_pact(ctx.workdir / "realistic")


def realistic_provider(ctx: Context) -> Bench:
    """Verify the 1,000 realistic messages, each behind a state with a parameter."""
    from accord import Verifier
    from benchmarks import realistic as r

    path = realistic_pact_file(ctx)
    producers = r.producers()
    orders: dict[int, bool] = {}

    def order_exists(orderId: int) -> dict[str, int]:
        orders[orderId] = True
        return {"orderId": orderId}

    def work() -> Any:
        verifier = Verifier(w.PROVIDER, producers=producers, states={r.STATE: order_exists})
        return verifier.verify(path)

    return Bench(lambda: work, _expect_ok(r.COUNT))


def realistic_provider_loaded(ctx: Context) -> Bench:
    """Row 8 without reading the file: the pact is loaded once, outside the clock."""
    from accord import Verifier
    from accord.model import load_pact
    from benchmarks import realistic as r

    model = load_pact(realistic_pact_file(ctx))
    producers = r.producers()

    def order_exists(orderId: int) -> dict[str, int]:
        return {"orderId": orderId}

    def work() -> Any:
        verifier = Verifier(w.PROVIDER, producers=producers, states={r.STATE: order_exists})
        return verifier.verify(model)

    return Bench(lambda: work, _expect_ok(r.COUNT))


# -- case 9: import time ---------------------------------------------------------------------


def import_accord(ctx: Context) -> Bench:
    """The names a test imports, in a fresh interpreter (every test run and CLI call pays)."""
    return Bench(lambda: lambda: import_time("from accord import Pact, Verifier, match, generate"))


FACTORIES: dict[str, Callable[[Context], Bench]] = {
    "accord.import": import_accord,
    "accord.realistic.consumer": realistic_consumer,
    "accord.realistic.provider": realistic_provider,
    "accord.realistic.provider_loaded": realistic_provider_loaded,
    "accord.list10k.compare": list10k_compare,
    "accord.list10k.verify": list10k_verify,
    "accord.list10k.verify_bytes": list10k_verify_bytes,
    "accord.load": load_big,
    "accord.write": write_big,
    "accord.consumer": consumer,
    "accord.provider1k": provider_1k,
    "accord.provider10k": provider_10k,
    "accord.failing_state": failing_state,
}
