"""Multipart bodies: split both into parts, then compare each part as a body of its own.

A multipart body's bytes differ with every boundary, so comparing them whole says nothing
useful. Pact compares part by part: form-data parts by name, others in order. Each part's
payload is decoded (``Content-Transfer-Encoding`` included) by the standard library's MIME
parser and compared by the format its own content type picks. A rule at ``$`` (a
``contentType`` matcher, say) decides instead, as for any text or binary body.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from accord.matching.bodies.binary import root_rule_mismatches
from accord.matching.bodies.registry import BodyContext, BodyFormat, BodyRules, compare_bodies
from accord.matching.mismatch import Mismatch
from accord.model.body import Body, is_json_type, is_text_type, media_type
from accord.model.rules import MatchingRules

if TYPE_CHECKING:
    import email.message


def accepts(body: Body) -> bool:
    return media_type(body.content_type).startswith("multipart/")


def compare(expected: Body, actual: Body, rules: BodyRules, context: BodyContext) -> list[Mismatch]:
    by_rule = root_rule_mismatches(expected, actual, rules)
    if by_rule is not None:
        return by_rule
    want = _parts(expected)
    got = _parts(actual)
    if want is None:
        return [Mismatch("body", "$", "The expected multipart body could not be parsed")]
    if got is None:
        return [
            Mismatch(
                "body",
                "$",
                f"Expected a multipart body ({expected.content_type}) "
                "but the actual body is not one",
            )
        ]
    if all(name for name, _ in want):
        received = dict(got)
        out: list[Mismatch] = []
        for name, body in want:
            if name not in received:
                out.append(
                    Mismatch("body", f"$.{name}", f"Expected a part named '{name}' but was missing")
                )
            else:
                out += _compare_part(body, received[name], context)
        return out
    out = []
    if len(want) != len(got):
        out.append(
            Mismatch(
                "body",
                "$",
                f"Expected a multipart body with {len(want)} parts but received {len(got)}",
                len(want),
                len(got),
            )
        )
    for (_, body), (_, other) in zip(want, got, strict=False):
        out += _compare_part(body, other, context)
    return out


def _compare_part(expected: Body, actual: Body, context: BodyContext) -> list[Mismatch]:
    return compare_bodies(
        expected,
        actual,
        MatchingRules(),
        allow_unexpected_keys=context.allow_unexpected_keys,
        schemas=context.schemas,
    )


def _parts(body: Body) -> list[tuple[str, Body]] | None:
    """``(name, body)`` for each part, or None when the body is not multipart."""
    # The email package costs ``import accord`` 20 ms; only multipart bodies need it.
    from email import message_from_bytes, policy
    from email.message import Message as MimeMessage
    from email.utils import collapse_rfc2231_value

    head = f"Content-Type: {body.content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    parsed = message_from_bytes(head + body.to_bytes(), policy=policy.compat32)
    if not parsed.is_multipart():
        return None
    out = []
    for part in parsed.get_payload():
        if not isinstance(part, MimeMessage):
            return None
        name = part.get_param("name", "", header="content-disposition")
        out.append((collapse_rfc2231_value(name) if name else "", _body(part)))
    return out


def _body(part: email.message.Message) -> Body:
    content_type = part.get_content_type() if part.get("Content-Type") else "text/plain"
    data = part.get_payload(decode=True)
    payload = data if isinstance(data, bytes) else b""
    if is_json_type(content_type):
        try:
            return Body(json.loads(payload.decode("utf-8")), content_type)
        except (UnicodeDecodeError, ValueError):
            return Body(payload, content_type)
    if is_text_type(content_type):
        try:
            return Body(payload.decode(part.get_content_charset() or "utf-8"), content_type)
        except (UnicodeDecodeError, LookupError):
            return Body(payload, content_type)
    return Body(payload, content_type)


MULTIPART = BodyFormat("multipart", accepts, compare)
