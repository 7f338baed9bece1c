"""Every href the broker hands out, built in one place.

Hrefs are absolute (clients join and follow them) and every value is percent-encoded as a
single path segment, so names with spaces or slashes survive the round trip. Nothing a
client must follow depends on a query string: the Rust clients drop it.
"""

from __future__ import annotations

from urllib.parse import quote


def seg(value: str) -> str:
    return quote(value, safe="")


class Urls:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def __call__(self, path: str) -> str:
        return self.base + path

    # pacticipants, versions, branches, tags
    def pacticipant(self, name: str) -> str:
        return f"{self.base}/pacticipants/{seg(name)}"

    def versions(self, name: str) -> str:
        return f"{self.pacticipant(name)}/versions"

    def version(self, name: str, number: str) -> str:
        return f"{self.pacticipant(name)}/versions/{seg(number)}"

    def tag(self, name: str, number: str, tag: str) -> str:
        return f"{self.version(name, number)}/tags/{seg(tag)}"

    def branches(self, name: str) -> str:
        return f"{self.pacticipant(name)}/branches"

    def branch(self, name: str, branch: str) -> str:
        return f"{self.pacticipant(name)}/branches/{seg(branch)}"

    def branch_version(self, name: str, branch: str, number: str) -> str:
        return f"{self.branch(name, branch)}/versions/{seg(number)}"

    def label(self, name: str, label: str) -> str:
        return f"{self.pacticipant(name)}/labels/{seg(label)}"

    def with_label(self, label: str) -> str:
        """The pacticipants carrying ``label``."""
        return f"{self.base}/pacticipants/label/{seg(label)}"

    # pacts
    def pair(self, provider: str, consumer: str) -> str:
        return f"{self.base}/pacts/provider/{seg(provider)}/consumer/{seg(consumer)}"

    def pact(self, provider: str, consumer: str, number: str) -> str:
        return f"{self.pair(provider, consumer)}/version/{seg(number)}"

    def pact_version(
        self, provider: str, consumer: str, sha: str, metadata: str | None = None
    ) -> str:
        url = f"{self.pair(provider, consumer)}/pact-version/{seg(sha)}"
        return f"{url}/metadata/{seg(metadata)}" if metadata else url

    def verification_results(
        self, provider: str, consumer: str, sha: str, metadata: str | None = None
    ) -> str:
        return self.pact_version(provider, consumer, sha, metadata) + "/verification-results"

    def verification(self, provider: str, consumer: str, sha: str, number: int) -> str:
        return f"{self.verification_results(provider, consumer, sha)}/{number}"

    def for_verification(self, provider: str) -> str:
        return f"{self.base}/pacts/provider/{seg(provider)}/for-verification"

    # environments and deployments
    def environment(self, uuid: str) -> str:
        return f"{self.base}/environments/{seg(uuid)}"

    def deployed_version(self, uuid: str) -> str:
        return f"{self.base}/deployed-versions/{seg(uuid)}"

    def released_version(self, uuid: str) -> str:
        return f"{self.base}/released-versions/{seg(uuid)}"

    def record_deployment(self, name: str, number: str, env_uuid: str) -> str:
        return f"{self.version(name, number)}/deployed-versions/environment/{seg(env_uuid)}"

    def record_release(self, name: str, number: str, env_uuid: str) -> str:
        return f"{self.version(name, number)}/released-versions/environment/{seg(env_uuid)}"


def link(
    href: str, *, title: str | None = None, name: str | None = None, templated: bool = False
) -> dict[str, object]:
    """A HAL link object; ``title``/``name`` only when given, ``templated`` only when true."""
    out: dict[str, object] = {"href": href}
    if title is not None:
        out["title"] = title
    if name is not None:
        out["name"] = name
    if templated:
        out["templated"] = True
    return out
