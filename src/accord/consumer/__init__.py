"""The consumer side: state the messages you need, prove your handler copes, write the pact."""
