"""What a webhook is once validated: scope, events, enabled flag and the request template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CONTRACT_PUBLISHED = "contract_published"
CONTRACT_CONTENT_CHANGED = "contract_content_changed"
CONTRACT_REQUIRING_VERIFICATION_PUBLISHED = "contract_requiring_verification_published"
VERIFICATION_PUBLISHED = "provider_verification_published"
VERIFICATION_SUCCEEDED = "provider_verification_succeeded"
VERIFICATION_FAILED = "provider_verification_failed"

EVENT_NAMES = (
    CONTRACT_PUBLISHED,
    CONTRACT_CONTENT_CHANGED,
    CONTRACT_REQUIRING_VERIFICATION_PUBLISHED,
    VERIFICATION_PUBLISHED,
    VERIFICATION_SUCCEEDED,
    VERIFICATION_FAILED,
)
DEFAULT_EVENTS = (CONTRACT_CONTENT_CHANGED,)

# triggered webhook statuses
PENDING, RETRYING, SUCCESS, FAILURE = "pending", "retrying", "success", "failure"


@dataclass(frozen=True, slots=True)
class RequestTemplate:
    """The request as the user wrote it; ``${pactbroker.*}`` is substituted at each attempt.

    ``body`` is None for no body, a ``str`` sent as text, or any other JSON value sent as
    JSON (templates are substituted inside its strings, so the result stays valid JSON).
    """

    method: str
    url: str
    headers: dict[str, str]
    body: Any
    username: str | None
    password: str | None


@dataclass(frozen=True, slots=True)
class WebhookSpec:
    """``consumer``/``provider`` name one pacticipant; ``consumer_label``/``provider_label``
    select every pacticipant carrying the label when an event fires. A side has at most one
    of the two; with neither it matches any pacticipant."""

    description: str | None
    consumer: str | None
    provider: str | None
    consumer_label: str | None
    provider_label: str | None
    events: tuple[str, ...]
    enabled: bool
    request: RequestTemplate
