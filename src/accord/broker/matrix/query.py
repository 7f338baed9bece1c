"""Parsing ``/matrix`` and ``/can-i-deploy`` query strings.

The matrix query uses Rack's nested-parameter convention (``q[][pacticipant]=Foo&
q[][version]=1&q[][pacticipant]=Bar...``): a new selector starts whenever a key repeats
within the current one, exactly as ``Rack::Utils.parse_nested_query`` does, because that is
what the official clients rely on.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.broker.http.errors import BadRequest

MAX_LIMIT = 1_000_000
"""The largest ``limit`` accepted: any integer column can hold it on every backend."""


@dataclass(frozen=True, slots=True)
class MatrixSelector:
    pacticipant: str
    version: str | None = None
    latest: bool = False
    tag: str | None = None
    branch: str | None = None
    environment: str | None = None
    main_branch: bool = False


@dataclass(frozen=True, slots=True)
class IgnoreSelector:
    pacticipant: str
    version: str | None = None


@dataclass(frozen=True, slots=True)
class MatrixQuery:
    selectors: tuple[MatrixSelector, ...]
    latestby: str | None = None
    latest: bool = False
    tag: str | None = None
    environment: str | None = None
    main_branch: bool = False
    ignore: tuple[IgnoreSelector, ...] = ()
    limit: int | None = None
    success: tuple[bool | None, ...] | None = None

    @property
    def has_target(self) -> bool:
        return bool(self.environment or self.latest or self.main_branch or self.tag)


def group_nested(pairs: list[tuple[str, str]], prefix: str) -> list[dict[str, str]]:
    """``prefix[][key]=value`` pairs grouped into hashes the way Rack groups them."""
    groups: list[dict[str, str]] = []
    head = f"{prefix}[]["
    for key, value in pairs:
        if not (key.startswith(head) and key.endswith("]")):
            continue
        name = key[len(head) : -1]
        if not groups or name in groups[-1]:
            groups.append({})
        groups[-1][name] = value
    return groups


def _true(value: str | None) -> bool:
    return value is not None and value.lower() == "true"


def _first(pairs: list[tuple[str, str]], name: str) -> str | None:
    for key, value in pairs:
        if key == name:
            return value
    return None


def _selector(raw: dict[str, str], index: int, errors: list[str]) -> MatrixSelector | None:
    name = raw.get("pacticipant", "").strip()
    if not name:
        errors.append(f"Please provide 1 or more pacticipant names (selector {index + 1} has none)")
        return None
    return MatrixSelector(
        pacticipant=name,
        version=raw.get("version") or None,
        latest=_true(raw.get("latest")),
        tag=raw.get("tag") or None,
        branch=raw.get("branch") or None,
        environment=raw.get("environment") or None,
        main_branch=_true(raw.get("mainBranch")),
    )


def parse_matrix_query(pairs: list[tuple[str, str]]) -> MatrixQuery:
    errors: list[str] = []
    selectors = [
        s for i, raw in enumerate(group_nested(pairs, "q")) if (s := _selector(raw, i, errors))
    ]
    if not selectors and not errors:
        errors.append("Please provide 1 or more pacticipant names")
    latestby = _first(pairs, "latestby") or None
    if latestby not in (None, "cvp", "cvpv"):
        errors.append(f"latestby must be cvp or cvpv, not {latestby!r}")
    limit_raw = _first(pairs, "limit")
    limit = None
    if limit_raw:
        if (
            not limit_raw.isascii()
            or not limit_raw.isdigit()
            or not 1 <= int(limit_raw) <= MAX_LIMIT
        ):
            errors.append(f"limit must be a whole number from 1 to {MAX_LIMIT}")
        else:
            limit = int(limit_raw)
    success_values = [v for k, v in pairs if k in ("success[]", "success")]
    success = None
    if success_values:
        success = tuple({"true": True, "false": False}.get(v.lower()) for v in success_values)
    if errors:
        raise BadRequest({"q": errors})
    ignore = tuple(
        IgnoreSelector(raw["pacticipant"], raw.get("version") or None)
        for raw in group_nested(pairs, "ignore")
        if raw.get("pacticipant")
    )
    return MatrixQuery(
        selectors=tuple(selectors),
        latestby=latestby,
        latest=_true(_first(pairs, "latest")),
        tag=_first(pairs, "tag") or None,
        environment=_first(pairs, "environment") or None,
        main_branch=_true(_first(pairs, "mainBranch")),
        ignore=ignore,
        limit=limit,
        success=success,
    )


def parse_can_i_deploy_query(pairs: list[tuple[str, str]]) -> MatrixQuery:
    """``?pacticipant=&version=&environment=`` (or ``to=TAG``): one selector and a target."""
    errors: dict[str, list[str]] = {}
    pacticipant = _first(pairs, "pacticipant")
    version = _first(pairs, "version")
    environment = _first(pairs, "environment")
    to = _first(pairs, "to")
    if not pacticipant:
        errors["pacticipant"] = ["is missing"]
    if not version:
        errors["version"] = ["is missing"]
    if not environment and not to:
        errors["environment"] = ["either environment or to (a tag) must be given"]
    if environment and to:
        errors["environment"] = ["environment and to cannot both be given"]
    if errors:
        raise BadRequest(errors)
    assert pacticipant and version
    ignore = [IgnoreSelector(v) for k, v in pairs if k in ("ignore[]", "ignore") and v]
    ignore += [
        IgnoreSelector(r["pacticipant"], r.get("version") or None)
        for r in group_nested(pairs, "ignore")
        if r.get("pacticipant")
    ]
    selector = MatrixSelector(pacticipant, version)
    if environment:
        return MatrixQuery(
            (selector,), latestby="cvpv", environment=environment, ignore=tuple(ignore)
        )
    return MatrixQuery((selector,), latestby="cvp", latest=True, tag=to, ignore=tuple(ignore))
