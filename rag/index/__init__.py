"""The index on disk: manifest, vector store (Chroma), lexical BM25, replica of a server."""
