"""Retrieval: query checks and filters, hybrid BM25 + dense fusion, English query help, follow-ups."""
