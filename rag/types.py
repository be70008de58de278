"""Typed records passed between pipeline stages and returned by the public API."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """A cleaned article: `text` is the cleaned body that chunk offsets refer to."""

    id: str
    path: str
    text: str
    title: str = ""
    date: str = ""  # ISO 8601 (YYYY-MM-DD) or "" when the article states none
    source: str = ""
    url: str = ""
    sha256: str = ""  # of the raw file bytes


@dataclass(frozen=True)
class Chunk:
    """A passage of an article, as chunking cuts it and the lexical index stores it;
    `text == article.text[start:end]`."""

    id: str
    article_id: str
    position: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Skipped:
    """A file that was not ingested, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class Hit:
    """One retrieved passage. Higher `score` means more relevant within one query."""

    chunk_id: str
    article_id: str
    title: str
    date: str | None
    source: str
    url: str
    text: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer; `quote` is the exact source sentence(s)."""

    n: int
    article_id: str
    title: str
    date: str | None
    url: str
    quote: str
    start: int
    end: int
    source: str = ""
    chunk_id: str = ""
    passage: str = ""  # the retrieved passage the quote was taken from
    passage_start: int = 0


@dataclass(frozen=True)
class Answer:
    """An answer with inline [n] markers and the citations they point to."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    unsupported: list[str] = field(default_factory=list)
    mode: str = "extractive"
    question: str = ""  # the standalone question actually answered (after follow-up rewrite)
    notice: str = ""  # e.g. "LLM unreachable, answered offline"
    closest: list[Hit] = field(default_factory=list)  # on abstention, the nearest passages


@dataclass(frozen=True)
class ArticleInfo:
    """An indexed article: id, metadata and how many chunks it has."""

    article_id: str
    title: str
    date: str | None
    source: str
    url: str
    chunks: int


@dataclass(frozen=True)
class Rankings:
    """A query's chunk ids from each retrieval channel, best first, before fusion."""

    bm25: list[str]
    dense: list[str]
    dense_weight: float  # the weight fusion gives the dense channel for this question
    articles: list[str] = field(default_factory=list)  # article ids, by their words as a whole
    # Of the channels' articles, those naming the question's rare names (None: it has none).
    naming: list[str] | None = None


@dataclass(frozen=True)
class IndexInfo:
    """What an index holds and how it was built."""

    index_dir: str
    articles: int
    chunks: int
    embed_model: str
    fallback_model: bool
    built_at: str
    chunk_size: int
    chunk_overlap: int
    problems: list[str] = field(default_factory=list)
    backend: str = ""
    vectors: int = 0  # chunks with a vector in Chroma
    vectors_complete: bool = True  # every chunk has its vector (else BM25 + partial dense)
    article_ranking: bool = True  # the article channel's model exists (indexes built before it: no)

    @property
    def dense_share(self) -> float:
        """Share of the chunks that have a vector (1.0 when complete)."""
        return 1.0 if self.vectors_complete or not self.chunks else self.vectors / self.chunks


@dataclass(frozen=True)
class IngestReport:
    """Summary of one ingest run."""

    added: int
    updated: int
    removed: int
    unchanged: int
    chunks: int
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    embed_model: str = ""
    fallback_model: bool = False
    embedded: int = 0  # chunks given a vector by this run

    def summary(self) -> str:
        line = f"{self.added} added, {self.updated} updated, {self.removed} removed"
        line += f" ({self.unchanged} unchanged, {self.chunks} chunks in index, {self.seconds:.1f}s)"
        if self.skipped:
            line += f"; {len(self.skipped)} file(s) skipped"
        return line
