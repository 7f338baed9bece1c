"""HTTP replay: send each pact request to a running provider and read its response.

httpx does the HTTP (a small, well-kept, pure-Python client) and is imported only when an
HTTP interaction is verified, so ``import accord`` stays fast. The same code serves an
ASGI/WSGI app in-process (:mod:`.asgi_wsgi`): only the httpx transport differs.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from accord.model.body import Body, is_json_type, is_text_type
from accord.model.pact import HttpRequest, HttpResponse
from accord.provider.errors import InteractionError, describe_exception
from accord.provider.transports import TransportOptions

if TYPE_CHECKING:
    import httpx

RequestHook = Callable[["httpx.Request"], Any]
"""Called with each outgoing :class:`httpx.Request`; may change it in place, or return a
new request to send instead (``None`` keeps the one given)."""


class HttpClient:
    """An :class:`~accord.provider.transports.HttpTransport` over an httpx client.

    ``client`` is an ``httpx.AsyncClient`` (an ASGI app, or a running server under
    ``verify_async``, which may share the caller's loop) or an ``httpx.Client`` (a WSGI
    app, which httpx serves only synchronously, or a running server under ``verify``,
    where no provider can be on the verifier's own loop); sync calls block the loop, which
    costs nothing because interactions are verified one after another.
    """

    def __init__(
        self,
        client: httpx.AsyncClient | httpx.Client,
        *,
        describe: str,
        custom_headers: dict[str, str] | None = None,
        request_hook: RequestHook | None = None,
        timeout: float | None = 30.0,
    ) -> None:
        self.client = client
        self.describe = describe
        self.custom_headers = dict(custom_headers or {})
        self.request_hook = request_hook
        self.timeout = timeout

    async def send(self, request: HttpRequest) -> HttpResponse:
        import httpx

        outgoing = self.client.build_request(
            request.method.upper(),
            _target(request),
            headers=_headers(request, self.custom_headers),
            content=_content(request.body),
        )
        if self.request_hook is not None:
            outgoing = await self._hook(outgoing)
        try:
            if isinstance(self.client, httpx.AsyncClient):
                call = self.client.send(outgoing)
                response = await (asyncio.wait_for(call, self.timeout) if self.timeout else call)
            else:
                response = self.client.send(outgoing)
        except TimeoutError as exc:
            raise InteractionError(
                f"{outgoing.method} {outgoing.url.raw_path.decode()} to {self.describe} did "
                f"not finish within {self.timeout:g} s"
            ) from exc
        except httpx.HTTPError as exc:
            raise InteractionError(
                f"{outgoing.method} {outgoing.url} failed: {describe_exception(exc)}"
            ) from exc
        except Exception as exc:  # an in-process app's own exception
            raise InteractionError(
                f"{self.describe} raised {describe_exception(exc)} on "
                f"{outgoing.method} {outgoing.url.raw_path.decode()}"
            ) from exc
        return to_model(response)

    async def _hook(self, outgoing: httpx.Request) -> httpx.Request:
        hook = self.request_hook
        assert hook is not None
        try:
            changed = hook(outgoing)
            if inspect.isawaitable(changed):
                changed = await changed
        except Exception as exc:
            raise InteractionError(f"the request hook raised {describe_exception(exc)}") from exc
        return outgoing if changed is None else changed

    async def aclose(self) -> None:
        import httpx

        if isinstance(self.client, httpx.AsyncClient):
            await self.client.aclose()
        else:
            self.client.close()


def from_target(target: Any, options: TransportOptions) -> HttpClient:
    """Replay against ``target``, a base URL such as ``http://127.0.0.1:8000``."""
    import httpx

    base_url = str(target).rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise InteractionError(f"the provider base URL must be http(s)://..., not {target!r}")
    # Plain http:// needs no TLS context; building one costs tens of milliseconds per run.
    verify = base_url.startswith("https://")
    client: httpx.AsyncClient | httpx.Client
    if options.blocking:
        client = httpx.Client(
            base_url=base_url, timeout=options.timeout, follow_redirects=False, verify=verify
        )
    else:
        client = httpx.AsyncClient(
            base_url=base_url, timeout=options.timeout, follow_redirects=False, verify=verify
        )
    return HttpClient(
        client,
        describe=base_url,
        custom_headers=options.custom_headers,
        request_hook=options.request_hook,
        timeout=options.timeout,
    )


def _target(request: HttpRequest) -> str:
    """Path and query string, as the pact wrote them (a raw V2 query is kept as is)."""
    path = quote(request.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if request.raw_query is not None and request.raw_query != "":
        return f"{path}?{request.raw_query}"
    if not request.query:
        return path
    parts = []
    for key, values in request.query.items():
        name = quote(key, safe="")
        for value in values or [None]:
            parts.append(name if value is None else f"{name}={quote(str(value), safe='')}")
    return f"{path}?{'&'.join(parts)}"


def _headers(request: HttpRequest, custom: dict[str, str]) -> list[tuple[str, str]]:
    """The pact's headers (several values joined by commas), custom ones replacing them."""
    replaced = {name.lower() for name in custom}
    out = [
        (name, ", ".join(values))
        for name, values in (request.headers or {}).items()
        if name.lower() not in replaced
    ]
    body = request.body
    has_type = any(name.lower() == "content-type" for name, _ in out) or "content-type" in replaced
    if body is not None and body.content_type and not has_type and _content(body):
        out.append(("Content-Type", body.content_type))
    out += list(custom.items())
    return out


def _content(body: Body | None) -> bytes | None:
    if body is None or body.content is None:
        return None
    return body.to_bytes()


def to_model(response: httpx.Response) -> HttpResponse:
    """An httpx response as accord's model, its body decoded by its content type."""
    headers: dict[str, list[str]] = {}
    for name, value in response.headers.multi_items():
        headers.setdefault(name, []).append(value)
    content_type = response.headers.get("content-type")
    return HttpResponse(
        status=response.status_code, headers=headers, body=body_from(response.content, content_type)
    )


def body_from(raw: bytes, content_type: str | None) -> Body | None:
    """A received body: JSON parsed, text decoded, anything else kept as bytes."""
    if not raw:
        return None
    if is_json_type(content_type):
        try:
            return Body(json.loads(raw), content_type)
        except ValueError:
            return Body(raw.decode("utf-8", "replace"), content_type)
    if content_type is None or is_text_type(content_type):
        try:
            return Body(raw.decode("utf-8"), content_type)
        except UnicodeDecodeError:
            return Body(raw, content_type)
    return Body(raw, content_type)
