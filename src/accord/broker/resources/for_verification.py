"""``/pacts/provider/{provider}/for-verification``: what a verifier should verify, and why.

The Rust verifier GETs this URL first (to find ``_links.self``), then POSTs the selectors
to it. Each pact URL carries a ``/metadata/{token}`` segment so results published back can
be recorded as pending/WIP. Notice values are always strings: the verifier drops the whole
response (and reports "no pacts") if one is not.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from accord.broker import pact_metadata, verifiable_pacts
from accord.broker.http.request import Req
from accord.broker.http.response import Reply, hal
from accord.broker.http.routing import Router
from accord.broker.resources.views import pact_title
from accord.broker.store import environments, pacticipants
from accord.broker.urls import Urls, link
from accord.broker.verifiable_pacts import Verifiable
from accord.broker.verification_selectors import VerificationQuery, parse_query

PENDING_DOCS = "https://docs.pact.io/go/pending"
WIP_DOCS = "https://docs.pact.io/go/wip"


def _notices(
    urls: Urls, entry: Verifiable, query: VerificationQuery, href: str, provider: str
) -> list[dict[str, str]]:
    reasons = verifiable_pacts.group_reasons(entry)
    criteria = "\n".join(
        f"    * {label} ({', '.join(numbers)})" for label, numbers in reasons.items()
    )
    notices = [
        {
            "when": "before_verification",
            "text": f"The pact at {href} is being verified because the pact content belongs to "
            f"the consumer version{'s' if len(entry.consumer_versions) > 1 else ''} matching "
            f"the following criteria:\n{criteria}",
        }
    ]
    if entry.wip:
        notices[0]["text"] = (
            f"The pact at {href} is being verified because it is a 'work in progress' pact "
            f"(ie. it is the pact for the latest version of {entry.pact.consumer} from a branch "
            f"or tag and has not yet been successfully verified by {provider} on this branch). "
            f"Read more at {WIP_DOCS}"
        )
    if not query.include_pending:
        return notices
    target = (
        f"branch '{query.provider_branch}'"
        if query.provider_branch
        else ("tag(s) " + ", ".join(query.provider_tags) if query.provider_tags else "any version")
    )
    if entry.pending:
        before = (
            f"This pact is in pending state for this version of {provider} because a successful "
            f"verification result for {target} has not yet been published. If this verification "
            f"fails, it will not cause the overall build to fail. Read more at {PENDING_DOCS}"
        )
        still = f"This pact is still in pending state for this version of {provider}"
        after = {
            "success_true_published_false": f"{still} as the successful verification results "
            "have not yet been published.",
            "success_false_published_false": f"{still} as the successful verification results "
            "have not yet been published.",
            "success_true_published_true": f"This pact is no longer in pending state for "
            f"{provider}, as a successful verification result has been published.",
            "success_false_published_true": f"{still} as a successful verification result has "
            "not yet been published.",
        }
    else:
        before = (
            f"This pact has previously been successfully verified by {provider} for {target}. "
            f"If this verification fails, it will fail the build. Read more at {PENDING_DOCS}"
        )
        verified = "This pact has previously been successfully verified."
        failed = (
            f"Failure! This pact is no longer in pending state for {provider}: "
            "a failed verification will fail the build."
        )
        after = {
            "success_true_published_false": verified,
            "success_false_published_false": failed,
            "success_true_published_true": verified,
            "success_false_published_true": failed,
        }
    notices.append({"when": "before_verification", "text": before})
    notices += [{"when": f"after_verification:{key}", "text": text} for key, text in after.items()]
    return notices


def _entry(
    urls: Urls, entry: Verifiable, query: VerificationQuery, provider: str
) -> dict[str, Any]:
    pact = entry.pact
    meta = pact_metadata.PactMetadata(
        tuple(entry.consumer_versions), entry.pending if query.include_pending else None, entry.wip
    )
    href = urls.pact_version(pact.provider, pact.consumer, pact.sha, pact_metadata.encode(meta))
    properties: dict[str, Any] = {}
    if query.include_pending:
        properties["pending"] = entry.pending
    if entry.wip:
        properties["wip"] = True
    properties["notices"] = _notices(urls, entry, query, href, provider)
    return {
        "shortDescription": ", ".join(dict.fromkeys(label for label, _ in entry.reasons)),
        "verificationProperties": properties,
        "_links": {
            "self": link(href, name=pact_title(pact.consumer, pact.consumer_version, pact.provider))
        },
    }


def _answer(req: Req, conn: Connection, body: dict[str, Any]) -> Reply:
    provider = pacticipants.require(conn, req.params["provider"])
    known = {row.name for row in environments.list_all(conn)}
    query = parse_query(body, known)
    entries = verifiable_pacts.pacts_for_verification(conn, provider, query)
    return hal(
        {
            "_embedded": {"pacts": [_entry(req.urls, e, query, provider.name) for e in entries]},
            "_links": {
                "self": link(req.urls.for_verification(provider.name), title="Pacts to be verified")
            },
        }
    )


def post(req: Req, conn: Connection) -> Reply:
    return _answer(req, conn, req.json_object())


def get(req: Req, conn: Connection) -> Reply:
    """The deprecated query-string form; with no parameters, the default selection."""
    body: dict[str, Any] = {}
    tags = [v for k, v in req.query if k in ("providerVersionTags[]", "providerVersionTags")]
    if tags:
        body["providerVersionTags"] = tags
    if (branch := req.arg("providerVersionBranch")) is not None:
        body["providerVersionBranch"] = branch
    if req.arg("includePendingStatus") == "true":
        body["includePendingStatus"] = True
    if (since := req.arg("includeWipPactsSince")) is not None:
        body["includeWipPactsSince"] = since
    return _answer(req, conn, body)


def register(router: Router) -> None:
    router.get("/pacts/provider/{provider}/for-verification", get)
    router.add("POST", "/pacts/provider/{provider}/for-verification", post)
