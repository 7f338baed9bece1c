"""Protobuf schemas: a descriptor set from a pact or a ``.proto``, and messages as plain values.

The Pact protobuf plugin matches a message by decoding it and applying the ordinary rules
at ``$.field`` paths. accord does the same with the ``protobuf`` package: a private
descriptor pool per descriptor set (never the global one, so two pacts with clashing
``.proto`` files can be verified in one process), messages decoded into dicts keyed by the
field names written in the ``.proto``, enums as their names, ``bytes`` as base64 text and
``google.protobuf.Struct``/``Value``/``ListValue`` as the JSON they stand for.

Names are looked up the way the plugin writes them: with or without the package, with or
without a leading dot (``.area_calculator.ShapeMessage``, ``ShapeMessage``); services as
``Service/Method`` or ``.pkg.Service/Method``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from accord.errors import SchemaError
from accord.schemas.extras import require

_PURPOSE = "protobuf content"
_WELL_KNOWN = (
    "any_pb2",
    "duration_pb2",
    "empty_pb2",
    "field_mask_pb2",
    "struct_pb2",
    "timestamp_pb2",
    "wrappers_pb2",
)
_JSON_MESSAGES = frozenset(
    {"google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue"}
)

# FieldDescriptor type numbers (stable across protobuf versions).
_TYPE_BYTES = 12
_TYPE_ENUM = 14
_TYPE_MESSAGE = 11
_TYPE_GROUP = 10


def _pb(name: str) -> Any:
    return require(f"google.protobuf.{name}", extra="grpc", purpose=_PURPOSE)


def _is_repeated(field_descriptor: Any) -> bool:
    flag = getattr(field_descriptor, "is_repeated", None)
    if flag is not None:
        return bool(flag)
    return bool(field_descriptor.label == field_descriptor.LABEL_REPEATED)


def _is_map(field_descriptor: Any) -> bool:
    message_type = field_descriptor.message_type
    return message_type is not None and bool(message_type.GetOptions().map_entry)


def strip_name(name: str) -> str:
    """``.pkg.Message`` -> ``pkg.Message``; ``Service/Method:request`` keeps the method."""
    return name.strip().lstrip(".")


# ---------------------------------------------------------------------------------------
# messages and methods


@dataclass(frozen=True, eq=False)
class ProtoMessage:
    """One message type of a :class:`ProtoSchema`: decode, encode, and its descriptor."""

    full_name: str
    descriptor: Any
    message_class: Any

    @property
    def name(self) -> str:
        return self.full_name.rsplit(".", 1)[-1]

    def parse(self, data: bytes) -> Any:
        """The message instance; raises :class:`SchemaError` when the bytes are not one."""
        message = self.message_class()
        try:
            message.ParseFromString(bytes(data))
        except Exception as exc:  # DecodeError, or RuntimeWarning-derived errors from upb
            raise SchemaError(f"not a valid {self.full_name} message: {exc}") from exc
        return message

    def decode(self, data: bytes, *, like: Any = None) -> dict[str, Any]:
        """The message as a dict of its fields, as the plugin's matching sees it.

        Only fields on the wire appear, except that a field named in ``like`` (the
        expected message) and absent here is filled with its default (``0``, ``""``, the
        first enum value, ``[]``, ``{}``): proto3 never sends a default value, so "absent"
        and "empty" are the same message. A missing sub-message stays missing.
        """
        return to_value(self.parse(data), like)

    def encode(self, value: Mapping[str, Any]) -> bytes:
        """Bytes of the message built from a dict (field names as in the ``.proto`` or
        their JSON names; enums by name; ``bytes`` as base64)."""
        return bytes(self.from_value(value).SerializeToString())

    def from_value(self, value: Mapping[str, Any]) -> Any:
        json_format = _pb("json_format")
        try:
            return json_format.ParseDict(dict(value), self.message_class())
        except json_format.ParseError as exc:
            raise SchemaError(f"cannot build a {self.full_name} message: {exc}") from exc

    def to_value(self, message: Any) -> dict[str, Any]:
        return to_value(message)


@dataclass(frozen=True, eq=False)
class ProtoMethod:
    """One RPC of a service: its request and response message types."""

    service: str
    """The service's full name, without a leading dot (``area_calculator.Calculator``)."""
    name: str
    input: ProtoMessage
    output: ProtoMessage
    client_streaming: bool = False
    server_streaming: bool = False

    @property
    def full_name(self) -> str:
        """``area_calculator.Calculator/calculateOne``."""
        return f"{self.service}/{self.name}"

    @property
    def path(self) -> str:
        """The HTTP/2 path gRPC calls it by: ``/area_calculator.Calculator/calculateOne``."""
        return f"/{self.service}/{self.name}"


