"""What an index holds and whether its parts agree, without loading any model."""

from __future__ import annotations

from pathlib import Path

from rag.config import Settings
from rag.errors import IndexCorrupted, RagError
from rag.index.lexical import LexicalIndex, has_article_model
from rag.index.manifest import load_manifest
from rag.types import IndexInfo


def index_info(settings: Settings) -> IndexInfo:
    """IndexInfo of the configured index; `problems` says what is missing and the fix."""
    index_dir = settings.index_dir
    problems: list[str] = []
    try:
        manifest = load_manifest(index_dir)
    except IndexCorrupted as exc:
        manifest, problems = None, [str(exc)]
    if manifest is None:
        if not problems:
            problems.append(f"no index at {index_dir}/: run `rag ingest`")
        if not Path(settings.corpus_dir).exists():
            problems.append(
                f"no corpus at {settings.corpus_dir}: put articles there or set RAG_CORPUS_DIR"
            )
        return IndexInfo(str(index_dir), 0, 0, "", False, "", 0, 0, problems)
    if not manifest.lexical_dir(index_dir).exists():
        problems.append(f"{manifest.lexical_dir(index_dir)} is missing: run `rag ingest --rebuild`")
    vectors = manifest.chunks
    if not settings.chroma_url and not (index_dir / "chroma").exists():
        problems.append(f"{index_dir / 'chroma'} is missing: run `rag ingest --rebuild`")
    elif not manifest.vectors_complete:
        from rag.index.store import open_store

        try:
            vectors = open_store(settings, create=False, collection=manifest.collection).count()
        except RagError:
            vectors = 0
    lexical = manifest.lexical_dir(index_dir)
    articles = not manifest.chunks or has_article_model(lexical)
    return manifest.info(index_dir, vectors, problems, article_ranking=articles)


def check_index(settings: Settings) -> list[str]:
    """Problems found comparing Chroma, the BM25 generation, the manifest and the corpus."""
    from rag.index.store import open_store
    from rag.ingestion.loading import find_files
    from rag.ingestion.scan import scan

    index_dir = settings.index_dir
    try:
        manifest = load_manifest(index_dir)
    except IndexCorrupted as exc:
        return [str(exc)]
    if manifest is None:
        return [f"no index at {index_dir}/: run `rag ingest`"]
    problems: list[str] = []
    try:
        lexical = LexicalIndex.load(manifest.lexical_dir(index_dir))
        store = open_store(settings, create=False, collection=manifest.collection)
        dense_ids = store.all_ids()
    except RagError as exc:
        return [str(exc)]
    lex_ids = {r.id for r in lexical.records}
    only_dense, only_lex = dense_ids - lex_ids, lex_ids - dense_ids
    if only_dense:
        problems.append(f"{len(only_dense)} chunk(s) in Chroma but not in BM25: run `rag ingest`")
    if only_lex and not manifest.vectors_complete:
        problems.append(
            f"{len(only_lex)} chunk(s) still without a vector (an ingest was interrupted): "
            "run `rag ingest` to add them"
        )
    elif only_lex:
        problems.append(
            f"{len(only_lex)} chunk(s) in BM25 but not in Chroma: run `rag ingest --rebuild`"
        )
    if len(lex_ids) != manifest.chunks:
        problems.append(
            f"manifest says {manifest.chunks} chunks, BM25 holds {len(lex_ids)}: run `rag ingest --rebuild`"
        )
    per_article: dict[str, int] = {}
    for r in lexical.records:
        per_article[r.article_id] = per_article.get(r.article_id, 0) + 1
    for aid, entry in manifest.files.items():
        if per_article.get(aid, 0) != entry.chunks:
            problems.append(
                f"article {aid}: manifest {entry.chunks} chunks, BM25 {per_article.get(aid, 0)}"
            )
    corpus = Path(settings.corpus_dir)
    if corpus.exists():
        found, _ = scan(find_files([corpus]), None)
        new = sorted(a for a in set(found) - set(manifest.files) if _loadable(found[a][0]))
        gone = sorted(set(manifest.files) - set(found))
        edited = sorted(
            a for a in found if a in manifest.files and manifest.files[a].sha256 != found[a][1]
        )
        for label, ids in (
            ("not yet indexed", new),
            ("deleted from the corpus", gone),
            ("edited since indexed", edited),
        ):
            if ids:
                problems.append(
                    f"{len(ids)} article(s) {label} ({', '.join(ids[:5])}): run `rag ingest`"
                )
    return problems


def _loadable(path: Path) -> bool:
    """Whether ingest would index this file (an unusable one is skipped, not pending)."""
    from rag.ingestion.loading import SkipFile, load_article

    try:
        load_article(path)
    except (SkipFile, OSError):
        return False
    return True
