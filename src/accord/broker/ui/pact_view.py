"""A stored pact turned into what the pact page shows, one interaction at a time.

Every interaction type gets the same treatment: description, provider states with their
parameters, then its parts (an HTTP request and response, a message, or a synchronous
message's request and responses), each with its headers or metadata and its body, and the
matching rules and generators beside the values they govern. The Ruby broker renders HTTP
interactions this way but shows message pacts as raw JSON; messages are accord's main case.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from accord.broker.ui.annotate import (
    BodyView,
    Note,
    body_view,
    generator_note,
    rule_notes,
    value_kind,
)
from accord.broker.ui.binary_view import schema_body_view
from accord.model.body import Body
from accord.model.pact import (
    AsyncMessage,
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    Interaction,
    MessageContents,
    SyncMessage,
    spec_major,
)
from accord.model.pact import Pact as PactModel
from accord.model.rules import Generators, MatchingRules

if TYPE_CHECKING:
    from accord.schemas.in_pact import SchemaSource

KINDS = {
    "http": "HTTP",
    "message": "Message",
    "sync-message": "Sync message",
    "unknown": "Other",
}


@dataclass(frozen=True, slots=True)
class Field:
    """A header, query parameter or metadata entry with its rules and generator."""

    name: str
    value: str
    notes: tuple[Note, ...] = ()


@dataclass(slots=True)
class Part:
    """One side of an interaction: a request, a response or a message."""

    title: str
    line: str = ""
    """``GET /users/1`` for a request, the status for a response; empty for messages."""
    line_notes: list[Note] = field(default_factory=list)
    query: list[Field] = field(default_factory=list)
    fields_title: str = "Headers"
    fields: list[Field] = field(default_factory=list)
    body: BodyView | None = None
    unattached: list[Note] = field(default_factory=list)
    """Rules for headers, metadata or query keys that the example does not have."""


@dataclass(frozen=True, slots=True)
class State:
    name: str
    params: tuple[tuple[str, str], ...]


@dataclass(slots=True)
class InteractionView:
    number: int
    kind: str
    description: str
    states: list[State]
    parts: list[Part]
    pending: bool = False
    key: str | None = None
    test_name: str | None = None
    comments: list[str] = field(default_factory=list)
    raw: str | None = None

    @property
    def anchor(self) -> str:
        return f"interaction-{self.number}"

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _keyed_fields(
    values: dict[str, Any],
    category: str,
    rules: MatchingRules,
    generators: Generators,
) -> tuple[list[Field], list[Note]]:
    """Fields with their rules, plus the rules for keys the example does not have."""
    fields = []
    for name, value in values.items():
        shown = ", ".join("" if v is None else str(v) for v in value)
        if not isinstance(value, list):
            shown = _value(value)
        kind = "string" if isinstance(value, list) else value_kind(value)
        notes = rule_notes(rules.keyed(category, name), "", kind) + generator_note(
            generators.category(category).get(name)
        )
        fields.append(Field(name, shown, tuple(notes)))
    present = {name.lower() if category == "header" else name for name in values}
    unattached: list[Note] = []
    for key, rule_list in rules.category(category).items():
        if (key.lower() if category == "header" else key) not in present:
            unattached += rule_notes(rule_list, f"{category} {key}")
    for key, generator in generators.category(category).items():
        if (key.lower() if category == "header" else key) not in present:
            unattached += generator_note(generator, f"{category} {key}")
    return fields, unattached


def _body(
    body: Body | None,
    rules: MatchingRules,
    generators: Generators,
    schemas: SchemaSource | None,
    part: str | None,
) -> BodyView | None:
    decoded = schema_body_view(body, rules, generators, schemas, part)
    return decoded if decoded is not None else body_view(body, rules, generators)


def _request(request: HttpRequest, schemas: SchemaSource | None = None) -> Part:
    rules, generators = request.matching_rules, request.generators
    line = f"{request.method.upper()} {request.path}"
    part = Part(
        "Request",
        line,
        rule_notes(rules.single("path")) + generator_note(generators.category("path").get("")),
    )
    query = {k: list(v) for k, v in (request.query or {}).items()}
    part.query, unattached_query = _keyed_fields(query, "query", rules, generators)
    if not query and request.raw_query:
        part.query = [Field("(raw query)", request.raw_query)]
    part.fields, unattached = _keyed_fields(request.headers or {}, "header", rules, generators)
    part.unattached = unattached_query + unattached
    part.body = _body(request.body, rules, generators, schemas, "request")
    return part


def _response(response: HttpResponse, schemas: SchemaSource | None = None) -> Part:
    rules, generators = response.matching_rules, response.generators
    status = "(any status)" if response.status is None else str(response.status)
    part = Part(
        "Response",
        status,
        rule_notes(rules.single("status")) + generator_note(generators.category("status").get("")),
    )
    part.fields, part.unattached = _keyed_fields(
        response.headers or {}, "header", rules, generators
    )
    part.body = _body(response.body, rules, generators, schemas, "response")
    return part


def _message(
    message: MessageContents,
    title: str,
    schemas: SchemaSource | None = None,
    part_name: str | None = None,
) -> Part:
    rules, generators = message.matching_rules, message.generators
    part = Part(title, fields_title="Metadata")
    part.fields, part.unattached = _keyed_fields(message.metadata, "metadata", rules, generators)
    body = message.contents
    if body is not None and body.content_type is None and message.content_type:
        body = Body(body.content, message.content_type, body.hint)
    part.body = _body(body, rules, generators, schemas, part_name)
    return part


def _parts(interaction: Interaction, schemas: SchemaSource | None = None) -> tuple[str, list[Part]]:
    if isinstance(interaction, HttpInteraction):
        return "http", [
            _request(interaction.request, schemas),
            _response(interaction.response, schemas),
        ]
    if isinstance(interaction, AsyncMessage):
        return "message", [_message(interaction.message, "Message", schemas)]
    if isinstance(interaction, SyncMessage):
        parts = [_message(interaction.request, "Request message", schemas, "request")]
        many = len(interaction.response) > 1
        for number, response in enumerate(interaction.response, 1):
            title = f"Response message {number}" if many else "Response"
            parts.append(_message(response, title, schemas, "response"))
        return "sync-message", parts
    return "unknown", []


def _comments(interaction: Interaction) -> tuple[str | None, list[str]]:
    comments = interaction.comments
    test_name = comments.get("testname")
    text = comments.get("text")
    lines = [str(t) for t in text] if isinstance(text, list) else []
    where = _transport_line(interaction)
    return (str(test_name) if test_name else None), ([where] if where else []) + lines


def _transport_line(interaction: Interaction) -> str | None:
    """``Over gRPC: .pkg.Service/Method`` or ``Over WebSocket: /ws/path``, when recorded."""
    transport = interaction.transport
    if not transport or transport in ("http", "https"):
        return None
    if transport == "grpc":
        protobuf = interaction.plugin_config.get("protobuf")
        service = protobuf.get("service") if isinstance(protobuf, dict) else None
        return f"Over gRPC: {service}" if service else "Over gRPC"
    if transport == "websocket":
        entry = interaction.comments.get("websocket")
        path = entry.get("path") if isinstance(entry, dict) else None
        return f"Over WebSocket: {path}" if path else "Over WebSocket"
    return f"Transport: {transport}"


def _schemas(pact: PactModel, interaction: Interaction) -> SchemaSource | None:
    """The protobuf/Avro schemas the pact carries for the interaction (read lazily)."""
    if not pact.metadata.get("plugins") and not interaction.plugin_config:
        return None
    from accord.schemas.in_pact import schemas_for

    return schemas_for(pact, interaction)


def raw_items(doc: dict[str, Any], spec_version: str) -> list[Any]:
    """The raw interaction objects, in the order :func:`parse_pact` reads them."""
    items: list[Any] = []
    messages = doc.get("messages")
    if isinstance(messages, list) and spec_major(spec_version) < 4:
        items += messages
    interactions = doc.get("interactions")
    if isinstance(interactions, list):
        items += interactions
    return items


def interactions(pact: PactModel, doc: dict[str, Any]) -> list[InteractionView]:
    raw = raw_items(doc, pact.spec_version)
    if len(raw) != len(pact.interactions):
        raw = []
    out = []
    for number, interaction in enumerate(pact.interactions, 1):
        kind, parts = _parts(interaction, _schemas(pact, interaction))
        test_name, comments = _comments(interaction)
        states = [
            State(s.name, tuple((k, _value(v)) for k, v in s.params.items()))
            for s in interaction.provider_states
        ]
        out.append(
            InteractionView(
                number=number,
                kind=kind,
                description=interaction.description,
                states=states,
                parts=parts,
                pending=interaction.pending,
                key=interaction.key,
                test_name=test_name,
                comments=comments,
                raw=json.dumps(raw[number - 1], indent=2, ensure_ascii=False) if raw else None,
            )
        )
    return out
