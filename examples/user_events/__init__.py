"""The example from Pact's guide to event-driven systems, in accord.

A consumer handles "user events"; a provider produces them. See ``demo.py`` for the whole
flow end to end, and the two test modules for how each side tests itself.
"""
