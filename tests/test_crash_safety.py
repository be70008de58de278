"""Crash safety: an ingest aborted at any point leaves the previous index usable, and a
re-run converges to exactly the state of a clean ingest."""

from __future__ import annotations

import os
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
import rag.indexing as indexing
from rag.health import check_index
from rag.store import open_store

NEW_ARTICLES = {
    f"extra_{i}.txt": f"第{i}号新闻标题\n\n" + "".join(
        f"第{i}号城市在第{j}季度建成了{i * 10 + j}个智慧路灯，服务居民{j * 1000}人。" for j in range(1, 9)
    )
    for i in range(1, 6)
}


class Crash(Exception):
    pass


def _state(settings: rag.Settings) -> tuple[list[str], int]:
    engine = rag.Engine.open(settings=settings)
    ids = sorted(open_store(settings, create=False).all_ids())
    return ids, engine.info().chunks


def _change_corpus(corpus: Path) -> None:
    for name, text in NEW_ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    edited = corpus / "004_33a22f1cef91604b.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n青岛还新建了3个算力中心。\n", encoding="utf-8")
    (corpus / "002_4a567437e662fc8d.txt").unlink()


@pytest.fixture(autouse=True)
def small_upserts(monkeypatch: pytest.MonkeyPatch) -> None:
    """One Chroma upsert per encoder call (8 chunks), so crashes land between upserts too."""
    monkeypatch.setattr(indexing, "UPSERT_BATCH", 8)


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
def test_abort_at_each_point_then_rerun_converges(base: rag.Settings, clean_state, abort_at: int) -> None:
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
    assert all(h.chunk_id in {r.id for r in engine._current().lexical.records} for h in hits)
    assert not engine.ask("哪些城市获得了2023中国领军智慧城市奖？").abstained
    if crashed_at and crashed_at != "saved":
        # Crashed before the new manifest: readers still see the previous generation.
        assert engine.info().chunks == before_chunks
        assert sorted(r.id for r in engine._current().lexical.records) == before_ids

    # A re-run converges to exactly what a clean ingest of the same corpus builds.
    rag.ingest(settings=base)
    assert _state(base) == clean_state
    assert check_index(base) == []


def test_sigkill_during_ingest_leaves_a_usable_index(tmp_path: Path) -> None:
    shutil.copytree(SEED_CORPUS, tmp_path / "corpus")
    settings = settings_for(tmp_path)
    rag.ingest(settings=settings)
    before = rag.Engine.open(settings=settings).info().chunks
    corpus = tmp_path / "corpus"
    for i in range(200):  # enough work that the kill lands mid-ingest
        (corpus / f"bulk_{i:03d}.txt").write_text(
            f"批量新闻{i}\n\n" + f"某市第{i}次会议讨论了智慧交通和数据共享等议题。" * 40, encoding="utf-8"
        )
    env = {**os.environ, "RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(settings.index_dir),
           "RAG_EMBED_MODEL": settings.embed_model, "RAG_EMBED_BATCH_SIZE": "4"}
    proc = subprocess.Popen([sys.executable, "-m", "rag.cli", "ingest"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Wait until it has written vectors of the new articles, then kill it hard.
    store_dir = Path(settings.index_dir) / "chroma"
    deadline = time.monotonic() + 120
    start_mtime = max(p.stat().st_mtime for p in store_dir.rglob("*") if p.is_file())
    while time.monotonic() < deadline and proc.poll() is None:
        newest = max(p.stat().st_mtime for p in store_dir.rglob("*") if p.is_file())
        if newest > start_mtime:
            break
        time.sleep(0.2)
    time.sleep(1.0)
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    engine = rag.Engine.open(settings=settings)
    assert engine.info().chunks == before  # the previous generation, complete
    assert engine.search("青岛5G基站", k=3)[0].article_id.startswith("004")
    assert "1.7万" in engine.ask("青岛建成了多少个5G基站？").text
    rag.ingest(settings=settings)
    assert check_index(settings) == []
    assert rag.Engine.open(settings=settings).info().articles == 205


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
