"""The on-disk vector store: how wide its nearest-neighbour search looks."""

from __future__ import annotations

from pathlib import Path

import chromadb

from rag.index.store import COLLECTION, EF_SEARCH, VectorStore


def _ef_search(store: VectorStore) -> int:
    return int(store.collection.configuration["hnsw"]["ef_search"])


def test_a_new_store_searches_wide(tmp_path: Path) -> None:
    assert _ef_search(VectorStore(tmp_path)) == EF_SEARCH


def test_an_index_built_with_chromas_default_is_widened_once(tmp_path: Path) -> None:
    # As indexes built before this setting were: Chroma's default breadth (100).
    client = chromadb.PersistentClient(
        path=str(tmp_path / "chroma"),
        settings=chromadb.config.Settings(anonymized_telemetry=False, allow_reset=False),
    )
    client.get_or_create_collection(COLLECTION, metadata={"hnsw:space": "cosine"})
    assert int(client.get_collection(COLLECTION).configuration["hnsw"]["ef_search"]) < EF_SEARCH
    del client
    assert _ef_search(VectorStore(tmp_path, create=False)) == EF_SEARCH
    assert _ef_search(VectorStore(tmp_path, create=False)) == EF_SEARCH  # stored
