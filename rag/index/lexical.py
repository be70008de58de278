"""The lexical side of the index: chunk records plus a BM25 model (bm25s) over jieba tokens.

One generation lives in its own folder (`lexical-<n>/`) and is never modified after it is
written; the manifest names the current one, so a reader always sees a consistent set.
The BM25 model is saved and read with bm25s' public API (`BM25.save`, `BM25.load`,
`get_scores`).
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rag.errors import IndexCorrupted
from rag.text import tokenize
from rag.types import Chunk

if TYPE_CHECKING:
    import bm25s

log = logging.getLogger("rag")


def has_article_model(folder: Path) -> bool:
    """Whether a lexical generation has the article channel's BM25 (built since that
    channel came; older indexes rank passages only until `rag ingest --rebuild`)."""
    return (folder / "articles.json").exists()


class LexicalIndex:
    """Chunk records in BM25 order, the BM25 model over their tokens, and one over each
    article's tokens (its chunks' together)."""

    def __init__(
        self,
        records: list[Chunk],
        bm25: bm25s.BM25 | None,
        tokens: list[list[str]] | None = None,
        articles: tuple[list[str], bm25s.BM25] | None = None,
    ):
        self.records = records
        self.bm25 = bm25  # None for a generation without chunks (bm25s cannot index nothing)
        self.tokens = tokens  # kept only while ingesting, to reuse for the next generation
        # (article ids, their BM25 model); None in generations written before it existed.
        self.articles = articles
        self.position = {r.id: i for i, r in enumerate(records)}
        self._vocab: dict[str, int] = dict(bm25.vocab_dict) if bm25 is not None else {}
        self._df: np.ndarray | None = None
        self._uses: dict[str, bool] = {}

    @classmethod
    def build(cls, records: list[Chunk], tokens: list[list[str]]) -> LexicalIndex:
        if not records:
            return cls(records, None, tokens)
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index(tokens, show_progress=False)
        # An article's words as one text: a question's words spread over several chunks
        # (the subject in one, the figure in the next) still point to the article. Each
        # chunk repeats the title, so the title's words weigh more, as a reader's would.
        by_article: dict[str, list[str]] = {}
        for record, chunk_tokens in zip(records, tokens, strict=True):
            by_article.setdefault(record.article_id, []).extend(chunk_tokens)
        article_bm25 = bm25s.BM25()
        article_bm25.index(list(by_article.values()), show_progress=False)
        return cls(records, bm25, tokens, (list(by_article), article_bm25))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=False)
        with open(folder / "chunks.jsonl", "w", encoding="utf-8") as f:
            for r in self.records:
                f.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")
        with open(folder / "tokens.jsonl", "w", encoding="utf-8") as f:
            for t in self.tokens or []:
                f.write(json.dumps(t, ensure_ascii=False) + "\n")
        if self.bm25 is not None:
            self.bm25.save(str(folder / "bm25"), show_progress=False)
        if self.articles is not None:
            ids, article_bm25 = self.articles
            article_bm25.save(str(folder / "articles-bm25"), show_progress=False)
            (folder / "articles.json").write_text(json.dumps(ids), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, *, with_tokens: bool = False) -> LexicalIndex:
        try:
            with open(folder / "chunks.jsonl", encoding="utf-8") as f:
                records = [Chunk(**json.loads(line)) for line in f if line.strip()]
            tokens = None
            if with_tokens:
                with open(folder / "tokens.jsonl", encoding="utf-8") as f:
                    # One shared string per distinct word (~0.3 GB less at 50,000 chunks).
                    tokens = [list(map(sys.intern, json.loads(line))) for line in f if line.strip()]
            bm25 = _load_bm25(folder / "bm25") if records else None
            articles = None
            if records and has_article_model(folder):
                ids = json.loads((folder / "articles.json").read_text(encoding="utf-8"))
                articles = (ids, _load_bm25(folder / "articles-bm25"))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise IndexCorrupted(
                f"the lexical index {folder} cannot be read ({exc}): run `rag ingest --rebuild`"
            ) from exc
        return cls(records, bm25, tokens, articles)

    def article_ranking(self, query_tokens: list[str], n: int) -> list[str]:
        """The ids of the `n` articles whose words as a whole match the query best (BM25 over
        each article's tokens), best first; [] for an index written before articles had a
        model of their own, or when no token is known."""
        known = [t for t in query_tokens if t in self._vocab]
        if self.articles is None or not known:
            return []
        ids, article_bm25 = self.articles
        scores = np.asarray(article_bm25.get_scores(known), dtype=np.float32)
        matched = np.flatnonzero(scores > 0)
        best = matched[np.argsort(-scores[matched], kind="stable")][:n]
        return [ids[i] for i in best.tolist()]

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

    def df(self, token: str) -> int:
        """How many chunks contain the token."""
        if self._df is None:
            # A token's column of bm25s' score matrix lists the chunks that contain it.
            indptr = self.bm25.scores["indptr"] if self.bm25 is not None else np.zeros(1)
            self._df = np.diff(np.asarray(indptr))
        tid = self._vocab.get(token)
        return int(self._df[tid]) if tid is not None and tid < len(self._df) else 0

    def share(self, token: str) -> float:
        """The share of chunks that contain the token (0 for a token the corpus lacks)."""
        return self.df(token) / max(len(self.records), 1)

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token over chunks (unknown token: the maximum)."""
        n = max(len(self.records), 1)
        df = self.df(token)
        return float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros when no token is known)."""
        known = [t for t in query_tokens if t in self._vocab]
        if not known or self.bm25 is None:  # bm25s' get_scores rejects an empty query
            return np.zeros(len(self.records), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)


def _load_bm25(folder: Path) -> bm25s.BM25:
    """The BM25 model bm25s saved in `folder`, read with bm25s' public `BM25.load`.

    Importing bm25s (and scipy) here, not when `rag` is imported, costs a cold `rag ask`
    about 0.2 s over reading the arrays with numpy alone (median of 10: 2.34 -> 2.51 s;
    target 3 s) and warm scoring nothing; the public API is worth that. mmap=False reads
    the arrays whole (26 MB at 50,000 chunks): loading measured the same as with mmap, and
    no generation's files stay mapped after it is replaced.
    """
    import bm25s

    return bm25s.BM25.load(str(folder), mmap=False, show_progress=False, verbosity=0)
