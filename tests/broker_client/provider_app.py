"""A provider for ``accord verify --app tests.broker_client.provider_app:make_verifier``."""

from __future__ import annotations

from accord import Verifier
from tests.broker_client.support import order_verifier


def make_verifier() -> Verifier:
    return order_verifier("renamed-by---provider")
