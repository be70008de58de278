"""rag.query_encoder: the NumPy query path gives sentence-transformers' vectors, and opening
an index to answer never imports torch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag import query_encoder
from rag.embeddings import SentenceTransformerEmbedder, _prefixes, bundled_model_path, resolve_model

TEXTS = [
    "青岛建成了多少个5G基站？",
    "青島建成了多少個5G基站？",
    "Which cities won the 2023 smart city award?",
    "Café résumé naïve ＡＢＣ１２３ 全角",
    "mixed 中文 and English 1.7万 ％",
    "a",
    "  ",
    "query: 哪些城市获得了2023中国领军智慧城市奖？",
    "中国新型智慧城市建设峰会" * 60,  # longer than max_seq_length: truncated the same way
]


def _reference(path: str, texts: list[str]) -> np.ndarray:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(path, device="cpu", local_files_only=True)
    return model.encode(texts, batch_size=4, normalize_embeddings=True, convert_to_numpy=True)


@pytest.mark.parametrize("model", ["bundled", "tiny"])
def test_numpy_vectors_equal_sentence_transformers(model: str, tiny_model: Path) -> None:
    path = bundled_model_path() if model == "bundled" else str(tiny_model)
    encoder = query_encoder.load(path)
    assert encoder is not None, "the model has the supported shape"
    expected = _reference(path, TEXTS)
    one_by_one = np.stack([encoder.encode([t])[0] for t in TEXTS])
    batched = encoder.encode(TEXTS)  # padded batch: padding must not change any vector
    assert one_by_one.shape == expected.shape and one_by_one.dtype == np.float32
    np.testing.assert_allclose(one_by_one, expected, atol=1e-4, rtol=0)
    np.testing.assert_allclose(batched, expected, atol=1e-4, rtol=0)
    np.testing.assert_allclose(np.linalg.norm(one_by_one, axis=1), 1.0, rtol=1e-5)


def test_threads_follow_the_requests_being_served() -> None:
    assert query_encoder._requests == 0
    assert query_encoder._blas_threads() == query_encoder.ALONE_THREADS
    with query_encoder.serving():
        assert query_encoder._blas_threads() == query_encoder.ALONE_THREADS
        with query_encoder.serving():  # a second request at the same time
            assert query_encoder._requests == 2
            assert query_encoder._blas_threads() == 1
        assert query_encoder._blas_threads() == query_encoder.ALONE_THREADS
    with pytest.raises(RuntimeError), query_encoder.serving():
        raise RuntimeError("a failed request is not counted forever")
    assert query_encoder._requests == 0


def test_vectors_do_not_depend_on_the_thread_count() -> None:
    encoder = query_encoder.load(bundled_model_path())
    assert encoder is not None
    alone = encoder.encode(TEXTS)
    with query_encoder.serving(), query_encoder.serving():
        assert query_encoder._blas_threads() == 1
        busy = encoder.encode(TEXTS)
    np.testing.assert_allclose(alone, busy, atol=1e-5, rtol=0)


def test_engine_calls_count_as_requests(seed_engine, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[int] = []
    real = seed_engine.embedder.embed_query

    def recording(text: str) -> np.ndarray:
        seen.append(query_encoder._requests)
        return real(text)

    monkeypatch.setattr(seed_engine.embedder, "embed_query", recording)
    seed_engine.search("青岛5G基站")
    seed_engine.ask("青岛建成了多少个5G基站？")
    stream = seed_engine.ask_stream("哪些城市获得了2023中国领军智慧城市奖？")
    next(stream)  # an answer being streamed is a request in progress ...
    seed_engine.search("智慧城市")
    assert seen == [1, 1, 1, 2]
    stream.close()  # ... until it ends or the client goes away
    assert query_encoder._requests == 0


def test_embedder_queries_match_documents_path() -> None:
    embedder = SentenceTransformerEmbedder(resolve_model(bundled_model_path()))
    assert embedder._query is not None
    queries = np.stack([embedder.embed_query(t) for t in TEXTS])
    docs = embedder.embed_documents(TEXTS, batch_size=3)  # sentence-transformers
    np.testing.assert_allclose(queries, docs, atol=1e-4, rtol=0)
    assert embedder.dimension == embedder.model.get_embedding_dimension() == 384


def test_prompts_and_prefixes_as_sentence_transformers(tiny_model: Path, tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    folder = tmp_path / "with-prompts"
    shutil.copytree(tiny_model, folder)
    cfg_path = folder / "config_sentence_transformers.json"
    cfg = json.loads(cfg_path.read_text()) if cfg_path.exists() else {}
    cfg["prompts"] = {"query": "query: ", "passage": "passage: "}
    cfg_path.write_text(json.dumps(cfg))
    for path in (tiny_model, folder, Path(bundled_model_path())):
        st = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        encoder = query_encoder.load(path)
        assert encoder is not None
        for name in ("some/model", "intfloat/multilingual-e5-small"):
            assert _prefixes(name, st) == _prefixes(name, encoder), (path, name)
    embedder = SentenceTransformerEmbedder(resolve_model(str(folder)))
    assert (embedder.query_prefix, embedder.passage_prefix) == ("query: ", "passage: ")


def test_unsupported_shapes_fall_back_to_sentence_transformers(
    tiny_model: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "max-pooling"
    shutil.copytree(tiny_model, folder)
    modules = json.loads((folder / "modules.json").read_text())
    pool_cfg = folder / modules[1]["path"] / "config.json"
    cfg = json.loads(pool_cfg.read_text())
    if "pooling_mode" in cfg:  # sentence-transformers 6 format
        cfg["pooling_mode"] = "max"
    else:
        cfg.update(pooling_mode_mean_tokens=False, pooling_mode_max_tokens=True)
    pool_cfg.write_text(json.dumps(cfg))
    assert query_encoder.load(folder) is None
    assert query_encoder.load(tmp_path / "no-such-model") is None

    embedder = SentenceTransformerEmbedder(resolve_model(str(folder)))
    assert embedder._query is None and embedder._model is not None  # loaded at once
    vec = embedder.embed_query("青岛5G基站")
    np.testing.assert_allclose(vec, _reference(str(folder), ["青岛5G基站"])[0], atol=1e-5)


def test_answering_from_an_index_does_not_import_torch(seed_index) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys, rag\n"
        "engine = rag.Engine.open()\n"
        "answer = engine.ask('青岛建成了多少个5G基站？')\n"
        "assert answer.citations, answer\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))\n"
    )
    s = seed_index.settings
    env = dict(
        os.environ,
        RAG_CORPUS_DIR=str(s.corpus_dir),
        RAG_INDEX_DIR=str(s.index_dir),
        RAG_EMBED_MODEL=s.embed_model,
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=s.index_dir.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
