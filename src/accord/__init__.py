"""accord: Pact-compatible, consumer-driven contract testing for event-driven Python.

The public face is small: :class:`Pact` for consumers, :class:`Verifier` for providers,
:class:`Message` for what flows between them, and the :mod:`match` and :mod:`generate`
vocabularies. Everything else lives in private modules and may change.
"""

from accord import generate, match
from accord._version import __version__
from accord.consumer.pact import Pact
from accord.errors import HandlerFailed
from accord.message import Message
from accord.provider.results import VerificationResult
from accord.provider.verifier import Verifier

__all__ = [
    "HandlerFailed",
    "Message",
    "Pact",
    "VerificationResult",
    "Verifier",
    "__version__",
    "generate",
    "match",
]
