"""The plain llama-index pipeline a user would write first, as a yardstick for evaluation.

Same corpus files and same embedding model as the index, nothing else of ours: one
`Document` per article, the default `SentenceSplitter`, a `VectorStoreIndex` over an
ephemeral Chroma collection, `similarity_top_k=2`, and as "answer" the two retrieved
chunks concatenated. It has no BM25, no follow-up rewriting, no citations and never
declines to answer.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rag.errors import CorpusError, ModelUnavailable

if TYPE_CHECKING:
    from rag.config import Settings
    from rag.embed.embedders import Embedder

TOP_K = 2  # llama-index's default similarity_top_k


@dataclass(frozen=True)
class BaselineResult:
    """What the baseline returns for one question: its chunks, best first."""

    article_ids: list[str]  # one per retrieved chunk, may repeat
    texts: list[str]
    seconds: float

    @property
    def answer(self) -> str:
        """The baseline's answer: the retrieved chunks, concatenated."""
        return "\n\n".join(self.texts)


def _embedding_adapter(embedder: Embedder) -> Any:
    """Our embedder as a llama-index `BaseEmbedding`, so llama-index never loads its own."""
    from llama_index.core.embeddings import BaseEmbedding
    from pydantic import PrivateAttr

    class _Adapter(BaseEmbedding):
        _embedder: Any = PrivateAttr()

        def __init__(self, inner: Embedder) -> None:
            super().__init__(model_name=inner.name, embed_batch_size=64)
            self._embedder = inner

        def _get_query_embedding(self, query: str) -> list[float]:
            return [float(x) for x in self._embedder.embed_query(query)]

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._get_text_embeddings([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            vectors = self._embedder.embed_documents(texts, batch_size=64)
            return [[float(x) for x in row] for row in vectors]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return _Adapter(embedder)


class Baseline:
    """A llama-index `VectorStoreIndex` over the corpus in an in-memory Chroma collection.

    Example:
        >>> base = Baseline.build(settings, engine.embedder)
        >>> base.query("青岛建成了多少个5G基站？").article_ids
        >>> base.close()
    """

    def __init__(self, index: Any, client: Any, collection: str, documents: int, nodes: int):
        self._index = index
        self._retriever = index.as_retriever(similarity_top_k=TOP_K)
        self._client = client
        self._collection = collection
        self.documents = documents
        self.nodes = nodes

    @classmethod
    def build(cls, settings: Settings, embedder: Embedder) -> Baseline:
        """Read `settings.corpus_dir` and index it with llama-index defaults.

        Raises:
            ModelUnavailable: llama-index-vector-stores-chroma is not installed.
            CorpusError: the corpus folder is missing or holds no usable article.
        """
        try:
            import chromadb
            from llama_index.core import Document, StorageContext, VectorStoreIndex
            from llama_index.core.node_parser import SentenceSplitter
            from llama_index.vector_stores.chroma import ChromaVectorStore
        except ImportError as exc:
            raise ModelUnavailable(
                f"the llama-index baseline needs {exc.name or 'a missing package'}: "
                "pip install llama-index-vector-stores-chroma"
            ) from exc
        from rag.ingestion.loading import load_corpus

        articles, _skipped = load_corpus([settings.corpus_dir])
        if not articles:
            raise CorpusError(
                f"no usable article in {settings.corpus_dir} for the baseline: set "
                "RAG_CORPUS_DIR to the corpus the index was built from"
            )
        documents = [Document(text=a.text, metadata={"article_id": a.id}) for a in articles]
        # EphemeralClient instances share one in-process store: a unique collection name
        # keeps two baselines (or a rebuilt one) apart; close() drops it.
        client = chromadb.EphemeralClient()
        name = f"rag-baseline-{uuid.uuid4().hex}"
        collection = client.create_collection(name)
        storage = StorageContext.from_defaults(
            vector_store=ChromaVectorStore(chroma_collection=collection)
        )
        splitter = SentenceSplitter()  # llama-index defaults: 1024 tokens, 200 overlap
        index = VectorStoreIndex.from_documents(
            documents,
            storage_context=storage,
            embed_model=_embedding_adapter(embedder),
            transformations=[splitter],
        )
        return cls(index, client, name, len(documents), collection.count())

    def query(self, question: str) -> BaselineResult:
        """The top-2 chunks for a question (no history: the plain pipeline has none)."""
        start = time.perf_counter()
        nodes = self._retriever.retrieve(question)
        seconds = time.perf_counter() - start
        return BaselineResult(
            article_ids=[str(n.node.metadata.get("article_id", "")) for n in nodes],
            texts=[n.node.get_content() for n in nodes],
            seconds=seconds,
        )

    def close(self) -> None:
        """Drop the in-memory collection."""
        try:
            self._client.delete_collection(self._collection)
        except Exception:  # noqa: BLE001 - already gone
            pass
