"""Shared fixtures: the seed index (built once per session), a tiny local embedding model,
and a factory for small corpora written by the tests themselves.

Every index lives in a pytest tmp dir with real Chroma; the embedding model is the bundled
offline one (loaded once per process by `rag.embed.embedders`), so nothing touches the network.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import rag
from rag.config import DEFAULT_EMBED_MODEL
from rag.types import Article, IngestReport

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session", autouse=True)
def _no_rag_env() -> Iterator[None]:
    """Keep a developer's RAG_* variables from changing what the tests build."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("RAG_")}
    for key in saved:
        del os.environ[key]
    yield
    os.environ.update(saved)


def settings_for(root: Path, **overrides: object) -> rag.Settings:
    """Settings with corpus and index under `root` and the bundled multilingual model (no hub probe)."""
    values: dict[str, object] = {
        "corpus_dir": root / "corpus",
        "index_dir": root / "index",
        "embed_model": DEFAULT_EMBED_MODEL,
    }
    values.update(overrides)
    return rag.Settings(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SeedIndex:
    """The seed corpus copied to a tmp dir and ingested once."""

    settings: rag.Settings
    report: IngestReport

    @property
    def corpus_dir(self) -> Path:
        return Path(self.settings.corpus_dir)

    @property
    def index_dir(self) -> Path:
        return Path(self.settings.index_dir)


@pytest.fixture(scope="session")
def seed_ids() -> dict[str, str]:
    """Short names ("000") -> article ids ("000_55233159bab9015b") of the seed corpus."""
    return {p.stem[:3]: p.stem for p in sorted(SEED_CORPUS.glob("*.txt"))}


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> SeedIndex:
    """rag.ingest of a copy of /corpus into a session tmp dir (treat as read-only)."""
    root = tmp_path_factory.mktemp("seed")
    shutil.copytree(SEED_CORPUS, root / "corpus")
    settings = settings_for(root)
    report = rag.ingest(settings=settings)
    return SeedIndex(settings, report)


@pytest.fixture(scope="session")
def seed_engine(seed_index: SeedIndex) -> rag.Engine:
    return rag.Engine.open(settings=seed_index.settings)


@pytest.fixture(scope="session")
def seed_articles() -> dict[str, Article]:
    """Article id -> cleaned Article, exactly as ingest loads it."""
    from rag.ingestion.loading import load_article

    return {p.stem: load_article(p) for p in sorted(SEED_CORPUS.glob("*.txt"))}


# Small news-like articles for tests that change the corpus; each ingest embeds a few chunks.
SMALL_ARTICLES = {
    "qingdao.txt": (
        "青岛5G建设提速\n2021-11-20 来源：青岛日报\n\n"
        "青岛已建成5G基站1.7万个，在全省率先完成双千兆城市指标。"
        "城市云脑和一体化综合指挥平台投入运行。"
        "全市形成了500多个智慧城市创新应用场景。\n"
    ),
    "shenzhen.txt": (
        "深圳展区亮相东北亚博览会\n2022-09-23 来源：深圳商报\n\n"
        "深圳市智慧杆产业促进会组织30余家企业参展。"
        "展区以5G加智慧城市为主题，展示了多功能智慧灯杆。\n"
    ),
    "guiyang.txt": (
        "贵阳举办国际友城智慧城市论坛\n2023-05-26 来源：国际在线\n\n"
        "论坛在贵阳举行，来自多个国家的友好城市代表参加。"
        "代表们围绕大数据与城市治理交流经验。\n"
    ),
}


@pytest.fixture
def make_corpus(tmp_path: Path) -> Callable[..., rag.Settings]:
    """Write articles into tmp_path/corpus and return Settings over it (index not built)."""

    def make(files: dict[str, str | bytes] | None = None, **overrides: object) -> rag.Settings:
        corpus = tmp_path / "corpus"
        corpus.mkdir(exist_ok=True)
        for name, body in (SMALL_ARTICLES if files is None else files).items():
            data = body.encode("utf-8") if isinstance(body, str) else body
            (corpus / name).write_bytes(data)
        return settings_for(tmp_path, **overrides)

    return make


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised 1-layer BERT saved as a sentence-transformers folder (dim 32)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    root = tmp_path_factory.mktemp("tiny-model")
    raw = root / "bert"
    raw.mkdir()
    chars = sorted(set("".join(SMALL_ARTICLES.values())) - set(" \n"))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *"abcdefghijklmnopqrstuvwxyz"]
    (raw / "vocab.txt").write_text("\n".join(dict.fromkeys(vocab)) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(raw / "vocab.txt"), do_lower_case=True)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=256,
    )
    BertModel(config).save_pretrained(raw)
    tokenizer.save_pretrained(raw)
    transformer = Transformer(str(raw), max_seq_length=128)
    pooling = Pooling(transformer.get_embedding_dimension(), "mean")
    out = root / "st-model"
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(out))
    return out
