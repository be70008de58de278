"""The HTTP API's request bodies (strict types, unknown fields refused) and filter checking."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

import rag
from rag import RagError
from ui.api_base import rag_error

MAX_HISTORY = 100


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class FiltersIn(Strict):
    """Restrict retrieval; every field optional."""

    article_ids: list[str] = Field([], description="only these article ids")
    since: str | None = Field(None, description="articles dated on or after YYYY-MM-DD")
    until: str | None = Field(None, description="articles dated on or before YYYY-MM-DD")
    source: str | None = Field(None, description="only this source outlet")


class SearchIn(Strict):
    query: str = Field(description="question or keywords, any script")
    k: int = Field(5, ge=1, le=100, description="number of hits")
    filters: FiltersIn | None = None


class Turn(Strict):
    role: Literal["user", "assistant"]
    content: str


class AskIn(Strict):
    question: str = Field(description="the question (simplified, traditional or English)")
    history: list[Turn] = Field([], max_length=MAX_HISTORY, description="earlier turns")
    mode: Literal["extractive", "llm"] | None = Field(
        None, description="answerer; default: llm when RAG_LLM_BASE_URL is set"
    )
    k: int | None = Field(None, ge=1, le=100, description="passages to read (RAG_TOP_K)")
    filters: FiltersIn | None = None


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None


class ChatIn(BaseModel):
    """An OpenAI chat-completions request; options other than these are ignored."""

    model_config = ConfigDict(extra="allow")  # temperature, top_p, ... are accepted
    model: str = Field(description="a model id from GET /v1/models")
    messages: list[Message] = Field(min_length=1, max_length=2 * MAX_HISTORY)
    stream: bool = Field(False, strict=True)
    k: int | None = Field(None, ge=1, le=100, description="passages to read (rag extension)")
    filters: FiltersIn | None = Field(None, description="as in /api/ask (rag extension)")


# Valid field names per object, for "unknown field" messages.
FIELDS: dict[str, list[str]] = {
    "/api/search": list(SearchIn.model_fields),
    "/api/ask": list(AskIn.model_fields),
    "filters": list(FiltersIn.model_fields),
    "history": list(Turn.model_fields),
}


def filters_of(f: FiltersIn | None) -> rag.Filters | None:
    """The rag.Filters for a request's filters (dates checked), or ApiError naming the field."""
    if f is None:
        return None
    try:
        flt = rag.Filters.coerce(f.model_dump())
        if flt is not None:
            flt.date_bounds()
    except RagError as exc:
        raise rag_error(exc, "filters") from None
    return flt
