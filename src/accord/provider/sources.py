"""Where pacts come from: files, directories and http(s) URLs (with basic or bearer auth)."""

from __future__ import annotations

import base64
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.errors import PactFileError, SourceError
from accord.limits import MAX_PACT_BYTES_ENV, max_pact_bytes
from accord.model.pact import Pact
from accord.model.read import load_pact, loads_pact


@dataclass(frozen=True, slots=True)
class Auth:
    """Credentials for pact URLs: a bearer token, or a username and password."""

    token: str | None = None
    username: str | None = None
    password: str | None = None

    def header(self) -> str | None:
        if self.token:
            return f"Bearer {self.token}"
        if self.username is not None:
            raw = f"{self.username}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        return None


@dataclass(frozen=True, slots=True)
class LoadedPact:
    """A pact to verify, and what the broker said about it when it came from one."""

    source: str
    pact: Pact
    pending: bool = False
    notices: tuple[str, ...] = ()


def load_sources(
    sources: list[str | Path], *, auth: Auth | None = None, timeout: float = 30.0
) -> list[LoadedPact]:
    """Every pact named by ``sources``, in order; directories give their ``*.json`` files."""
    loaded: list[LoadedPact] = []
    for source in sources:
        text = str(source)
        if text.startswith(("http://", "https://")):
            loaded.append(LoadedPact(text, fetch_pact(text, auth=auth, timeout=timeout)))
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(path.glob("*.json"))
            if not files:
                raise SourceError(f"{path}: no pact files (*.json) in this directory")
            loaded.extend(LoadedPact(str(f), load_pact(f)) for f in files)
        elif path.exists():
            loaded.append(LoadedPact(text, load_pact(path)))
        else:
            raise SourceError(f"{path}: no such file or directory")
    return loaded


def fetch_pact(url: str, *, auth: Auth | None = None, timeout: float = 30.0) -> Pact:
    """Download and read one pact; ``timeout`` bounds the whole download, not each read.

    A server that trickles one byte at a time never trips a per-read timeout, so the body
    is read in chunks against one deadline, each read waiting at most for what is left of
    it, and the size is capped like a pact file's (``ACCORD_MAX_PACT_BYTES``).
    """
    request = urllib.request.Request(
        url, headers={"Accept": "application/hal+json, application/json"}
    )
    header = auth.header() if auth else None
    if header:
        request.add_header("Authorization", header)
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = _read_within(response, url, deadline, timeout)
    except urllib.error.HTTPError as exc:
        hint = " (check the credentials)" if exc.code in (401, 403) else ""
        raise SourceError(f"{url}: HTTP {exc.code} {exc.reason}{hint}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SourceError(f"{url}: cannot fetch the pact: {reason}") from exc
    try:
        return loads_pact(body, source=url)
    except PactFileError:
        raise


def _read_within(response: Any, url: str, deadline: float, timeout: float) -> bytes:
    limit = max_pact_bytes()
    sock = _socket_of(response)
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SourceError(f"{url}: the pact did not arrive within {timeout:g} s")
        if sock is not None:
            sock.settimeout(max(left, 0.01))
        try:
            chunk = response.read1(65536)
        except TimeoutError as exc:
            raise SourceError(f"{url}: the pact did not arrive within {timeout:g} s") from exc
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise SourceError(
                f"{url}: the pact is over the {limit}-byte limit (set {MAX_PACT_BYTES_ENV} "
                "to raise it)"
            )
        chunks.append(chunk)


def _socket_of(response: Any) -> Any:
    """The connection's socket, so each read waits only for what is left of the deadline."""
    raw = getattr(getattr(response, "fp", None), "raw", None)
    sock = getattr(raw, "_sock", None)
    return sock if callable(getattr(sock, "settimeout", None)) else None
