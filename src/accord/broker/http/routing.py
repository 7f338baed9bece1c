"""A router that matches the *raw* path, one percent-decoded segment at a time.

Clients URL-encode every value they put into a templated link, so a branch ``feat/x``
arrives as ``feat%2Fx``. A router that decodes the whole path first (as Starlette's does)
would see three segments and miss the route; decoding each segment after splitting keeps
the slash inside the value. Literal segments win over placeholders, so
``/pacts/provider/{p}/branch/latest`` is never mistaken for a branch called "latest".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote

from accord.broker.http.errors import MethodNotAllowed, NotFound

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from accord.broker.http.request import Req
    from accord.broker.http.response import Reply

Handler = Callable[["Req", "Connection"], "Reply"]


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    pattern: str
    handler: Handler
    write: bool


@dataclass(slots=True)
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    param: tuple[str, _Node] | None = None
    routes: dict[str, Route] = field(default_factory=dict)


def split_path(raw_path: str) -> list[str]:
    """``/a/b%2Fc/`` -> ``["a", "b/c"]``: split first, then decode each segment once."""
    return [unquote(part) for part in raw_path.strip("/").split("/") if part != ""]


class Router:
    def __init__(self) -> None:
        self._root = _Node()

    def add(self, method: str, pattern: str, handler: Handler, *, write: bool = False) -> None:
        node = self._root
        for part in pattern.strip("/").split("/"):
            if not part:
                continue
            if part.startswith("{") and part.endswith("}"):
                name = part[1:-1]
                if node.param is None:
                    node.param = (name, _Node())
                elif node.param[0] != name:
                    raise ValueError(f"{pattern}: placeholder {name!r} clashes")
                node = node.param[1]
            else:
                node = node.literals.setdefault(part, _Node())
        if method in node.routes:
            raise ValueError(f"duplicate route {method} {pattern}")
        node.routes[method] = Route(method, pattern, handler, write)

    def get(self, pattern: str, handler: Handler) -> None:
        self.add("GET", pattern, handler)

    def wrap(self, method: str, pattern: str, wrapper: Callable[[Handler], Handler]) -> None:
        """Replace a registered handler with ``wrapper(handler)``.

        For a second representation of one resource: the UI serves HTML at ``GET /`` to
        browsers and hands every other request to the HAL index, without either module
        depending on the other's registration order.
        """
        node = self._root
        for part in (p for p in pattern.strip("/").split("/") if p):
            if part.startswith("{") and part.endswith("}"):
                if node.param is None:
                    raise KeyError(f"no route {method} {pattern}")
                node = node.param[1]
            elif part in node.literals:
                node = node.literals[part]
            else:
                raise KeyError(f"no route {method} {pattern}")
        route = node.routes.get(method)
        if route is None:
            raise KeyError(f"no route {method} {pattern}")
        node.routes[method] = Route(method, route.pattern, wrapper(route.handler), route.write)

    def match(self, method: str, raw_path: str) -> tuple[Route, dict[str, str]]:
        params: dict[str, str] = {}
        node = self._find(self._root, split_path(raw_path), 0, params)
        if node is None or not node.routes:
            raise NotFound()
        route = node.routes.get(method)
        if route is None and method == "HEAD":
            route = node.routes.get("GET")
        if route is None:
            raise MethodNotAllowed(list(node.routes))
        return route, params

    def _find(
        self, node: _Node, parts: list[str], index: int, params: dict[str, str]
    ) -> _Node | None:
        if index == len(parts):
            return node if node.routes else None
        literal = node.literals.get(parts[index])
        if literal is not None:
            found = self._find(literal, parts, index + 1, params)
            if found is not None:
                return found
        if node.param is not None:
            name, child = node.param
            found = self._find(child, parts, index + 1, params)
            if found is not None:
                params[name] = parts[index]
                return found
        return None
