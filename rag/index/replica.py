"""A local copy of the lexical side for an index that lives on a Chroma server.

Several `rag serve` replicas can share one Chroma server: each rebuilds its BM25 copy from
the chunk texts and metadata stored in Chroma (written by `rag ingest` with RAG_CHROMA_URL),
and refreshes it when the server's index generation changes.
"""

from __future__ import annotations

import shutil
from typing import Any

from rag.config import Settings
from rag.index.lexical import LexicalIndex
from rag.index.manifest import FileEntry, Manifest, load_manifest, save_manifest
from rag.index.store import VectorStore
from rag.text import tokenize
from rag.types import Chunk

INFO_KEYS = (
    "embed_model",
    "backend",
    "collection",
    "fallback_model",
    "dimension",
    "chunk_size",
    "chunk_overlap",
    "generation",
    "built_at",
    "chunks",
)


def server_info(manifest: Manifest) -> dict[str, Any]:
    """What `rag ingest` records on the server about the index it wrote."""
    return {k: getattr(manifest, k) for k in INFO_KEYS}


def is_current(settings: Settings, info: dict[str, Any]) -> bool:
    """Whether the local copy is of the server's current generation."""
    local = load_manifest(settings.index_dir)
    return bool(
        local
        and local.generation == info.get("generation")
        and local.built_at == info.get("built_at")
        and local.lexical_dir(settings.index_dir).exists()
    )


def sync_from_store(settings: Settings, store: VectorStore, info: dict[str, Any]) -> Manifest:
    """Rebuild the local BM25 generation and manifest from the chunks stored in Chroma."""
    records: list[Chunk] = []
    tokens: list[list[str]] = []
    files: dict[str, FileEntry] = {}
    rows = sorted(store.dump(), key=lambda r: (r[2]["article_id"], int(r[2]["position"])))
    for cid, text, meta in rows:
        aid = str(meta["article_id"])
        records.append(
            Chunk(cid, aid, int(meta["position"]), text, int(meta["start"]), int(meta["end"]))
        )
        title = str(meta.get("title") or "")
        # Same text as indexing.index_text: the title gives every chunk its topic.
        indexed = (
            text
            if int(meta["position"]) == 0 or not title or text.startswith(title)
            else f"{title}\n{text}"
        )
        tokens.append(tokenize(indexed))
        entry = files.get(aid)
        if entry is None:
            files[aid] = FileEntry(
                path="",
                sha256="",
                chunks=1,
                title=title,
                date=str(meta.get("date") or ""),
                source=str(meta.get("source") or ""),
                url=str(meta.get("url") or ""),
            )
        else:
            entry.chunks += 1
    manifest = Manifest(**{k: info[k] for k in INFO_KEYS if k in info})
    manifest.files = files
    manifest.chunks = len(records)
    index_dir = settings.index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    lex_dir = manifest.lexical_dir(index_dir)
    if lex_dir.exists():
        shutil.rmtree(lex_dir)
    LexicalIndex.build(records, tokens).save(lex_dir)
    save_manifest(index_dir, manifest)
    for d in index_dir.glob("lexical-*"):
        if d != lex_dir:
            shutil.rmtree(d, ignore_errors=True)
    return manifest
