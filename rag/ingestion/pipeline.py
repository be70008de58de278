"""Ingest: corpus files -> cleaned articles -> chunks -> BM25 generation + Chroma vectors.

Incremental and idempotent: files are compared with the manifest by content hash; only
added or edited articles are chunked and embedded, chunks of deleted articles are removed,
and an unchanged, complete corpus returns before any model is loaded.

Order of writes, so that a run killed at any point leaves a usable index and a re-run
finishes the job: (1) vectors of changed and removed articles are deleted; (2) the new
lexical generation is written, then the manifest (atomically) with `vectors_complete`
false: the index is now searchable by BM25; (3) the chunks without a vector are embedded
and upserted, with a progress bar (resumable: what is missing is recomputed each run);
(4) the manifest is written again, complete. A rebuild (`--rebuild`) does all of this in a
new Chroma collection with `manifest.rebuild.json`, and replaces the live manifest only
when done, so the old index stays searchable, and intact if the rebuild dies.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.config import Settings
from rag.embed.embedders import load_embedder, resolve_model
from rag.errors import CorpusError, IndexCorrupted, ModelMismatch, RagError
from rag.index.lexical import LexicalIndex
from rag.index.manifest import (
    MANIFEST,
    REBUILD_MANIFEST,
    FileEntry,
    Manifest,
    load_manifest,
    promote_rebuild,
    save_manifest,
)
from rag.index.store import chunk_metadata, open_store
from rag.ingestion.chunking import chunk_article
from rag.ingestion.loading import SkipFile, find_files, load_article
from rag.ingestion.scan import IngestLock, scan
from rag.ingestion.vectors import embed_missing
from rag.text import tokenize
from rag.types import Article, Chunk, IngestReport, Skipped

log = logging.getLogger("rag")

# Called with a stage name at each step that writes: fault-injection tests make it raise
# to simulate a crash there; benchmarks/bench.py times when the index becomes searchable.
fault_hook: Callable[[str], None] | None = None


def _checkpoint(stage: str) -> None:
    if fault_hook is not None:
        fault_hook(stage)


def index_text(article: Article, chunk: Chunk) -> str:
    """What is embedded and tokenised for a chunk: the title gives every chunk its topic."""
    if chunk.position == 0 or not article.title or chunk.text.startswith(article.title):
        return chunk.text
    return f"{article.title}\n{chunk.text}"


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
    if isinstance(paths, str | Path):
        paths = [paths]
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
    with IngestLock(index_dir):
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
    try:
        live = load_manifest(index_dir)
    except IndexCorrupted:
        if not rebuild:
            raise
        live = None  # what a rebuild replaces
    resolved = resolve_model(settings.embed_model, probe_timeout=settings.model_probe_timeout)
    target = REBUILD_MANIFEST if rebuild else MANIFEST
    if rebuild:
        staged = load_manifest(index_dir, REBUILD_MANIFEST)
        if staged and not _same_build(staged, resolved.name, resolved.backend, settings):
            staged = None  # a rebuild for another model or chunking: start it over
        old = staged
    else:
        old = live
        if (
            old
            and old.files
            and (old.embed_model, old.backend)
            != (
                resolved.name,
                resolved.backend,
            )
        ):
            raise ModelMismatch(
                f"the index at {index_dir} was built with {old.embed_model!r} "
                f"({old.backend}), but the configured model is {resolved.name!r} "
                f"({resolved.backend}): run `rag ingest --rebuild` to re-embed everything "
                "with the new model (the old index stays searchable meanwhile), or set "
                "RAG_EMBED_MODEL back"
            )
    params_changed = bool(
        old and (old.chunk_size, old.chunk_overlap) != (settings.chunk_size, settings.chunk_overlap)
    )
    found, skipped = scan(files, old)
    old_files = old.files if old else {}
    changed = [
        aid
        for aid, (_, sha, _, _) in found.items()
        if params_changed or aid not in old_files or old_files[aid].sha256 != sha
    ]
    if explicit:
        removed = [
            aid for aid, e in old_files.items() if aid not in found and not Path(e.path).exists()
        ]
    else:
        removed = [aid for aid in old_files if aid not in found]
    lex_dir = old.lexical_dir(index_dir) if old else None
    lexical_ok = bool(
        lex_dir and (lex_dir / "chunks.jsonl").exists() and (lex_dir / "tokens.jsonl").exists()
    )
    vectors_ok = bool(settings.chroma_url) or (index_dir / "chroma").exists()
    intact = lexical_ok and vectors_ok and old is not None
    complete = intact and old is not None and old.vectors_complete
    if not changed and not removed and complete and old is not None:
        if rebuild:
            _promote(index_dir, settings, old)
        return _unchanged(old, len(found), skipped, started)
    # Read the changed files first: when none of them holds an article (a page that is
    # skipped on every run), nothing changed and the index is not even opened (with two
    # such files among 20,000 articles, a no-op re-ingest took 4 s instead of 0.5 s).
    loaded: dict[str, Article | str] = {}
    if not removed and complete and old is not None and not params_changed:
        for aid in changed:
            _checkpoint("load")
            loaded[aid] = _read(found[aid][0])
        if all(isinstance(a, str) for a in loaded.values()):
            skipped += [Skipped(str(found[aid][0]), str(why)) for aid, why in loaded.items()]
            for item in skipped:
                log.warning("skipped %s: %s", item.path, item.reason)
            return _unchanged(old, len(found), skipped, started)

    # The model comes first: chunks are measured in its tokens, and a model that cannot
    # load fails before anything is written.
    embedder = load_embedder(settings.embed_model, probe_timeout=settings.model_probe_timeout)
    if settings.chunk_size > embedder.max_tokens:
        raise RagError(
            f"RAG_CHUNK_SIZE={settings.chunk_size} is more than the {embedder.max_tokens} "
            f"tokens {embedder.name} reads: set RAG_CHUNK_SIZE to at most {embedder.max_tokens}"
        )
    if changed:
        embedder.preload()  # torch and the weights load while articles are chunked
    collection = old.collection if old else (f"chunks-{int(time.time())}" if rebuild else "chunks")
    store = open_store(settings, collection=collection)
    prev: LexicalIndex | None = None
    if old and lexical_ok and lex_dir:
        try:
            prev = LexicalIndex.load(lex_dir, with_tokens=True)
        except IndexCorrupted:
            prev = None
    if old and old.files and prev is None:
        changed = list(found)  # the lexical side is lost: rebuild it from the corpus

    # Load and chunk the changed articles.
    dropped = set(removed) | set(changed)  # sets: both lists can hold every article
    entries: dict[str, FileEntry] = {aid: e for aid, e in old_files.items() if aid not in dropped}
    new_chunks: list[tuple[Chunk, Article]] = []
    added = updated = 0
    for aid in changed:
        path, sha, size, mtime = found[aid]
        if aid in loaded:
            article = loaded[aid]
        else:
            _checkpoint("load")
            article = _read(path)
        if isinstance(article, str):
            skipped.append(Skipped(str(path), article))
            if aid in old_files and prev is not None:  # keep the last good version
                entries[aid] = old_files[aid]
                dropped.discard(aid)
            continue
        chunks = chunk_article(
            article,
            size=settings.chunk_size,
            overlap=settings.chunk_overlap,
            count_tokens=embedder.count_tokens,
        )
        new_chunks.extend((c, article) for c in chunks)
        entries[aid] = FileEntry(
            str(path),
            sha,
            len(chunks),
            article.title,
            article.date,
            article.source,
            article.url,
            size,
            mtime,
        )
        if aid in old_files:
            updated += 1
        else:
            added += 1
    for item in skipped:
        log.warning("skipped %s: %s", item.path, item.reason)
    if not entries:  # nothing usable: fail before touching the index
        reasons = "; ".join(f"{Path(x.path).name}: {x.reason}" for x in skipped[:5])
        raise CorpusError(
            f"none of the {len(found) + len(skipped)} file(s) in {', '.join(map(str, roots))} "
            f"could be ingested ({reasons}): add readable .txt, .md or .html articles"
        )

    # The new lexical generation: kept chunks reuse their tokens, new ones are tokenised.
    records: list[Chunk] = []
    tokens: list[list[str]] = []
    texts: dict[str, str] = {}  # chunk id -> what is embedded, for new chunks
    metadata: dict[str, dict[str, Any]] = {}
    if prev is not None:
        for rec, tok in zip(prev.records, prev.tokens or [], strict=False):
            if rec.article_id in entries and rec.article_id not in dropped:
                records.append(rec)
                tokens.append(tok)
    for chunk, article in new_chunks:
        records.append(chunk)
        texts[chunk.id] = index_text(article, chunk)
        metadata[chunk.id] = chunk_metadata(chunk, article)
        tokens.append(_bm25_tokens(texts[chunk.id]))
    order = sorted(range(len(records)), key=lambda i: (records[i].article_id, records[i].position))
    records = [records[i] for i in order]
    tokens = [tokens[i] for i in order]

    # Reconcile: Chroma keeps only vectors of unchanged chunks of the new generation.
    keep = {r.id for r in records if r.id not in texts}
    present = store.all_ids()
    _checkpoint("delete")
    store.delete([cid for cid in present if cid not in keep])
    stored = present & keep
    missing = [r for r in records if r.id not in stored]

    generation = max(live.generation if live else 0, old.generation if old else 0) + 1
    lex_name = f"lexical-{generation}"
    if (index_dir / lex_name).exists():
        shutil.rmtree(index_dir / lex_name)  # left by a crashed run
    _checkpoint("lexical")
    LexicalIndex.build(records, tokens).save(index_dir / lex_name)
    manifest = Manifest(
        embed_model=embedder.name,
        backend=embedder.backend,
        fallback_model=embedder.fallback,
        dimension=embedder.dimension,
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        generation=generation,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        chunks=len(records),
        files=dict(sorted(entries.items())),
        collection=collection,
        lexical=lex_name,
        vectors_complete=not missing,
    )
    _checkpoint("manifest")
    save_manifest(index_dir, manifest, target)
    _cleanup_generations(index_dir)
    _checkpoint("saved")

    embedded = 0
    if missing:
        if progress:
            where = (
                "the old index stays live until it is done" if rebuild else "BM25 search works now"
            )
            print(
                f"{len(records)} chunks in the lexical index ({where}); adding "
                f"{len(missing)} vectors with {embedder.name} (resumable: re-run `rag ingest`)",
                file=sys.stderr,
                flush=True,
            )
        items = [
            (r, texts.get(r.id) or _indexed_text(r, entries), _metadata_of(r, entries))
            for r in missing
        ]
        embedded = embed_missing(
            items,
            embedder,
            store,
            batch_size=settings.embed_batch_size,
            upsert_batch=settings.upsert_batch,
            progress=progress,
            checkpoint=_checkpoint,
        )
        manifest = replace(manifest, vectors_complete=True)
        _checkpoint("complete")
        save_manifest(index_dir, manifest, target)
    if rebuild:
        _promote(index_dir, settings, manifest)
    elif settings.chroma_url:  # let replicas sharing the server know what changed
        from rag.index.replica import server_info

        store.write_info(server_info(manifest))
    return IngestReport(
        added,
        updated,
        len(removed),
        len(found) - len(changed),
        len(records),
        skipped,
        time.perf_counter() - started,
        embedder.name,
        embedder.fallback,
        embedded,
    )


def _same_build(m: Manifest, model: str, backend: str, settings: Settings) -> bool:
    """Whether a half-done rebuild is of the model and chunking configured now."""
    return (m.embed_model, m.backend, m.chunk_size, m.chunk_overlap) == (
        model,
        backend,
        settings.chunk_size,
        settings.chunk_overlap,
    )


def _promote(index_dir: Path, settings: Settings, manifest: Manifest) -> None:
    """Make a complete rebuild the live index, then drop the old index's vectors."""
    _checkpoint("promote")
    promote_rebuild(index_dir)
    store = open_store(settings, collection=manifest.collection)
    if settings.chroma_url:
        from rag.index.replica import server_info

        store.write_info(server_info(manifest))
    _checkpoint("promoted")
    store.drop_other({manifest.collection})
    _cleanup_generations(index_dir)


