"""``${pactbroker.*}`` substitution into a webhook's URL, headers and body.

Each place gets the escaping it needs, so a value can never change the request's shape:

* URL: the value is percent-encoded whole (as the broker's ``url_encode``), so a pact URL
  passed as a query parameter arrives intact and cannot add path segments or an authority;
* headers: line breaks are removed, so a value cannot start a new header;
* JSON body: values are substituted inside its strings before encoding, so quotes in a
  value stay inside the string and the body stays valid JSON; a text body is plain text.

Unknown parameters are left as written, which makes a typo visible in the execution log.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from accord.broker.webhooks.model import RequestTemplate

PARAMETER = re.compile(r"\$\{pactbroker\.([A-Za-z]+)\}")

# every parameter the broker documents; a context always holds all of them ("" when unknown)
PARAMETERS = (
    "pactUrl",
    "verificationResultUrl",
    "consumerName",
    "providerName",
    "consumerVersionNumber",
    "providerVersionNumber",
    "consumerVersionTags",
    "providerVersionTags",
    "consumerVersionBranch",
    "providerVersionBranch",
    "consumerLabels",
    "providerLabels",
    "githubVerificationStatus",
    "bitbucketVerificationStatus",
    "gitlabVerificationStatus",
    "azureDevOpsVerificationStatus",
    "buildUrl",
    "eventName",
    "providerVersionDescriptions",
    "currentlyDeployedProviderVersionNumber",
)


@dataclass(frozen=True, slots=True)
class RenderedRequest:
    method: str
    url: str
    headers: dict[str, str]
    content: bytes | None
    username: str | None
    password: str | None


def render(text: str, values: Mapping[str, str], escape: Callable[[str], str] = str) -> str:
    def substitute(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return match.group(0) if value is None else escape(value)

    return PARAMETER.sub(substitute, text)


def _url_escape(value: str) -> str:
    return quote(value, safe="")


def _header_escape(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ")


def render_json(value: Any, values: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return render(value, values)
    if isinstance(value, list):
        return [render_json(item, values) for item in value]
    if isinstance(value, dict):
        return {render(k, values): render_json(v, values) for k, v in value.items()}
    return value


def render_request(template: RequestTemplate, values: Mapping[str, str]) -> RenderedRequest:
    headers = {k: render(v, values, _header_escape) for k, v in template.headers.items()}
    content: bytes | None = None
    if isinstance(template.body, str):
        content = render(template.body, values).encode("utf-8")
    elif template.body is not None:
        rendered = render_json(template.body, values)
        content = json.dumps(rendered, ensure_ascii=False).encode("utf-8")
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"
    return RenderedRequest(
        method=template.method,
        url=render(template.url, values, _url_escape),
        headers=headers,
        content=content,
        username=template.username,
        password=template.password,
    )
