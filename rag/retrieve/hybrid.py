"""Hybrid retrieval over one index snapshot: BM25 over jieba tokens + dense vectors in
Chroma, fused by weighted reciprocal-rank fusion (see `rag.retrieve.query.rrf_fuse`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from rag.config import Settings
from rag.embed.embedders import Embedder
from rag.errors import IndexNotFound
from rag.index.snapshot import Snapshot
from rag.index.store import VectorStore
from rag.retrieve.followup import proper_nouns
from rag.retrieve.names import SURNAMES, NameIndex, with_stem
from rag.retrieve.query import (
    Filters,
    chroma_where,
    naming_first,
    rrf_fuse,
    top_n,
    with_articles,
)
from rag.retrieve.rerank import rerank
from rag.retrieve.translate import mostly_latin, romanised_names, term_groups
from rag.text import normalize, to_traditional, tokenize, unglued
from rag.types import Hit, Rankings


def lexical_query(
    query: str,
    known: Callable[[str], bool] | None = None,
    names: NameIndex | None = None,
    words: Callable[[str], bool] | None = None,
) -> str:
    """What BM25 searches for: the query itself, or for an English question its Chinese
    translation by dictionary (CC-CEDICT), since BM25 matches Chinese words only; `known`
    (does the corpus use this word?) picks the senses the corpus uses, and `names` reads
    romanised names as the corpus words whose pinyin they spell ("Lu Zhipeng" -> 陆志鹏);
    `words` (is this a corpus word?) adds the event abbreviations the articles use (高交会)."""
    if not mostly_latin(query):
        return query
    readings = names.words if names is not None else None
    terms = [t for g in term_groups(query, known=known, names=readings, words=words) for t in g]
    return " ".join(terms) if terms else query


def filter_mask(snapshot: Snapshot, f: Filters | None) -> np.ndarray | None:
    """Which of the snapshot's chunks pass the filter (None: no filter)."""
    if f is None or f.is_empty():
        return None
    mask = np.ones(len(snapshot.lexical.records), dtype=bool)
    if f.article_ids:
        mask &= np.isin(snapshot.article_of, list(f.article_ids))
    if f.since or f.until:
        lo, hi = f.date_bounds()
        mask &= (snapshot.date_of > 0) & (snapshot.date_of >= lo) & (snapshot.date_of <= hi)
    if f.source:
        mask &= snapshot.source_of == f.source
    return mask


