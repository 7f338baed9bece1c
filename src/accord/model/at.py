"""Where a reader is in a JSON document, so every error can say exactly where."""

from __future__ import annotations

from typing import Any

from accord.errors import PactFileError


class At:
    """Where we are in the document, so an error can say exactly where."""

    __slots__ = ("path", "source")

    def __init__(self, source: str, path: str = "$") -> None:
        self.source = source
        self.path = path

    def __truediv__(self, part: str | int) -> At:
        if isinstance(part, int):
            return At(self.source, f"{self.path}[{part}]")
        if part.isidentifier():
            return At(self.source, f"{self.path}.{part}")
        return At(self.source, f"{self.path}['{part}']")

    def fail(self, problem: str) -> PactFileError:
        return PactFileError(problem, source=self.source, path=self.path)

    def obj(self, value: Any, what: str = "an object") -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"expected {what}, found {describe_value(value)}")
        return value

    def lst(self, value: Any, what: str = "a list") -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(f"expected {what}, found {describe_value(value)}")
        return value

    def string(self, value: Any, what: str = "a string") -> str:
        if not isinstance(value, str):
            raise self.fail(f"expected {what}, found {describe_value(value)}")
        return value


def describe_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {text!r}"
    if isinstance(value, list):
        return "a list"
    return "an object"
