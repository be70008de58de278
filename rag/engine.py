"""The public entry point: `Engine.open()` an index, then `search`, `ask`, `as_retriever`."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from rag.answer.answerer import answer, answer_stream
from rag.config import Settings
from rag.embed.embedders import Embedder, load_embedder, resolve_model
from rag.errors import IndexNotFound, InvalidQuestion, ModelMismatch
from rag.index.manifest import manifest_path
from rag.index.replica import is_current, sync_from_store
from rag.index.snapshot import Snapshot
from rag.index.store import VectorStore, open_store
from rag.retrieve.hybrid import HybridRetriever
from rag.retrieve.query import Filters, check_k, clean_question
from rag.types import Answer, ArticleInfo, Hit, IndexInfo, Rankings

log = logging.getLogger("rag")


class Engine:
    """A searchable, answerable index. Safe to share between threads."""

    def __init__(
        self, settings: Settings, snapshot: Snapshot, embedder: Embedder, store: VectorStore
    ):
        self.settings = settings
        self._retriever = HybridRetriever(settings, snapshot, embedder, store)
        self._lock = threading.Lock()
        self._checked = time.monotonic()

    @property
    def embedder(self) -> Embedder:
        """The embedding model of the open index."""
        return self._retriever.embedder

    @property
    def store(self) -> VectorStore:
        """The vector store of the open index."""
        return self._retriever.store

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
        snapshot = Snapshot.load(settings.index_dir)
        m = snapshot.manifest
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
        return cls(settings, snapshot, embedder, store)

    @staticmethod
    def _sync(settings: Settings, store: VectorStore) -> None:
        """With a Chroma server: refresh the local BM25 copy when the server's index changed."""
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

    def _current(self) -> HybridRetriever:
        """The retriever of the latest complete index: a new one when an ingest has written
        a new manifest (snapshot, model and store swap together)."""
        current = self._retriever
        if self.settings.chroma_url:
            self._check_server()
        try:
            stamp = manifest_path(self.settings.index_dir).stat().st_mtime
        except OSError:
            return current
        if stamp != current.snapshot.stamp:
            with self._lock:
                if self._retriever.snapshot.stamp != stamp:
                    try:
                        self._retriever = self._reload(self._retriever)
                    except Exception as exc:  # noqa: BLE001 - keep serving the old snapshot
                        log.warning("index changed but could not be reloaded: %s", exc)
                current = self._retriever
        return current

    def _reload(self, old: HybridRetriever) -> HybridRetriever:
        snapshot = Snapshot.load(self.settings.index_dir)
        # A rebuild writes a new collection, maybe with another model.
        m = snapshot.manifest
        embedder = old.embedder
        if m.embed_model != embedder.name:
            embedder = load_embedder(m.embed_model, probe_timeout=self.settings.model_probe_timeout)
        store = open_store(
            self.settings, create=bool(self.settings.chroma_url), collection=m.collection
        )
        return HybridRetriever(self.settings, snapshot, embedder, store)

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
        current = self._current()
        m = current.snapshot.manifest
        vectors = m.chunks if m.vectors_complete else current.store.count()
        articles = not m.chunks or current.snapshot.lexical.articles is not None
        return m.info(self.settings.index_dir, vectors, article_ranking=articles)

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article with its metadata, sorted by id."""
        files = self._current().snapshot.manifest.files
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
        return self._current().search(query, k=k, filters=flt)

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
        return self._current().rankings(query, depth, Filters.coerce(filters))

    def chunk(self, chunk_id: str) -> Hit:
        """One indexed passage by its id (score 0), or IndexNotFound naming the id."""
        return self._current().chunk(chunk_id)

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
        return answer(self._current(), question, history=history, k=k, mode=mode, filters=filters)

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
        yield from answer_stream(
            self._current(), question, history=history, k=k, mode=mode, filters=filters
        )

    def as_retriever(self, k: int = 5):  # type: ignore[no-untyped-def]
        """A llama-index `BaseRetriever` over this engine (NodeWithScore results)."""
        from rag.llamaindex import EngineRetriever  # llama-index loads only when asked for

        return EngineRetriever(self, k=k)
