"""Where pacts come from: files, directories and http(s) URLs (with basic or bearer auth)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from accord.errors import HttpError, SourceError
from accord.http_client import Auth
from accord.limits import MAX_PACT_BYTES_ENV, max_pact_bytes
from accord.model.pact import Pact
from accord.model.read import load_pact, loads_pact

__all__ = ["Auth", "LoadedPact", "fetch_pact", "load_sources"]


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

    A server that trickles one byte at a time never trips a per-read timeout, so the core
    HTTP client holds the download to one overall deadline, and the body is capped like a
    pact file's (``ACCORD_MAX_PACT_BYTES``).
    """
    from accord.http_client.client import HttpClient

    with HttpClient(auth=auth, timeout=timeout, max_bytes=max_pact_bytes()) as client:
        try:
            response = client.request(
                "GET", url, headers={"Accept": "application/hal+json, application/json"}
            )
            body = response.raise_for_status().content
        except HttpError as exc:
            hint = f" (set {MAX_PACT_BYTES_ENV} to raise it)" if exc.too_large else ""
            raise SourceError(f"cannot fetch the pact: {exc}{hint}") from exc
    return loads_pact(body, source=url)
