"""How custom transports (gRPC, WebSocket) are recorded in a V4 pact file.

Small, dependency-free facts shared by the consumer side (which writes them) and the
provider side (which reads them): gRPC status codes carried as message metadata, and where
a WebSocket interaction keeps its path.
"""
