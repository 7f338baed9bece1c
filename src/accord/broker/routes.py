"""Every route of the broker, gathered from the resource modules."""

from __future__ import annotations

from accord.broker.http.routing import Router
from accord.broker.resources import (
    contracts,
    environments,
    for_verification,
    index,
    integrations,
    matrix,
    pacticipants,
    pacts,
    provider_states,
    verifications,
    versions,
)

MODULES = (
    index,
    contracts,
    pacts,
    provider_states,
    for_verification,
    verifications,
    pacticipants,
    versions,
    environments,
    matrix,
    integrations,
)


def build_router() -> Router:
    router = Router()
    for module in MODULES:
        module.register(router)
    return router
