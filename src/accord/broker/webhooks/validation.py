"""Reading a webhook from a request body, with the official broker's rules and error shape.

Every problem is collected before answering, as ``{"errors": {"field": [...]}}`` (the shape
the official clients print), so one round trip shows everything that needs fixing. Whether
a named pacticipant exists is checked by the caller, which has the database.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from accord.broker.http.errors import BadRequest
from accord.broker.settings import Settings
from accord.broker.webhooks.allowlist import Allowlist, Refused
from accord.broker.webhooks.model import DEFAULT_EVENTS, EVENT_NAMES, RequestTemplate, WebhookSpec

_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP method or header name
# Creating a webhook may wait this long for DNS; a slow resolver must not hold the write lock.
SAVE_DNS_TIMEOUT = 2.0


def parse_webhook(
    body: dict[str, Any],
    settings: Settings,
    *,
    consumer: str | None = None,
    provider: str | None = None,
) -> WebhookSpec:
    """The webhook in ``body``; ``consumer``/``provider`` come from the path when scoped."""
    errors: dict[str, list[str]] = defaultdict(list)
    description = body.get("description")
    if description is not None and not isinstance(description, str):
        errors["description"].append("must be a string")
    consumer, consumer_label = _scope(body, "consumer", consumer, errors)
    provider, provider_label = _scope(body, "provider", provider, errors)
    events = _events(body.get("events"), errors)
    enabled = body.get("enabled", True)
    if not isinstance(enabled, bool):
        errors["enabled"].append("must be true or false")
    request = _request(body.get("request"), settings, errors)
    if any(errors.values()):
        raise BadRequest({k: v for k, v in errors.items() if v})
    assert request is not None
    return WebhookSpec(
        description=description,
        consumer=consumer,
        provider=provider,
        consumer_label=consumer_label,
        provider_label=provider_label,
        events=events,
        enabled=bool(enabled),
        request=request,
    )


def _scope(
    body: dict[str, Any], key: str, from_path: str | None, errors: dict[str, list[str]]
) -> tuple[str | None, str | None]:
    """(name, label) for one side: ``{name}`` or ``{label}``, never both."""
    value = body.get(key)
    if value is None:
        return from_path, None
    if not isinstance(value, dict):
        errors[key].append("must be an object with a name or a label")
        return None, None
    name, label = value.get("name"), value.get("label")
    if name is not None and label is not None:
        errors[key].append("can't have both a name and a label")
        return None, None
    if label is not None:
        if not isinstance(label, str) or not label.strip():
            errors[f"{key}.label"].append("can't be blank")
        elif from_path is not None:
            errors[f"{key}.label"].append(f"can't be used with the {key} in the URL")
        else:
            return None, label
        return None, None
    if not isinstance(name, str) or not name.strip():
        errors[f"{key}.name"].append("can't be blank")
        return None, None
    if from_path is not None and name != from_path:
        errors[f"{key}.name"].append(f"does not match the {key} in the URL ({from_path!r})")
    return name, None


def _events(raw: Any, errors: dict[str, list[str]]) -> tuple[str, ...]:
    if raw is None:
        return DEFAULT_EVENTS
    if not isinstance(raw, list) or not raw:
        errors["events"].append("must be a non-empty list of {name} objects")
        return ()
    names: list[str] = []
    for index, item in enumerate(raw):
        name = item.get("name") if isinstance(item, dict) else None
        if name not in EVENT_NAMES:
            errors[f"events[{index}].name"].append(
                f"must be one of {', '.join(EVENT_NAMES)}, not {name!r}"
            )
        elif name not in names:
            names.append(name)
    return tuple(names)


def _request(raw: Any, settings: Settings, errors: dict[str, list[str]]) -> RequestTemplate | None:
    if not isinstance(raw, dict):
        errors["request"].append("is missing" if raw is None else "must be an object")
        return None
    method, url = raw.get("method"), raw.get("url")
    if not isinstance(method, str) or not method.strip():
        errors["request.method"].append("can't be blank")
    elif not _TOKEN.match(method) or len(method) > 16:
        errors["request.method"].append(f"{method!r} is not an HTTP method")
    if not isinstance(url, str) or not url.strip():
        errors["request.url"].append("can't be blank")
    headers = _headers(raw.get("headers"), errors)
    username, password = raw.get("username"), raw.get("password")
    for key, value in (("username", username), ("password", password)):
        if value is not None and not isinstance(value, str):
            errors[f"request.{key}"].append("must be a string")
    if any(errors.values()):
        return None
    assert isinstance(method, str) and isinstance(url, str)
    method = method.upper()
    allowlist = Allowlist.from_settings(settings)
    try:
        allowlist.check_method(method)
    except Refused as exc:
        errors["request.method"].append(str(exc))
    try:
        allowlist.check_saved_host(allowlist.check_url(url.strip()), SAVE_DNS_TIMEOUT)
    except Refused as exc:
        errors["request.url"].append(str(exc))
    if any(errors.values()):
        return None
    return RequestTemplate(
        method=method,
        url=url.strip(),
        headers=headers,
        body=raw.get("body"),
        username=username or None,
        password=password or None,
    )


def _headers(raw: Any, errors: dict[str, list[str]]) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        errors["request.headers"].append("must be an object of header names to values")
        return {}
    headers: dict[str, str] = {}
    for name, value in raw.items():
        if not _TOKEN.match(name):
            errors["request.headers"].append(f"{name!r} is not a valid header name")
        elif not isinstance(value, str) or "\r" in value or "\n" in value:
            errors["request.headers"].append(f"{name}: the value must be a one-line string")
        else:
            headers[name] = value
    return headers
