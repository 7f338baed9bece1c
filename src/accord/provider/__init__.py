"""The provider side: prove that what you produce satisfies every consumer's pact."""
