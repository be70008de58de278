"""A llama-index retriever over an Engine, so it drops into query and chat engines."""

from __future__ import annotations

from dataclasses import asdict
from typing import Protocol

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from rag.types import Hit


class Searcher(Protocol):
    """Anything with `Engine.search`'s shape."""

    def search(self, query: str, *, k: int = 5) -> list[Hit]: ...


class EngineRetriever(BaseRetriever):
    """Returns the engine's hits as `NodeWithScore`; node metadata carries the Hit fields."""

    def __init__(self, engine: Searcher, k: int = 5):
        super().__init__()
        self._engine = engine
        self._k = k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self._engine.search(query_bundle.query_str, k=self._k)
        nodes = []
        for h in hits:
            meta = {k: v for k, v in asdict(h).items() if k not in ("text", "score")}
            node = TextNode(
                id_=h.chunk_id,
                text=h.text,
                metadata=meta,
                # Keep the prompt small: the LLM sees title and date, not offsets.
                excluded_llm_metadata_keys=["chunk_id", "start", "end", "url", "article_id"],
                excluded_embed_metadata_keys=list(meta),
            )
            nodes.append(NodeWithScore(node=node, score=h.score))
        return nodes
