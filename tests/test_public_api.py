"""The public face: what ``accord`` exports is exactly what its docs make users import."""

from __future__ import annotations

import re
import types
from pathlib import Path

import accord

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = {
    # the library
    "Pact",
    "Verifier",
    "Message",
    "match",
    "generate",
    "__version__",
    # results and the events reporters listen to
    "VerificationResult",
    "InteractionResult",
    "Outcome",
    "Event",
    "Listener",
    "VerificationStarted",
    "InteractionStarted",
    "InteractionFinished",
    "VerificationWarning",
    "VerificationFinished",
    "SourceUnloaded",
    "ResultsPublished",
    # what a sync-message handler receives
    "SyncExchange",
    # errors a caller may catch
    "AccordError",
    "HandlerFailed",
    "PactFileError",
    "PactWriteError",
    "MatcherError",
    "MessageDecodeError",
    "MessageServerError",
    "RemoteProviderError",
    "SourceError",
    "BrokerError",
    "HttpError",
    "MockServerMismatch",
    "RuleError",
    "SchemaError",
    "MissingExtraError",
    "EventLoopError",
    # reaching pacts and brokers
    "Auth",
    "BrokerClient",
    "client_from_env",
}


def test_all_is_the_public_face() -> None:
    assert set(accord.__all__) == EXPECTED
    assert accord.__all__ == sorted(accord.__all__)


def test_every_exported_name_exists_and_nothing_public_is_unlisted() -> None:
    for name in accord.__all__:
        assert hasattr(accord, name), name
    stray = {
        name
        for name, value in vars(accord).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert stray <= set(accord.__all__), stray - set(accord.__all__)


def test_errors_share_one_root() -> None:
    for name in accord.__all__:
        value = getattr(accord, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, accord.AccordError), name


def test_the_docs_import_only_public_names() -> None:
    """README and docs import from ``accord`` itself (the broker and CLI are extras/tools)."""
    allowed_modules = {"accord", "accord.broker", "accord.cli"}
    pattern = re.compile(r"^\s*from (accord[\w.]*) import ([\w, ()]+)", re.MULTILINE)
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for module, names in pattern.findall(doc.read_text(encoding="utf-8")):
            assert module in allowed_modules, f"{doc.name} imports from {module}"
            if module == "accord":
                for name in re.split(r"[,\s()]+", names):
                    assert not name or name in accord.__all__, f"{doc.name}: {name}"


def test_names_load_with_first_use_and_dir_lists_them_all() -> None:
    """``from accord import Pact, Verifier, match`` (a test's imports) leaves the events,
    results, broker client and asyncio for later; every public name is still there."""
    import subprocess
    import sys

    probe = (
        "import sys; from accord import Pact, Verifier, match, generate; "
        "print(','.join(m for m in ('asyncio', 'accord.provider.events', "
        "'accord.provider.results', 'accord.broker_client', 'accord.provider.run') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
    assert set(accord.__all__) <= set(dir(accord))
