"""``application/x-www-form-urlencoded`` bodies: parameter by parameter, in order.

A body rule at ``$.name`` (as the Pact reference writes rules for form parameters) applies
to each value of that parameter; parameters without one compare by equality.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from accord.matching.bodies.registry import BodyContext, BodyFormat, BodyRules
from accord.matching.mismatch import Mismatch
from accord.matching.path import to_expression
from accord.matching.values import check_all
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
        elif (rule_list := rules.get(to_expression(("$", name)))) is not None:
            for index, value in enumerate(got[name]):
                example = values[min(index, len(values) - 1)] if values else None
                out.extend(
                    Mismatch("body", f"$.{name}", failure, example, value)
                    for failure in check_all(
                        rule_list.rules, rule_list.combine, example, value, coerce=True
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
