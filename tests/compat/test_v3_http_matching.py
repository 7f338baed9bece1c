"""V3/http_matching.feature from the Pact compatibility suite, run unedited."""

from pytest_bdd import scenarios

from tests.compat.steps_http_parts import *  # noqa: F403 (pytest-bdd step fixtures)
from tests.compat.support import feature

scenarios(feature("V3/http_matching.feature"))
