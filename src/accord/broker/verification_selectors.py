"""The body of ``POST /pacts/provider/{p}/for-verification``, validated into plain data.

The rules are the Pact Broker's (``ConsumerVersionSelectorContract``): which keys may be
combined, which need which, and that named environments exist. Every problem is reported at
once, keyed by the offending selector, as a 400.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accord.broker.clock import parse_date
from accord.broker.http.errors import BadRequest

BRANCH_KEYS = (
    "latest",
    "tag",
    "fallbackTag",
    "branch",
    "fallbackBranch",
    "matchingBranch",
    "mainBranch",
)
ENVIRONMENT_KEYS = ("environment", "deployed", "released", "deployedOrReleased")
KEY_FIELDS = (
    "mainBranch",
    "branch",
    "matchingBranch",
    "tag",
    "latest",
    "deployed",
    "released",
    "deployedOrReleased",
    "environment",
)


@dataclass(frozen=True, slots=True)
class Selector:
    main_branch: bool = False
    branch: str | None = None
    all_branches: bool = False
    fallback_branch: str | None = None
    matching_branch: bool = False
    tag: str | None = None
    fallback_tag: str | None = None
    latest: bool | None = None
    deployed: bool = False
    released: bool = False
    environment: str | None = None
    consumer: str | None = None

    def describe(self) -> str:
        """The broker's short description of what the selector picks."""
        who = f" of {self.consumer}" if self.consumer else ""
        if self.main_branch:
            return f"latest version{who} from main branch"
        if self.matching_branch or self.branch:
            return f"latest version{who} from branch '{self.branch}'"
        if self.all_branches:
            return f"latest version{who} from each branch"
        if self.tag and self.latest:
            return f"latest version{who} with tag {self.tag}"
        if self.tag:
            return f"all consumer versions{who} with tag {self.tag}"
        where = f" in {self.environment}" if self.environment else ""
        if self.deployed and self.released:
            return f"currently deployed or released versions{who}{where}"
        if self.deployed:
            return f"currently deployed versions{who}{where}"
        if self.released:
            return f"currently released and supported versions{who}{where}"
        return f"latest version{who}"


@dataclass(frozen=True, slots=True)
class VerificationQuery:
    provider_branch: str | None
    provider_tags: tuple[str, ...]
    include_pending: bool
    wip_since: datetime | None
    selectors: tuple[Selector, ...]
    """Empty means the broker's default selection."""


def _true_only(sel: dict[str, Any], key: str, problems: list[str]) -> bool:
    value = sel.get(key)
    if value is None or value is False:
        return False
    if value is not True:
        problems.append(f"{key} must be true")
        return False
    return True


def _string(sel: dict[str, Any], key: str, problems: list[str]) -> str | None:
    value = sel.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{key} must be a non-blank string")
        return None
    return value


def parse_selector(
    sel: Any, provider_branch: str | None, known_environments: set[str]
) -> tuple[Selector | None, list[str]]:
    problems: list[str] = []
    if not isinstance(sel, dict):
        return None, ["must be an object"]
    present = {k for k, v in sel.items() if v is not None}
    if not present & set(KEY_FIELDS):
        problems.append(
            "must specify a value for environment or tag or branch, or specify "
            "mainBranch=true, matchingBranch=true, latest=true, deployed=true, released=true "
            "or deployedOrReleased=true"
        )
    main_branch = _true_only(sel, "mainBranch", problems)
    matching = _true_only(sel, "matchingBranch", problems)
    deployed = _true_only(sel, "deployed", problems)
    released = _true_only(sel, "released", problems)
    either = _true_only(sel, "deployedOrReleased", problems)
    latest = sel.get("latest")
    if latest is not None and not isinstance(latest, bool):
        problems.append("latest must be true or false")
        latest = None
    all_branches = sel.get("branch") is True
    branch = None if all_branches else _string(sel, "branch", problems)
    fallback_branch = _string(sel, "fallbackBranch", problems)
    tag = _string(sel, "tag", problems)
    fallback_tag = _string(sel, "fallbackTag", problems)
    environment = _string(sel, "environment", problems)
    consumer = _string(sel, "consumer", problems)
    if main_branch and present - {"mainBranch", "consumer", "latest"}:
        problems.append("mainBranch can only be combined with consumer and latest=true")
    if main_branch and latest is False:
        problems.append("mainBranch cannot be combined with latest=false")
    if (branch or all_branches) and latest is False:
        problems.append("branch cannot be combined with latest=false")
    if fallback_branch and not branch:
        problems.append("fallbackBranch can only be used with branch")
    if matching:
        if present - {"matchingBranch", "consumer"}:
            problems.append("matchingBranch can only be combined with consumer")
        if not provider_branch:
            problems.append("matchingBranch requires providerVersionBranch to be set")
    if tag and (branch or all_branches):
        problems.append("tag cannot be combined with branch")
    if fallback_tag and not (tag and latest is True):
        problems.append("fallbackTag can only be used with tag and latest=true")
    if present & set(BRANCH_KEYS) and present & set(ENVIRONMENT_KEYS):
        problems.append("branch/tag/latest keys cannot be combined with environment keys")
    if deployed + released + either > 1:
        problems.append("deployed, released and deployedOrReleased are mutually exclusive")
    if environment and environment not in known_environments:
        problems.append(f"environment with name '{environment}' does not exist")
    if problems:
        return None, problems
    if environment and not (deployed or released):
        either = True
    return (
        Selector(
            main_branch=main_branch,
            branch=provider_branch if matching else branch,
            all_branches=all_branches,
            fallback_branch=fallback_branch,
            matching_branch=matching,
            tag=tag,
            fallback_tag=fallback_tag,
            latest=latest,
            deployed=deployed or either,
            released=released or either,
            environment=environment,
            consumer=consumer,
        ),
        [],
    )


def parse_query(body: dict[str, Any], known_environments: set[str]) -> VerificationQuery:
    errors: dict[str, list[str]] = defaultdict(list)
    branch = body.get("providerVersionBranch")
    if branch is not None and not isinstance(branch, str):
        errors["providerVersionBranch"].append("must be a string")
        branch = None
    tags = body.get("providerVersionTags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        errors["providerVersionTags"].append("must be a list of strings")
        tags = []
    pending = body.get("includePendingStatus", False)
    if not isinstance(pending, bool):
        errors["includePendingStatus"].append("must be true or false")
        pending = False
    since_raw = body.get("includeWipPactsSince")
    since = None
    if since_raw is not None:
        try:
            since = parse_date(str(since_raw))
        except ValueError:
            errors["includeWipPactsSince"].append(f"{since_raw!r} is not a valid ISO 8601 date")
    if (
        (pending or since_raw is not None)
        and not tags
        and branch is not None
        and not branch.strip()
    ):
        errors["providerVersionBranch"].append(
            "when pending or WIP pacts are enabled and there are no tags provided, the provider "
            "version branch must not be an empty string, as it is used to calculate pending "
            "status and WIP pacts"
        )
    raw = body.get("consumerVersionSelectors") or []
    selectors: list[Selector] = []
    if not isinstance(raw, list):
        errors["consumerVersionSelectors"].append("must be a list")
    else:
        for index, item in enumerate(raw):
            selector, problems = parse_selector(item, branch or None, known_environments)
            if problems:
                errors[f"consumerVersionSelectors[{index}]"].extend(problems)
            elif selector is not None:
                selectors.append(selector)
    if errors:
        raise BadRequest(dict(errors))
    return VerificationQuery(branch or None, tuple(tags), pending, since, tuple(selectors))
