"""Every exception accord raises, under one root.

Mismatches are data (see :mod:`accord.matching`); these are for things that stop work:
a file that cannot be read, a handler that failed, a broker that is down. Exceptions that
come from user code or libraries are chained with ``raise ... from`` so nothing is lost.
"""

from __future__ import annotations

from typing import Any


class AccordError(Exception):
    """Root of every error accord raises on purpose."""


class PactFileError(AccordError, ValueError):
    """A pact file (or pact JSON) is malformed.

    The message names the source, the JSON path inside it and the problem, so the user can
    open the file at the right place without reading a traceback.
    """

    def __init__(self, problem: str, *, source: str = "<pact>", path: str = "$") -> None:
        self.problem = problem
        self.source = source
        self.path = path
        super().__init__(f"{source}: {path}: {problem}")


class PactWriteError(AccordError):
    """A pact file could not be written or merged."""


class MatcherError(AccordError, ValueError):
    """A matcher or generator was declared with arguments that cannot work."""


class MessageServerError(AccordError):
    """The message server cannot serve this verifier."""


class SourceError(AccordError):
    """A pact source could not be read: a missing path, an unreachable URL."""


class RemoteProviderError(AccordError):
    """The provider's message or state-change endpoint failed."""


class MessageDecodeError(AccordError, ValueError):
    """The message content could not be read as the type asked for."""


class MissingExtraError(AccordError, ImportError):
    """An optional feature needs a package that is not installed; the message says which
    extra brings it (``pip install 'accord[grpc]'``)."""


class SchemaError(AccordError, ValueError):
    """A protobuf or Avro schema could not be loaded, or does not define the type a pact
    names (a message, a service method, a record)."""


class HandlerFailed(AccordError):
    """The consumer's handler rejected an example message; the original error is chained.

    Every pending message is still given to the handler; ``failures`` lists them all when
    more than one was rejected.
    """

    def __init__(self, description: str, error: BaseException) -> None:
        self.description = description
        self.error = error
        self.failures: list[HandlerFailed] = [self]
        super().__init__(
            f"the handler failed for message {description!r}: {type(error).__name__}: {error}"
        )


class HttpError(AccordError):
    """An HTTP request accord made got no usable answer; the one-line message names the
    method, the URL and the cause.

    ``status`` and ``body`` are set when the server answered (``body`` decoded as JSON
    when it is JSON). ``timed_out``, ``too_large`` and ``connect_failed`` say what kind of
    failure it was, so callers can add advice without parsing the message; ``retryable``
    is the client's own judgement of whether another try could help.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status: int | None = None,
        body: Any = None,
        cause: str | None = None,
        timed_out: bool = False,
        too_large: bool = False,
        connect_failed: bool = False,
        retryable: bool = False,
    ) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.status = status
        self.body = body
        self.cause = cause
        self.timed_out = timed_out
        self.too_large = too_large
        self.connect_failed = connect_failed
        self.retryable = retryable


class BrokerError(AccordError):
    """The broker could not be reached or refused a request; the message says which."""

    def __init__(self, message: str, status: int | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class MockServerMismatch(AccordError, AssertionError):
    """The mock server saw requests that broke the contract, or missed expected ones.

    It subclasses ``AssertionError`` so pytest reports it as a failed assertion, not as an
    error in the test's machinery. ``problems`` holds one line per problem, in the order
    they happened (unexpected requests and mismatches), then the requests that never came.
    """

    def __init__(self, url: str, problems: list[str]) -> None:
        self.url = url
        self.problems = problems
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"the mock server at {url} saw {count} {noun}: {problems[0]}"]
        lines += [f"  - {problem}" for problem in problems[1:]]
        super().__init__("\n".join(lines))


class EventLoopError(AccordError, RuntimeError):
    """A blocking call was made inside a running event loop; the message names the async one."""


class RuleError(AccordError, ValueError):
    """A matching rule or generator in a pact cannot be applied safely.

    Examples: a ``min`` that is not a finite integer, an unknown matcher name, an
    unterminated date pattern, a regex that would take exponential time, a generator size
    over its cap. It fails the one interaction that uses the rule, never the whole run; the
    message names the rule's place (``path``) so the pact can be fixed.
    """

    def __init__(self, problem: str, *, path: str | None = None) -> None:
        self.problem = problem
        self.path = path
        super().__init__(f"{path}: {problem}" if path else problem)

    def at(self, path: str) -> RuleError:
        """The same problem, placed at ``path`` (when it has no place yet)."""
        if self.path is not None:
            return self
        located = RuleError(self.problem, path=path)
        located.__cause__ = self.__cause__
        return located


class UserExit(AccordError):
    """User code (a producer or a state handler) called ``sys.exit``.

    An exit inside verified code is that interaction's error, not the end of the run;
    ``code`` is the exit code it asked for. The original :class:`SystemExit` is chained.
    """

    def __init__(self, code: Any) -> None:
        self.code = code
        super().__init__(f"called sys.exit({code!r})")


class ProducerOutputError(AccordError, TypeError):
    """A producer returned something that cannot be a message: the type and place are named."""


class PacticipantNameError(PactWriteError, ValueError):
    """A consumer or provider name that cannot be part of a pact file name."""
