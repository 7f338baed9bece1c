"""HTTP resources: one module per family of endpoints, each registering its routes."""

from __future__ import annotations

from accord.broker.http.routing import Router


def build_router() -> Router:
    from accord.broker.resources import (
        contracts,
        environments,
        for_verification,
        index,
        integrations,
        matrix,
        pacticipants,
        pacts,
        verifications,
        versions,
    )

    router = Router()
    for module in (
        index,
        contracts,
        pacts,
        for_verification,
        verifications,
        pacticipants,
        versions,
        environments,
        matrix,
        integrations,
    ):
        module.register(router)
    return router
