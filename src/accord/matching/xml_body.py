"""XML bodies, compared element by element under Pact's body rules.

Paths address XML the way the Pact reference implementation does: an element is reached by
its tag names (``$.animals.alligator``, no index), an attribute by ``['@name']`` and text by
``#text``. Children are grouped by tag; a ``type`` rule on a group allows any number of them,
each compared with the first expected one. Tags compare with their namespace URI.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby
from typing import Any

from accord.matching.mismatch import Mismatch, format_path
from accord.matching.path import Location
from accord.matching.rule_index import RuleIndex
from accord.matching.values import check_all, check_size, rule_name
from accord.model.body import Body
from accord.model.rules import RuleList


class XmlError(ValueError):
    """The body is not well-formed XML."""


def parse_xml(body: Body) -> ET.Element:
    raw = (
        body.content
        if isinstance(body.content, bytes)
        else str(body.content).encode("utf-8", "replace")
    )
    try:
        return ET.fromstring(raw)
    except ET.ParseError as exc:
        raise XmlError(str(exc)) from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag


def _text(node: ET.Element) -> str:
    return ((node.text or "") + "".join((child.tail or "") for child in node)).strip()


def _structural(rule_list: RuleList | None) -> bool:
    return rule_list is not None and any(rule_name(r) != "equality" for r in rule_list.rules)


class XmlComparison:
    def __init__(self, rules: dict[str, RuleList] | None, *, allow_unexpected: bool) -> None:
        self.rules = RuleIndex(rules)
        self.allow_unexpected = allow_unexpected
        self.mismatches: list[Mismatch] = []

    def fail(
        self, location: Location, message: str, expected: Any = None, actual: Any = None
    ) -> None:
        self.mismatches.append(Mismatch("body", format_path(location), message, expected, actual))

    def compare(self, expected: ET.Element, actual: ET.Element, parent: Location = ("$",)) -> None:
        location = (*parent, _local(expected.tag))
        if expected.tag != actual.tag:
            self.fail(
                location,
                f"Expected element <{expected.tag}> but received <{actual.tag}>",
                expected.tag,
                actual.tag,
            )
            return
        own, exact = self.rules.lookup(location)
        if exact and own is not None:
            children = [f"<{_local(child.tag)}/>" for child in actual]
            for rule in own.rules:
                failure = check_size(rule, children)
                if failure:
                    self.fail(location, failure)
        self._attributes(expected, actual, location)
        self._text(expected, actual, location)
        self._children(expected, actual, location)

    def _value(self, expected: str, actual: str, location: Location) -> None:
        rule_list, _ = self.rules.lookup(location)
        if rule_list is not None and _structural(rule_list):
            for failure in check_all(rule_list.rules, rule_list.combine, expected, actual):
                self.fail(location, failure, expected, actual)
        elif expected != actual:
            self.fail(location, f"Expected '{expected}' but received '{actual}'", expected, actual)

    def _attributes(self, expected: ET.Element, actual: ET.Element, location: Location) -> None:
        for name, value in expected.attrib.items():
            where = (*location, "@" + _local(name))
            if name not in actual.attrib:
                self.fail(where, f"Expected attribute '{_local(name)}' but was missing", value)
            else:
                self._value(value, actual.attrib[name], where)
        if not self.allow_unexpected:
            for name in actual.attrib:
                if name not in expected.attrib:
                    self.fail(location, f"Did not expect attribute '{_local(name)}'")

    def _text(self, expected: ET.Element, actual: ET.Element, location: Location) -> None:
        want, got = _text(expected), _text(actual)
        if not want and not got:
            return
        where = (*location, "#text")
        rule_list, _ = self.rules.lookup(where)
        if rule_list is None or not _structural(rule_list):
            own, _ = self.rules.lookup(location)
            if own is not None and _structural(own):
                for failure in check_all(own.rules, own.combine, want, got):
                    self.fail(where, failure, want, got)
                return
        self._value(want, got, where)

    def _children(self, expected: ET.Element, actual: ET.Element, location: Location) -> None:
        want = {tag: list(group) for tag, group in groupby(sorted(expected, key=_tag), key=_tag)}
        got = {tag: list(group) for tag, group in groupby(sorted(actual, key=_tag), key=_tag)}
        for tag, examples in want.items():
            received = got.get(tag, [])
            where = (*location, _local(tag))
            rule_list, exact = self.rules.lookup(where)
            if exact and _structural(rule_list):
                assert rule_list is not None
                for rule in rule_list.rules:
                    failure = check_size(rule, [f"<{_local(tag)}/>"] * len(received))
                    if failure:
                        self.fail(where, failure)
                for index, item in enumerate(received):
                    example = examples[index] if index < len(examples) else examples[0]
                    self.compare(example, item, location)
                continue
            for index, example in enumerate(examples):
                if index < len(received):
                    self.compare(example, received[index], location)
                else:
                    self.fail(where, f"Expected child <{_local(tag)}/> but was missing")
            if len(received) > len(examples) and not self.allow_unexpected:
                self.fail(
                    where,
                    f"Expected {len(examples)} <{_local(tag)}/> child element(s) "
                    f"but received {len(received)}",
                )
        for tag in got:
            if tag not in want and (
                not self.allow_unexpected or self._type_rule_at((*location, _local(tag)))
            ):
                self.fail(location, f"Did not expect child <{_local(tag)}/>")

    def _type_rule_at(self, location: Location) -> bool:
        """An unexpected child is allowed in a response unless a type rule reaches it.

        So the Rust core decides: a type matcher on the parent describes every child.
        """
        rule_list, _ = self.rules.lookup(location)
        return rule_list is not None and any(rule_name(r) == "type" for r in rule_list.rules)


def _tag(node: ET.Element) -> str:
    return node.tag


def compare_xml(
    expected: Body, actual: Body, rules: dict[str, RuleList] | None, *, allow_unexpected: bool
) -> list[Mismatch]:
    try:
        want = parse_xml(expected)
    except XmlError as exc:
        return [Mismatch("body", "$", f"The expected body is not valid XML: {exc}")]
    try:
        got = parse_xml(actual)
    except XmlError as exc:
        return [Mismatch("body", "$", f"Failed to parse the actual body as XML: {exc}")]
    comparison = XmlComparison(rules, allow_unexpected=allow_unexpected)
    comparison.compare(want, got)
    return comparison.mismatches
