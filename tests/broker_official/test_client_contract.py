"""The official client's own contract with the broker, verified against accord's broker by the
official verifier.

``Pact Broker Client V2-Pact Broker.json`` (pact-foundation/pact_broker-client, 67
interactions) is what the Pact Broker's clients expect of it. ``pact verifier --file`` replays
every interaction against accord's broker; before each one it POSTs the provider state to a
state-change endpoint served here, which wipes the broker and builds the state
(:mod:`tests.broker_official.client_contract_states`). As in the Pact Broker's own
verification of this pact, the broker's public URL is ``http://example.org`` (some expected
hrefs are literal) and the key-sorted ``/matrix`` query strings get their intended order back.

Runs on SQLite and PostgreSQL, each in a database of its own (every state wipes it). One
verifier run per backend; each interaction is then its own test, judged from the verifier's
JSON report.

Interactions accord does not satisfy are listed in :data:`KNOWN_GAPS` with the reason, as
strict expected failures (one that starts passing fails the run until it is taken off the
list); at present there are none. Should the broker have no ``/webhooks`` API at all
(``GET /webhooks`` not 200), every failing webhook interaction is reported as an expected
failure saying so.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from accord.broker import Settings, create_app
from accord.broker.db.engine import make_engine
from tests.broker.conftest import POSTGRES_URL
from tests.broker_official.client_contract_states import STATES, Seed, reorder_matrix_query
from tests.broker_official.support import AsgiServer, StateServer, fresh_postgres_database, pact

CONFORMANCE = Path(__file__).resolve().parents[1] / "data" / "pact-conformance"
CONTRACT = CONFORMANCE / "broker-client-contracts" / "Pact Broker Client V2-Pact Broker.json"
PUBLIC_URL = "http://example.org"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def contract_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('contract') / 'broker.sqlite3'}"
        return
    request.getfixturevalue("postgres_url")  # fails (not skips) when PostgreSQL is down
    with fresh_postgres_database(POSTGRES_URL) as url:
        yield url


def contract() -> dict[str, Any]:
    if not CONTRACT.is_file():
        pytest.fail(f"the official client contract is missing: {CONTRACT}", pytrace=False)
    data: dict[str, Any] = json.loads(CONTRACT.read_text())
    return data


@dataclass(frozen=True)
class Run:
    report: dict[str, Any]
    state_errors: list[str]
    webhooks_supported: bool


def verify_contract(database_url: str, report: Path) -> Run:
    """Run the official verifier over the whole contract against a fresh broker."""
    settings = Settings(database_url=database_url, public_url=PUBLIC_URL)
    app = reorder_matrix_query(create_app(settings))
    engine = make_engine(database_url)
    with AsgiServer(app) as broker, httpx.Client(base_url=broker.url, timeout=30) as http:
        seed = Seed(http, engine)
        webhooks_supported = http.get("/webhooks").status_code == 200

        skipped: list[str] = []

        def on_change(state: str, action: str, params: dict[str, Any]) -> None:
            if action != "setup":
                return
            if state not in STATES:
                raise KeyError(f"no set-up for provider state {state!r}")
            seed.wipe()
            try:
                STATES[state](seed)
            except AssertionError as exc:
                if webhooks_supported or "webhook" not in state:
                    raise  # a 500: the verifier fails the interaction
                # no webhooks API to seed through; answering 500 would only make the verifier
                # retry for a minute before failing the interaction anyway
                skipped.append(f"{state}: {exc}")

        with StateServer(on_change) as states:
            pact(
                "verifier",
                "--file",
                str(CONTRACT),
                "--hostname",
                "127.0.0.1",
                "--port",
                str(broker.port),
                "--state-change-url",
                states.url,
                "--json",
                str(report),
                "--no-colour",
                check=False,
                timeout=300,
            )
    engine.dispose()
    if not report.is_file():
        pytest.fail("the verifier wrote no JSON report", pytrace=False)
    return Run(json.loads(report.read_text()), states.errors + skipped, webhooks_supported)


INTERACTIONS: list[dict[str, Any]] = (
    json.loads(CONTRACT.read_text())["interactions"] if CONTRACT.is_file() else []
)


def _is_webhook(interaction: dict[str, Any]) -> bool:
    path = str(interaction["request"]["path"])
    state = str(interaction.get("providerState") or "")
    return path.startswith("/webhooks") or "webhook" in state


@pytest.fixture(scope="module")
def run(contract_database: str, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return verify_contract(contract_database, tmp_path_factory.mktemp("report") / "report.json")


def test_the_contract_is_the_official_one_with_67_interactions() -> None:
    doc = contract()
    assert doc["consumer"]["name"] == "Pact Broker Client V2"
    assert doc["provider"]["name"] == "Pact Broker"
    assert len(doc["interactions"]) == 67


def test_every_provider_state_in_the_contract_has_a_set_up() -> None:
    states = {str(i.get("providerState") or "") for i in contract()["interactions"]}
    assert states - set(STATES) == set()


def test_the_verifier_reports_every_interaction(run: Run) -> None:
    results = run.report["interactionResults"]
    assert [r["description"] for r in results] == [i["description"] for i in INTERACTIONS]
    if not run.webhooks_supported:
        assert all("webhook" in error for error in run.state_errors), run.state_errors
    else:
        assert run.state_errors == []


def _errors_for(run: Run, index: int) -> list[Any]:
    """The report's mismatches for one interaction (errors name it by description + state)."""
    interaction = INTERACTIONS[index]
    state = interaction.get("providerState")
    wanted = (
        "Verifying a pact between Pact Broker Client V2 and Pact Broker"
        + (f" Given {state} - " if state else " - ")
        + str(interaction["description"])
    )
    return [e["mismatch"] for e in run.report["errors"] if e["interaction"] == wanted]


# Interactions accord's broker does not satisfy, and why. Strict: one that starts passing
# fails the run until its entry is removed here.
KNOWN_GAPS: dict[int, str] = {}


def _interaction_param(n: int, interaction: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(reason=KNOWN_GAPS[n], strict=True)] if n in KNOWN_GAPS else []
    slug = "-".join(str(interaction["description"]).split()[2:7])
    return pytest.param(n, id=f"{n:02d}-{slug}", marks=marks)


@pytest.mark.parametrize("index", [_interaction_param(n, i) for n, i in enumerate(INTERACTIONS)])
def test_interaction(run: Run, index: int) -> None:
    interaction = INTERACTIONS[index]
    result = run.report["interactionResults"][index]
    assert result["description"] == interaction["description"]
    if result["result"] == "OK":
        return
    errors = _errors_for(run, index)
    if _is_webhook(interaction) and not run.webhooks_supported:
        pytest.xfail(
            "accord's broker has no /webhooks API yet (GET /webhooks is not 200): "
            f"{interaction['request']['method']} {interaction['request']['path']} cannot pass"
        )
    pytest.fail(
        f"{interaction['description']!r} (given {interaction.get('providerState')!r}) "
        f"failed:\n{json.dumps(errors, indent=1)}",
        pytrace=False,
    )
