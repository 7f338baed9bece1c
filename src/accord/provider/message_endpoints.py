"""The provider's side of the Pact message protocol, apart from HTTP.

:class:`MessageEndpoints` answers the protocol's two requests (a message for a description
and its states; a provider-state change) with accord's own state path
(:class:`~accord.provider.states.StateSetup`) and in-process producers, all user code on one
event loop. The helpers below read the protocol's JSON and write its replies (the message
body, its content type, its metadata as base64 JSON in ``Pact-Message-Metadata``). The HTTP
server around them is :mod:`accord.provider.message_server`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, TypeVar

from accord.errors import PactFileError
from accord.model.at import At
from accord.model.pact import MessageContents, ProviderState, is_content_type_key
from accord.model.read import parse_message
from accord.provider.calls import UserCode
from accord.provider.errors import (
    InteractionError,
    StateFailed,
    StateMissing,
)
from accord.provider.states import ActiveState, StateSetup
from accord.provider.transports import MessageCall
from accord.provider.transports.message_protocol import METADATA_HEADER
from accord.provider.transports.producers import Producers
from accord.provider.verifier import Verifier

STATE_FAILED = HTTPStatus.UNPROCESSABLE_ENTITY
"""The status of a state change whose handler raised or timed out.

Not 500: the official verifier retries a 5xx state change with back-off (three calls over
some seven seconds), running a failing handler again each time, and reports nothing more.
A 4xx fails the interaction at once; the reason is in the JSON body and the server's log.
"""

_CONTENT_TYPE_KEYS = ("contentType", "Content-Type", "content-type")
"""The spellings of the content-type metadata key that Pact libraries write.

