"""Ingest, search and ask through a real Chroma server (`chroma run` on 127.0.0.1)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SEED_CORPUS, settings_for

import rag

CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _server(data: Path) -> Iterator[str]:
    """A real `chroma run` on a free loopback port, stopped afterwards."""
    import httpx

    port = _free_port()
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("chroma server did not start within 60 s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


@pytest.fixture(scope="module")
def server_index(chroma_url: str, tmp_path_factory: pytest.TempPathFactory) -> rag.Settings:
    root = tmp_path_factory.mktemp("server-ingest")
    shutil.copytree(SEED_CORPUS, root / "corpus")
    settings = settings_for(root, chroma_url=chroma_url)
    report = rag.ingest(settings=settings)
    assert report.added == 5
    return settings


def test_nothing_stored_locally_but_the_lexical_copy(server_index: rag.Settings) -> None:
    index_dir = Path(server_index.index_dir)
    assert not (index_dir / "chroma").exists()
    assert (index_dir / "manifest.json").exists()


def test_search_and_ask_through_the_server(server_index: rag.Settings, seed_ids) -> None:
    engine = rag.Engine.open(settings=server_index)
    hits = engine.search("青岛5G基站", k=3)
    assert hits[0].article_id == seed_ids["004"]
    ans = engine.ask("青岛建成了多少个5G基站？")
    assert "1.7万" in ans.text and not ans.abstained


def test_a_replica_with_no_local_copy_rebuilds_bm25_from_chroma(
    server_index: rag.Settings, tmp_path: Path, seed_ids
) -> None:
    replica = server_index.model_copy(update={"index_dir": tmp_path / "replica-index"})
    engine = rag.Engine.open(settings=replica)
    primary = rag.Engine.open(settings=server_index)
    assert engine.info().chunks == primary.info().chunks
    assert engine.info().articles == 5
    q = "哪些城市获得了2023中国领军智慧城市奖？"
    assert [h.chunk_id for h in engine.search(q, k=5)] == [
        h.chunk_id for h in primary.search(q, k=5)
    ]
    by_id = {a.article_id: a for a in engine.articles()}
    assert by_id[seed_ids["004"]].date == "2021-11-20"


def test_replica_picks_up_a_reingest(server_index: rag.Settings, tmp_path: Path) -> None:
    replica = server_index.model_copy(
        update={"index_dir": tmp_path / "replica", "chroma_refresh_seconds": 0.5}
    )
    engine = rag.Engine.open(settings=replica)
    assert engine.search("火星基地建设进展", k=3) == [] or all(
        "火星" not in h.text for h in engine.search("火星基地建设进展", k=3)
    )
    corpus = Path(server_index.corpus_dir)
    (corpus / "mars.txt").write_text(
        "火星基地建设进展\n\n火星基地已建成12座温室。", encoding="utf-8"
    )
    try:
        rag.ingest(settings=server_index)
        time.sleep(0.6)
        hits = engine.search("火星基地温室", k=3)
        assert hits and hits[0].article_id == "mars"
    finally:
        (corpus / "mars.txt").unlink()
        rag.ingest(settings=server_index)


def test_server_down_is_a_clear_fast_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    settings = settings_for(tmp_path, chroma_url=url)
    started = time.perf_counter()
    with pytest.raises(rag.RagError, match=url.replace(".", r"\.")):
        rag.Engine.open(settings=settings)
    assert time.perf_counter() - started < 10


def test_empty_server_says_run_ingest(tmp_path: Path) -> None:
    with _server(tmp_path / "data") as url:
        with pytest.raises(rag.IndexNotFound, match="run `rag ingest`"):
            rag.Engine.open(settings=settings_for(tmp_path, chroma_url=url))
