"""Every exception accord raises, under one root.

Mismatches are data (see :mod:`accord.matching`); these are for things that stop work:
a file that cannot be read, a handler that failed, a broker that is down. Exceptions that
come from user code or libraries are chained with ``raise ... from`` so nothing is lost.
"""

from __future__ import annotations


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
