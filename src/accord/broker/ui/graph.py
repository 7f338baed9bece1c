"""Who talks to whom, laid out in columns for a server-rendered SVG.

Consumers sit left of their providers: each application's column is the longest chain of
consumers in front of it, so a front end is in column 0 and a service everything depends on
is furthest right. Cycles (two services that consume each other) are broken for layout only;
their back edges are still drawn, as arcs below the boxes. Within a column, boxes are
ordered by the average position of their neighbours, a few sweeps each way, which removes
most crossings in graphs of the size a broker holds. No JavaScript: the page is the picture.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

NODE_HEIGHT = 36
V_GAP = 22
H_GAP = 120
MARGIN = 24
CHAR_WIDTH = 7.6
MAX_LABEL = 34


@dataclass(frozen=True, slots=True)
class Edge:
    """One integration, coloured by the status of its latest pact."""

    consumer: str
    provider: str
    status: str
    href: str


@dataclass(frozen=True, slots=True)
class NodeBox:
    name: str
    label: str
    x: float
    y: float
    width: float
    role: str
    """``consumer``, ``provider`` or ``both``."""
    href: str

    @property
    def height(self) -> int:
        return NODE_HEIGHT

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + NODE_HEIGHT / 2


@dataclass(frozen=True, slots=True)
class EdgePath:
    edge: Edge
    d: str
    """SVG path data: a curve from the consumer's box to the provider's."""


@dataclass(frozen=True, slots=True)
class Layout:
    width: float
    height: float
    nodes: list[NodeBox]
    edges: list[EdgePath]


def _back_edges(names: list[str], out: dict[str, list[str]]) -> set[tuple[str, str]]:
    """Edges that close a cycle, found by an iterative depth-first search."""
    colour: dict[str, int] = dict.fromkeys(names, 0)  # 0 new, 1 on the stack, 2 done
    back: set[tuple[str, str]] = set()
    for root in names:
        if colour[root]:
            continue
        colour[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = 2
                stack.pop()
            elif colour[child] == 1:
                back.add((node, child))
            elif colour[child] == 0:
                colour[child] = 1
                stack.append((child, iter(out[child])))
    return back


def _columns(names: list[str], edges: list[Edge]) -> dict[str, int]:
    out: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        out[edge.consumer].append(edge.provider)
    for children in out.values():
        children.sort()
    back = _back_edges(names, out)
    forward: dict[str, list[str]] = {
        n: [c for c in out[n] if (n, c) not in back and c != n] for n in names
    }
    incoming: dict[str, int] = dict.fromkeys(names, 0)
    for children in forward.values():
        for child in children:
            incoming[child] += 1
    column = dict.fromkeys(names, 0)
    ready = [n for n in names if incoming[n] == 0]
    while ready:
        node = ready.pop()
        for child in forward[node]:
            column[child] = max(column[child], column[node] + 1)
            incoming[child] -= 1
            if incoming[child] == 0:
                ready.append(child)
    return column


def _order(columns: list[list[str]], edges: list[Edge]) -> None:
    """Barycentre sweeps: each box moves towards the average row of its neighbours."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        neighbours[edge.consumer].add(edge.provider)
        neighbours[edge.provider].add(edge.consumer)
    position = {name: row for col in columns for row, name in enumerate(col)}
    for sweep in range(8):
        indices = range(1, len(columns)) if sweep % 2 == 0 else range(len(columns) - 2, -1, -1)
        for index in indices:
            col = columns[index]
            keys = {}
            for name in col:
                rows = [position[n] for n in neighbours[name] if n not in col]
                keys[name] = (sum(rows) / len(rows) if rows else float(position[name]), name)
            col.sort(key=keys.__getitem__)
            position.update({name: row for row, name in enumerate(col)})


def _label(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"


def layout(edges: list[Edge], node_href: dict[str, str]) -> Layout:
    """Boxes and curves for every pacticipant in ``edges``; ``node_href`` links each box."""
    names = sorted({e.consumer for e in edges} | {e.provider for e in edges})
    if not names:
        return Layout(0, 0, [], [])
    column_of = _columns(names, edges)
    columns: list[list[str]] = [[] for _ in range(max(column_of.values()) + 1)]
    for name in names:
        columns[column_of[name]].append(name)
    _order(columns, edges)
    consumers = {e.consumer for e in edges}
    providers = {e.provider for e in edges}
    widths = {n: max(96.0, min(len(_label(n)), MAX_LABEL) * CHAR_WIDTH + 28) for n in names}
    tallest = max(len(col) for col in columns)
    height = tallest * NODE_HEIGHT + (tallest - 1) * V_GAP
    boxes: dict[str, NodeBox] = {}
    x = float(MARGIN)
    for col in columns:
        col_width = max(widths[n] for n in col)
        col_height = len(col) * NODE_HEIGHT + (len(col) - 1) * V_GAP
        y = MARGIN + (height - col_height) / 2
        for name in col:
            role = (
                "both"
                if name in consumers and name in providers
                else ("consumer" if name in consumers else "provider")
            )
            left = x + (col_width - widths[name]) / 2
            boxes[name] = NodeBox(name, _label(name), left, y, widths[name], role, node_href[name])
            y += NODE_HEIGHT + V_GAP
        x += col_width + H_GAP
    paths = [EdgePath(edge, _curve(boxes[edge.consumer], boxes[edge.provider])) for edge in edges]
    loops = any(column_of[e.provider] <= column_of[e.consumer] for e in edges)
    total_height = MARGIN * 2 + height + (56 if loops else 0)
    return Layout(x - H_GAP + MARGIN, total_height, list(boxes.values()), paths)


def _curve(source: NodeBox, target: NodeBox) -> str:
    if target.x > source.x + source.width:
        x1, y1 = source.x + source.width, source.cy
        x2, y2 = target.x - 2, target.cy
        bend = (x2 - x1) / 2
        controls = f"{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f}"
        return f"M{x1:.1f},{y1:.1f} C{controls} {x2:.1f},{y2:.1f}"
    # Same column or backwards: an arc under both boxes, from bottom to bottom.
    x1, y1 = source.cx, source.y + NODE_HEIGHT
    x2, y2 = target.cx + (6 if source is target else 0), target.y + NODE_HEIGHT + 2
    depth = max(y1, y2) + 48
    return f"M{x1:.1f},{y1:.1f} C{x1:.1f},{depth:.1f} {x2:.1f},{depth:.1f} {x2:.1f},{y2:.1f}"
