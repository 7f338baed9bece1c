"""A Pact Broker client (over the core's one HTTP client): publish, can-i-deploy, deployments, and
the pacts-for-verification flow the verifier uses. It speaks the API the official clients
speak, so it works with accord's broker, the Ruby Pact Broker and PactFlow alike."""

from accord.broker_client.http import BrokerClient, client_from_env
from accord.errors import BrokerError

__all__ = ["BrokerClient", "BrokerError", "client_from_env"]
