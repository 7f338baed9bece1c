"""V3/message_provider.feature from the Pact compatibility suite, run unedited."""

import pytest
from pytest_bdd import scenario, scenarios

from tests.compat.steps_message_provider import *  # noqa: F403 (pytest-bdd step fixtures)
from tests.compat.support import feature

FEATURE = feature("V3/message_provider.feature")


@pytest.fixture
def message_spec() -> str:
    """The spec the scenarios' pact files are written in."""
    return "V3"


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason=(
        "accord does not understand the Kafka schema-registry wire format: the produced body "
        "(application/vnd.schemaregistry.v1+json) starts with the 5-byte magic prefix (0x00 + "
        "4-byte schema id), which accord.matching.body.compare_bodies hands straight to the "
        "JSON parser, so it reports 'Failed to parse the actual body as JSON' instead of "
        "stripping the prefix and matching the JSON (pact-jvm: KafkaJsonSchemaContentMatcher)"
    ),
)
@scenario(FEATURE, "Supports messages with body formatted for the Kafka schema registry")
def test_supports_messages_with_body_formatted_for_the_kafka_schema_registry() -> None:
    """The upstream @wip scenario; bound here only to mark it as a known accord gap."""


scenarios(FEATURE)
