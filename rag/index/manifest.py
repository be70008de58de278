"""The index manifest: what was built, from which files, with which model and parameters.

Written atomically (temp file + rename), so it always describes one consistent index: its
lexical generation is complete, and `vectors_complete` says whether every chunk has its
vector yet (a first ingest is searchable by BM25 while its vectors are being added). A
rebuild writes `manifest.rebuild.json` beside the live manifest and replaces the live one
only when the new index is complete.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import IndexCorrupted
from rag.types import IndexInfo

MANIFEST = "manifest.json"
REBUILD_MANIFEST = "manifest.rebuild.json"
FORMAT = 2


@dataclass
class FileEntry:
    """One ingested article and the file it came from."""

    path: str
    sha256: str
    chunks: int
    title: str = ""
    date: str = ""
    source: str = ""
    url: str = ""
    size: int = 0
    mtime: float = 0.0


@dataclass
class Manifest:
    embed_model: str = ""
    backend: str = "sentence-transformers"  # format 1 indexes were all built with it
    fallback_model: bool = False
    dimension: int = 0
    chunk_size: int = 0
    chunk_overlap: int = 0
    generation: int = 0
    built_at: str = ""
    chunks: int = 0
    files: dict[str, FileEntry] = field(default_factory=dict)
    collection: str = "chunks"  # the Chroma collection holding this index's vectors
    lexical: str = ""  # folder of the lexical generation; "" = lexical-<generation>
    vectors_complete: bool = True
    format: int = FORMAT

    @property
    def articles(self) -> int:
        return len(self.files)

    def info(
        self,
        index_dir: Path | str,
        vectors: int,
        problems: list[str] | None = None,
        *,
        article_ranking: bool = True,
    ) -> IndexInfo:
        """What this manifest says of its index, with `vectors` chunks that have a vector
        and, if `article_ranking`, the article channel's model."""
        return IndexInfo(
            index_dir=str(index_dir),
            articles=self.articles,
            chunks=self.chunks,
            embed_model=self.embed_model,
            fallback_model=self.fallback_model,
            built_at=self.built_at,
            chunk_size=self.chunk_size,
            chunk_overlap=self.chunk_overlap,
            problems=problems or [],
            backend=self.backend,
            vectors=vectors,
            vectors_complete=self.vectors_complete,
            article_ranking=article_ranking,
        )

    def lexical_dir(self, index_dir: Path) -> Path:
        return index_dir / (self.lexical or f"lexical-{self.generation}")


def manifest_path(index_dir: Path, name: str = MANIFEST) -> Path:
    return index_dir / name


def load_manifest(index_dir: Path, name: str = MANIFEST) -> Manifest | None:
    """The manifest of an index (or of a rebuild in progress), None when there is none."""
    path = manifest_path(index_dir, name)
    if not path.exists():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not data.get("embed_model"):
            raise ValueError("not an index manifest (no embedding model recorded)")
        files = {k: FileEntry(**v) for k, v in data.pop("files", {}).items()}
        data["format"] = FORMAT  # format 1 lacks the new fields: their defaults describe it
        return Manifest(**data, files=files)
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise IndexCorrupted(
            f"the manifest {path} is unreadable ({exc}): run `rag ingest --rebuild` to "
            "rebuild the index from the corpus"
        ) from exc


def save_manifest(index_dir: Path, manifest: Manifest, name: str = MANIFEST) -> None:
    path = manifest_path(index_dir, name)
    tmp = path.with_suffix(f".tmp-{os.getpid()}")
    data = asdict(manifest)
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def promote_rebuild(index_dir: Path) -> None:
    """Make a finished rebuild the live index: one atomic rename."""
    os.replace(manifest_path(index_dir, REBUILD_MANIFEST), manifest_path(index_dir))
