"""rag.ingestion.pipeline.ingest on real Chroma in tmp dirs: counts, incremental updates, the manifest."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from conftest import SMALL_ARTICLES, SeedIndex

import rag
from rag.config import DEFAULT_EMBED_MODEL
from rag.embed.embedders import load_embedder
from rag.errors import CorpusError
from rag.index.lexical import LexicalIndex
from rag.index.manifest import Manifest, load_manifest
from rag.index.store import VectorStore, date_int
from rag.ingestion.chunking import chunk_article
from rag.ingestion.health import check_index
from rag.ingestion.pipeline import index_text
from rag.types import Article, Chunk

SMALL = {"chunk_size": 24, "chunk_overlap": 6}  # several chunks per small article


def manifest_of(settings: rag.Settings) -> Manifest:
    manifest = load_manifest(Path(settings.index_dir))
    assert manifest is not None
    return manifest


def lexical_of(settings: rag.Settings) -> LexicalIndex:
    return LexicalIndex.load(manifest_of(settings).lexical_dir(Path(settings.index_dir)))


def chroma_of(settings: rag.Settings) -> dict[str, tuple[np.ndarray, dict]]:
    """Chunk id -> (vector, metadata) of everything in the on-disk Chroma collection."""
    collection = manifest_of(settings).collection
    store = VectorStore(Path(settings.index_dir), create=False, collection=collection)
    got = store.collection.get(include=["embeddings", "metadatas"])
    return {
        cid: (np.asarray(vec), dict(meta))
        for cid, vec, meta in zip(got["ids"], got["embeddings"], got["metadatas"], strict=True)
    }


@functools.cache
def offline_embedder():  # type: ignore[no-untyped-def]
    return load_embedder(DEFAULT_EMBED_MODEL)


def assert_consistent(settings: rag.Settings) -> None:
    """Chroma and BM25 hold the same chunks, each Chroma vector is its chunk's text
    embedded, and the manifest agrees."""
    assert check_index(settings) == []
    manifest = manifest_of(settings)
    lexical = {r.id: r for r in lexical_of(settings).records}
    chroma = chroma_of(settings)
    assert set(chroma) == set(lexical)
    for cid, (_, meta) in chroma.items():
        rec = lexical[cid]
        # The text and article fields live in the lexical side and the manifest only.
        assert meta == {
            "article_id": rec.article_id,
            "date_int": date_int(manifest.files[rec.article_id].date),
        }
    assert manifest.chunks == len(lexical)
    if manifest.embed_model != DEFAULT_EMBED_MODEL or not chroma:
        return
    ids = sorted(chroma)
    texts = []
    for cid in ids:
        rec = lexical[cid]
        entry = manifest.files[rec.article_id]
        article = Article(rec.article_id, "", "", title=entry.title)
        texts.append(index_text(article, Chunk(cid, rec.article_id, rec.position, rec.text, 0, 0)))
    want = offline_embedder().embed_documents(texts)
    got = np.stack([chroma[cid][0] for cid in ids])
    assert np.abs(got - want).max() < 1e-4  # each vector is its own chunk's text


def texts_of(settings: rag.Settings, article_id: str) -> tuple[list[str], list[str]]:
    """The chunk texts of one article in BM25, and those of its chunk ids in Chroma."""
    records = lexical_of(settings).records
    lex = [r.text for r in records if r.article_id == article_id]
    text_of = {r.id: r.text for r in records}
    dense = [
        text_of.get(cid, f"<{cid}: not in BM25>")
        for cid, (_, meta) in chroma_of(settings).items()
        if meta["article_id"] == article_id
    ]
    return lex, dense


# --- the seed corpus ------------------------------------------------------------------------


def test_first_ingest_of_seed_corpus(
    seed_index: SeedIndex, seed_articles: dict[str, Article]
) -> None:
    report, settings = seed_index.report, seed_index.settings
    assert (report.added, report.updated, report.removed, report.unchanged) == (5, 0, 0, 0)
    assert report.skipped == []
    expected: dict[str, list[Chunk]] = {
        aid: chunk_article(
            a,
            size=settings.chunk_size,
            overlap=settings.chunk_overlap,
            count_tokens=offline_embedder().count_tokens,
        )
        for aid, a in seed_articles.items()
    }
    assert report.chunks == sum(len(c) for c in expected.values())
    assert report.embed_model == DEFAULT_EMBED_MODEL and not report.fallback_model
    assert report.summary().startswith("5 added, 0 updated, 0 removed (0 unchanged, ")
    lexical = lexical_of(settings)
    assert [(r.id, r.start, r.end) for r in lexical.records] == [
        (c.id, c.start, c.end) for aid in sorted(expected) for c in expected[aid]
    ]
    assert_consistent(settings)


def test_second_ingest_changes_nothing(seed_index: SeedIndex) -> None:
    settings = seed_index.settings
    before = manifest_of(settings)
    report = rag.ingest(settings=settings)
    assert report.summary().startswith("0 added, 0 updated, 0 removed")
    assert (report.unchanged, report.chunks) == (5, seed_index.report.chunks)
    after = manifest_of(settings)
    assert (after.generation, after.built_at) == (before.generation, before.built_at)
    assert sorted(p.name for p in Path(settings.index_dir).glob("lexical-*")) == [
        f"lexical-{before.generation}"
    ]


# --- incremental changes on a small corpus -------------------------------------------------


@pytest.fixture
def small(make_corpus: Callable[..., rag.Settings]) -> rag.Settings:
    settings = make_corpus(**SMALL)
    report = rag.ingest(settings=settings)
    assert (report.added, report.updated, report.removed) == (3, 0, 0)
    return settings


def corpus_file(settings: rag.Settings, name: str) -> Path:
    return Path(settings.corpus_dir) / name


def test_edited_file_replaces_its_chunks(small: rag.Settings) -> None:
    engine = rag.Engine.open(settings=small)
    old_lex, old_dense = texts_of(small, "qingdao")
    assert len(old_lex) > 1 and any("城市云脑" in t for t in old_lex)
    assert any("城市云脑" in h.text for h in engine.search("城市云脑", k=3))
    others = {aid: manifest_of(small).files[aid] for aid in ("shenzhen", "guiyang")}

    corpus_file(small, "qingdao.txt").write_text(
        "青岛5G建设提速\n2021-11-20 来源：青岛日报\n\n海底隧道监测系统正式上线。\n",
        encoding="utf-8",
    )
    report = rag.ingest(settings=small)
    assert report.summary().startswith("0 added, 1 updated, 0 removed")
    assert report.unchanged == 2

    new_lex, new_dense = texts_of(small, "qingdao")
    assert len(new_lex) == 1 and sorted(new_lex) == sorted(new_dense)
    assert "海底隧道监测系统正式上线。" in new_lex[0]
    assert not any("城市云脑" in t for t in new_lex + new_dense)
    assert_consistent(small)  # the surplus old chunk ids are gone from Chroma too
    assert {aid: manifest_of(small).files[aid] for aid in others} == others

    # The open engine follows the new manifest: new text found, old text gone.
    hits = engine.search("海底隧道监测", k=3)
    assert hits[0].article_id == "qingdao" and "海底隧道" in hits[0].text
    assert not any("城市云脑" in h.text for h in engine.search("城市云脑", k=10))


def test_deleted_file_is_removed_everywhere(small: rag.Settings) -> None:
    corpus_file(small, "shenzhen.txt").unlink()
    report = rag.ingest(settings=small)
    assert report.summary().startswith("0 added, 0 updated, 1 removed")
    assert "shenzhen" not in manifest_of(small).files
    assert texts_of(small, "shenzhen") == ([], [])
    assert_consistent(small)
    hits = rag.Engine.open(settings=small).search("深圳智慧杆产业促进会", k=10)
    assert hits and all(h.article_id != "shenzhen" for h in hits)


def test_added_file_is_indexed(small: rag.Settings) -> None:
    corpus_file(small, "chengdu.txt").write_text(
        "成都大熊猫基地扩建\n2024-03-01 来源：成都日报\n\n大熊猫基地新建了三座场馆。\n",
        encoding="utf-8",
    )
    report = rag.ingest(settings=small)
    assert report.summary().startswith("1 added, 0 updated, 0 removed")
    assert report.unchanged == 3
    assert manifest_of(small).files["chengdu"].date == "2024-03-01"
    assert_consistent(small)
    hit = rag.Engine.open(settings=small).search("大熊猫基地", k=1)[0]
    assert hit.article_id == "chengdu" and "大熊猫" in hit.text


def test_explicit_paths_add_without_removing_the_rest(small: rag.Settings) -> None:
    extra = corpus_file(small, "wuhan.txt")
    extra.write_text("武汉光谷新闻\n\n光谷建成新的数据中心。\n", encoding="utf-8")
    report = rag.ingest([extra], settings=small)
    assert (report.added, report.updated, report.removed) == (1, 0, 0)
    assert set(manifest_of(small).files) == {"qingdao", "shenzhen", "guiyang", "wuhan"}
    assert_consistent(small)


def test_changed_chunk_parameters_rechunk_everything(small: rag.Settings) -> None:
    before = len(lexical_of(small).records)
    bigger = small.model_copy(update={"chunk_size": 400, "chunk_overlap": 0})
    report = rag.ingest(settings=bigger)
    assert (report.added, report.updated, report.removed) == (0, 3, 0)
    m = manifest_of(bigger)
    assert (m.chunk_size, m.chunk_overlap) == (400, 0)
    assert m.chunks == 3 < before  # one chunk per small article now
    assert_consistent(bigger)


def test_stray_vectors_are_reconciled_on_the_next_change(small: rag.Settings) -> None:
    store = VectorStore(Path(small.index_dir))
    stray = Chunk("ghost#0", "ghost", 0, "幽灵段落", 0, 4)
    meta = {"article_id": "ghost", "position": 0, "start": 0, "end": 4}
    store.upsert([stray], np.ones((1, 384), dtype=np.float32), [meta])
    assert any("in Chroma but not in BM25" in p for p in check_index(small))

    corpus_file(small, "guiyang.txt").write_text(
        SMALL_ARTICLES["guiyang.txt"] + "论坛圆满闭幕。\n", encoding="utf-8"
    )
    report = rag.ingest(settings=small)
    assert report.updated == 1
    assert "ghost#0" not in VectorStore(Path(small.index_dir)).all_ids()
    assert_consistent(small)


def test_rebuild_starts_over_and_open_engines_keep_working(small: rag.Settings) -> None:
    engine = rag.Engine.open(settings=small)
    before = engine.search("青岛5G基站", k=3)
    old_generation = manifest_of(small).generation
    corpus_file(small, "guiyang.txt").write_text(
        SMALL_ARTICLES["guiyang.txt"] + "论坛圆满闭幕。\n", encoding="utf-8"
    )
    assert rag.ingest(settings=small).updated == 1
    assert manifest_of(small).generation == old_generation + 1

    report = rag.ingest(settings=small, rebuild=True)
    assert (report.added, report.updated, report.removed, report.unchanged) == (3, 0, 0, 0)
    # Generations keep counting (a rebuild's folders never clash with the live ones).
    generation = manifest_of(small).generation
    assert generation == old_generation + 2
    assert [p.name for p in Path(small.index_dir).glob("lexical-*")] == [f"lexical-{generation}"]
    assert not (Path(small.index_dir) / "manifest.rebuild.json").exists()
    assert_consistent(small)
    after = engine.search("青岛5G基站", k=3)  # the engine opened before the rebuild
    assert [h.chunk_id for h in after] == [h.chunk_id for h in before]
    fresh = rag.Engine.open(settings=small).search("青岛5G基站", k=3)
    assert after == fresh


# --- bad corpora -----------------------------------------------------------------------------


def test_empty_corpus_folder_is_a_corpus_error(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.pdf").write_bytes(b"%PDF-1.4")  # not an article type
    with pytest.raises(CorpusError) as err:
        rag.ingest(settings=rag.Settings(corpus_dir=corpus, index_dir=tmp_path / "index"))
    assert str(corpus) in str(err.value)
    assert "rag ingest" in str(err.value)
    assert not (tmp_path / "index" / "manifest.json").exists()


def test_missing_corpus_folder_is_a_corpus_error(tmp_path: Path) -> None:
    corpus = tmp_path / "no-such-corpus"
    with pytest.raises(CorpusError) as err:
        rag.ingest(settings=rag.Settings(corpus_dir=corpus, index_dir=tmp_path / "index"))
    assert str(corpus) in str(err.value)
    assert "RAG_CORPUS_DIR" in str(err.value)


def test_binary_file_is_skipped_and_the_rest_ingested(
    make_corpus: Callable[..., rag.Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_corpus(
        {**SMALL_ARTICLES, "broken.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20}, **SMALL
    )
    report = rag.ingest(settings=settings)
    assert (report.added, report.updated, report.removed) == (3, 0, 0)
    assert [Path(s.path).name for s in report.skipped] == ["broken.txt"]
    assert "binary" in report.skipped[0].reason
    assert set(manifest_of(settings).files) == {"qingdao", "shenzhen", "guiyang"}
    assert_consistent(settings)

    # A second run still reports the file, but rewrites nothing, and since only that file
    # "changed" it does not even open the vector store or the BM25 side.
    from rag.ingestion import pipeline as indexing

    def must_not_open(*a: object, **kw: object) -> None:
        raise AssertionError("a no-op ingest opened the index")

    monkeypatch.setattr(indexing, "open_store", must_not_open)
    monkeypatch.setattr(indexing.LexicalIndex, "load", must_not_open)
    before = manifest_of(settings)
    again = rag.ingest(settings=settings)
    assert again.summary().startswith("0 added, 0 updated, 0 removed")
    assert [Path(s.path).name for s in again.skipped] == ["broken.txt"]
    assert "binary" in again.skipped[0].reason
    assert manifest_of(settings).generation == before.generation
    monkeypatch.undo()

    # With another file edited too, the run goes on and still reports the broken one.
    corpus_file(settings, "guiyang.txt").write_text(
        SMALL_ARTICLES["guiyang.txt"] + "论坛圆满闭幕。\n", encoding="utf-8"
    )
    third = rag.ingest(settings=settings)
    assert (third.updated, third.unchanged) == (1, 2)
    assert [Path(s.path).name for s in third.skipped] == ["broken.txt"]
    assert manifest_of(settings).generation == before.generation + 1
    assert_consistent(settings)


# --- the manifest ----------------------------------------------------------------------------


def test_manifest_records_how_the_index_was_built(small: rag.Settings) -> None:
    m = manifest_of(small)
    assert m.embed_model == DEFAULT_EMBED_MODEL and not m.fallback_model
    assert m.dimension == 384
    assert (m.chunk_size, m.chunk_overlap) == (SMALL["chunk_size"], SMALL["chunk_overlap"])
    built = datetime.fromisoformat(m.built_at)
    assert timedelta(0) <= datetime.now(UTC) - built < timedelta(minutes=10)
    assert set(m.files) == {"qingdao", "shenzhen", "guiyang"}
    per_article: dict[str, int] = {}
    for r in lexical_of(small).records:
        per_article[r.article_id] = per_article.get(r.article_id, 0) + 1
    for aid, entry in m.files.items():
        path = Path(entry.path)
        assert path == corpus_file(small, f"{aid}.txt")
        assert entry.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry.size == path.stat().st_size
        assert entry.chunks == per_article[aid] > 0
    assert m.chunks == sum(e.chunks for e in m.files.values()) == report_chunks(small)
    q = m.files["qingdao"]
    assert (q.title, q.date, q.source) == ("青岛5G建设提速", "2021-11-20", "青岛日报")


def report_chunks(settings: rag.Settings) -> int:
    return rag.ingest(settings=settings).chunks  # a no-op run reports the index's count


def test_vectors_reach_chroma_in_batches_of_upsert_batch(
    make_corpus: Callable[..., rag.Settings], monkeypatch: pytest.MonkeyPatch
) -> None:

    # Encoder calls of 1 * 4 = 4 chunks; the writer gathers them into upserts of 8.
    settings = make_corpus(chunk_size=16, chunk_overlap=4, embed_batch_size=1, upsert_batch=8)
    sizes: list[int] = []
    real_upsert = VectorStore.upsert

    def counting(self: VectorStore, chunks, vectors, metadatas) -> None:  # type: ignore[no-untyped-def]
        sizes.append(len(chunks))
        assert len(vectors) == len(metadatas) == len(chunks)
        real_upsert(self, chunks, vectors, metadatas)

    monkeypatch.setattr(VectorStore, "upsert", counting)
    report = rag.ingest(settings=settings)
    assert report.chunks > 8
    assert sum(sizes) == report.chunks
    assert all(s == 8 for s in sizes[:-1]) and 0 < sizes[-1] <= 8
    assert_consistent(settings)  # every vector stored under its own chunk's id and text
