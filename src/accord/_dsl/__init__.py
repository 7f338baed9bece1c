"""The shared machinery behind :mod:`accord.match` and :mod:`accord.generate`."""
