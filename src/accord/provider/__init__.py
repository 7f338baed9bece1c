"""The provider side: prove that what you produce satisfies every consumer's pact.

The rooms, from the outside in:

* ``verifier.py``: :class:`Verifier`, registration and ``verify``; thin by design.
* ``run.py``: the one run loop over every interaction of every kind; events out.
* ``kinds/``: one verifier per interaction kind (HTTP, async message, sync message).
* ``transports/``: where the actual comes from (in-process producers, an ASGI/WSGI app,
  HTTP replay, the Pact message protocol); a registry keyed by transport name.
* ``states.py``: the one provider-state path, shared with ``message_server.py``.
* ``expected.py``: which generators apply to what is sent and what is expected.
* ``broker.py``: broker pacts as a source, publishing as a step after the run.
* ``results.py``, ``events.py``, ``reports.py``: outcomes as data, events, report files.
"""
