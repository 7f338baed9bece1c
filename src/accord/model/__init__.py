"""The pact file as one in-memory model; spec versions exist only in read and write."""

from accord.model.body import Body
from accord.model.pact import (
    AsyncMessage,
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    Interaction,
    MessageContents,
    Pact,
    ProviderState,
    SyncMessage,
    UnknownInteraction,
)
from accord.model.read import load_pact, loads_pact, parse_pact
from accord.model.rules import Generators, MatchingRules, RuleList
from accord.model.write import dumps_pact, merge, pact_to_json, write_pact

__all__ = [
    "AsyncMessage",
    "Body",
    "Generators",
    "HttpInteraction",
    "HttpRequest",
    "HttpResponse",
    "Interaction",
    "MatchingRules",
    "MessageContents",
    "Pact",
    "ProviderState",
    "RuleList",
    "SyncMessage",
    "UnknownInteraction",
    "dumps_pact",
    "load_pact",
    "loads_pact",
    "merge",
    "pact_to_json",
    "parse_pact",
    "write_pact",
]
