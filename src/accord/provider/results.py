"""Verification outcomes as data, and the reports made from them (text, JSON, JUnit)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from accord.matching.mismatch import Mismatch
from accord.provider.safe_text import encodable, for_xml


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    """User code (producer or state handler) failed, or the producer is missing."""


@dataclass(slots=True)
class InteractionResult:
    """How one interaction fared."""

    consumer: str
    provider: str
    description: str
    outcome: Outcome
    kind: str = "async message"
    """What sort of interaction: ``HTTP``, ``async message`` or ``sync message``."""
    states: list[str] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    error: str | None = None
    """First-line reason when user code failed: exception type, message and location."""
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    pending: bool = False
    interaction_id: str | None = None
    comments: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    source: str = ""

    @property
    def ok(self) -> bool:
        """Passed, or failed while pending (pending failures do not fail a build)."""
        return self.outcome is Outcome.PASSED or self.pending

    @property
    def reason(self) -> str:
        """Why it failed, in one line."""
        if self.error:
            return self.error
        if self.mismatches:
            first = self.mismatches[0]
            more = f" (and {len(self.mismatches) - 1} more)" if len(self.mismatches) > 1 else ""
            return f"{first}{more}"
        return ""

    def comment_lines(self) -> list[str]:
        """The consumer's V4 comments: the test that defined it, then the free text."""
        lines = []
        if self.comments.get("testname"):
            lines.append(f"test name: {self.comments['testname']}")
        lines += [f"comment: {text}" for text in self.comments.get("text", [])]
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "consumer": self.consumer,
            "provider": self.provider,
            "description": self.description,
            "kind": self.kind,
            "providerStates": self.states,
            "outcome": self.outcome.value,
            "pending": self.pending,
            "error": self.error,
            "mismatches": [m.to_json() for m in self.mismatches],
            "warnings": self.warnings,
            "notices": self.notices,
            "interactionId": self.interaction_id,
            "comments": self.comments,
            "seconds": round(self.seconds, 6),
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class PublishedResults:
    """One pact's verification result as sent to the broker."""

    consumer: str
    consumer_version: str | None
    provider_version: str
    success: bool
    url: str
    """Where the broker keeps the result (its ``self`` link), else where it was posted."""

    def describe(self) -> str:
        verdict = "success" if self.success else "failure"
        version = f" {self.consumer_version}" if self.consumer_version else ""
        return (
            f"published {verdict} for {self.consumer}{version} "
            f"(provider version {self.provider_version}): {self.url}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "consumer": self.consumer,
            "consumerVersion": self.consumer_version,
            "providerVersion": self.provider_version,
            "success": self.success,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class SourceFailure:
    """A pact source that could not be loaded; the other sources were still verified."""

    source: str
    error: str
    """One line naming the source and the problem (a path inside the file when known)."""

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "error": self.error}


