"""What an answerer reads: retrieval over the index and a few corpus statistics.

A small interface so that answerers never import the engine: `rag.retrieve.hybrid.
HybridRetriever` provides it, and a test can hand an answerer a fake with canned hits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rag.config import Settings
from rag.retrieve.query import Filters
from rag.types import Hit


class Sources(Protocol):
    """Retrieved passages and corpus statistics for one index snapshot."""

    settings: Settings

    def search(self, query: str, *, k: int, filters: Filters | None = None) -> list[Hit]:
        """The k best passages for a clean query, best first."""
        ...

    def article_text(self, article_id: str) -> str:
        """An article's title and text ("" if unknown)."""
        ...

    def knows(self, token: str) -> bool:
        """Whether the corpus has this BM25 token."""
        ...

    def uses(self, word: str) -> bool:
        """Whether the corpus uses this word (as a token or inside its tokens)."""
        ...

    def idf(self, token: str) -> float:
        """The token's inverse document frequency in the corpus."""
        ...

    def translate(self, text: str) -> list[tuple[str, ...]]:
        """An English text's Chinese terms, one group of alternatives per term, in the words
        the corpus uses (romanised names read as the articles' names)."""
        ...

    def lead(self, article_id: str) -> Hit | None:
        """An article's first passage (None if unknown)."""
        ...

    def similarities(self, question: str, texts: Sequence[str]) -> list[float] | None:
        """The embedding model's cosine of the question to each text; None when the model
        cannot judge (the English-only fallback on Chinese text)."""
        ...

    def share(self, token: str) -> float:
        """The share of passages that contain the token (0: the corpus lacks it)."""
        ...

    def mentions(self, text: str) -> bool:
        """Whether any passage writes this text, in either script (a word the tokeniser
        cuts otherwise too: 芝加哥大学 of 芝加哥 大学)."""
        ...
