"""``Pact``: the consumer's contract with one provider, built in a test.

Interactions are declared with :meth:`Pact.expects_to_receive`, proven with
:meth:`Pact.verify` (the consumer's real handler must accept an example of each message),
and only then written with :meth:`Pact.write`. A handler failure stops the interaction from
entering the file, so a pact never promises what the consumer cannot handle.
"""

from __future__ import annotations

import asyncio
import inspect
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from accord.consumer.builder import MessageBuilder
from accord.errors import AccordError, HandlerFailed
from accord.matching.generators import CONSUMER, generate_message
from accord.message import Message, from_contents
from accord.model.pact import AsyncMessage, Interaction
from accord.model.pact import Pact as PactModel
from accord.model.write import spec_string, write_pact

Handler = Callable[[Message], Any] | Callable[[Message], Awaitable[Any]]


def _raise_first(failures: list[HandlerFailed]) -> None:
    """Raise the first failure, chained to the handler's own exception, listing the rest."""
    if not failures:
        return
    first = failures[0]
    first.failures = failures
    if len(failures) > 1:
        others = ", ".join(repr(f.description) for f in failures[1:])
        first.args = (f"{first.args[0]} (and {len(failures) - 1} more: {others})",)
    raise first from first.error


class Pact:
    """A contract between ``consumer`` and ``provider``, written as spec ``V4`` or ``V3``."""

    def __init__(
        self, consumer: str, provider: str, *, spec: str = "V4", pact_dir: str | Path = "pacts"
    ) -> None:
        if not consumer or not provider:
            raise AccordError("a pact needs both a consumer and a provider name")
        self.consumer = consumer
        self.provider = provider
        self.spec = spec_string(spec)
        self.pact_dir = Path(pact_dir)
        self._builders: list[MessageBuilder] = []
        self._verified: list[Interaction] = []

    def expects_to_receive(self, description: str) -> MessageBuilder:
        """Declare an asynchronous message this consumer needs."""
        builder = MessageBuilder(description)
        self._builders.append(builder)
        return builder

    @property
    def interactions(self) -> list[Interaction]:
        """Interactions whose handler has succeeded: what :meth:`write` will write."""
        return list(self._verified)

    def example(self, interaction: AsyncMessage) -> Message:
        """The message a handler receives: the example with generators applied."""
        contents = generate_message(interaction.message, mode=CONSUMER)
        return from_contents(contents, interaction.description)

    def verify(self, handler: Handler) -> None:
        """Pass an example of each message not yet verified to ``handler``.

        ``handler`` may be a plain or an ``async`` function. If it raises, :class:`HandlerFailed`
        names the message and chains the handler's exception; that message stays out of the
        pact. Inside a running event loop use :meth:`verify_async`.
        """
        runner: asyncio.Runner | None = None
        failures: list[HandlerFailed] = []
        try:
            for interaction, message in self._pending_examples():
                try:
                    outcome = handler(message)
                    if inspect.isawaitable(outcome):
                        runner = runner or asyncio.Runner()
                        runner.run(_await(outcome))
                except Exception as exc:
                    failures.append(HandlerFailed(interaction.description, exc))
                    continue
                self._verified.append(interaction)
        finally:
            if runner is not None:
                runner.close()
        _raise_first(failures)

    async def verify_async(self, handler: Handler) -> None:
        """:meth:`verify` for use inside a running event loop."""
        failures: list[HandlerFailed] = []
        for interaction, message in self._pending_examples():
            try:
                outcome = handler(message)
                if inspect.isawaitable(outcome):
                    await outcome
            except Exception as exc:
                failures.append(HandlerFailed(interaction.description, exc))
                continue
            self._verified.append(interaction)
        _raise_first(failures)

    def _pending_examples(self) -> list[tuple[AsyncMessage, Message]]:
        builders, self._builders = self._builders, []
        pending = []
        for builder in builders:
            interaction = builder.build()
            pending.append((interaction, self.example(interaction)))
        return pending

    def model(self) -> PactModel:
        """The verified interactions as a pact model."""
        return PactModel(self.consumer, self.provider, list(self._verified), spec_version=self.spec)

    def write(self, directory: str | Path | None = None, *, overwrite: bool = False) -> Path:
        """Merge the verified interactions into ``{consumer}-{provider}.json``.

        Safe with parallel writers (pytest-xdist): the file is locked, merged and replaced
        atomically. Declared but unverified messages are left out, with a warning.
        """
        if self._builders:
            names = ", ".join(repr(b.description) for b in self._builders)
            warnings.warn(
                f"not written, never verified: {names}. Call pact.verify(handler) first.",
                stacklevel=2,
            )
        target = self.pact_dir if directory is None else Path(directory)
        return write_pact(self.model(), target, spec=self.spec, overwrite=overwrite)

    def __enter__(self) -> Pact:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.write()


async def _await(awaitable: Awaitable[Any]) -> Any:
    return await awaitable