@dataclass(slots=True)
class VerificationResult:
    """Every interaction's outcome; ``ok`` is the verdict."""

    provider: str
    results: list[InteractionResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    """The run was stopped (Ctrl-C) before every interaction was verified."""
    published: list[PublishedResults] = field(default_factory=list)
    """What went back to the broker, one entry per pact (``publish=True``)."""
    source_errors: list[SourceFailure] = field(default_factory=list)
    """Sources that could not be loaded (a malformed file among good ones)."""

    @property
    def ok(self) -> bool:
        return self.complete and all(r.ok for r in self.results)

    @property
    def complete(self) -> bool:
        """Every source was loaded and every selected interaction verified.

        When false, the run could not give a verdict on everything (the CLI exits 2).
        """
        return not self.interrupted and not self.source_errors

    @property
    def failures(self) -> list[InteractionResult]:
        return [r for r in self.results if not r.ok]

    def __bool__(self) -> bool:
        return self.ok

    def summary(self) -> str:
        passed = sum(r.outcome is Outcome.PASSED for r in self.results)
        pending = sum(r.outcome is not Outcome.PASSED and r.pending for r in self.results)
        failed = len(self.results) - passed - pending
        text = f"{len(self.results)} interactions: {passed} passed, {failed} failed"
        if pending:
            text += f", {pending} pending failed"
        if self.source_errors:
            count = len(self.source_errors)
            text += f"; {count} pact source{'s' if count > 1 else ''} could not be loaded"
        if self.interrupted:
            text += " (interrupted)"
        return text

    def report(self, *, verbose: bool = False, encoding: str | None = None) -> str:
        """A readable report: one line per interaction, then each failure in full.

        The first line carries the first failure's reason, so ``assert result.ok,
        result.report()`` says why in the line pytest shows first. Names, values and
        reasons come from pacts and producers, so control characters and lone surrogates
        are shown escaped (the text always encodes as UTF-8); with ``encoding``, whatever
        that encoding cannot carry is escaped too (``encoding=sys.stdout.encoding``).
        """
        head = f"Verifying provider {self.provider!r}"
        failures = self.failures
        if self.source_errors:
            others = len(self.source_errors) - 1
            head += f": could not load a pact: {self.source_errors[0].error}"
            head += f" (and {others} more)" if others else ""
        elif failures:
            first = failures[0]
            more = f" (and {len(failures) - 1} more failed)" if len(failures) > 1 else ""
            head += f": {first.consumer}: {first.description!r} failed: {first.reason}{more}"
        lines = [head]
        lines += [f"  [ERROR] could not load a pact: {s.error}" for s in self.source_errors]
        lines += [f"  warning: {w}" for w in self.warnings]
        for r in self.results:
            mark = "ok" if r.outcome is Outcome.PASSED else ("PENDING" if r.pending else "FAIL")
            given = f" given {', '.join(repr(s) for s in r.states)}" if r.states else ""
            lines.append(f"  [{mark}] {r.consumer}: {r.description!r}{given} ({r.kind})")
            lines += [f"      {line}" for line in r.comment_lines()]
            if r.outcome is not Outcome.PASSED:
                if r.error:
                    lines.append(f"      {r.error}")
                lines += [f"      {m}" for m in r.mismatches]
            lines += [f"      warning: {w}" for w in r.warnings]
            if verbose:
                lines += [f"      note: {n}" for n in r.notices]
        lines.append(self.summary())
        return encodable("\n".join(lines), encoding)

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "ok": self.ok,
            "summary": self.summary(),
            "seconds": round(self.seconds, 6),
            "warnings": self.warnings,
            "interrupted": self.interrupted,
            "published": [p.to_json() for p in self.published],
            "sourceErrors": [s.to_json() for s in self.source_errors],
            "interactions": [r.to_json() for r in self.results],
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2)

    def to_junit(self) -> str:
        """JUnit XML: one test suite per consumer, one test case per interaction."""
        root = ET.Element("testsuites", name=f"accord verify {self.provider}")
        suites: dict[str, ET.Element] = {}
        if self.source_errors:
            sources = suites[""] = ET.SubElement(root, "testsuite", name="pact sources")
            for failure in self.source_errors:
                case = ET.SubElement(
                    sources, "testcase", classname="pact sources", name=failure.source
                )
                ET.SubElement(case, "error", message=failure.error).text = failure.error
        for r in self.results:
            suite = suites.get(r.consumer)
            if suite is None:
                suite = ET.SubElement(root, "testsuite", name=f"{r.consumer} -> {self.provider}")
                suites[r.consumer] = suite
            case = ET.SubElement(
                suite,
                "testcase",
                classname=r.consumer,
                name=f"{r.kind}: {r.description}",
                time=f"{r.seconds:.6f}",
            )
            if r.outcome is Outcome.PASSED:
                continue
            if r.pending:
                ET.SubElement(case, "skipped", message=f"pending: {r.reason}")
            else:
                tag = "error" if r.outcome is Outcome.ERROR else "failure"
                node = ET.SubElement(case, tag, message=r.reason)
                node.text = "\n".join([r.error or "", *(str(m) for m in r.mismatches)]).strip()
        for suite in suites.values():
            cases = list(suite)
            suite.set("tests", str(len(cases)))
            suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
            suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
            suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
        return junit_text(root)


def junit_text(root: ET.Element) -> str:
    """The XML document, with every name, attribute and text made valid XML 1.0 first.

    Descriptions, states and mismatch messages come from pacts and producers; one control
    character or lone surrogate among them would make the whole report unreadable.
    """
    for element in root.iter():
        for key, value in element.attrib.items():
            element.set(key, for_xml(value))
        if element.text:
            element.text = for_xml(element.text)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
