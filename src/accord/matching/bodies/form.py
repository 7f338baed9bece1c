"""``application/x-www-form-urlencoded`` bodies: parameter by parameter, in order."""

from __future__ import annotations

from urllib.parse import parse_qsl

from accord.matching.bodies.registry import BodyContext, BodyFormat, BodyRules
from accord.matching.mismatch import Mismatch
from accord.model.body import Body, media_type

FORM_TYPE = "application/x-www-form-urlencoded"


def accepts(body: Body) -> bool:
    return media_type(body.content_type) == FORM_TYPE


def compare(expected: Body, actual: Body, rules: BodyRules, context: BodyContext) -> list[Mismatch]:
    want = _form(expected.to_text())
    got = _form(actual.to_text())
    out = []
    for name, values in want.items():
        if name not in got:
            out.append(
                Mismatch(
                    "body", f"$.{name}", f"Expected form post parameter '{name}' but was missing"
                )
            )
        elif got[name] != values:
            out.append(
                Mismatch(
                    "body",
                    f"$.{name}",
                    f"Expected form post parameter '{name}' with value '{', '.join(values)}' "
                    f"but was '{', '.join(got[name])}'",
                )
            )
    for name in got:
        if name not in want:
            out.append(Mismatch("body", f"$.{name}", f"Unexpected form post parameter '{name}'"))
    return out


def _form(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        out.setdefault(key, []).append(value)
    return out


FORM = BodyFormat("form", accepts, compare)
