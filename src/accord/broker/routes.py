"""Every route of the broker, gathered from the resource modules."""

from __future__ import annotations

from accord.broker import ui
from accord.broker.http.routing import Router
from accord.broker.resources import (
    contracts,
    environments,
    for_verification,
    index,
    integrations,
    labels,
    matrix,
    pacticipants,
    pacts,
    provider_states,
    verifications,
    versions,
)
from accord.broker.webhooks import resources as webhooks

MODULES = (
    index,
    contracts,
    pacts,
    provider_states,
    for_verification,
    verifications,
    pacticipants,
    labels,
    versions,
    environments,
    matrix,
    integrations,
    webhooks,
)


def build_router() -> Router:
    router = Router()
    for module in MODULES:
        module.register(router)
    ui.register(router)  # last: it adds HTML to the API's GET /
    return router
