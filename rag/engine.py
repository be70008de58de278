"""The public entry point: `Engine.open()` an index, then `search`, `ask`, `as_retriever`."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.config import Settings
from rag.embed.embedders import Embedder, load_embedder, resolve_model
from rag.errors import IndexNotFound, InvalidQuestion, ModelMismatch
from rag.index.lexical import LexicalIndex
from rag.index.manifest import Manifest, load_manifest, manifest_path
from rag.index.store import VectorStore, date_int, open_store
from rag.retrieve.names import NameIndex
from rag.retrieve.query import Filters, check_k, chroma_where, clean_question, rrf_fuse, top_n
from rag.retrieve.translate import mostly_latin, term_groups
from rag.text import tokenize
from rag.types import Answer, ArticleInfo, Hit, IndexInfo, Rankings

log = logging.getLogger("rag")


@dataclass(frozen=True)
class _State:
    """One consistent snapshot of the index (manifest + its lexical generation)."""

    manifest: Manifest
    lexical: LexicalIndex
    stamp: float
    article_of: np.ndarray  # record index -> article id
    date_of: np.ndarray  # record index -> yyyymmdd int (0 unknown)
    source_of: np.ndarray  # record index -> source outlet
    chunks_of: dict[str, list[int]]  # article id -> its record indices, in order


def lexical_query(
    query: str,
    known: Callable[[str], bool] | None = None,
    names: NameIndex | None = None,
) -> str:
    """What BM25 searches for: the query itself, or for an English question its Chinese
    translation by dictionary (CC-CEDICT), since BM25 matches Chinese words only; `known`
    (does the corpus use this word?) picks the senses the corpus uses, and `names` adds
    the corpus words whose pinyin a romanised name spells ("Lu Zhipeng" -> 陆志鹏)."""
    if not mostly_latin(query):
        return query
    terms = [t for g in term_groups(query, known=known) for t in g]
    if names is not None:
        terms += [w for w in names.match(query) if w not in terms]
    return " ".join(terms) if terms else query


class Engine:
    """A searchable, answerable index. Safe to share between threads."""

    def __init__(self, settings: Settings, state: _State, embedder: Embedder, store: VectorStore):
        self.settings = settings
        self._state = state
        self.embedder = embedder
        self.store = store
        self._lock = threading.Lock()
        self._reranker: Any = None
        self._name_index: tuple[float, NameIndex] | None = None
        self._checked = time.monotonic()

    # ---- opening -------------------------------------------------------------------
    @classmethod
    def open(
        cls, index_dir: str | Path | None = None, *, settings: Settings | None = None
    ) -> Engine:
        """Open an index built by `rag ingest`.

        Args:
            index_dir: the index folder; default `settings.index_dir` (RAG_INDEX_DIR).
            settings: configuration; default `Settings()`.

        Raises:
            IndexNotFound: there is no index there.
            ModelMismatch: the configured embedding model is not the one the index was built with.

        Example:
            >>> engine = Engine.open("index")
            >>> engine.search("青岛5G基站", k=3)[0].article_id
        """
        settings = settings or Settings()
        if index_dir is not None:
            settings = settings.model_copy(update={"index_dir": Path(index_dir)})
        if settings.chroma_url:
            cls._sync(settings, open_store(settings, create=True))
        state = cls._load_state(settings.index_dir)
        m = state.manifest
        resolved = resolve_model(settings.embed_model, probe_timeout=settings.model_probe_timeout)
        if (resolved.name, resolved.backend) != (m.embed_model, m.backend):
            raise ModelMismatch(
                f"the index at {settings.index_dir} was built with {m.embed_model!r} "
                f"({m.backend}), but the configured model is {resolved.name!r} "
                f"({resolved.backend}): run `rag ingest --rebuild` to re-embed with the "
                "configured model, or set RAG_EMBED_MODEL to the index's model"
            )
        embedder = load_embedder(settings.embed_model, probe_timeout=settings.model_probe_timeout)
        store = open_store(settings, create=bool(settings.chroma_url), collection=m.collection)
        return cls(settings, state, embedder, store)

    @staticmethod
    def _sync(settings: Settings, store: VectorStore) -> None:
        """With a Chroma server: refresh the local BM25 copy when the server's index changed."""
        from rag.index.replica import is_current, sync_from_store

        info = store.read_info()
        if info is None:
            raise IndexNotFound(
                f"no index on the Chroma server at {settings.chroma_url}: run `rag ingest` "
                "with the same RAG_CHROMA_URL"
            )
        if not is_current(settings, info):
            collection = str(info.get("collection") or store.name)
            if collection != store.name:
                store = open_store(settings, collection=collection)
            sync_from_store(settings, store, info)

    @staticmethod
    def _load_state(index_dir: Path) -> _State:
        manifest = load_manifest(index_dir)
        if manifest is None or not manifest.files:
            raise IndexNotFound(f"no index at {index_dir}/: run `rag ingest`")
        lexical = LexicalIndex.load(manifest.lexical_dir(index_dir))
        files = manifest.files
        arts = [r.article_id for r in lexical.records]
        chunks_of: dict[str, list[int]] = {}
        for i, aid in enumerate(arts):
            chunks_of.setdefault(aid, []).append(i)
        return _State(
            manifest=manifest,
            lexical=lexical,
            stamp=manifest_path(index_dir).stat().st_mtime,
            article_of=np.array(arts, dtype=object),
            date_of=np.array(
                [date_int(files[a].date) if a in files else 0 for a in arts], dtype=np.int64
            ),
            source_of=np.array([files[a].source if a in files else "" for a in arts], dtype=object),
            chunks_of=chunks_of,
        )

    def _current(self) -> _State:
        """The latest complete index: reloaded when an ingest has written a new manifest."""
        state = self._state
        if self.settings.chroma_url:
            self._check_server()
        try:
            stamp = manifest_path(self.settings.index_dir).stat().st_mtime
        except OSError:
            return state
        if stamp != state.stamp:
            with self._lock:
                if self._state.stamp != stamp:
                    try:
                        new = self._load_state(self.settings.index_dir)
                        # A rebuild writes a new collection, maybe with another model.
                        m = new.manifest
                        if m.embed_model != self.embedder.name:
                            self.embedder = load_embedder(
                                m.embed_model, probe_timeout=self.settings.model_probe_timeout
                            )
                        self.store = open_store(
                            self.settings,
                            create=bool(self.settings.chroma_url),
                            collection=m.collection,
                        )
                        self._state = new
                    except Exception as exc:  # noqa: BLE001 - keep serving the old snapshot
                        log.warning("index changed but could not be reloaded: %s", exc)
                state = self._state
        return state

    def _check_server(self) -> None:
        """At most every `chroma_refresh_seconds`, pick up a newer index from the server."""
        now = time.monotonic()
        if now - self._checked < self.settings.chroma_refresh_seconds:
            return
        with self._lock:
            if now - self._checked < self.settings.chroma_refresh_seconds:
                return
            self._checked = now
            try:
                self._sync(self.settings, self.store)
            except Exception as exc:  # noqa: BLE001 - keep serving what we have
                log.warning(
                    "could not refresh the index from %s: %s", self.settings.chroma_url, exc
                )

    # ---- information ---------------------------------------------------------------
    def info(self) -> IndexInfo:
        """Counts, model and build time of the open index."""
        m = self._current().manifest
        return IndexInfo(
            index_dir=str(self.settings.index_dir),
            articles=m.articles,
            chunks=m.chunks,
            embed_model=m.embed_model,
            fallback_model=m.fallback_model,
            built_at=m.built_at,
            chunk_size=m.chunk_size,
            chunk_overlap=m.chunk_overlap,
            backend=m.backend,
            vectors=m.chunks if m.vectors_complete else self.store.count(),
            vectors_complete=m.vectors_complete,
        )

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article with its metadata, sorted by id."""
        files = self._current().manifest.files
        return [
            ArticleInfo(aid, e.title, e.date or None, e.source, e.url, e.chunks)
            for aid, e in sorted(files.items())
        ]

    # ---- search ----------------------------------------------------------------------
    def search(
        self, query: str, *, k: int = 5, filters: Filters | Mapping[str, Any] | None = None
    ) -> list[Hit]:
        """The `k` passages most relevant to `query`, best first.

        Args:
            query: the question or keywords, any script.
            k: number of hits (1-100).
            filters: `Filters` or a dict with article_ids, since, until (YYYY-MM-DD), source.

        Returns:
            Hits with their weighted-RRF score (higher is more relevant; compare within a
            query only). A filter matching nothing gives [].

        Raises:
            InvalidQuestion: empty, too long, or only control characters.
        """
        query = clean_question(query, max_chars=self.settings.max_question_chars)
        k = check_k(k)
        flt = Filters.coerce(filters)
        return self._search(query, k=k, filters=flt)

    def rankings(
        self, query: str, *, depth: int, filters: Filters | Mapping[str, Any] | None = None
    ) -> Rankings:
        """Each channel's chunk ids, best first, before fusion (for tuning and diagnosis).

        BM25 searches the query (an English one by its dictionary translation); the dense
        channel embeds the query as asked: the multilingual model matches English to
        Chinese by itself.
        """
        query = clean_question(query, max_chars=self.settings.max_question_chars)
        if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= 1000:
            raise InvalidQuestion(f"Expected depth between 1 and 1000, got {depth!r}.")
        return self._rankings(self._current(), query, depth, Filters.coerce(filters))

    def _rankings(self, state: _State, query: str, depth: int, filters: Filters | None) -> Rankings:
        s = self.settings
        lex = state.lexical
        mask = self._mask(state, filters)
        english = mostly_latin(query)
        if state.manifest.fallback_model:
            dense_weight = s.fallback_dense_weight
        else:
            dense_weight = s.dense_weight_english if english else s.dense_weight
        if mask is not None and not mask.any():
            return Rankings([], [], dense_weight)
        names = self._names(state) if english else None
        bm25_idx = top_n(lex.scores(tokenize(lexical_query(query, lex.uses, names))), depth, mask)
        bm25_ids = [lex.records[i].id for i in bm25_idx]
        dense_ids: list[str] = []
        if dense_weight > 0:
            vec = self.embedder.embed_query(query)
            for cid, _sim in self.store.query(vec, depth, chroma_where(filters)):
                if cid in lex.position:  # only chunks of the current generation
                    dense_ids.append(cid)
        return Rankings(bm25_ids, dense_ids, dense_weight)

    def _search(self, query: str, *, k: int, filters: Filters | None) -> list[Hit]:
        state = self._current()
        s = self.settings
        r = self._rankings(state, query, max(s.candidates, k), filters)
        fused = rrf_fuse([(r.bm25, s.bm25_weight), (r.dense, r.dense_weight)], k=s.rrf_k)
        hits = [self._hit(state, cid, score) for cid, score in fused[: max(k, 20)]]
        if self.settings.rerank_model:
            hits = self._rerank(query, hits)
        return hits[:k]

    def _names(self, state: _State) -> NameIndex:
        """The pinyin index of this generation's vocabulary, built on first use."""
        built = self._name_index
        if built is None or built[0] != state.stamp:
            built = (state.stamp, NameIndex(state.lexical.vocabulary()))
            self._name_index = built
        return built[1]

    def chunk(self, chunk_id: str) -> Hit:
        """One indexed passage by its id (score 0), or IndexNotFound naming the id."""
        state = self._current()
        if chunk_id not in state.lexical.position:
            raise IndexNotFound(
                f"no passage {chunk_id!r} in the index at {self.settings.index_dir}: use a "
                "chunk_id from a search hit (<article id>#<position>)"
            )
        return self._hit(state, chunk_id, 0.0)

    @staticmethod
    def _mask(state: _State, f: Filters | None) -> np.ndarray | None:
        if f is None or f.is_empty():
            return None
        mask = np.ones(len(state.lexical.records), dtype=bool)
        if f.article_ids:
            mask &= np.isin(state.article_of, list(f.article_ids))
        if f.since or f.until:
            lo, hi = f.date_bounds()
            mask &= (state.date_of > 0) & (state.date_of >= lo) & (state.date_of <= hi)
        if f.source:
            mask &= state.source_of == f.source
        return mask

    @staticmethod
    def _hit(state: _State, chunk_id: str, score: float) -> Hit:
        rec = state.lexical.records[state.lexical.position[chunk_id]]
        entry = state.manifest.files.get(rec.article_id)
        return Hit(
            chunk_id=rec.id,
            article_id=rec.article_id,
            title=entry.title if entry else "",
            date=(entry.date or None) if entry else None,
            source=entry.source if entry else "",
            url=entry.url if entry else "",
            text=rec.text,
            start=rec.start,
            end=rec.end,
            score=float(score),
        )

    def _rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        from rag.retrieve.rerank import rerank

        return rerank(self, query, hits)

    # ---- answers -------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        history: list[dict[str, str]] | None = None,
        k: int | None = None,
        mode: str | None = None,
        filters: Filters | Mapping[str, Any] | None = None,
    ) -> Answer:
        """Answer a question from the articles, citing each sentence's source.

        Args:
            question: the user's question (simplified, traditional or English).
            history: earlier turns as [{"role": "user"|"assistant", "content": str}, ...].
            k: passages to read (default `settings.top_k`).
            mode: "extractive" (offline) or "llm" (needs RAG_LLM_BASE_URL); default: LLM when
                configured, else extractive.
            filters: as in `search`.

        Returns:
            An `Answer`; `abstained` is True when the articles do not say.
        """
        from rag.answer.extractive import answer

        return answer(self, question, history=history, k=k, mode=mode, filters=filters)

    def ask_stream(
        self,
        question: str,
        *,
        history: list[dict[str, str]] | None = None,
        k: int | None = None,
        mode: str | None = None,
        filters: Filters | Mapping[str, Any] | None = None,
    ) -> Iterator[str | Answer]:
        """Yield pieces of the answer text as they come, then the final `Answer`."""
        from rag.answer.extractive import answer_stream

        yield from answer_stream(self, question, history=history, k=k, mode=mode, filters=filters)

    def as_retriever(self, k: int = 5):  # type: ignore[no-untyped-def]
        """A llama-index `BaseRetriever` over this engine (NodeWithScore results)."""
        from rag.llamaindex import EngineRetriever

        return EngineRetriever(self, k=k)