# ---------------------------------------------------------------------------------------
# the schema


@dataclass(eq=False)
class ProtoSchema:
    """A ``FileDescriptorSet`` with a private pool and name indexes.

    Build it with :meth:`from_descriptor_set` (bytes or the base64 text a pact carries),
    :meth:`from_proto_file` or :meth:`from_proto_text` (compiled in process by
    ``grpcio-tools``; no system ``protoc``).
    """

    descriptor_set: bytes
    proto_text: str | None = None
    _pool: Any = field(init=False, repr=False)
    _messages: dict[str, str] = field(init=False, repr=False)
    _short: dict[str, list[str]] = field(init=False, repr=False)
    _services: dict[str, str] = field(init=False, repr=False)
    _short_services: dict[str, list[str]] = field(init=False, repr=False)
    _main_file: str | None = field(init=False, repr=False, default=None)
    _cache: dict[str, ProtoMessage] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        descriptor_pb2 = _pb("descriptor_pb2")
        descriptor_pool = _pb("descriptor_pool")
        for module in _WELL_KNOWN:
            _pb(module)
        try:
            files = descriptor_pb2.FileDescriptorSet.FromString(self.descriptor_set).file
        except Exception as exc:
            raise SchemaError(
                f"the protobuf descriptors are not a FileDescriptorSet: {exc}"
            ) from exc
        by_name = {proto.name: proto for proto in files}
        pool = descriptor_pool.DescriptorPool()
        added: set[str] = set()

        def add(name: str, trail: tuple[str, ...] = ()) -> None:
            if name in added or name in trail:
                return
            proto = by_name.get(name)
            if proto is None:
                try:
                    found = descriptor_pool.Default().FindFileByName(name)
                except KeyError as exc:
                    raise SchemaError(
                        f"the protobuf descriptors import {name!r} but do not include it"
                    ) from exc
                proto = descriptor_pb2.FileDescriptorProto()
                found.CopyToProto(proto)
            for dependency in proto.dependency:
                add(dependency, (*trail, name))
            try:
                pool.Add(proto)
            except Exception as exc:
                raise SchemaError(f"cannot load {name!r} from the descriptors: {exc}") from exc
            added.add(name)

        for proto in files:
            add(proto.name)
        self._pool = pool
        self._messages, self._short = {}, {}
        self._services, self._short_services = {}, {}
        for proto in files:
            package = proto.package
            prefix = f"{package}." if package else ""
            for message in proto.message_type:
                self._index_message(prefix + message.name, message)
            for service in proto.service:
                full = prefix + service.name
                self._services[full] = full
                self._short_services.setdefault(service.name, []).append(full)
        if files:
            self._main_file = files[-1].name

    def _index_message(self, full: str, proto: Any) -> None:
        self._messages[full] = full
        self._short.setdefault(full.rsplit(".", 1)[-1], []).append(full)
        for nested in proto.nested_type:
            if not nested.options.map_entry:
                self._index_message(f"{full}.{nested.name}", nested)

    # -- constructors ----------------------------------------------------------------------

    @classmethod
    def from_descriptor_set(cls, data: bytes | str, proto_text: str | None = None) -> ProtoSchema:
        """From serialized ``FileDescriptorSet`` bytes, or their base64 text."""
        if isinstance(data, str):
            try:
                data = base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise SchemaError(f"the protobuf descriptors are not valid base64: {exc}") from exc
        return _cached_schema(bytes(data), proto_text)

    @classmethod
    def from_proto_file(
        cls, path: str | os.PathLike[str], include_paths: Iterable[str | os.PathLike[str]] = ()
    ) -> ProtoSchema:
        """Compile a ``.proto`` (and what it imports) with ``grpcio-tools``, in process."""
        source = Path(path)
        if not source.is_file():
            raise SchemaError(f"{source}: no such .proto file")
        data = compile_proto(source, include_paths)
        return _cached_schema(data, source.read_text(encoding="utf-8"))

    @classmethod
    def from_proto_text(cls, text: str, file_name: str = "contract.proto") -> ProtoSchema:
        """Compile ``.proto`` source text, as a pact's ``protoFile`` carries it."""
        with tempfile.TemporaryDirectory(prefix="accord-proto-") as folder:
            source = Path(folder) / Path(file_name).name
            source.write_text(text, encoding="utf-8")
            data = compile_proto(source, ())
        return _cached_schema(data, text)

    # -- what the pact records -------------------------------------------------------------

    @property
    def descriptor_key(self) -> str:
        """The key the plugin files the descriptors under: the MD5 of their bytes."""
        return hashlib.md5(self.descriptor_set, usedforsecurity=False).hexdigest()

    def plugin_configuration(self) -> dict[str, str]:
        """The pact-level entry: ``{"protoDescriptors": base64, "protoFile": text}``."""
        out = {"protoDescriptors": base64.b64encode(self.descriptor_set).decode("ascii")}
        if self.proto_text is not None:
            out["protoFile"] = self.proto_text
        return out

    # -- lookups ---------------------------------------------------------------------------

    @property
    def message_names(self) -> list[str]:
        return sorted(self._messages)

    @property
    def service_names(self) -> list[str]:
        return sorted(self._services)

    def message(self, name: str) -> ProtoMessage:
        """A message by full name or short name, with or without a leading dot."""
        wanted = strip_name(name)
        cached = self._cache.get(wanted)
        if cached is not None:
            return cached
        full = self._resolve(wanted, self._messages, self._short, "message")
        descriptor = self._pool.FindMessageTypeByName(full)
        message_factory = _pb("message_factory")
        found = ProtoMessage(full, descriptor, message_factory.GetMessageClass(descriptor))
        self._cache[wanted] = found
        return found

    def method(self, service: str) -> ProtoMethod:
        """``Service/Method`` or ``.pkg.Service/Method`` (a ``:request`` suffix is ignored)."""
        text = strip_name(service)
        service_name, slash, method_name = text.partition("/")
        if not slash or not method_name:
            raise SchemaError(f"{service!r} is not a 'Service/Method' name")
        method_name = method_name.split(":", 1)[0]
        full = self._resolve(service_name, self._services, self._short_services, "service")
        descriptor = self._pool.FindServiceByName(full)
        method = descriptor.methods_by_name.get(method_name)
        if method is None:
            known = ", ".join(sorted(descriptor.methods_by_name)) or "none"
            raise SchemaError(f"service {full} has no method {method_name!r} (it has {known})")
        return ProtoMethod(
            full,
            method_name,
            self.message(method.input_type.full_name),
            self.message(method.output_type.full_name),
            bool(getattr(method, "client_streaming", False)),
            bool(getattr(method, "server_streaming", False)),
        )

    def methods(self) -> list[ProtoMethod]:
        return [
            self.method(f"{service}/{name}")
            for service in self.service_names
            for name in self._pool.FindServiceByName(service).methods_by_name
        ]

    def _resolve(
        self, wanted: str, full: dict[str, str], short: dict[str, list[str]], kind: str
    ) -> str:
        if wanted in full:
            return wanted
        candidates = short.get(wanted.rsplit(".", 1)[-1], [])
        matching = [name for name in candidates if name == wanted or name.endswith("." + wanted)]
        if len(matching) == 1:
            return matching[0]
        if len(matching) > 1:
            raise SchemaError(f"{kind} name {wanted!r} is ambiguous: {', '.join(matching)}")
        known = ", ".join(sorted(full)) or "none"
        raise SchemaError(f"{kind} {wanted!r} is not in the protobuf descriptors (known: {known})")