def _article_of(aid: str, entries: dict[str, FileEntry]) -> Article:
    e = entries[aid]
    return Article(aid, e.path, "", e.title, e.date, e.source, e.url)


def _indexed_text(r: Chunk, entries: dict[str, FileEntry]) -> str:
    return index_text(_article_of(r.article_id, entries), r)


def _metadata_of(r: Chunk, entries: dict[str, FileEntry]) -> dict[str, Any]:
    return chunk_metadata(r, _article_of(r.article_id, entries))


def _read(path: Path) -> Article | str:
    """The article in a file, or why it cannot be ingested."""
    try:
        return load_article(path, path.read_bytes())
    except SkipFile as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"


def _unchanged(
    old: Manifest, articles: int, skipped: list[Skipped], started: float
) -> IngestReport:
    """The report of an ingest that found nothing to add, update or remove."""
    return IngestReport(
        0,
        0,
        0,
        articles,
        old.chunks,
        skipped,
        time.perf_counter() - started,
        old.embed_model,
        old.fallback_model,
    )


def _bm25_tokens(text: str) -> list[str]:
    """`tokenize`, with each token interned: a chunk has ~90 tokens, mostly repeated words,
    and one shared string per word takes 2.3 KB per chunk instead of 7.8 KB (~0.3 GB less
    at 50,000 chunks)."""
    return [sys.intern(t) for t in tokenize(text)]


def _cleanup_generations(index_dir: Path) -> None:
    """Remove lexical generations that neither the live nor a staged manifest uses."""
    used = set()
    for name in (MANIFEST, REBUILD_MANIFEST):
        try:
            m = load_manifest(index_dir, name)
        except IndexCorrupted:
            continue
        if m is not None:
            used.add(m.lexical_dir(index_dir).name)
    for d in index_dir.glob("lexical-*"):
        if d.name not in used:
            shutil.rmtree(d, ignore_errors=True)
    for tmp in index_dir.glob("manifest*.tmp-*"):
        try:
            os.unlink(tmp)
        except OSError:
            pass
