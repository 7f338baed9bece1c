"""Avro schemas: the schema a pact carries, and records decoded into plain values.

The Pact Avro plugin writes ``avro/binary;record=User`` bodies: one record encoded with the
schema alone (no container-file header), and matches the decoded record with the ordinary
rules at ``$.field`` paths. accord decodes with ``fastavro``. Values become JSON-like:
``bytes``/``fixed`` as base64 text, dates and times in ISO form, decimals and UUIDs as text.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import io
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from accord.errors import SchemaError
from accord.schemas.extras import require

_PURPOSE = "Avro content"


def _fastavro() -> Any:
    return require("fastavro", extra="avro", purpose=_PURPOSE)


@dataclass(frozen=True, eq=False)
class AvroRecord:
    """One record type of an :class:`AvroSchema`."""

    full_name: str
    schema: Any
    """The parsed, fully expanded schema of this record (fastavro's form)."""

    @property
    def name(self) -> str:
        return self.full_name.rsplit(".", 1)[-1]

    def decode(self, data: bytes) -> dict[str, Any]:
        """The record as a dict; raises :class:`SchemaError` on bytes that are not one."""
        stream = io.BytesIO(bytes(data))
        try:
            value = _fastavro().schemaless_reader(stream, self.schema, None)
        except Exception as exc:  # fastavro raises EOFError, ValueError, ...
            raise SchemaError(f"not a valid {self.full_name} record: {exc}") from exc
        if stream.tell() != len(data):
            raise SchemaError(
                f"not a valid {self.full_name} record: {len(data) - stream.tell()} bytes "
                "left over after the record"
            )
        result = jsonable(value)
        if not isinstance(result, dict):
            raise SchemaError(f"{self.full_name} did not decode to a record")
        return result

    def encode(self, value: Mapping[str, Any]) -> bytes:
        stream = io.BytesIO()
        try:
            _fastavro().schemaless_writer(stream, self.schema, dict(value))
        except Exception as exc:
            raise SchemaError(f"cannot build a {self.full_name} record: {exc}") from exc
        return stream.getvalue()


@dataclass(eq=False)
class AvroSchema:
    """An Avro schema (a record, or a list of them) with its named records."""

    text: str
    _records: dict[str, Any] = field(init=False, repr=False)
    """Each named record, fully expanded (references inlined), by full name."""
    _parsed: dict[str, AvroRecord] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        _fastavro()  # the install hint comes first, whatever submodule is cached
        try:
            raw = json.loads(self.text)
        except ValueError as exc:
            raise SchemaError(f"the Avro schema is not JSON: {exc}") from exc
        expand = require("fastavro.schema", extra="avro", purpose=_PURPOSE).expand_schema
        try:
            expanded = expand(raw)
        except Exception as exc:
            raise SchemaError(f"the Avro schema is not valid: {exc}") from exc
        records: dict[str, Any] = {}
        _collect_records(expanded, records)
        self._records = records

    @classmethod
    def from_text(cls, text: str) -> AvroSchema:
        return _cached_schema(text)

    @classmethod
    def from_file(cls, path: str | Path) -> AvroSchema:
        source = Path(path)
        if not source.is_file():
            raise SchemaError(f"{source}: no such Avro schema file")
        return _cached_schema(source.read_text(encoding="utf-8"))

    @property
    def schema_key(self) -> str:
        """The key the plugin files the schema under: a hex digest of its text."""
        return hashlib.md5(self.text.encode(), usedforsecurity=False).hexdigest()

    def plugin_configuration(self) -> dict[str, str]:
        return {"avroSchema": self.text}

    @property
    def record_names(self) -> list[str]:
        return sorted(self._records)

    def record(self, name: str | None = None) -> AvroRecord:
        """A record by full or short name; with no name, the only record there is."""
        if name is None:
            if len(self._records) != 1:
                raise SchemaError(
                    "the Avro schema has several records; the content type must name one "
                    "(avro/binary;record=Name)"
                )
            name = next(iter(self._records))
        wanted = name.strip().lstrip(".")
        matching = [
            full for full in self._records if full == wanted or full.rsplit(".", 1)[-1] == wanted
        ]
        if len(matching) != 1:
            known = ", ".join(sorted(self._records)) or "none"
            problem = "is ambiguous" if matching else "is not in the Avro schema"
            raise SchemaError(f"record {wanted!r} {problem} (records: {known})")
        full = matching[0]
        found = self._parsed.get(full)
        if found is None:
            found = AvroRecord(full, _fastavro().parse_schema(self._records[full], {}))
            self._parsed[full] = found
        return found


@lru_cache(maxsize=64)
def _cached_schema(text: str) -> AvroSchema:
    return AvroSchema(text)


def _collect_records(schema: Any, into: dict[str, Any]) -> None:
    """Every record in an expanded schema, found wherever it is nested."""
    if isinstance(schema, list):
        for item in schema:
            _collect_records(item, into)
    elif isinstance(schema, dict):
        kind = schema.get("type")
        if kind == "record" and isinstance(schema.get("name"), str):
            name = schema["name"]
            namespace = schema.get("namespace")
            full = name if "." in name or not namespace else f"{namespace}.{name}"
            into.setdefault(full, schema)
            for item in schema.get("fields") or []:
                _collect_records(item.get("type"), into)
        elif kind in ("array", "map"):
            _collect_records(schema.get("items") or schema.get("values"), into)
        elif isinstance(kind, dict | list):
            _collect_records(kind, into)


def jsonable(value: Any) -> Any:
    """Avro's Python values as JSON-like values the matching engine compares."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value
