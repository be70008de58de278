"""The vector side of the index: a Chroma collection (embedded on disk, or a server)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from rag.config import Settings, chroma_headers
from rag.errors import IndexCorrupted, RagError
from rag.types import Article, Chunk

COLLECTION = "chunks"
# HNSW search breadth. Chroma's default (100) for the 50 nearest chunks the dense channel
# asks missed some of them, and not the same ones from one process to the next (crud-dev:
# a chunk at cosine 0.767 in or out of the top 50 of one English question across runs);
# 500 returned the same list in 6 runs of 6, for 0.1 ms a query (1.7 -> 1.8 ms, 5,787 chunks).
EF_SEARCH = 500
# A one-record collection describing the index (model, generation...), so that app replicas
# sharing a Chroma server can tell which model to load and when to refresh their BM25 copy.
META_COLLECTION = "rag_index"
log = logging.getLogger("rag")


def date_int(date: str) -> int:
    """ "2023-05-27" -> 20230527 (0 when unknown), for range filters in Chroma."""
    digits = date.replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


def chunk_metadata(chunk: Chunk, article: Article) -> dict[str, Any]:
    """Everything needed to rebuild a hit (and the lexical side) from Chroma alone."""
    return {
        "article_id": chunk.article_id,
        "position": chunk.position,
        "start": chunk.start,
        "end": chunk.end,
        "title": article.title,
        "date": article.date,
        "date_int": date_int(article.date),
        "source": article.source,
        "url": article.url,
    }


# What an on-disk store keeps beside each vector: filters need date_int; article_id makes the
# collection readable on its own. The text and the article's fields live once, in the
# lexical generation and the manifest: storing them in Chroma too doubled its write cost
# (20,650 chunks in batches of 1,024: 25.7 s with them, 9-12 s without).
LOCAL_FIELDS = ("article_id", "date_int")


class VectorStore:
    """Thin wrapper over one Chroma collection in cosine space.

    A shared server (`url`) also holds each chunk's text and article fields, because app
    replicas rebuild their BM25 side from it (`replica.sync_from_store`); an on-disk store
    holds the vectors and `LOCAL_FIELDS` only.
    """

    def __init__(
        self,
        index_dir: Path,
        *,
        url: str = "",
        create: bool = True,
        headers: dict[str, str] | None = None,
        collection: str = COLLECTION,
    ):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        self.where = url or str(index_dir / "chroma")
        self.shared = bool(url)
        try:
            if url:
                parsed = urlparse(url)
                self.client = chromadb.HttpClient(
                    host=parsed.hostname or "127.0.0.1",
                    port=parsed.port or 8000,
                    ssl=parsed.scheme == "https",
                    headers=headers or None,
                    settings=chroma_settings,
                )
            else:
                path = index_dir / "chroma"
                if not create and not path.exists():
                    raise IndexCorrupted(
                        f"the vector store {path} is missing: run `rag ingest --rebuild`"
                    )
                self.client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
            self.name = collection
            if create:
                self.collection = self.client.get_or_create_collection(
                    collection,
                    metadata={"hnsw:space": "cosine"},
                    configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}},
                )
            else:
                self.collection = self.client.get_collection(collection)
                self._widen_search()
        except RagError:
            raise
        except Exception as exc:
            if url:
                raise RagError(
                    f"cannot reach the Chroma server at {url} ({exc}): start it "
                    "(`chroma run --path DIR --port PORT`) or unset RAG_CHROMA_URL"
                ) from exc
            raise IndexCorrupted(
                f"cannot open the vector store at {self.where} ({exc}): run `rag ingest --rebuild`"
            ) from exc
        self._max_batch = int(getattr(self.client, "get_max_batch_size", lambda: 5000)())

    def _widen_search(self) -> None:
        """An index built with Chroma's default search breadth (ef_search 100) gets
        `EF_SEARCH`: a mutable setting, stored once. Where the store cannot be written (a
        read-only copy) it keeps the default."""
        hnsw = (getattr(self.collection, "configuration", None) or {}).get("hnsw") or {}
        if int(hnsw.get("ef_search") or 0) >= EF_SEARCH:
            return
        try:
            self.collection.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})
        except Exception:  # noqa: BLE001 - read-only or remote store: the default stands
            return

    def write_info(self, info: dict[str, Any]) -> None:
        """Record what the index is (scalars only) beside the chunks."""
        meta = self.client.get_or_create_collection(META_COLLECTION)
        meta.upsert(ids=["index"], documents=["rag index"], metadatas=[info], embeddings=[[0.0]])  # type: ignore[arg-type]  # chroma types it too narrowly

    def read_info(self) -> dict[str, Any] | None:
        """The record written by `write_info`, or None."""
        try:
            meta = self.client.get_collection(META_COLLECTION)
            got = meta.get(ids=["index"], include=["metadatas"])
        except Exception:  # noqa: BLE001 - no record yet
            return None
        metas = got.get("metadatas") or []
        return dict(metas[0]) if metas and metas[0] else None

    def count(self) -> int:
        return int(self.collection.count())

    def drop_other(self, keep: set[str]) -> None:
        """Delete the chunk collections of earlier builds (a finished rebuild's old one),
        through Chroma: other clients in this process sharing the database stay valid."""
        for col in self.client.list_collections():
            name = getattr(col, "name", col)
            if name != META_COLLECTION and name not in keep and str(name).startswith(COLLECTION):
                self.client.delete_collection(str(name))

    def all_ids(self) -> set[str]:
        """Every chunk id in the collection (ids only, no vectors)."""
        ids: set[str] = set()
        offset, page = 0, 10_000
        while True:
            got = self.collection.get(include=[], limit=page, offset=offset)
            ids.update(got["ids"])
            if len(got["ids"]) < page:
                return ids
            offset += page

    def upsert(
        self,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        if not self.shared:
            metadatas = [{k: m[k] for k in LOCAL_FIELDS if k in m} for m in metadatas]
        for i in range(0, len(chunks), self._max_batch):
            part = slice(i, i + self._max_batch)
            self.collection.upsert(
                ids=[c.id for c in chunks[part]],
                embeddings=vectors[part],
                documents=[c.text for c in chunks[part]] if self.shared else None,
                metadatas=list(metadatas[part]),
            )

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        for i in range(0, len(ids), self._max_batch):
            self.collection.delete(ids=ids[i : i + self._max_batch])

    def query(
        self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the `n` nearest chunks, best first."""
        # No count() first: Chroma returns fewer results when the collection is smaller, and
        # a count costs a round trip per query.
        res = self.collection.query(
            query_embeddings=[vector.tolist()],
            n_results=n,
            where=where or None,
            include=["distances"],
        )
        ids = res["ids"][0]
        dists = (res.get("distances") or [[]])[0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, dists, strict=False)]

    def dump(self) -> list[tuple[str, str, Mapping[str, Any]]]:
        """(id, text, metadata) of every chunk, for rebuilding the lexical side (a shared
        server's store; an on-disk one has no texts: "")."""
        out: list[tuple[str, str, Mapping[str, Any]]] = []
        offset, page = 0, 5_000
        while True:
            got = self.collection.get(include=["documents", "metadatas"], limit=page, offset=offset)
            n = len(got["ids"])
            docs: list[str | None] = list(got["documents"] or []) or [None] * n
            metas: list[Mapping[str, Any]] = [*(got["metadatas"] or [{}] * n)]
            out.extend(
                (cid, doc or "", meta)
                for cid, doc, meta in zip(got["ids"], docs, metas, strict=True)
            )
            if len(got["ids"]) < page:
                return out
            offset += page


def open_store(
    settings: Settings, *, create: bool = True, collection: str = COLLECTION
) -> VectorStore:
    """The vector store the settings point at: a Chroma server or the on-disk one."""
    return VectorStore(
        settings.index_dir,
        url=settings.chroma_url,
        create=create,
        headers=chroma_headers(settings),
        collection=collection,
    )
