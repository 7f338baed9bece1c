"""The HAL index (``GET /``), the entry point every official client navigates from."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from accord.broker.http.request import Req
from accord.broker.http.response import Reply, hal
from accord.broker.http.routing import Router
from accord.broker.urls import link

# relation -> (path template, title); all relations the official clients look for.
RELATIONS: dict[str, tuple[str, str]] = {
    "pb:publish-pact": (
        "/pacts/provider/{provider}/consumer/{consumer}/version/{consumerApplicationVersion}",
        "Publish a pact",
    ),
    "pb:publish-contracts": ("/contracts/publish", "Publish contracts"),
    "pb:latest-pact-versions": ("/pacts/latest", "Latest pact versions"),
    "pb:tagged-pact-versions": (
        "/pacts/provider/{provider}/consumer/{consumer}/tag/{tag}",
        "All versions of a pact for a given consumer, provider and consumer version tag",
    ),
    "pb:branch-pact-versions": (
        "/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}",
        "All versions of a pact for a given consumer, provider and consumer version branch",
    ),
    "pb:latest-branch-pact-versions": (
        "/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}/latest/versions",
        "Latest version of a pact for a given consumer, provider and consumer version branch",
    ),
    "pb:main-branch-pact-versions": (
        "/pacts/provider/{provider}/consumer/{consumer}/branch/versions",
        "All versions of a pact for a given consumer, provider and the consumer's main branch",
    ),
    "pb:latest-main-branch-pact-versions": (
        "/pacts/provider/{provider}/consumer/{consumer}/branch/latest/versions",
        "Latest version of a pact for a given consumer, provider and the consumer's main branch",
    ),
    "pb:provider-pacts-with-main-branch": (
        "/pacts/provider/{provider}/branch",
        "All pact versions for the provider from the consumers' main branches",
    ),
    "pb:provider-pacts-with-branch": (
        "/pacts/provider/{provider}/branch/{branch}",
        "All pact versions for the provider with the specified consumer version branch",
    ),
    "pb:latest-provider-pacts-with-main-branch": (
        "/pacts/provider/{provider}/branch/latest",
        "Latest pacts for the provider from the consumers' main branches",
    ),
    "pb:latest-provider-pacts-with-branch": (
        "/pacts/provider/{provider}/branch/{branch}/latest",
        "Latest pacts for the provider with the specified consumer version branch",
    ),
    "pb:pacticipants": ("/pacticipants", "Pacticipants"),
    "pb:pacticipant": ("/pacticipants/{pacticipant}", "Fetch pacticipant by name"),
    "pb:latest-provider-pacts": (
        "/pacts/provider/{provider}/latest",
        "Latest pact versions for the specified provider",
    ),
    "pb:latest-provider-pacts-with-tag": (
        "/pacts/provider/{provider}/latest/{tag}",
        "Latest pact versions with the specified consumer tag for the specified provider",
    ),
    "pb:provider-pacts-with-tag": (
        "/pacts/provider/{provider}/tag/{tag}",
        "All pact versions with the specified consumer tag for the specified provider",
    ),
    "pb:provider-pacts": ("/pacts/provider/{provider}", "All pact versions for the provider"),
    "pb:latest-version": (
        "/pacticipants/{pacticipant}/latest-version",
        "Latest pacticipant version",
    ),
    "pb:latest-tagged-version": (
        "/pacticipants/{pacticipant}/latest-version/{tag}",
        "Latest pacticipant version with the specified tag",
    ),
    "pb:webhooks": ("/webhooks", "Webhooks"),
    "pb:webhook": ("/webhooks/{uuid}", "Webhook"),
    "pb:integrations": ("/integrations", "Integrations"),
    "pb:pacticipant-version-tag": (
        "/pacticipants/{pacticipant}/versions/{version}/tags/{tag}",
        "Get, create or delete a tag for a pacticipant version",
    ),
    "pb:pacticipant-branch": (
        "/pacticipants/{pacticipant}/branches/{branch}",
        "Get or delete a pacticipant branch",
    ),
    "pb:pacticipant-branch-version": (
        "/pacticipants/{pacticipant}/branches/{branch}/versions/{version}",
        "Get or add/create a pacticipant version for a branch",
    ),
    "pb:pacticipant-version": (
        "/pacticipants/{pacticipant}/versions/{version}",
        "Get, create or delete a pacticipant version",
    ),
    "pb:metrics": ("/metrics", "Get Pact Broker metrics"),
    "pb:can-i-deploy-pacticipant-version-to-tag": (
        "/can-i-deploy?pacticipant={pacticipant}&version={version}&to={tag}",
        "Determine if an application version can be safely deployed to an environment "
        "identified by the given tag",
    ),
    "pb:can-i-deploy-pacticipant-version-to-environment": (
        "/can-i-deploy?pacticipant={pacticipant}&version={version}&environment={environment}",
        "Determine if an application version can be safely deployed to an environment",
    ),
    "pb:provider-pacts-for-verification": (
        "/pacts/provider/{provider}/for-verification",
        "Pact versions to be verified for the specified provider",
    ),
    "beta:provider-pacts-for-verification": (
        "/pacts/provider/{provider}/for-verification",
        "DEPRECATED - please use pb:provider-pacts-for-verification",
    ),
    "pb:environments": ("/environments", "Environments"),
    "pb:environment": ("/environments/{uuid}", "Environment"),
}


def index(req: Req, conn: Connection) -> Reply:
    urls = req.urls
    links: dict[str, object] = {"self": link(urls("/"), title="Index")}
    for rel, (path, title) in RELATIONS.items():
        links[rel] = link(urls(path), title=title, templated="{" in path)
    links["curies"] = [
        {"name": "pb", "href": urls("/doc/{rel}?context=index"), "templated": True},
        {"name": "beta", "href": urls("/doc/{rel}?context=index"), "templated": True},
    ]
    return hal({"_links": links})


def heartbeat(req: Req, conn: Connection) -> Reply:
    return hal({"ok": True, "_links": {"self": link(req.urls("/diagnostic/status/heartbeat"))}})


def register(router: Router) -> None:
    router.get("/", index)
    router.get("/diagnostic/status/heartbeat", heartbeat)
