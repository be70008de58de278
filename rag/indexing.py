"""Ingest: corpus files -> cleaned articles -> chunks -> Chroma vectors + BM25 generation.

Incremental and idempotent: files are compared with the manifest by content hash; only
added or edited articles are chunked and embedded, chunks of deleted articles are removed,
and an unchanged corpus returns before any model is loaded.

Crash safety: vectors are written first, then a new lexical generation folder, then the
manifest (atomically). Readers follow the manifest, so they see the old index until the new
one is complete; a re-run converges because it reconciles Chroma's ids with the new set.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from .chunking import chunk_article
from .config import Settings
from .embeddings import load_embedder, resolve_model
from .errors import CorpusError, IndexCorrupted, ModelMismatch, RagError
from .lexical import ChunkRecord, LexicalIndex
from .loading import SkipFile, find_files, load_article
from .manifest import FileEntry, Manifest, load_manifest, save_manifest
from .store import VectorStore, chunk_metadata, open_store
from .text import tokenize
from .types import Article, Chunk, IngestReport, Skipped

log = logging.getLogger("rag")

# Test-only hook: called with a stage name at each step that writes; fault-injection tests
# make it raise to simulate a crash at that point.
fault_hook: Callable[[str], None] | None = None


def _checkpoint(stage: str) -> None:
    if fault_hook is not None:
        fault_hook(stage)


def index_text(article: Article, chunk: Chunk) -> str:
    """What is embedded and tokenised for a chunk: the title gives every chunk its topic."""
    if chunk.position == 0 or not article.title or chunk.text.startswith(article.title):
        return chunk.text
    return f"{article.title}\n{chunk.text}"


class _IngestLock:
    """One ingest at a time per index folder (advisory lock file)."""

    def __init__(self, index_dir: Path):
        index_dir.mkdir(parents=True, exist_ok=True)
        self.path = index_dir / ".ingest.lock"

    def __enter__(self) -> _IngestLock:
        self.f = open(self.path, "w")  # noqa: SIM115 - closed in __exit__
        try:
            fcntl.flock(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self.f.close()
            raise RagError(
                f"another `rag ingest` is running on {self.path.parent}: wait for it to finish"
            ) from exc
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


def _scan(
    files: Sequence[Path], old: Manifest | None
) -> tuple[dict[str, tuple[Path, str, int, float]], list[Skipped]]:
    """article id -> (path, sha256, size, mtime); duplicate ids are skipped."""
    import hashlib

    found: dict[str, tuple[Path, str, int, float]] = {}
    skipped: list[Skipped] = []
    for path in files:
        aid = path.stem
        if aid in found:
            skipped.append(
                Skipped(str(path), f"same article id {aid!r} as {found[aid][0]}: rename one")
            )
            continue
        try:
            st = path.stat()
            prev = old.files.get(aid) if old else None
            if prev and prev.path == str(path) and prev.size == st.st_size and prev.mtime == st.st_mtime:
                sha = prev.sha256  # unchanged size and mtime: skip re-reading (as git does)
            else:
                sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            skipped.append(Skipped(str(path), f"cannot read: {exc.strerror or exc}"))
            continue
        found[aid] = (path, sha, st.st_size, st.st_mtime)
    return found, skipped


def ingest(
    paths: Sequence[str | Path] | None = None,
    *,
    settings: Settings | None = None,
    rebuild: bool = False,
    progress: bool = False,
) -> IngestReport:
    """Index the corpus (or the given files/folders) into `settings.index_dir`.

    Args:
        paths: files or folders to ingest; default the whole `settings.corpus_dir`, which is
            then authoritative (articles no longer in it are removed). With explicit paths,
            articles are added or updated, and removed only when their file is gone.
        settings: configuration; default `Settings()` (env vars and `.env`).
        rebuild: drop the existing index and start over.
        progress: show a progress bar while embedding.

    Returns:
        An `IngestReport` with added/updated/removed counts and skipped files.

    Raises:
        CorpusError: the corpus folder is missing or holds no articles.
        ModelMismatch: the index was built with another embedding model.
    """
    settings = settings or Settings()
    started = time.perf_counter()
    roots = [Path(p) for p in paths] if paths else [settings.corpus_dir]
    for root in roots:
        if not root.exists():
            raise CorpusError(
                f"no corpus at {root}: create it and put .txt, .md or .html articles in it, "
                "or set RAG_CORPUS_DIR"
            )
    files = find_files(roots)
    if not files:
        raise CorpusError(
            f"no articles in {', '.join(map(str, roots))} (looked for .txt, .md, .html, "
            ".htm): add some and run `rag ingest` again"
        )
    index_dir = settings.index_dir
    with _IngestLock(index_dir):
        return _ingest_locked(files, roots, bool(paths), settings, rebuild, progress, started)


def _ingest_locked(
    files: list[Path],
    roots: list[Path],
    explicit: bool,
    settings: Settings,
    rebuild: bool,
    progress: bool,
    started: float,
) -> IngestReport:
    index_dir = settings.index_dir
    old: Manifest | None = None
    if not rebuild:
        old = load_manifest(index_dir)
    resolved = resolve_model(settings.embed_model, probe_timeout=settings.model_probe_timeout)
    if old and old.files and old.embed_model != resolved.name:
        raise ModelMismatch(
            f"the index at {index_dir} was built with {old.embed_model!r}, but the configured "
            f"model is {resolved.name!r}: run `rag ingest --rebuild` to re-embed everything "
            "with the new model, or set RAG_EMBED_MODEL back"
        )
    params_changed = bool(
        old and (old.chunk_size, old.chunk_overlap) != (settings.chunk_size, settings.chunk_overlap)
    )
    found, skipped = _scan(files, old)
    old_files = old.files if old else {}
    changed = [
        aid
        for aid, (_, sha, _, _) in found.items()
        if params_changed or aid not in old_files or old_files[aid].sha256 != sha
    ]
    if explicit:
        removed = [aid for aid, e in old_files.items() if aid not in found and not Path(e.path).exists()]
    else:
        removed = [aid for aid in old_files if aid not in found]
    lexical_ok = bool(old and old.lexical_dir(index_dir).exists())
    if not changed and not removed and lexical_ok and old is not None:
        return IngestReport(
            0, 0, 0, len(found), old.chunks, skipped, time.perf_counter() - started,
            old.embed_model, old.fallback_model,
        )

    embedder = None
    if rebuild:  # load the model before dropping anything, so a failure leaves the old index
        embedder = load_embedder(settings.embed_model, probe_timeout=settings.model_probe_timeout)
        _wipe(index_dir, settings)
    store = open_store(settings)
    prev: LexicalIndex | None = None
    if old and lexical_ok:
        try:
            prev = LexicalIndex.load(old.lexical_dir(index_dir), with_tokens=True)
        except IndexCorrupted:
            prev = None
            changed = list(found)  # rebuild the lexical side from the corpus

    # Load and chunk the changed articles.
    entries: dict[str, FileEntry] = {
        aid: e for aid, e in old_files.items() if aid not in removed and aid not in changed
    }
    new_chunks: list[tuple[Chunk, Article]] = []
    added = updated = 0
    for aid in changed:
        _checkpoint("load")
        path, sha, size, mtime = found[aid]
        try:
            article = load_article(path, path.read_bytes())
        except SkipFile as exc:
            skipped.append(Skipped(str(path), str(exc)))
            if aid in old_files:  # keep the last good version rather than lose it
                entries[aid] = old_files[aid]
            continue
        except OSError as exc:
            skipped.append(Skipped(str(path), f"cannot read: {exc.strerror or exc}"))
            if aid in old_files:
                entries[aid] = old_files[aid]
            continue
        chunks = chunk_article(article, size=settings.chunk_size, overlap=settings.chunk_overlap)
        new_chunks.extend((c, article) for c in chunks)
        entries[aid] = FileEntry(
            str(path), sha, len(chunks), article.title, article.date, article.source,
            article.url, size, mtime,
        )
        if aid in old_files:
            updated += 1
        else:
            added += 1
    for item in skipped:
        log.warning("skipped %s: %s", item.path, item.reason)
    if not new_chunks and not removed and prev is not None and old is not None and not params_changed:
        # Only files that still cannot be loaded "changed": nothing to embed or rewrite.
        return IngestReport(
            0, 0, 0, len(found), old.chunks, skipped, time.perf_counter() - started,
            old.embed_model, old.fallback_model,
        )

    if embedder is None:
        embedder = load_embedder(settings.embed_model, probe_timeout=settings.model_probe_timeout)
    _embed_and_store(new_chunks, embedder, store, settings, progress)

    # The new lexical generation: kept chunks reuse their tokens, new ones are tokenised.
    records: list[ChunkRecord] = []
    tokens: list[list[str]] = []
    reembedded = {c.article_id for c, _ in new_chunks}
    if prev is not None:
        for rec, tok in zip(prev.records, prev.tokens or [], strict=False):
            if rec.article_id in entries and rec.article_id not in reembedded:
                records.append(rec)
                tokens.append(tok)
    for chunk, article in new_chunks:
        records.append(
            ChunkRecord(chunk.id, chunk.article_id, chunk.position, chunk.text, chunk.start, chunk.end)
        )
        tokens.append(tokenize(index_text(article, chunk)))
    order = sorted(range(len(records)), key=lambda i: (records[i].article_id, records[i].position))
    records = [records[i] for i in order]
    tokens = [tokens[i] for i in order]

    # Reconcile: Chroma holds exactly the chunks of the new generation.
    keep = {r.id for r in records}
    stale = [cid for cid in store.all_ids() if cid not in keep]
    _checkpoint("delete")
    store.delete(stale)

    generation = (old.generation if old else 0) + 1
    lex_dir = index_dir / f"lexical-{generation}"
    if lex_dir.exists():
        shutil.rmtree(lex_dir)  # left by a crashed run
    _checkpoint("lexical")
    LexicalIndex.build(records, tokens).save(lex_dir)
    _checkpoint("manifest")
    manifest = Manifest(
        embed_model=embedder.name,
        fallback_model=embedder.fallback,
        dimension=embedder.dimension,
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        generation=generation,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        chunks=len(records),
        files=dict(sorted(entries.items())),
    )
    save_manifest(index_dir, manifest)
    _checkpoint("saved")
    if settings.chroma_url:  # let replicas sharing the server know what changed
        from .replica import server_info

        store.write_info(server_info(manifest))
    _cleanup_generations(index_dir, generation)
    return IngestReport(
        added, updated, len(removed), len(found) - added - updated, len(records), skipped,
        time.perf_counter() - started, embedder.name, embedder.fallback,
    )


def _embed_and_store(
    new_chunks: list[tuple[Chunk, Article]],
    embedder,  # type: ignore[no-untyped-def]
    store: VectorStore,
    settings: Settings,
    progress: bool,
) -> None:
    """Embed in batches and upsert each batch, with a progress bar over chunks."""
    from tqdm import tqdm

    batch = settings.embed_batch_size * 4  # chunks per upsert round trip
    bar = tqdm(total=len(new_chunks), unit="chunk", desc="embedding", disable=not progress)
    for i in range(0, len(new_chunks), batch):
        part = new_chunks[i : i + batch]
        vectors = embedder.embed_documents(
            [index_text(a, c) for c, a in part], batch_size=settings.embed_batch_size
        )
        _checkpoint("upsert")
        store.upsert([c for c, _ in part], vectors, [chunk_metadata(c, a) for c, a in part])
        bar.update(len(part))
    bar.close()


def _wipe(index_dir: Path, settings: Settings) -> None:
    """Remove the current index (manifest first, so a crash leaves "no index", not a mix)."""
    mpath = index_dir / "manifest.json"
    if mpath.exists():
        mpath.unlink()
    try:
        # Dropping the collection (not just its ids) lets a new model set a new dimension.
        open_store(settings).drop()
    except IndexCorrupted:
        shutil.rmtree(index_dir / "chroma", ignore_errors=True)  # unreadable: start afresh
    for d in index_dir.glob("lexical-*"):
        shutil.rmtree(d, ignore_errors=True)


def _cleanup_generations(index_dir: Path, current: int) -> None:
    for d in index_dir.glob("lexical-*"):
        if d.name != f"lexical-{current}":
            shutil.rmtree(d, ignore_errors=True)
    for tmp in index_dir.glob("manifest.tmp-*"):
        try:
            os.unlink(tmp)
        except OSError:
            pass
