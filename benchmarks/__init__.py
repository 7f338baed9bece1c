"""Side-by-side benchmarks: accord against pact-python 4.2 on the same work.

Run ``python -m benchmarks.run``; see ``benchmarks/README.md``.
"""
