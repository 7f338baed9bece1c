"""Who may do what: read-only and read-write credentials, as HTTP basic auth or bearer tokens.

The rules are the Pact Broker's (``resource_access_policy.rb``): reading is GET, HEAD and
OPTIONS on any path plus ``POST /pacts/provider/{p}/for-verification`` (a query with a body,
which verifiers holding read-only credentials must be able to make); anything else writes.
The heartbeat stays public so load balancers can probe without secrets. The OSS broker has
no bearer tokens, but every official client can send one, so both are accepted here.

The check runs before routing, so an anonymous client cannot tell which paths exist. Every
configured secret is compared, each in constant time, so the answer takes as long whether
or not a username (or token) was right.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass
from enum import IntEnum

from accord.broker.http.errors import HttpError
from accord.broker.http.routing import split_path
from accord.broker.settings import Settings

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PATHS = frozenset({("diagnostic", "status", "heartbeat")})
REALM = "accord Pact Broker"


class Access(IntEnum):
    NONE = 0
    READ = 1
    WRITE = 2


class Unauthorized(HttpError):
    def __init__(self, challenge: str, message: str) -> None:
        super().__init__(
            401, {"error": message, "title": "Unauthorized"}, {"WWW-Authenticate": challenge}
        )


class Forbidden(HttpError):
    def __init__(self) -> None:
        super().__init__(
            403,
            {
                "error": "These credentials are read-only; this request needs read-write access",
                "title": "Forbidden",
            },
        )


@dataclass(frozen=True, slots=True)
class _Secret:
    """One credential: the exact bytes an ``Authorization`` value must carry, and its level."""

    scheme: str
    value: bytes
    access: Access


def needs(method: str, raw_path: str) -> Access:
    """The access a request needs: NONE for public paths, READ, or WRITE."""
    parts = tuple(split_path(raw_path))
    if method in READ_METHODS:
        return Access.NONE if parts in PUBLIC_PATHS else Access.READ
    if (
        method == "POST"
        and len(parts) == 4
        and parts[:2] == ("pacts", "provider")
        and parts[3] == "for-verification"
    ):
        return Access.READ
    return Access.WRITE


class AccessPolicy:
    """Built once from :class:`Settings`; :meth:`check` raises 401/403 or returns quietly."""

    def __init__(self, settings: Settings) -> None:
        secrets: list[_Secret] = []
        for user, password, access in (
            (settings.basic_auth_username, settings.basic_auth_password, Access.WRITE),
            (
                settings.basic_auth_read_only_username,
                settings.basic_auth_read_only_password,
                Access.READ,
            ),
        ):
            if user and password:
                secrets.append(_Secret("basic", f"{user}:{password}".encode(), access))
        for token, access in (
            (settings.token, Access.WRITE),
            (settings.read_only_token, Access.READ),
        ):
            if token:
                secrets.append(_Secret("bearer", token.encode(), access))
        self._secrets = tuple(secrets)
        self.public_read = settings.allow_public_read
        schemes = []
        if any(s.scheme == "basic" for s in secrets):
            schemes.append(f'Basic realm="{REALM}", charset="UTF-8"')
        if any(s.scheme == "bearer" for s in secrets):
            schemes.append(f'Bearer realm="{REALM}"')
        self._challenge = ", ".join(schemes)

    @property
    def enabled(self) -> bool:
        return bool(self._secrets)

    def granted(self, authorization: str | None) -> Access:
        """The access the ``Authorization`` header value gives (NONE when absent or wrong)."""
        if not authorization:
            return Access.NONE
        scheme, _, credential = authorization.strip().partition(" ")
        scheme = scheme.lower()
        presented = _decode(scheme, credential.strip())
        best = Access.NONE
        for secret in self._secrets:
            # compare against every secret of the scheme: no early exit that timing could reveal
            match = hmac.compare_digest(presented, secret.value) and scheme == secret.scheme
            if match and secret.access > best:
                best = secret.access
        return best

    def check(self, method: str, raw_path: str, authorization: str | None) -> None:
        """Raise :class:`Unauthorized` (401) or :class:`Forbidden` (403) unless allowed."""
        if not self._secrets:
            return
        required = needs(method, raw_path)
        if required is Access.NONE:
            return
        granted = self.granted(authorization)
        if granted >= required:
            return
        if granted is Access.NONE:
            if required is Access.READ and self.public_read and not authorization:
                return
            message = (
                "Invalid credentials" if authorization else "Authentication required"
            ) + ": send basic auth (username and password) or a bearer token"
            raise Unauthorized(self._challenge, message)
        raise Forbidden()


def _decode(scheme: str, credential: str) -> bytes:
    if scheme == "basic":
        try:
            return base64.b64decode(credential, validate=True)
        except (binascii.Error, ValueError):
            return b""
    if scheme == "bearer":
        return credential.encode("latin-1")  # the header's bytes, as the app decoded them
    return b""