accord compares any expected content-type key with the produced content type. The official
verifier looks each expected key up in the metadata it received, so the server sends the
content type under every usual spelling (unless the producer set one itself): a consumer's
``{"Content-Type": "application/json"}`` then passes there exactly as it does in accord.
"""

log = logging.getLogger(__name__)
T = TypeVar("T")


class ProtocolError(Exception):
    """Answer the current request with ``status`` and ``{"error": message, ...}``."""

    def __init__(self, status: HTTPStatus, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


@dataclass(slots=True)
class Reply:
    status: HTTPStatus
    body: bytes
    headers: dict[str, str]


class MessageEndpoints:
    """The provider's side of the protocol: states and messages, run on one event loop.

    One loop thread runs all user code, one request at a time (an ``asyncio.Lock``), because
    async-generator state handlers must be resumed on the loop that started them and because
    Pact verifies interactions one after another: handlers need not be thread-safe.
    """

    def __init__(self, verifier: Verifier, on_request: Callable[[str], None] | None) -> None:
        self.verifier = verifier
        self.on_request = on_request
        self.runner = UserCode(verifier.timeout)
        self.states = StateSetup(
            verifier.states, self.runner, fallback=verifier.any_state, timeout=verifier.timeout
        )
        self.producers = Producers(verifier.producers, self.runner)
        self.loop = asyncio.new_event_loop()
        self.lock = asyncio.Lock()
        self.active: list[ActiveState] = []
        self.served_since_setup = False
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="accord-message-server-loop", daemon=True
        )
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the provider loop from an HTTP worker thread and wait for it."""
        return asyncio.run_coroutine_threadsafe(self._locked(coro), self.loop).result()

    async def _locked(self, coro: Coroutine[Any, Any, T]) -> T:
        async with self.lock:
            return await coro

    def note(self, line: str) -> None:
        log.info("%s", line)
        if self.on_request is not None:
            self.on_request(line)

    def close(self) -> None:
        """Tear down states still active (no teardown was asked for), stop the loop.

        A failing teardown here is logged, not raised: no verifier is waiting for an answer,
        and an error from ``with serve_messages(...)`` must not hide the test's own.
        """
        try:
            self.run(self._close_states())
        finally:
            self.runner.close()
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=5)
            if not self.thread.is_alive():
                self.loop.close()

    # -- states ---------------------------------------------------------------------------

    async def change_state(self, state: ProviderState, action: str) -> dict[str, Any]:
        if action == "teardown":
            if await self._tear_down_state(state):
                self.note(f"state {state.name!r} torn down")
            return {}
        if action != "setup":
            raise ProtocolError(
                HTTPStatus.BAD_REQUEST, f"action must be 'setup' or 'teardown', not {action!r}"
            )
        if self.served_since_setup:
            # A setup after a message starts the next interaction. Without
            # --state-change-teardown the official verifier never tears states down, so do it
            # here: each interaction then starts from its own states only, as in accord.
            await self._tear_down_all()
            self.served_since_setup = False
        if not state.name:
            # The official verifier sends an empty state for interactions without one.
            return {}
        active = await self._set_up(state)
        if active is None:
            return {}
        self.active.append(active)
        self.note(f"state {state.name!r} set up")
        return active.values

    async def _set_up(self, state: ProviderState) -> ActiveState | None:
        """The shared state path (:class:`StateSetup`), its errors as HTTP answers."""
        try:
            return await self.states.set_up(state)
        except StateMissing as exc:
            if self.verifier.missing_state == "warn":
                self.note(f"warning: {exc}")
                return None
            raise ProtocolError(
                HTTPStatus.NOT_FOUND, str(exc), states=sorted(self.verifier.states)
            ) from exc
        except StateFailed as exc:
            raise ProtocolError(STATE_FAILED, str(exc)) from exc

    async def _tear_down_state(self, state: ProviderState) -> bool:
        """Tear down the latest active ``state``; False when it is not active (no-op)."""
        for index in range(len(self.active) - 1, -1, -1):
            if _same_state(self.active[index].state, state):
                await self._tear_down(self.active.pop(index))
                return True
        return False

    async def _tear_down_all(self) -> None:
        errors = []
        while self.active:
            try:
                await self._tear_down(self.active.pop())
            except ProtocolError as exc:
                errors.append(exc)
        if errors:
            raise errors[0]

    async def _tear_down(self, active: ActiveState) -> None:
        try:
            await self.states.tear_down(active)
        except StateFailed as exc:
            raise ProtocolError(STATE_FAILED, str(exc)) from exc

    # -- messages -------------------------------------------------------------------------

    async def message(
        self,
        description: str,
        states: list[ProviderState],
        request: MessageContents | None = None,
    ) -> MessageContents:
        producers = self.verifier.producers
        if description not in producers:
            known = ", ".join(repr(d) for d in sorted(producers)) or "none"
            raise ProtocolError(
                HTTPStatus.NOT_FOUND,
                f"no producer for message {description!r} (registered: {known})",
                messages=sorted(producers),
            )
        # States the caller set up through the state endpoint are reused; the rest (a
        # verifier run without --state-change-url) are set up around this one message.
        self.served_since_setup = True
        values: dict[str, Any] = {}
        own: list[ActiveState] = []
        try:
            for state in states:
                active = self._find_active(state)
                if active is None:
                    active = await self._set_up(state)
                    if active is not None:
                        own.append(active)
                if active is not None:
                    values.update(active.values)
            # The protocol carries no expected content type: the producer's value decides.
            call = MessageCall(description, states, values, request=request)
            try:
                produced = await self.producers.produce(call)
            except InteractionError as exc:
                raise ProtocolError(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc)) from exc
        except ProtocolError:
            await self._tear_down_quietly(own)
            raise
        for active in reversed(own):
            await self._tear_down(active)
        if not produced:
            raise ProtocolError(
                HTTPStatus.INTERNAL_SERVER_ERROR,
                f"producer for {description!r} returned no response message",
            )
        if len(produced) > 1:
            self.note(
                f"warning: {description!r} gave {len(produced)} responses; the Pact message "
                "protocol carries one, so only the first is sent"
            )
        return produced[0]

    async def _close_states(self) -> None:
        states, self.active = self.active, []
        await self._tear_down_quietly(states)

    async def _tear_down_quietly(self, states: list[ActiveState]) -> None:
        """Teardowns after a failure: the first error is the one to report, so log these."""
        for active in reversed(states):
            try:
                await self._tear_down(active)
            except ProtocolError as exc:
                self.note(f"warning: {exc.message}")

    def _find_active(self, state: ProviderState) -> ActiveState | None:
        for active in reversed(self.active):
            if _same_state(active.state, state):
                return active
        return None


