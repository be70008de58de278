"""rag: conversational question answering over Chinese news articles, with cited sources.

Public API:
    >>> import rag
    >>> rag.ingest()                       # index RAG_CORPUS_DIR into RAG_INDEX_DIR
    >>> engine = rag.Engine.open()
    >>> engine.search("青岛5G基站", k=3)   # list[rag.Hit]
    >>> engine.ask("青岛建成了多少个5G基站？")  # rag.Answer with rag.Citation list
"""

from rag.config import Settings
from rag.engine import Engine
from rag.errors import (
    CorpusError,
    IndexCorrupted,
    IndexNotFound,
    InvalidQuestion,
    ModelMismatch,
    ModelUnavailable,
    RagError,
)
from rag.ingestion.pipeline import ingest
from rag.retrieve.query import Filters
from rag.types import Answer, ArticleInfo, Citation, Hit, IndexInfo, IngestReport, Rankings

__all__ = [
    "Answer",
    "ArticleInfo",
    "Citation",
    "CorpusError",
    "Engine",
    "Filters",
    "Hit",
    "IndexCorrupted",
    "IndexInfo",
    "IndexNotFound",
    "IngestReport",
    "InvalidQuestion",
    "ModelMismatch",
    "ModelUnavailable",
    "RagError",
    "Rankings",
    "Settings",
    "ingest",
]
