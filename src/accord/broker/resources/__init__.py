"""HTTP resources: one module per family of endpoints, each with a ``register(router)``."""