def _same_state(a: ProviderState, b: ProviderState) -> bool:
    """The same state and params; ``--state-change-as-query`` params arrive as strings."""
    if a.name != b.name:
        return False
    if _canonical(a.params) == _canonical(b.params):
        return True
    return _as_query(a.params) == _as_query(b.params)


def _canonical(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, default=str)


def _as_query(params: dict[str, Any]) -> dict[str, str]:
    return {
        key: value if isinstance(value, str) else json.dumps(value, default=str)
        for key, value in params.items()
    }


def json_bytes(value: Any) -> bytes:
    # State values may hold Python objects for producers; the wire only needs their JSON.
    # ASCII escapes: a lone surrogate (from a description, a value) must not break the reply.
    return json.dumps(value, separators=(",", ":"), default=str).encode()


def error_reply(status: HTTPStatus, message: str, **extra: Any) -> Reply:
    body = json_bytes({"error": message, **extra})
    return Reply(status, body, {"Content-Type": "application/json"})


def message_reply(contents: MessageContents) -> Reply:
    headers: dict[str, str] = {}
    body = b""
    content_type = contents.content_type
    if contents.contents is not None:
        body = contents.contents.to_bytes()
    if content_type:
        headers["Content-Type"] = content_type
    metadata = dict(contents.metadata)
    if content_type and not any(is_content_type_key(k) for k in metadata):
        metadata.update(dict.fromkeys(_CONTENT_TYPE_KEYS, content_type))
    if metadata:
        headers[METADATA_HEADER] = base64.b64encode(json_bytes(metadata)).decode("ascii")
    return Reply(HTTPStatus.OK, body, headers)


def parse_states(value: Any) -> list[ProviderState]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ProtocolError(HTTPStatus.BAD_REQUEST, "providerStates must be a list")
    states = []
    for item in value:
        if isinstance(item, str):
            states.append(ProviderState(item))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ProtocolError(HTTPStatus.BAD_REQUEST, "each provider state needs a 'name'")
        params = item.get("params") or {}
        if not isinstance(params, dict):
            raise ProtocolError(HTTPStatus.BAD_REQUEST, "provider state params must be an object")
        states.append(ProviderState(item["name"], params))
    return states


def parse_request(value: Any) -> MessageContents | None:
    """A synchronous message's request, as the official verifier sends it (V4 JSON)."""
    if value is None:
        return None
    try:
        return parse_message(value, 4, At("request"))
    except PactFileError as exc:
        raise ProtocolError(HTTPStatus.BAD_REQUEST, f"the sync message request: {exc}") from exc


def state_request(payload: dict[str, Any]) -> tuple[ProviderState, str]:
    """The state and action, from a JSON body or from query parameters.

    The official verifier sends ``{"state", "params", "action"}``; older Pact libraries put
    the params beside ``state`` and ``action`` instead, and ``--state-change-as-query``
    sends them all as query parameters, so any key that is not ``state``/``action`` is a
    param there.
    """
    name = payload.get("state") or ""
    action = payload.get("action") or "setup"
    if not isinstance(name, str) or not isinstance(action, str):
        raise ProtocolError(HTTPStatus.BAD_REQUEST, "'state' and 'action' must be strings")
    params = payload.get("params")
    if params is None:
        params = {k: v for k, v in payload.items() if k not in ("state", "action", "params")}
    if not isinstance(params, dict):
        raise ProtocolError(HTTPStatus.BAD_REQUEST, "'params' must be an object")
    return ProviderState(name, params), action


def read_json(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        payload = json.loads(raw)
    except ValueError as exc:
        raise ProtocolError(HTTPStatus.BAD_REQUEST, f"the request body is not JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise ProtocolError(HTTPStatus.BAD_REQUEST, "the request body must be a JSON object")
    return payload
