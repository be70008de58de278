"""Crash safety: an ingest aborted at any point leaves the previous index usable, and a
re-run converges to exactly the state of a clean ingest."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import SEED_CORPUS, settings_for

import rag
import rag.ingestion.pipeline as indexing
from rag.index.store import open_store
from rag.ingestion.health import check_index

NEW_ARTICLES = {
    f"extra_{i}.txt": f"第{i}号新闻标题\n\n"
    + "".join(
        f"第{i}号城市在第{j}季度建成了{i * 10 + j}个智慧路灯，服务居民{j * 1000}人。"
        for j in range(1, 9)
    )
    for i in range(1, 6)
}


class Crash(Exception):
    pass


# Write points before the manifest of the new lexical generation is saved.
BEFORE_MANIFEST = ("load", "delete", "lexical", "manifest")


def _state(settings: rag.Settings) -> tuple[list[str], int]:
    engine = rag.Engine.open(settings=settings)
    ids = sorted(open_store(settings, create=False).all_ids())
    return ids, engine.info().chunks


def _live_chunk_ids(engine: rag.Engine) -> list[str]:
    """The chunk ids the engine serves (`engine.chunk` raises for any it does not)."""
    ids = [f"{a.article_id}#{i}" for a in engine.articles() for i in range(a.chunks)]
    return [engine.chunk(cid).chunk_id for cid in ids]


def _change_corpus(corpus: Path) -> None:
    for name, text in NEW_ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    edited = corpus / "004_33a22f1cef91604b.txt"
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\n青岛还新建了3个算力中心。\n", encoding="utf-8"
    )
    (corpus / "002_4a567437e662fc8d.txt").unlink()


@pytest.fixture(autouse=True)
def small_upserts(monkeypatch: pytest.MonkeyPatch) -> None:
    """One Chroma upsert per encoder call (8 chunks), so crashes land between upserts too."""
    monkeypatch.setenv("RAG_UPSERT_BATCH", "8")


@pytest.fixture
def base(tmp_path: Path) -> rag.Settings:
    shutil.copytree(SEED_CORPUS, tmp_path / "corpus")
    settings = settings_for(tmp_path, embed_batch_size=2)
    rag.ingest(settings=settings)
    return settings


@pytest.fixture(scope="module")
def clean_state(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], int]:
    root = tmp_path_factory.mktemp("clean")
    shutil.copytree(SEED_CORPUS, root / "corpus")
    _change_corpus(root / "corpus")
    settings = settings_for(root, embed_batch_size=2)
    rag.ingest(settings=settings)
    return _state(settings)


def _count_checkpoints(tmp_path_factory: pytest.TempPathFactory) -> int:
    root = tmp_path_factory.mktemp("count")
    shutil.copytree(SEED_CORPUS, root / "corpus")
    settings = settings_for(root, embed_batch_size=2)
    rag.ingest(settings=settings)
    _change_corpus(root / "corpus")
    seen: list[str] = []
    indexing.fault_hook = seen.append
    try:
        rag.ingest(settings=settings)
    finally:
        indexing.fault_hook = None
    return len(seen)


def test_the_scenario_has_at_least_ten_abort_points(tmp_path_factory) -> None:
    assert _count_checkpoints(tmp_path_factory) >= 10


@pytest.mark.parametrize("abort_at", range(1, 15))
def test_abort_at_each_point_then_rerun_converges(
    base: rag.Settings, clean_state, abort_at: int
) -> None:
    before_ids, before_chunks = _state(base)
    _change_corpus(Path(base.corpus_dir))
    calls = 0
    crashed_at = ""

    def hook(stage: str) -> None:
        nonlocal calls, crashed_at
        calls += 1
        if calls == abort_at:
            crashed_at = stage
            raise Crash(stage)

    indexing.fault_hook = hook
    try:
        try:
            rag.ingest(settings=base)
        except Crash:
            pass
    finally:
        indexing.fault_hook = None

    # The index opens and answers, whatever point the crash hit.
    engine = rag.Engine.open(settings=base)
    hits = engine.search("青岛5G基站", k=5)
    assert hits and len({h.chunk_id for h in hits}) == len(hits)
    assert all(engine.chunk(h.chunk_id).text == h.text for h in hits)  # of the live generation
    assert not engine.ask("哪些城市获得了2023中国领军智慧城市奖？").abstained
    if crashed_at in BEFORE_MANIFEST:
        # Crashed before the new manifest: readers still see the previous generation.
        assert engine.info().chunks == before_chunks
        assert sorted(_live_chunk_ids(engine)) == before_ids
    elif crashed_at:
        # The new lexical generation is live first; its vectors may be still missing.
        assert engine.info().chunks == clean_state[1]

    # A re-run converges to exactly what a clean ingest of the same corpus builds.
    rag.ingest(settings=base)
    assert _state(base) == clean_state
    assert check_index(base) == []


def _bulk(corpus: Path, n: int = 120) -> None:
    for i in range(n):  # enough work that the kill lands mid-embedding
        (corpus / f"bulk_{i:03d}.txt").write_text(
            f"批量新闻{i}\n\n" + f"某市第{i}次会议讨论了智慧交通和数据共享等议题。" * 40,
            encoding="utf-8",
        )


def _kill_while_adding_vectors(settings: rag.Settings, *args: str) -> int:
    """Run `rag ingest ARGS` in a child process and SIGKILL it once it has upserted some
    vectors (its progress bar says so); returns how many it had reported."""
    env = {
        **os.environ,
        "RAG_CORPUS_DIR": str(settings.corpus_dir),
        "RAG_INDEX_DIR": str(settings.index_dir),
        "RAG_EMBED_MODEL": settings.embed_model,
        "RAG_EMBED_BATCH_SIZE": "4",
        "RAG_UPSERT_BATCH": "16",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "ingest", "--progress", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    seen = bytearray()
    done = 0
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        seen += os.read(proc.stderr.fileno(), 4096)
        counts = re.findall(rb"adding vectors: +\d+%\|[^|]*\| *(\d+)/(\d+)", bytes(seen))
        if counts and int(counts[-1][0]) >= 48:  # three upserts of 16 are in Chroma
            done = int(counts[-1][0])
            break
    assert proc.poll() is None, "ingest finished before it could be killed: " + seen.decode()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return done


def test_sigkill_while_adding_vectors_then_rerun_resumes(tmp_path: Path) -> None:
    shutil.copytree(SEED_CORPUS, tmp_path / "corpus")
    settings = settings_for(tmp_path)
    rag.ingest(settings=settings)
    _bulk(tmp_path / "corpus")
    _kill_while_adding_vectors(settings)

    # The new articles are searchable by BM25 at once; the dense side is partly built.
    engine = rag.Engine.open(settings=settings)
    info = engine.info()
    assert info.articles == 125 and not info.vectors_complete
    assert 0 < info.vectors < info.chunks
    assert engine.search("青岛5G基站", k=3)[0].article_id.startswith("004")
    assert engine.search("批量新闻", k=3)[0].article_id.startswith("bulk_")
    assert "1.7万" in engine.ask("青岛建成了多少个5G基站？").text

    # A re-run embeds only what is missing, and the index is then complete and consistent.
    report = rag.ingest(settings=settings)
    assert report.added == report.updated == 0
    assert report.embedded == info.chunks - info.vectors
    assert rag.Engine.open(settings=settings).info().vectors_complete
    assert check_index(settings) == []


def test_sigkill_during_rebuild_leaves_the_old_index_live(tmp_path: Path) -> None:
    shutil.copytree(SEED_CORPUS, tmp_path / "corpus")
    _bulk(tmp_path / "corpus")
    settings = settings_for(tmp_path)
    rag.ingest(settings=settings)
    before = rag.Engine.open(settings=settings)
    old = before.info()
    old_hits = before.search("青岛5G基站", k=5)
    _kill_while_adding_vectors(settings, "--rebuild")

    # The live index is the old one, whole: same generation, every vector, same answers.
    engine = rag.Engine.open(settings=settings)
    assert engine.info() == old
    assert engine.search("青岛5G基站", k=5) == old_hits
    assert before.search("青岛5G基站", k=5) == old_hits
    assert check_index(settings) == []

    # Running the rebuild again resumes it (only the missing vectors), then switches over.
    report = rag.ingest(settings=settings, rebuild=True)
    assert 0 < report.embedded < report.chunks
    new = rag.Engine.open(settings=settings).info()
    assert new.built_at >= old.built_at and new.vectors_complete and new.chunks == old.chunks
    assert not (Path(settings.index_dir) / "manifest.rebuild.json").exists()
    assert check_index(settings) == []
    assert [h.chunk_id for h in before.search("青岛5G基站", k=5)] == [
        h.chunk_id for h in old_hits
    ]  # an engine opened before the switch follows it


REBUILD_STAGES = ["load", "manifest", "saved", "upsert", "complete", "promote", "promoted"]


@pytest.mark.parametrize("stage", REBUILD_STAGES)
def test_rebuild_aborted_anywhere_keeps_the_old_index(base: rag.Settings, stage: str) -> None:
    before = rag.Engine.open(settings=base)
    old_info, old_hits = before.info(), before.search("青岛5G基站", k=5)
    calls = 0

    def hook(at: str) -> None:
        nonlocal calls
        calls += at == stage
        if calls == (2 if stage == "upsert" else 1):  # the second upsert: some vectors stored
            raise Crash(at)

    indexing.fault_hook = hook
    try:
        try:
            rag.ingest(settings=base, rebuild=True)
        except Crash as crash:
            crashed = str(crash)
        else:
            crashed = ""
    finally:
        indexing.fault_hook = None
    engine = rag.Engine.open(settings=base)
    assert crashed == stage
    if crashed == "promoted":  # switched over, the old vectors not yet dropped
        assert engine.info().vectors_complete
    else:
        assert engine.info() == old_info
        assert engine.search("青岛5G基站", k=5) == old_hits
    rag.ingest(settings=base, rebuild=True)
    assert check_index(base) == []
    assert not (Path(base.index_dir) / "manifest.rebuild.json").exists()
    assert before.search("青岛5G基站", k=5)[0].article_id == old_hits[0].article_id


def test_readers_keep_working_during_an_ingest(base: rag.Settings) -> None:
    engine = rag.Engine.open(settings=base)
    _change_corpus(Path(base.corpus_dir))
    errors: list[BaseException] = []
    done = threading.Event()
    answered = 0

    def reader() -> None:
        nonlocal answered
        while not done.is_set():
            try:
                assert engine.search("青岛5G基站", k=3)
                engine.ask("哪些城市获得了2023中国领军智慧城市奖？")
                answered += 1
            except BaseException as exc:  # noqa: BLE001 - any failure fails the test
                errors.append(exc)
                return

    t = threading.Thread(target=reader)
    t.start()
    try:
        rag.ingest(settings=base)
    finally:
        done.set()
        t.join(60)
    assert errors == []
    assert answered > 0
    assert engine.info().articles == 9  # the reader now sees the new generation
