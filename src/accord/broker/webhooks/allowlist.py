"""Where webhooks may send requests.

A webhook is a request the broker makes on a user's behalf, from inside the network it runs
in. Without limits anyone who can create one could make the broker call internal services
(cloud metadata at 169.254.169.254, admin ports on localhost, databases on 10.x) and read
the answers in the execution log. So:

* the scheme must be allowed (https only, by default) and so must the method (POST);
* with no host allowlist, any host is allowed whose addresses are *all* public: the host
  name is resolved and every address checked, so ``localhost``, ``127.1``, ``[::1]``,
  ``::ffff:10.0.0.1`` and names that resolve inside the network are all refused;
* with an allowlist, only hosts on it: an exact name or a ``*.suffix`` (trusted whatever
  it resolves to, as the operator named it), or an IP or CIDR range the resolved addresses
  must fall in (which is how an operator lets webhooks reach a private CI server).

:mod:`.delivery` then connects to the very address that was checked, so a DNS answer that
changes between the check and the connection (DNS rebinding) cannot slip past.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from accord.broker.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(Exception):
    """The webhook may not send this request; the message says why, for a 400 or the log."""


class Unresolved(Refused):
    """The host name did not resolve (in time): refused when sending, tolerated when saving."""


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str
    port: int


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64, Teredo), if any."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def is_public(ip: IPAddress) -> bool:
    """Globally routable unicast, and so is any IPv4 address hidden inside it."""
    for address in (ip, embedded_ipv4(ip)):
        if address is not None and (not address.is_global or address.is_multicast):
            return False
    return True


def resolve(host: str, port: int, timeout: float) -> list[IPAddress]:
    """Every address ``host`` resolves to, within ``timeout`` seconds.

    The lookup runs in a daemon thread so a slow resolver can hold up neither the caller
    (which may hold a database transaction) nor the process at exit.
    """
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    outcome: list[object] = []

    def lookup() -> None:
        try:
            outcome.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            outcome.append(exc)

    worker = threading.Thread(target=lookup, name="accord-webhook-dns", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise Unresolved(f"could not resolve host {host!r} within {timeout:g}s")
    found = outcome[0]
    if isinstance(found, Exception):
        raise Unresolved(f"could not resolve host {host!r}: {found}")
    assert isinstance(found, list)
    addresses: list[IPAddress] = []
    for *_, sockaddr in found:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise Unresolved(f"host {host!r} has no addresses")
    return addresses


@dataclass(frozen=True, slots=True)
class Allowlist:
    schemes: frozenset[str]
    methods: frozenset[str]
    names: frozenset[str]
    suffixes: tuple[str, ...]
    networks: tuple[Network, ...]

    @classmethod
    def from_settings(cls, settings: Settings) -> Allowlist:
        names: set[str] = set()
        suffixes: list[str] = []
        networks: list[Network] = []
        for raw in settings.webhook_host_allowlist:
            entry = raw.strip().lower().rstrip(".")
            if not entry:
                continue
            if entry.startswith("*."):
                suffixes.append(entry[1:])
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                names.add(entry)
        return cls(
            schemes=frozenset(s.lower() for s in settings.webhook_scheme_allowlist),
            methods=frozenset(m.upper() for m in settings.webhook_method_allowlist),
            names=frozenset(names),
            suffixes=tuple(suffixes),
            networks=tuple(networks),
        )

    @property
    def restricts_hosts(self) -> bool:
        return bool(self.names or self.suffixes or self.networks)

    def check_method(self, method: str) -> None:
        if method.upper() not in self.methods:
            raise Refused(
                f"method {method} is not allowed for webhooks (allowed: {_list(self.methods)})"
            )

    def check_url(self, url: str) -> Target:
        """Scheme and host syntax; no DNS. Returns what :meth:`check_host` needs."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise Refused(f"{url!r} is not a valid URL: {exc}") from exc
        scheme = parts.scheme.lower()
        if not scheme or not parts.hostname:
            raise Refused(f"{url!r} is not an absolute http(s) URL")
        if scheme not in self.schemes:
            raise Refused(
                f"scheme {scheme!r} is not allowed for webhooks (allowed: {_list(self.schemes)})"
            )
        if scheme not in ("http", "https"):
            raise Refused(f"scheme {scheme!r} is not supported: use http or https")
        if parts.username is not None or parts.password is not None:
            raise Refused("put credentials in request.username and request.password, not the URL")
        host = parts.hostname.rstrip(".")
        if "$" in host or "{" in host:
            raise Refused("the URL's host may not contain template parameters")
        return Target(scheme, host, port or (443 if scheme == "https" else 80))

    def listed_by_name(self, host: str) -> bool:
        host = host.lower()
        return host in self.names or any(host.endswith(s) for s in self.suffixes)

    def check_address(self, host: str, ip: IPAddress) -> None:
        if self.restricts_hosts:
            if not any(ip in n for n in self.networks if n.version == ip.version):
                raise Refused(f"host {host!r} ({ip}) is not on the webhook host allowlist")
        elif not is_public(ip):
            raise Refused(
                f"host {host!r} resolves to {ip}, a private, loopback or link-local address; "
                "add it to the webhook host allowlist to allow it"
            )

    def check_host(self, target: Target, timeout: float) -> list[IPAddress]:
        """The addresses the request may go to; every resolved address must be allowed."""
        if self.listed_by_name(target.host):
            return resolve(target.host, target.port, timeout)
        if self.restricts_hosts and not self.networks:
            raise Refused(f"host {target.host!r} is not on the webhook host allowlist")
        addresses = resolve(target.host, target.port, timeout)
        for ip in addresses:
            self.check_address(target.host, ip)
        return addresses

    def check_saved_host(self, target: Target, timeout: float) -> None:
        """The host check when a webhook is saved: a host that does not resolve (yet) is
        accepted, as every execution checks again; anything that resolves must pass."""
        if self.listed_by_name(target.host):
            return
        with contextlib.suppress(Unresolved):
            self.check_host(target, timeout)


def _list(values: Iterable[str]) -> str:
    return ", ".join(sorted(values)) or "none"
