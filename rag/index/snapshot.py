"""One consistent, read-only snapshot of the index: its manifest and lexical generation, with
per-chunk arrays for filtering and a reader of article text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.errors import IndexNotFound
from rag.index.lexical import LexicalIndex
from rag.index.manifest import Manifest, load_manifest, manifest_path
from rag.index.store import date_int
from rag.types import Hit


@dataclass(frozen=True)
class Snapshot:
    """The manifest + its lexical generation, as one `rag ingest` left them."""

    manifest: Manifest
    lexical: LexicalIndex
    stamp: float  # the manifest's mtime: a newer one means a newer snapshot
    article_of: np.ndarray  # record index -> article id
    date_of: np.ndarray  # record index -> yyyymmdd int (0 unknown)
    source_of: np.ndarray  # record index -> source outlet
    chunks_of: dict[str, list[int]]  # article id -> its record indices, in order

    @classmethod
    def load(cls, index_dir: Path) -> Snapshot:
        """The index at `index_dir`, or IndexNotFound saying how to build one."""
        manifest = load_manifest(index_dir)
        if manifest is None or not manifest.files:
            raise IndexNotFound(f"no index at {index_dir}/: run `rag ingest`")
        lexical = LexicalIndex.load(manifest.lexical_dir(index_dir))
        files = manifest.files
        arts = [r.article_id for r in lexical.records]
        chunks_of: dict[str, list[int]] = {}
        for i, aid in enumerate(arts):
            chunks_of.setdefault(aid, []).append(i)
        return cls(
            manifest=manifest,
            lexical=lexical,
            stamp=manifest_path(index_dir).stat().st_mtime,
            article_of=np.array(arts, dtype=object),
            date_of=np.array(
                [date_int(files[a].date) if a in files else 0 for a in arts], dtype=np.int64
            ),
            source_of=np.array([files[a].source if a in files else "" for a in arts], dtype=object),
            chunks_of=chunks_of,
        )

    def has_chunk(self, chunk_id: str) -> bool:
        return chunk_id in self.lexical.position

    def hit(self, chunk_id: str, score: float) -> Hit:
        """The passage `chunk_id` (which must be in this snapshot) as a Hit."""
        rec = self.lexical.records[self.lexical.position[chunk_id]]
        entry = self.manifest.files.get(rec.article_id)
        return Hit(
            chunk_id=rec.id,
            article_id=rec.article_id,
            title=entry.title if entry else "",
            date=(entry.date or None) if entry else None,
            source=entry.source if entry else "",
            url=entry.url if entry else "",
            text=rec.text,
            start=rec.start,
            end=rec.end,
            score=float(score),
        )

    def article_text(self, article_id: str) -> str:
        """An article's title and chunks, joined by newlines ("" if unknown). Chunks overlap:
        fine for containment checks, not for display."""
        entry = self.manifest.files.get(article_id)
        parts = [entry.title if entry else ""]
        parts += [self.lexical.records[i].text for i in self.chunks_of.get(article_id, ())]
        return "\n".join(parts)
