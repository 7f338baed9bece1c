"""Webhooks: HTTP requests the broker sends when contracts or verification results arrive.

How the parts fit, in the order a webhook lives through them:

* :mod:`.model` and :mod:`.validation` - what a webhook is, and the body rules of the
  official broker (``webhook_contract.rb``) for creating one;
* :mod:`.allowlist` - where a webhook may send requests: schemes, methods, and hosts, with
  every resolved address checked so internal services stay out of reach;
* :mod:`.store` and :mod:`.journal` - webhooks, and what happened when they fired;
* :mod:`.context` - the ``${pactbroker.*}`` values for an event, read after it committed;
* :mod:`.templates` - substituting those values into the URL, headers and body;
* :mod:`.delivery` - one attempt: check, send (to the address that was checked), record;
* :mod:`.runner` - the background threads: events become triggered webhooks, failed
  attempts are retried on the configured schedule;
* :mod:`.resources` and :mod:`.logs` - the HTTP API.
"""
