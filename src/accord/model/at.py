"""Where a reader is in a JSON document, so every error can say exactly where."""

from __future__ import annotations

from typing import Any

from accord.errors import PactFileError


class At:
    """Where we are in the document, so an error can say exactly where.

    A reader makes one of these for nearly every value it visits, and almost none is ever
    shown, so each keeps only its parent and its step; the path text is built on demand.
    """

    __slots__ = ("_parent", "_part", "source")

    def __init__(
        self, source: str, path: str = "$", *, parent: At | None = None, part: str | int = ""
    ) -> None:
        self.source = source
        self._parent = parent
        self._part: str | int = part if parent is not None else path

    def __truediv__(self, part: str | int) -> At:
        return At(self.source, parent=self, part=part)

    @property
    def path(self) -> str:
        """The JSON path of this place (``$.interactions[3].request``)."""
        steps: list[str | int] = []
        at: At | None = self
        while at is not None and at._parent is not None:
            steps.append(at._part)
            at = at._parent
        text = str(at._part) if at is not None else "$"
        for part in reversed(steps):
            if isinstance(part, int):
                text += f"[{part}]"
            elif part.isidentifier():
                text += f".{part}"
            else:
                text += f"['{part}']"
        return text

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
