"""The lexical side of the index: chunk records plus a BM25 model (bm25s) over jieba tokens.

One generation lives in its own folder (`lexical-<n>/`) and is never modified after it is
written; the manifest names the current one, so a reader always sees a consistent set.
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import IndexCorrupted
from rag.text import tokenize

log = logging.getLogger("rag")


@dataclass(frozen=True)
class ChunkRecord:
    """A stored chunk; `text == article_text[start:end]`."""

    id: str
    article_id: str
    position: int
    text: str
    start: int
    end: int


class LexicalIndex:
    """Chunk records in BM25 order, and the BM25 model over their tokens."""

    def __init__(self, records: list[ChunkRecord], bm25, tokens: list[list[str]] | None = None):  # type: ignore[no-untyped-def]
        self.records = records
        self.bm25 = bm25
        self.tokens = tokens  # kept only while ingesting, to reuse for the next generation
        self.position = {r.id: i for i, r in enumerate(records)}
        self._vocab: dict[str, int] = dict(getattr(bm25, "vocab_dict", None) or {})
        self._df: np.ndarray | None = None
        self._uses: dict[str, bool] = {}
        scores = getattr(bm25, "scores", None) or {}
        self._csc: tuple[np.ndarray, np.ndarray, np.ndarray] | None = (
            (scores["data"], scores["indices"], scores["indptr"]) if "data" in scores else None
        )

    @classmethod
    def build(cls, records: list[ChunkRecord], tokens: list[list[str]]) -> LexicalIndex:
        import bm25s

        bm25 = bm25s.BM25()
        if records:
            bm25.index(tokens, show_progress=False)
        return cls(records, bm25, tokens)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=False)
        with open(folder / "chunks.jsonl", "w", encoding="utf-8") as f:
            for r in self.records:
                f.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")
        with open(folder / "tokens.jsonl", "w", encoding="utf-8") as f:
            for t in self.tokens or []:
                f.write(json.dumps(t, ensure_ascii=False) + "\n")
        if self.records:
            self.bm25.save(str(folder / "bm25"), show_progress=False)

    @classmethod
    def load(cls, folder: Path, *, with_tokens: bool = False) -> LexicalIndex:
        try:
            with open(folder / "chunks.jsonl", encoding="utf-8") as f:
                records = [ChunkRecord(**json.loads(line)) for line in f if line.strip()]
            tokens = None
            if with_tokens:
                with open(folder / "tokens.jsonl", encoding="utf-8") as f:
                    # One shared string per distinct word (~0.3 GB less at 50,000 chunks).
                    tokens = [list(map(sys.intern, json.loads(line))) for line in f if line.strip()]
            bm25 = _SavedBM25.load(folder / "bm25") if records else None
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise IndexCorrupted(
                f"the lexical index {folder} cannot be read ({exc}): run `rag ingest --rebuild`"
            ) from exc
        return cls(records, bm25, tokens)

    def vocabulary(self) -> list[str]:
        """Every token of the corpus."""
        return list(self._vocab)

    def knows(self, token: str) -> bool:
        """Whether the token occurs in any chunk."""
        return token in self._vocab

    def uses(self, word: str) -> bool:
        """Whether the corpus uses the word: it is a token, or all the tokens it is cut into
        are ("智慧城市" -> 智慧, 城市)."""
        if word in self._vocab:
            return True
        known = self._uses.get(word)
        if known is None:  # asked for each dictionary sense of each English query word
            parts = tokenize(word)
            known = self._uses[word] = bool(parts) and all(p in self._vocab for p in parts)
        return known

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token over chunks (unknown token: the maximum)."""
        n = max(len(self.records), 1)
        if self._df is None:
            indptr = (
                np.asarray(self.bm25.scores.get("indptr", [0])) if self.records else np.zeros(1)
            )
            self._df = np.diff(indptr)
        tid = self._vocab.get(token)
        df = int(self._df[tid]) if tid is not None and tid < len(self._df) else 0
        return float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros when no token is known)."""
        known = [t for t in query_tokens if t in self._vocab]
        out = np.zeros(len(self.records), dtype=np.float32)
        if not known or not self.records or self._csc is None:
            return out
        if getattr(self.bm25, "nonoccurrence_array", None) is not None:  # BM25L / BM25+
            return np.asarray(self.bm25.get_scores(known), dtype=np.float32)
        # bm25s' `get_scores` (numpy backend), without importing bm25s and scipy on the
        # query path: the precomputed per-(token, chunk) scores of each query token, added in
        # query order (same float32 sums). A token's chunks are distinct, so `+=` on the
        # fancy index equals bm25s' slower `np.add.at`.
        data, indices, indptr = self._csc
        for tid in (self._vocab[t] for t in known):
            start, end = int(indptr[tid]), int(indptr[tid + 1])
            out[indices[start:end]] += data[start:end]
        return out


class _SavedBM25:
    """The arrays and vocabulary of a BM25 model saved by bm25s (`BM25.save`), read with
    numpy only. Methods with a non-occurrence term (BM25L, BM25+) go through bm25s."""

    def __init__(self, vocab_dict: dict[str, int], scores: dict[str, Any]):
        self.vocab_dict = vocab_dict
        self.scores = scores

    @classmethod
    def load(cls, folder: Path) -> Any:
        with open(folder / "params.index.json", encoding="utf-8") as f:
            params = json.load(f)
        if (
            params.get("method", "lucene") not in ("robertson", "lucene", "atire")
            or params.get("dtype", "float32") != "float32"
        ):
            import bm25s

            return bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
        with open(folder / "vocab.index.json", encoding="utf-8") as f:
            vocab = json.load(f)
        scores = {
            name: np.load(folder / f"{name}.csc.index.npy", allow_pickle=False)
            for name in ("data", "indices", "indptr")
        }
        scores["num_docs"] = params.get("num_docs")
        return cls(vocab, scores)
