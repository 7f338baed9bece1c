"""accord: Pact-compatible, consumer-driven contract testing for event-driven Python."""

__version__ = "0.1.0.dev0"
