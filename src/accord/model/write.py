"""Writing pacts the way the Pact reference implementation writes them.

Three formats are written: V4 (every interaction type), the V3 message pact and the V3
HTTP pact. Keys are
sorted, ``pactSpecification`` is ``"4.0"`` or ``"3.0.0"``, body rules go under ``body``, and
metadata keys we do not own are kept. :func:`write_pact` merges into an existing file under
an exclusive lock and replaces it atomically, so parallel test workers lose nothing.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from accord._version import __version__
from accord.errors import PactFileError, PacticipantNameError, PactWriteError
from accord.model.body import Body, is_json_type, is_text_type
from accord.model.dirlock import locked
from accord.model.jsontext import dumps_pretty, pretty_chunks
from accord.model.pact import (
    AsyncMessage,
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    Interaction,
    MessageContents,
    Pact,
    SyncMessage,
    UnknownInteraction,
    is_content_type_key,
)
from accord.model.read import collector_paused, load_pact
from accord.model.text_file import write_text

V3 = "3.0.0"
V4 = "4.0"


def spec_string(spec: str) -> str:
    """``"V3"``/``"3"``/``"3.0.0"`` -> ``"3.0.0"``; the same for V4."""
    major = spec.strip().lstrip("vV").split(".", 1)[0]
    if major == "3":
        return V3
    if major == "4":
        return V4
    raise PactWriteError(f"accord writes spec V3 (HTTP or message pacts) or V4, not {spec!r}")


# ---------------------------------------------------------------------------------------
# to JSON


def pact_to_json(pact: Pact, spec: str = V4) -> dict[str, Any]:
    version = spec_string(spec)
    metadata = {
        k: v
        for k, v in pact.metadata.items()
        if k not in ("pactSpecification", "pact-specification", "pactSpecificationVersion")
    }
    metadata["pactSpecification"] = {"version": version}
    metadata["accord"] = {"version": __version__}
    doc: dict[str, Any] = dict(pact.extra)
    doc["consumer"] = {"name": pact.consumer}
    doc["provider"] = {"name": pact.provider}
    doc["metadata"] = metadata
    if version == V3 and any(isinstance(i, HttpInteraction) for i in pact.interactions):
        doc["interactions"] = [_v3_http(i) for i in pact.interactions]
    elif version == V3:
        doc["messages"] = [_v3_message(i) for i in pact.interactions]
    else:
        doc["interactions"] = [interaction_to_json(i) for i in pact.interactions]
    return doc


def interaction_to_json(interaction: Interaction) -> dict[str, Any]:
    """One V4 interaction."""
    if isinstance(interaction, UnknownInteraction):
        return dict(interaction.raw)
    out: dict[str, Any] = dict(interaction.extra)
    out["type"] = interaction.type
    out["description"] = interaction.description
    if interaction.key:
        out["key"] = interaction.key
    out["pending"] = interaction.pending
    if interaction.provider_states:
        out["providerStates"] = [s.to_json() for s in interaction.provider_states]
    if interaction.comments:
        out["comments"] = interaction.comments
    if interaction.plugin_config:
        out["pluginConfiguration"] = interaction.plugin_config
    if interaction.markup:
        out["interactionMarkup"] = interaction.markup
    if interaction.transport:
        out["transport"] = interaction.transport
    if interaction.id is not None:
        out["_id"] = interaction.id
    if isinstance(interaction, HttpInteraction):
        out["request"] = _request(interaction.request)
        out["response"] = _response(interaction.response)
    elif isinstance(interaction, AsyncMessage):
        out.update(message_to_json(interaction.message))
    elif isinstance(interaction, SyncMessage):
        out["request"] = message_to_json(interaction.request)
        out["response"] = [message_to_json(m) for m in interaction.response]
    return out


def _request(request: HttpRequest) -> dict[str, Any]:
    out: dict[str, Any] = dict(request.extra)
    out["method"] = request.method.upper()
    out["path"] = request.path
    if request.query:
        out["query"] = request.query
    if request.headers:
        out["headers"] = request.headers
    _rules_and_body(out, request.body, request.matching_rules, request.generators)
    return out


def _response(response: HttpResponse) -> dict[str, Any]:
    out: dict[str, Any] = dict(response.extra)
    out["status"] = 200 if response.status is None else response.status
    if response.headers:
        out["headers"] = response.headers
    _rules_and_body(out, response.body, response.matching_rules, response.generators)
    return out


def _rules_and_body(out: dict[str, Any], body: Body | None, rules: Any, generators: Any) -> None:
    if body is not None:
        out["body"] = v4_body(body)
    if rules:
        out["matchingRules"] = rules.to_json()
    if generators:
        out["generators"] = generators.to_json()


def message_to_json(message: MessageContents, *, keep_unknown: bool = True) -> dict[str, Any]:
    """One V4 message (contents, metadata, rules, generators). ``keep_unknown`` keeps the
    fields a reader did not know, as a file round trip must; a message sent on the wire
    (the official verifier's sync request) carries only the known ones."""
    out: dict[str, Any] = dict(message.extra) if keep_unknown else {}
    if message.contents is not None:
        out["contents"] = v4_body(message.contents, message.content_type)
    if message.metadata:
        out["metadata"] = message.metadata
    if message.matching_rules:
        out["matchingRules"] = message.matching_rules.to_json()
    if message.generators:
        out["generators"] = message.generators.to_json()
    return out


def v4_body(body: Body, fallback_type: str | None = None) -> dict[str, Any]:
    """The V4 body object: JSON as itself, text as a string, binary as base64."""
    content_type = body.content_type or fallback_type
    out: dict[str, Any] = {}
    content = body.content
    if isinstance(content, bytes):
        text = None
        if content_type and is_text_type(content_type) and body.hint != "BINARY":
            with contextlib.suppress(UnicodeDecodeError):
                text = content.decode("utf-8")
        if text is None:
            out["content"] = base64.b64encode(content).decode("ascii")
            out["encoded"] = "base64"
        else:
            out["content"] = text
            out["encoded"] = False
    elif isinstance(content, str) and is_json_type(content_type) and _is_json_text(content):
        # A JSON string whose text is itself JSON ("123") would read back as 123: keep it
        # as JSON text, which V4 marks with encoded "json".
        out["content"] = json.dumps(content)
        out["encoded"] = "json"
    else:
        out["content"] = content
        out["encoded"] = False
    if content_type:
        out["contentType"] = content_type
    if body.hint:
        out["contentTypeHint"] = body.hint
    return out


def _is_json_text(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _v3_common(interaction: Interaction) -> dict[str, Any]:
    """What a V3 HTTP interaction and a V3 message share: unknown fields, description,
    provider states and the broker's ``_id``."""
    out: dict[str, Any] = dict(interaction.extra)
    out["description"] = interaction.description
    if interaction.provider_states:
        out["providerStates"] = [s.to_json() for s in interaction.provider_states]
    if interaction.id is not None:
        out["_id"] = interaction.id
    return out


def _v3_message(interaction: Interaction) -> dict[str, Any]:
    if not isinstance(interaction, AsyncMessage):
        raise PactWriteError(
            f"interaction {interaction.description!r} is {interaction.type}; a V3 message pact "
            "holds only asynchronous messages. Write spec V4 to mix interaction types."
        )
    message = interaction.message
    if interaction.plugin_config or _is_plugin_type(message.content_type):
        raise PactWriteError(
            f"interaction {interaction.description!r} is a {message.content_type or 'plugin'} "
            "message; its plugin configuration has no place in a V3 pact. Write spec V4."
        )
    out = _v3_common(interaction)
    body = message.contents
    if body is not None:
        content = body.content
        if isinstance(content, bytes):
            out["contents"] = base64.b64encode(content).decode("ascii")
        elif isinstance(content, str) and is_json_type(message.content_type):
            out["contents"] = json.dumps(content) if _is_json_text(content) else content
        else:
            out["contents"] = content
    metadata = dict(message.metadata)
    content_type = message.content_type
    if (
        content_type
        and _needs_stated_type(body, content_type)
        and not any(is_content_type_key(k) for k in metadata)
    ):
        # Only what a reader cannot infer (JSON needs no label; base64 bytes do).
        metadata["contentType"] = content_type
    out["metadata"] = metadata
    if message.matching_rules:
        out["matchingRules"] = message.matching_rules.to_json()
    if message.generators:
        out["generators"] = message.generators.to_json()
    return out


def _v3_http(interaction: Interaction) -> dict[str, Any]:
    """A V3 HTTP interaction: headers as strings, bodies as raw values."""
    if not isinstance(interaction, HttpInteraction):
        raise PactWriteError(
            f"interaction {interaction.description!r} is {interaction.type}; a V3 pact holds "
            "either HTTP interactions or messages (a V3 message pact), not both. Write spec V4 "
            "to mix them."
        )
    out = _v3_common(interaction)
    request, response = interaction.request, interaction.response
    req: dict[str, Any] = dict(request.extra)
    req["method"] = request.method.upper()
    req["path"] = request.path
    if request.query:
        req["query"] = request.query
    _v3_part(req, request.headers, request.body, request.matching_rules, request.generators)
    res: dict[str, Any] = dict(response.extra)
    res["status"] = 200 if response.status is None else response.status
    _v3_part(res, response.headers, response.body, response.matching_rules, response.generators)
    out["request"] = req
    out["response"] = res
    return out


def _v3_part(
    out: dict[str, Any],
    headers: dict[str, list[str]] | None,
    body: Body | None,
    rules: Any,
    gens: Any,
) -> None:
    if headers:
        out["headers"] = {name: ", ".join(values) for name, values in headers.items()}
    if body is not None:
        content = body.content
        if isinstance(content, bytes):
            if body.content_type and is_text_type(body.content_type):
                try:
                    content = content.decode("utf-8")
                except UnicodeDecodeError:
                    content = base64.b64encode(content).decode("ascii")
            else:
                content = base64.b64encode(content).decode("ascii")
        elif isinstance(content, str) and body.is_json and _is_json_text(content):
            content = json.dumps(content)
        out["body"] = content
    if rules:
        out["matchingRules"] = rules.to_json()
    if gens:
        out["generators"] = gens.to_json()


_PLUGIN_TYPES = ("application/protobuf", "application/grpc", "application/x-protobuf")


def _is_plugin_type(content_type: str | None) -> bool:
    base = (content_type or "").split(";", 1)[0].strip().lower()
    return base.startswith(_PLUGIN_TYPES) or base.endswith("+protobuf")


def _needs_stated_type(body: Body | None, content_type: str) -> bool:
    """Whether a V3 message must state its content type for a reader to get it back.

    JSON objects, arrays and numbers say what they are; strings (JSON, text or XML) and
    bytes (written as base64) do not.
    """
    if body is None:
        return False
    return not is_json_type(content_type) or isinstance(body.content, str | bytes)


_REPEATED_BLOCKS = frozenset({"matchingRules", "generators"})
"""Keys whose blocks interactions made from one test template share word for word: each
distinct block is rendered once (most of a realistic pact's text is these blocks)."""


def dumps_pact(pact: Pact, spec: str = V4) -> str:
    """Pact JSON text: sorted keys, two-space indent, as the reference tools write it."""
    return dumps_pretty(pact_to_json(pact, spec), reuse=_REPEATED_BLOCKS)


def _text_chunks(doc: dict[str, Any]) -> Iterator[str]:
    """:func:`dumps_pact`'s text for ``doc`` in pieces (an interaction or message each)."""
    spread = "messages" if "messages" in doc else "interactions"
    return pretty_chunks(doc, spread=spread, reuse=_REPEATED_BLOCKS)


# ---------------------------------------------------------------------------------------
# files


_MAX_NAME_LENGTH = 100
"""Longest consumer or provider name: the file name holds both (most file systems allow
255 bytes per name)."""


def check_pacticipant_name(name: Any, role: str) -> str:
    """``name`` if it can be part of a pact file name, else a :class:`PacticipantNameError`.

    The file is ``{consumer}-{provider}.json`` inside the pact directory, so a name must not
    be able to point anywhere else: no path separators (``/``, ``\\``), no NUL or other
    control characters, not ``.`` or ``..``, not blank, not longer than 100 characters.
    The ``Pact`` constructor calls this too, so a bad name fails where it is written.
    """
    if not isinstance(name, str):
        raise PacticipantNameError(f"the {role} name must be a string, not {type(name).__name__}")
    problem = None
    if not name.strip():
        problem = "is blank"
    elif any(ch in name for ch in "/\\"):
        problem = "contains a path separator"
    elif any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        problem = "contains a NUL or control character"
    elif name.strip() in (".", ".."):
        problem = "is a relative directory name"
    elif len(name) > _MAX_NAME_LENGTH:
        problem = f"is longer than {_MAX_NAME_LENGTH} characters"
    if problem:
        raise PacticipantNameError(
            f"the {role} name {name[:60]!r} {problem}; it becomes part of the pact file name"
        )
    return name


def pact_path(directory: str | Path, pact: Pact) -> Path:
    """Where ``pact`` is written in ``directory``; refuses names that would leave it."""
    consumer = check_pacticipant_name(pact.consumer, "consumer")
    provider = check_pacticipant_name(pact.provider, "provider")
    folder = Path(directory)
    target = folder / f"{consumer}-{provider}.json"
    if target.parent != folder:  # belt and braces: the checks above make this impossible
        raise PacticipantNameError(f"{target} is outside the pact directory {folder}")
    return target


def _file_mode() -> int:
    """The mode a new file gets under this process's umask (``0o666 & ~umask``).

    Read from ``/proc`` where there is one: setting the umask to read it back is not
    thread-safe, and parallel test workers write pacts from threads.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def merge(existing: Pact, incoming: Pact) -> Pact:
    """Interactions of ``incoming`` replace their equals in ``existing``; new ones append.

    Two interactions are equal when their description and provider states are, or, when
    both have one, their V4 ``key`` is.
    """
    merged = list(existing.interactions)
    by_identity = {i.identity(): n for n, i in enumerate(merged)}
    by_key = {i.key: n for n, i in enumerate(merged) if i.key}
    for interaction in incoming.interactions:
        slot = by_key.get(interaction.key) if interaction.key else None
        if slot is None:
            slot = by_identity.get(interaction.identity())
        if slot is None:
            by_identity[interaction.identity()] = len(merged)
            if interaction.key:
                by_key[interaction.key] = len(merged)
            merged.append(interaction)
        else:
            merged[slot] = interaction
    metadata = {**existing.metadata, **incoming.metadata}
    plugins = merge_plugins(existing.metadata.get("plugins"), incoming.metadata.get("plugins"))
    if plugins:
        metadata["plugins"] = plugins
    return Pact(
        incoming.consumer,
        incoming.provider,
        merged,
        metadata,
        incoming.spec_version,
        {**existing.extra, **incoming.extra},
    )


def merge_plugins(existing: Any, incoming: Any) -> list[Any]:
    """``metadata.plugins`` of two pacts as one: entries by plugin name and version, their
    configurations merged by key, so interactions from both keep the schemas they point at
    (a gRPC test on one ``.proto`` must not drop another test's descriptors)."""
    out: list[Any] = []
    by_name: dict[tuple[Any, Any], dict[str, Any]] = {}
    for entry in [*(existing or []), *(incoming or [])]:
        if not isinstance(entry, dict):
            out.append(entry)
            continue
        identity = (entry.get("name"), entry.get("version"))
        kept = by_name.get(identity)
        if kept is None:
            kept = by_name[identity] = {**entry}
            if isinstance(entry.get("configuration"), dict):
                kept["configuration"] = dict(entry["configuration"])
            out.append(kept)
        elif isinstance(kept.get("configuration"), dict) and isinstance(
            entry.get("configuration"), dict
        ):
            kept["configuration"].update(entry["configuration"])
        else:
            kept.update(entry)
    return out


def write_pact(
    pact: Pact, directory: str | Path, *, spec: str = V4, overwrite: bool = False
) -> Path:
    """Write (merging by default) ``{consumer}-{provider}.json`` in ``directory``."""
    version = spec_string(spec)
    folder = Path(directory)
    target = pact_path(folder, pact)  # refuses names that would leave the directory
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PactWriteError(f"cannot create pact directory {folder}: {exc}") from exc
    with locked(folder), collector_paused():
        _merge_and_replace(pact, version, folder, target, overwrite)
    return target


def _merge_and_replace(
    pact: Pact, version: str, folder: Path, target: Path, overwrite: bool
) -> None:
    """The locked part of :func:`write_pact`. A function of its own so that the document
    and the merged model are freed before the collector resumes: otherwise its first
    collection would scan them all, only for them to be freed anyway."""
    to_write = pact
    if not overwrite and target.exists():
        try:
            existing = load_pact(target)
        except PactFileError as exc:
            raise PactWriteError(
                f"cannot merge into {target}: {exc}. Delete it or write with overwrite=True."
            ) from exc
        to_write = merge(existing, pact)
    doc = pact_to_json(to_write, version)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise PactWriteError(f"cannot write in the pact directory {folder}: {exc}") from exc
    try:
        # mkstemp makes the file 0600; a pact is shared, so it follows the umask like
        # any file the user creates (an existing pact keeps its own mode).
        os.fchmod(fd, _existing_mode(target) or _file_mode())
        with os.fdopen(fd, "wb") as handle:
            write_text(handle, _text_chunks(doc))
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise PactWriteError(f"cannot write {target}: {exc.strerror or exc}") from exc
        raise


def _existing_mode(target: Path) -> int | None:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return None
