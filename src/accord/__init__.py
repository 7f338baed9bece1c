"""accord: Pact-compatible, consumer-driven contract testing for event-driven Python.

The public face is small: :class:`Pact` for consumers, :class:`Verifier` for providers,
:class:`Message` for what flows between them, the :mod:`match` and :mod:`generate`
vocabularies, the errors a caller may catch, the events a reporter listens to, :class:`Auth`
(credentials for pact URLs and brokers) and :class:`BrokerClient` for a Pact Broker.
Everything else lives in modules that are not part of this list and may change.
"""

from accord import generate, match
from accord._version import __version__
from accord.broker_client import BrokerClient, client_from_env
from accord.consumer.pact import Pact
from accord.consumer.sync_builder import SyncExchange
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
from accord.provider.results import InteractionResult, Outcome, VerificationResult
from accord.provider.verifier import Verifier

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
