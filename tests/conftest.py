"""Suite-wide settings.

Hypothesis runs with no per-example deadline: the suite runs on shared two-core machines
where one slow example says nothing about accord, and a property test must fail only on a
counterexample.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("accord", deadline=None)
settings.load_profile("accord")
