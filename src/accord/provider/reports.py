"""Report files as listeners on the verifier's events: JSON and JUnit XML.

They write when :class:`~accord.provider.events.VerificationFinished` arrives, which the run
loop emits even after Ctrl-C. When the run could not start at all (an unreadable source, a
bad option), :meth:`ReportFile.write_error` still leaves a file saying why, so a CI step
that collects reports never finds nothing.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from accord.provider.events import Event, VerificationFinished
from accord.provider.results import VerificationResult, junit_text


class ReportFile:
    """Base of the file reports: remembers whether it wrote, so errors are not doubled."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.written = False

    def __call__(self, event: Event) -> None:
        if isinstance(event, VerificationFinished):
            self._write(self.render(event.result))

    def render(self, result: VerificationResult) -> str:
        raise NotImplementedError

    def render_error(self, provider: str, message: str) -> str:
        raise NotImplementedError

    def write_error(self, provider: str, message: str) -> None:
        """The run could not happen; say so in the report unless one was written."""
        if not self.written:
            self._write(self.render_error(provider, message))

    def _write(self, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(text + "\n", encoding="utf-8")
        self.written = True


class JsonReport(ReportFile):
    def render(self, result: VerificationResult) -> str:
        return result.dumps()

    def render_error(self, provider: str, message: str) -> str:
        return json.dumps(
            {"provider": provider, "ok": False, "error": message, "interactions": []}, indent=2
        )


class JUnitReport(ReportFile):
    def render(self, result: VerificationResult) -> str:
        return result.to_junit()

    def render_error(self, provider: str, message: str) -> str:
        root = ET.Element("testsuites", name=f"accord verify {provider}")
        suite = ET.SubElement(
            root, "testsuite", name=provider, tests="1", failures="0", errors="1", skipped="0"
        )
        case = ET.SubElement(suite, "testcase", classname=provider, name="verification")
        ET.SubElement(case, "error", message=message).text = message
        return junit_text(root)
