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
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

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

# Chunks per Chroma upsert during ingest (see _embed_and_store).
UPSERT_BATCH = 1024

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
            if (
                prev
                and prev.path == str(path)
                and prev.size == st.st_size
                and prev.mtime == st.st_mtime
            ):
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
    if not changed and not removed and intact and old is not None:
        return _unchanged(old, len(found), skipped, started)
    # Read the changed files first: when none of them holds an article (a page that is
    # skipped on every run), nothing changed and the index is not even opened (with two
    # such files among 20,000 articles, a no-op re-ingest took 4 s instead of 0.5 s).
    loaded: dict[str, Article | str] = {}
    if not removed and intact and old is not None and not params_changed:
        for aid in changed:
            _checkpoint("load")
            loaded[aid] = _read(found[aid][0])
        if all(isinstance(a, str) for a in loaded.values()):
            skipped += [Skipped(str(found[aid][0]), str(why)) for aid, why in loaded.items()]
            for item in skipped:
                log.warning("skipped %s: %s", item.path, item.reason)
            return _unchanged(old, len(found), skipped, started)

    embedder = None
    store: VectorStore | None = None
    prev: LexicalIndex | None = None
    if rebuild:  # load the model before dropping anything, so a failure leaves the old index
        embedder = load_embedder(settings.embed_model, probe_timeout=settings.model_probe_timeout)
    else:
        store = open_store(settings)
        if old and lexical_ok and lex_dir:
            try:
                prev = LexicalIndex.load(lex_dir, with_tokens=True)
            except IndexCorrupted:
                prev = None
        if old and old.files and prev is None:
            changed = list(found)  # the lexical side is lost: rebuild it from the corpus
        elif prev is not None:
            # Articles whose vectors are missing from Chroma (a deleted or damaged store)
            # are embedded again.
            present = store.all_ids()
            missing = {r.article_id for r in prev.records if r.id not in present}
            already = set(changed)
            changed += [aid for aid in found if aid in missing and aid not in already]

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
            continue
        chunks = chunk_article(article, size=settings.chunk_size, overlap=settings.chunk_overlap)
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
    if rebuild:
        _wipe(index_dir, settings)
    if store is None:
        store = open_store(settings)
    if (
        not new_chunks
        and not removed
        and prev is not None
        and old is not None
        and not params_changed
    ):
        # Only files that still cannot be loaded "changed": nothing to embed or rewrite.
        return _unchanged(old, len(found), skipped, started)

    if embedder is None:
        embedder = load_embedder(settings.embed_model, probe_timeout=settings.model_probe_timeout)
    new_tokens = _embed_and_store(new_chunks, embedder, store, settings, progress)

    # The new lexical generation: kept chunks reuse their tokens, new ones are tokenised.
    records: list[ChunkRecord] = []
    tokens: list[list[str]] = []
    reembedded = {c.article_id for c, _ in new_chunks}
    if prev is not None:
        for rec, tok in zip(prev.records, prev.tokens or [], strict=False):
            if rec.article_id in entries and rec.article_id not in reembedded:
                records.append(rec)
                tokens.append(tok)
    for (chunk, _), chunk_tokens in zip(new_chunks, new_tokens, strict=True):
        records.append(
            ChunkRecord(
                chunk.id, chunk.article_id, chunk.position, chunk.text, chunk.start, chunk.end
            )
        )
        tokens.append(chunk_tokens)  # tokenised by _embed_and_store after encoding
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
        added,
        updated,
        len(removed),
        len(found) - len(changed),
        len(records),
        skipped,
        time.perf_counter() - started,
        embedder.name,
        embedder.fallback,
    )


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


def _embed_and_store(
    new_chunks: list[tuple[Chunk, Article]],
    embedder,  # type: ignore[no-untyped-def]
    store: VectorStore,
    settings: Settings,
    progress: bool,
) -> list[list[str]]:
    """Embed and upsert the chunks; return their BM25 tokens (in `new_chunks` order).

    The encoder is the bottleneck, so this thread does nothing else: it encodes the chunks
    longest first (each encoder batch then holds texts of about one length: ~5 % less
    padding than batches in article order), `embed_batch_size * 4` per call. A helper thread
    upserts the encoded vectors into Chroma, `UPSERT_BATCH` at a time: Chroma's cost per
    chunk falls with the batch (68,825 chunks: 1.3 ms each in batches of 1,024, ~3.5 ms in
    batches of 64, with texts and full metadata; an on-disk store now keeps neither, see
    `store.LOCAL_FIELDS`), and that thread's CPU is taken from the encoder's cores (it
    costs as much as upserting after the encoder is done). BM25 tokens are made after the
    last batch, not beside the encoder: a thread running jieba holds the GIL whenever torch comes back to
    Python between operations, which halved the encoder's speed at 10,000 articles (ingest
    ran at 0.49 of the raw encoder; 0.88 with tokenising afterwards, 600 articles).
    """
    import queue
    import threading

    from tqdm import tqdm

    texts = [index_text(a, c) for c, a in new_chunks]
    parts: queue.Queue[tuple[list[int], np.ndarray] | None] = queue.Queue(maxsize=2)
    failed: list[BaseException] = []

    def write(idx: list[int], vectors: np.ndarray) -> None:
        _checkpoint("upsert")
        store.upsert(
            [new_chunks[i][0] for i in idx],
            vectors,
            [chunk_metadata(*new_chunks[i]) for i in idx],
        )

    def upsert() -> None:
        idx: list[int] = []
        vectors: list[np.ndarray] = []
        while True:
            part = parts.get()
            if part is not None and not failed:  # after a failure: drain, never block
                idx += part[0]
                vectors.append(part[1])
            if idx and (part is None or len(idx) >= UPSERT_BATCH):
                try:
                    write(idx, np.vstack(vectors))
                except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
                    failed.append(exc)
                idx, vectors = [], []
            if part is None:
                break

    worker = threading.Thread(target=upsert, name="rag-ingest-writer", daemon=True)
    worker.start()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
    batch = settings.embed_batch_size * 4  # chunks per encoder call
    bar = tqdm(total=len(texts), unit="chunk", desc="embedding", disable=not progress)
    try:
        for i in range(0, len(order), batch):
            if failed:
                break
            idx = order[i : i + batch]
            vectors = embedder.embed_documents(
                [texts[j] for j in idx], batch_size=settings.embed_batch_size
            )
            parts.put((idx, vectors))
            bar.update(len(idx))
    finally:
        parts.put(None)
        worker.join()
        bar.close()
    if failed:
        raise failed[0]
    return [_bm25_tokens(t) for t in texts]


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