@lru_cache(maxsize=64)
def _cached_schema(data: bytes, proto_text: str | None) -> ProtoSchema:
    """Descriptor pools cost milliseconds to build; a verification run reuses them."""
    return ProtoSchema(data, proto_text)


# ---------------------------------------------------------------------------------------
# compiling .proto files

_PROTOC_LOCK = threading.Lock()


def compile_proto(source: Path, include_paths: Iterable[str | os.PathLike[str]] = ()) -> bytes:
    """A ``FileDescriptorSet`` (with imports) for one ``.proto``, from ``grpc_tools.protoc``.

    protoc reports errors on file descriptor 2; it is captured so the error names the file
    and line in one message instead of scrolling past on the console.
    """
    protoc = require("grpc_tools.protoc", extra="grpc", purpose="compiling a .proto file")
    resources = require("importlib.resources", extra="grpc", purpose="compiling a .proto file")
    well_known = str(resources.files("grpc_tools") / "_proto")
    source = source.resolve()
    includes = [str(source.parent), *(str(Path(p).resolve()) for p in include_paths), well_known]
    with tempfile.TemporaryDirectory(prefix="accord-protoc-") as folder:
        out = Path(folder) / "set.pb"
        errors = Path(folder) / "errors.txt"
        args = [
            "protoc",
            *(f"-I{path}" for path in includes),
            "--include_imports",
            f"--descriptor_set_out={out}",
            str(source),
        ]
        with _PROTOC_LOCK, errors.open("w+b") as sink:
            saved = os.dup(2)
            try:
                os.dup2(sink.fileno(), 2)
                code = protoc.main(args)
            finally:
                os.dup2(saved, 2)
                os.close(saved)
            sink.seek(0)
            message = sink.read().decode("utf-8", "replace").strip()
        if code != 0 or not out.exists():
            detail = message.splitlines()[0] if message else f"protoc exited with {code}"
            raise SchemaError(f"{source.name}: cannot compile: {detail}")
        return out.read_bytes()


