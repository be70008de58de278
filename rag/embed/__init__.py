"""Embedding models: the Embedder contract, the bundled multilingual model, resolution."""