class HybridRetriever:
    """Searches one snapshot of the index; also what an answerer reads about the corpus
    (`rag.answer.sources.Sources`). Safe to share between threads."""

    def __init__(
        self, settings: Settings, snapshot: Snapshot, embedder: Embedder, store: VectorStore
    ):
        self.settings = settings
        self.snapshot = snapshot
        self.embedder = embedder
        self.store = store
        self._names: NameIndex | None = None
        self._names_lock = threading.Lock()
        # Queries and answer sentences, embedded once: a follow-up re-reads the same ones.
        self._vector = lru_cache(maxsize=settings.vector_cache)(embedder.embed_query)

    # ---- retrieval ---------------------------------------------------------------------
    def dense_weight(self, query: str) -> float:
        s = self.settings
        if self.snapshot.manifest.fallback_model:
            return s.fallback_dense_weight
        return s.dense_weight_english if mostly_latin(query) else s.dense_weight

    def rankings(self, query: str, depth: int, filters: Filters | None = None) -> Rankings:
        """Each channel's chunk ids, best first, before fusion. The query is already clean."""
        lex = self.snapshot.lexical
        mask = filter_mask(self.snapshot, filters)
        dense_weight = self.dense_weight(query)
        if mask is not None and not mask.any():
            return Rankings([], [], dense_weight)
        names = self.names() if mostly_latin(query) else None
        tokens = [
            unglued(t, lex.knows)
            for t in tokenize(lexical_query(query, lex.uses, names, lex.knows))
        ]
        bm25_idx = top_n(lex.scores(tokens), depth, mask)
        bm25_ids = [lex.records[i].id for i in bm25_idx]
        articles = lex.article_ranking(tokens, depth) if self.settings.article_weight else []
        dense_ids: list[str] = []
        if dense_weight > 0:
            vec = self._vector(query)
            for cid, _sim in self.store.query(vec, depth, chroma_where(filters)):
                if cid in lex.position:  # only chunks of this snapshot's generation
                    dense_ids.append(cid)
        naming = self._naming(query, tokens, {c.rpartition("#")[0] for c in bm25_ids + dense_ids})
        return Rankings(bm25_ids, dense_ids, dense_weight, articles, naming)

    def search(self, query: str, *, k: int, filters: Filters | None = None) -> list[Hit]:
        """The `k` best passages for a clean query, by weighted RRF (then the reranker, if set)."""
        s = self.settings
        r = self.rankings(query, max(s.candidates, k), filters)
        fused = rrf_fuse([(r.bm25, s.bm25_weight), (r.dense, r.dense_weight)], k=s.rrf_k)
        # The article channel reorders the passages the other channels put first (the
        # answerer's `top_k`), whatever `k` a caller asks: it brings in no passage, so the
        # same passages reach the answerer, in a better order (README "Fusion").
        fused = with_articles(fused, r.articles, s.article_weight, k=s.rrf_k, head=s.top_k)
        # Then the passages of articles that name the question's rare names (李丰): an
        # article that never names the subject cannot be about it.
        fused = naming_first(fused, r.naming, head=s.candidates)
        hits = [self.snapshot.hit(cid, score) for cid, score in fused[: max(k, 20)]]
        if s.rerank_model:
            hits = rerank(s.rerank_model, query, hits)
        return hits[:k]

    def _naming(self, query: str, tokens: list[str], article_ids: set[str]) -> list[str] | None:
        """Of these articles, those that name every rare proper name of the query (a Chinese
        place also without its 省/市/县/区; in either script; an English question's romanised
        names as any corpus word read so); None when it names none. Rare: in fewer than
        `abstain_name_share` of the passages, as the answerer judges a question's subject."""
        lex = self.snapshot.lexical
        share = self.settings.abstain_name_share
        if mostly_latin(query):
            # A romanised name, read as the corpus's words: a person's name if one reads so
            # ("Li Feng": 李丰, not the 立峰 of 何立峰), else any of them.
            read = romanised_names(query, self.names().words)
            read = [tuple(w for w in g if w[0] in SURNAMES) or g for g in read]
            alts = [g for g in read if any(0 < lex.share(w) < share for w in g)]
        elif not any(0 < lex.share(t) < share for t in tokens):
            # No rare word at all, so no rare name: spare the part-of-speech cut (1 ms, a
            # fifteenth of a search; on a small corpus no word is that rare).
            return None
        else:
            rare = [n for n in proper_nouns(normalize(query)) if 0 < lex.share(n) < share]
            alts = [with_stem(n) for n in rare]
        if not alts:
            return None
        # Both scripts of each name, so the articles are searched as written (converting
        # 50 articles to simplified cost up to 10 ms a query).
        alts = [tuple(dict.fromkeys([*g, *(to_traditional(a) for a in g)])) for g in alts]

        def names_all(text: str) -> bool:
            return all(any(a in text for a in g) for g in alts)

        texts = {aid: self.snapshot.article_text(aid) for aid in article_ids}
        return sorted(aid for aid, text in texts.items() if names_all(text))

    def chunk(self, chunk_id: str) -> Hit:
        """One passage by id (score 0), or IndexNotFound naming the id."""
        if not self.snapshot.has_chunk(chunk_id):
            raise IndexNotFound(
                f"no passage {chunk_id!r} in the index at {self.settings.index_dir}: use a "
                "chunk_id from a search hit (<article id>#<position>)"
            )
        return self.snapshot.hit(chunk_id, 0.0)

    def names(self) -> NameIndex:
        """The pinyin index of this snapshot's vocabulary, built on first use (an English
        question); later questions reuse it."""
        with self._names_lock:
            if self._names is None:
                self._names = NameIndex(self.snapshot.lexical.vocabulary())
            return self._names

    # ---- what an answerer reads about the corpus ------------------------------------------
    def article_text(self, article_id: str) -> str:
        return self.snapshot.article_text(article_id)

    def knows(self, token: str) -> bool:
        return self.snapshot.lexical.knows(token)

    def uses(self, word: str) -> bool:
        return self.snapshot.lexical.uses(word)

    def idf(self, token: str) -> float:
        return self.snapshot.lexical.idf(token)

    def share(self, token: str) -> float:
        return self.snapshot.lexical.share(token)

    def mentions(self, text: str) -> bool:
        lex = self.snapshot.lexical
        if lex.uses(text):
            return True
        # Rarely asked (a question's opening word no token holds): a scan of the passages,
        # about 3 ms at 6,000 of them.
        forms = {text, to_traditional(text)}
        return any(f in r.text for r in lex.records for f in forms)

    def lead(self, article_id: str) -> Hit | None:
        chunks = self.snapshot.chunks_of.get(article_id)
        if not chunks:
            return None
        return self.snapshot.hit(self.snapshot.lexical.records[chunks[0]].id, 0.0)

    def similarities(self, question: str, texts: Sequence[str]) -> list[float] | None:
        if self.snapshot.manifest.fallback_model:
            return None  # all-MiniLM-L6-v2 reads no Chinese
        q = self._vector(question)
        return [float(self._vector(t) @ q) for t in texts]

    def translate(self, text: str) -> list[tuple[str, ...]]:
        return term_groups(
            text, known=self.uses, names=self.names().words, words=self.mentions, as_written=True
        )
