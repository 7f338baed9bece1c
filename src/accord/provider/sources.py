"""Where pacts come from: files, directories and http(s) URLs (with basic or bearer auth)."""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from accord.errors import PactFileError, SourceError
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
    request = urllib.request.Request(
        url, headers={"Accept": "application/hal+json, application/json"}
    )
    header = auth.header() if auth else None
    if header:
        request.add_header("Authorization", header)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
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
