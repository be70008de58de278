"""The dense side of ingest: embed the chunks that have no vector yet and upsert them.

Resumable by construction: every upsert lands in Chroma at once, and what still needs a
vector is always recomputed as "chunks of the lexical generation missing from Chroma", so
a killed run loses at most the batch being encoded.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rag.embed.embedders import Embedder
from rag.index.store import VectorStore


def embed_missing(
    items: Sequence[tuple[Any, str, dict[str, Any]]],
    embedder: Embedder,
    store: VectorStore,
    *,
    batch_size: int,
    upsert_batch: int,
    progress: bool,
    checkpoint: Callable[[str], None] = lambda stage: None,
) -> int:
    """Embed (chunk, text, metadata) items and upsert them; returns how many were stored.

    The encoder is the bottleneck, so this thread does nothing else: it encodes the texts
    longest first (each batch then holds texts of about one length: less padding),
    `batch_size * 4` per call, while a helper thread upserts the vectors `upsert_batch` at
    a time (a killed run loses at most the vectors not yet upserted). A progress bar with an ETA shows on a terminal (`progress`).
    """
    from tqdm import tqdm

    parts: queue.Queue[tuple[list[int], np.ndarray] | None] = queue.Queue(maxsize=2)
    failed: list[BaseException] = []
    stored = [0]

    def write(idx: list[int], vectors: np.ndarray) -> None:
        checkpoint("upsert")
        store.upsert([items[i][0] for i in idx], vectors, [items[i][2] for i in idx])
        stored[0] += len(idx)

    def upsert() -> None:
        idx: list[int] = []
        vectors: list[np.ndarray] = []
        while True:
            part = parts.get()
            if part is not None and not failed:  # after a failure: drain, never block
                idx += part[0]
                vectors.append(part[1])
            if idx and (part is None or len(idx) >= upsert_batch):
                try:
                    write(idx, np.vstack(vectors))
                except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
                    failed.append(exc)
                idx, vectors = [], []
            if part is None:
                break

    worker = threading.Thread(target=upsert, name="rag-ingest-writer", daemon=True)
    worker.start()
    order = sorted(range(len(items)), key=lambda i: len(items[i][1]), reverse=True)
    per_call = batch_size * 4
    bar = tqdm(total=len(items), unit="chunk", desc="adding vectors", disable=not progress)
    try:
        for i in range(0, len(order), per_call):
            if failed:
                break
            idx = order[i : i + per_call]
            vectors = embedder.embed_documents([items[j][1] for j in idx], batch_size=batch_size)
            parts.put((idx, vectors))
            bar.update(len(idx))
    finally:
        parts.put(None)
        worker.join()
        bar.close()
    if failed:
        raise failed[0]
    return stored[0]
