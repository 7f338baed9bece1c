"""accord: Pact-compatible, consumer-driven contract testing for event-driven Python.

The public face is small: :class:`Pact` for consumers, :class:`Verifier` for providers,
:class:`Message` for what flows between them, the :mod:`match` and :mod:`generate`
vocabularies, the errors a caller may catch, the events a reporter listens to, :class:`Auth`
(credentials for pact URLs and brokers) and :class:`BrokerClient` for a Pact Broker.
Everything else lives in modules that are not part of this list and may change.
"""

import importlib as _importlib
import typing as _typing

from accord._version import __version__
from accord.errors import (
    AccordError,
    BrokerError,
    EventLoopError,
    HandlerFailed,
    HttpError,
    MatcherError,
    MessageDecodeError,
    MessageServerError,
    MissingExtraError,
    MockServerMismatch,
    PactFileError,
    PactWriteError,
    RemoteProviderError,
    RuleError,
    SchemaError,
    SourceError,
)

if _typing.TYPE_CHECKING:
    from accord import generate, match
    from accord.broker_client import (
        BrokerClient,
        client_from_env,
    )
    from accord.consumer.pact import Pact
    from accord.consumer.sync_builder import SyncExchange
    from accord.http_client import Auth
    from accord.message import Message
    from accord.provider.events import (
        Event,
        InteractionFinished,
        InteractionStarted,
        Listener,
        ResultsPublished,
        SourceUnloaded,
        VerificationFinished,
        VerificationStarted,
        VerificationWarning,
    )
    from accord.provider.results import (
        InteractionResult,
        Outcome,
        VerificationResult,
    )
    from accord.provider.verifier import Verifier

_LAZY: dict[str, str] = {
    "Auth": "accord.http_client",
    "BrokerClient": "accord.broker_client",
    "Event": "accord.provider.events",
    "InteractionFinished": "accord.provider.events",
    "InteractionResult": "accord.provider.results",
    "InteractionStarted": "accord.provider.events",
    "Listener": "accord.provider.events",
    "Message": "accord.message",
    "Outcome": "accord.provider.results",
    "Pact": "accord.consumer.pact",
    "ResultsPublished": "accord.provider.events",
    "SourceUnloaded": "accord.provider.events",
    "SyncExchange": "accord.consumer.sync_builder",
    "VerificationFinished": "accord.provider.events",
    "VerificationResult": "accord.provider.results",
    "VerificationStarted": "accord.provider.events",
    "VerificationWarning": "accord.provider.events",
    "Verifier": "accord.provider.verifier",
    "client_from_env": "accord.broker_client",
    "generate": "accord.generate",
    "match": "accord.match",
}
"""Where each public name lives; imported on first use (PEP 562), so a test that needs
only ``Pact`` and ``match`` never loads the verifier's events, results or the broker
client."""

__all__ = [
    "AccordError",
    "Auth",
    "BrokerClient",
    "BrokerError",
    "Event",
    "EventLoopError",
    "HandlerFailed",
    "HttpError",
    "InteractionFinished",
    "InteractionResult",
    "InteractionStarted",
    "Listener",
    "MatcherError",
    "Message",
    "MessageDecodeError",
    "MessageServerError",
    "MissingExtraError",
    "MockServerMismatch",
    "Outcome",
    "Pact",
    "PactFileError",
    "PactWriteError",
    "RemoteProviderError",
    "ResultsPublished",
    "RuleError",
    "SchemaError",
    "SourceError",
    "SourceUnloaded",
    "SyncExchange",
    "VerificationFinished",
    "VerificationResult",
    "VerificationStarted",
    "VerificationWarning",
    "Verifier",
    "__version__",
    "client_from_env",
    "generate",
    "match",
]


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'accord' has no attribute {name!r}")
    loaded = _importlib.import_module(module)
    value = loaded if module == f"accord.{name}" else getattr(loaded, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