# ---------------------------------------------------------------------------------------
# messages as values


def to_value(message: Any, like: Any = None) -> dict[str, Any]:
    """A message instance as a dict keyed by ``.proto`` field names (see module doc).

    Each field's conversion is worked out once per field descriptor and cached, so a
    large message costs one dict lookup and one call per field present.
    """
    descriptor = message.DESCRIPTOR
    if descriptor.full_name in _JSON_MESSAGES:
        json_format = _pb("json_format")
        value: dict[str, Any] = json_format.MessageToDict(message)
        return value
    out: dict[str, Any] = {}
    expected = like if isinstance(like, dict) else None
    converters = _CONVERTERS
    for field_descriptor, value in message.ListFields():
        convert = converters.get(field_descriptor)
        if convert is None:
            convert = converters[field_descriptor] = _converter(field_descriptor)
        name = field_descriptor.name
        out[name] = convert(value, expected.get(name) if expected is not None else None)
    if expected is not None and len(out) < len(expected):
        fields = descriptor.fields_by_name
        for name in expected:
            if name not in out:
                field_descriptor = fields.get(name)
                if field_descriptor is not None:
                    default = _default(field_descriptor)
                    if default is not _NO_DEFAULT:
                        out[name] = default
    return out


Converter = Callable[[Any, Any], Any]
"""``convert(value, hint)``: a field's value as a plain value; ``hint`` is the expected one."""

_CONVERTERS: dict[Any, Converter] = {}
_NO_DEFAULT = object()


def _default(field_descriptor: Any) -> Any:
    """What an absent field reads as; sub-messages have none (absent is not "empty")."""
    if _is_map(field_descriptor):
        return {}
    if _is_repeated(field_descriptor):
        return []
    kind = field_descriptor.type
    if kind in (_TYPE_MESSAGE, _TYPE_GROUP):
        return _NO_DEFAULT
    if kind == _TYPE_ENUM:
        values = field_descriptor.enum_type.values
        return values[0].name if values else 0
    if kind == _TYPE_BYTES:
        return ""
    return field_descriptor.default_value


def _converter(field_descriptor: Any) -> Converter:
    if _is_map(field_descriptor):
        single = _single(field_descriptor.message_type.fields_by_name["value"])

        def convert_map(value: Any, hint: Any) -> dict[str, Any]:
            by_key: dict[str, Any] = hint if isinstance(hint, dict) else {}
            first = next(iter(by_key.values()), None)
            out = {}
            for key, item in value.items():
                text = _map_key(key)
                out[text] = single(item, by_key.get(text, first))
            return out

        return convert_map
    single = _single(field_descriptor)
    if not _is_repeated(field_descriptor):
        return single
    if single is _plain:
        return lambda value, hint: list(value)

    def convert_list(value: Any, hint: Any) -> list[Any]:
        hints: list[Any] = hint if isinstance(hint, list) else []
        if not hints:
            return [single(item, None) for item in value]
        last = len(hints) - 1
        return [
            single(item, hints[index] if index <= last else hints[0])
            for index, item in enumerate(value)
        ]

    return convert_list


def _plain(value: Any, hint: Any) -> Any:
    return value


def _single(field_descriptor: Any) -> Converter:
    kind = field_descriptor.type
    if kind in (_TYPE_MESSAGE, _TYPE_GROUP):
        return to_value
    if kind == _TYPE_ENUM:
        names = {
            number: item.name
            for number, item in field_descriptor.enum_type.values_by_number.items()
        }
        return lambda value, hint: names.get(value, value)
    if kind == _TYPE_BYTES:
        return lambda value, hint: base64.b64encode(value).decode("ascii")
    return _plain


def _map_key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)
