"""XML bodies, compared element by element (:mod:`accord.matching.xml_body`)."""

from __future__ import annotations

from accord.matching.bodies.registry import BodyContext, BodyFormat, BodyRules
from accord.matching.mismatch import Mismatch
from accord.matching.xml_body import compare_xml
from accord.model.body import Body, is_xml_type


def accepts(body: Body) -> bool:
    return is_xml_type(body.content_type)


def compare(expected: Body, actual: Body, rules: BodyRules, context: BodyContext) -> list[Mismatch]:
    return compare_xml(expected, actual, rules, allow_unexpected=context.allow_unexpected_keys)


XML = BodyFormat("xml", accepts, compare)
