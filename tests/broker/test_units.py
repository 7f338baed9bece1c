"""Pure pieces of the broker, tested without a server or database."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from accord.broker import pact_metadata
from accord.broker.content import MergeConflict, content_sha, merge, prepare
from accord.broker.db.engine import normalise_url
from accord.broker.http.errors import BadRequest, MethodNotAllowed, NotFound
from accord.broker.http.routing import Router, split_path
from accord.broker.matrix.query import group_nested, parse_can_i_deploy_query, parse_matrix_query
from accord.errors import PactFileError
from tests.broker.support import message_pact


def handler(req: object, conn: object) -> object:
    return None


def test_paths_are_split_before_decoding() -> None:
    assert split_path("/pacticipants/Foo%20Bar/branches/feat%2Fx/") == [
        "pacticipants",
        "Foo Bar",
        "branches",
        "feat/x",
    ]


def test_router_prefers_literals_and_reports_404_and_405() -> None:
    router = Router()
    router.get("/pacts/provider/{provider}/branch/{branch}", handler)
    router.get("/pacts/provider/{provider}/branch/latest", handler)
    route, params = router.match("GET", "/pacts/provider/P/branch/latest")
    assert route.pattern.endswith("/latest") and params == {"provider": "P"}
    route, params = router.match("GET", "/pacts/provider/P/branch/feat%2Fx")
    assert params == {"provider": "P", "branch": "feat/x"}
    assert router.match("HEAD", "/pacts/provider/P/branch/x")[0].method == "GET"
    with pytest.raises(NotFound):
        router.match("GET", "/pacts/provider/P")
    with pytest.raises(MethodNotAllowed):
        router.match("POST", "/pacts/provider/P/branch/x")


def test_rack_style_grouping_of_matrix_selectors() -> None:
    pairs = [
        ("q[][pacticipant]", "Foo"),
        ("q[][version]", "1"),
        ("q[][pacticipant]", "Bar"),
        ("q[][latest]", "true"),
        ("latestby", "cvpv"),
    ]
    assert group_nested(pairs, "q") == [
        {"pacticipant": "Foo", "version": "1"},
        {"pacticipant": "Bar", "latest": "true"},
    ]
    query = parse_matrix_query(pairs)
    assert [(s.pacticipant, s.version, s.latest) for s in query.selectors] == [
        ("Foo", "1", False),
        ("Bar", None, True),
    ]
    assert query.latestby == "cvpv" and not query.has_target
    with pytest.raises(BadRequest):
        parse_matrix_query([("latestby", "cvpv")])
    with pytest.raises(BadRequest):
        parse_matrix_query([("q[][pacticipant]", "Foo"), ("latestby", "nonsense")])


def test_can_i_deploy_query_maps_to_one_selector_and_a_target() -> None:
    env = parse_can_i_deploy_query(
        [("pacticipant", "Foo"), ("version", "1"), ("environment", "prod"), ("ignore[]", "Bar")]
    )
    assert (
        env.environment == "prod" and env.latestby == "cvpv" and env.ignore[0].pacticipant == "Bar"
    )
    tag = parse_can_i_deploy_query([("pacticipant", "Foo"), ("version", "1"), ("to", "prod")])
    assert tag.tag == "prod" and tag.latest and tag.latestby == "cvp"
    with pytest.raises(BadRequest):
        parse_can_i_deploy_query([("pacticipant", "Foo"), ("version", "1")])


def test_sha_ignores_order_names_and_metadata_but_not_content() -> None:
    pact = message_pact("A", "B", "x", "y")
    same = dict(
        message_pact("C", "D", "y", "x"),
        metadata={"pactSpecification": {"version": "3.0.0"}, "tool": "z"},
    )
    assert prepare(pact).sha == prepare(same).sha
    assert prepare(pact).sha != prepare(message_pact("A", "B", "x", "z")).sha
    assert content_sha(pact, "3.0.0") != content_sha(pact, "4.0")


def test_prepare_rejects_what_the_model_cannot_read() -> None:
    with pytest.raises(PactFileError):
        prepare({"consumer": {"name": "A"}})
    with pytest.raises(PactFileError):
        prepare(["not", "a", "pact"])
    assert "_links" not in prepare(dict(message_pact("A", "B"), _links={"self": {}})).doc


def test_merge_adds_new_interactions_and_refuses_changed_ones() -> None:
    merged = merge(message_pact("A", "B", "x"), message_pact("A", "B", "y"))
    assert [m["description"] for m in merged["messages"]] == ["x", "y"]
    with pytest.raises(MergeConflict):
        merge(message_pact("A", "B", "x"), message_pact("A", "B", "x", content={"other": 1}))


def test_pact_metadata_round_trips_and_tolerates_garbage() -> None:
    meta = pact_metadata.PactMetadata(("1", "2"), True, True)
    token = pact_metadata.encode(meta)
    assert "/" not in token and pact_metadata.decode(token) == meta
    assert pact_metadata.decode("!!!") == pact_metadata.PactMetadata()


def test_postgres_urls_use_psycopg_3() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x") == "sqlite:///x"


def test_core_library_imports_without_the_broker_extra() -> None:
    """Nothing outside accord.broker may need the web or database stack."""
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        BLOCKED = ("fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn", "psycopg")
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError(f"blocked {name}")
        sys.meta_path.insert(0, Block())
        import accord
        for info in pkgutil.walk_packages(accord.__path__, "accord."):
            if info.name.startswith("accord.broker"):
                continue
            try:
                importlib.import_module(info.name)
            except ImportError as exc:
                if "blocked" in str(exc):
                    raise  # a core module needs the broker's stack
                # another optional extra that is not installed: not this test's business
        try:
            import accord.broker
        except ImportError as exc:
            assert "pip install 'accord[broker]'" in str(exc), exc
        else:
            raise AssertionError("accord.broker imported without its extra")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
