"""V4/synchronous_message_consumer.feature from the Pact compatibility suite, run unedited."""

from pytest_bdd import scenarios

from tests.compat.steps_sync_message_consumer import *  # noqa: F403 (pytest-bdd step fixtures)
from tests.compat.support import feature

scenarios(feature("V4/synchronous_message_consumer.feature"))
