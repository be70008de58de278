"""Ingestion: load and clean articles, chunk them, build the index from a corpus folder (`rag.ingest`)."""
