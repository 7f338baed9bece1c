"""Matching rules, path expressions and generators: pure functions, no I/O."""

from accord.matching.compare import compare
from accord.matching.http import compare_request, compare_response
from accord.matching.message import compare_message
from accord.matching.mismatch import Mismatch

__all__ = ["Mismatch", "compare", "compare_message", "compare_request", "compare_response"]
