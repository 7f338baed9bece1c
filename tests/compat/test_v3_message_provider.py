"""V3/message_provider.feature from the Pact compatibility suite, run unedited."""

import pytest
from pytest_bdd import scenarios

from tests.compat.steps_message_provider import *  # noqa: F403 (pytest-bdd step fixtures)
from tests.compat.support import feature

FEATURE = feature("V3/message_provider.feature")


@pytest.fixture
def message_spec() -> str:
    """The spec the scenarios' pact files are written in."""
    return "V3"


scenarios(FEATURE)
