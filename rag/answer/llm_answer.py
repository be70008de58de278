"""The optional LLM answerer: condense the conversation, answer from numbered passages,
then verify every sentence against the passages it cites.

Markers in the LLM's text are passage numbers; markers pointing at no passage are dropped,
and sentences whose cited passages do not support them (character-bigram overlap, see
`rag.answer.verify`) are listed in `Answer.unsupported`. An English answer to Chinese passages
cannot be checked by character overlap, so only its markers are checked.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import Any

from rag.answer.citations import citation
from rag.answer.llm_client import (
    LLMClient,
    build_answer_messages,
    build_condense_messages,
    is_abstention,
    parse_condensed,
)
from rag.answer.refusal import abstain
from rag.answer.request import clean_history
from rag.answer.sources import Sources
from rag.answer.verify import parse_markers, split_sentences, support_score, verify_answer
from rag.retrieve.followup import rewrite
from rag.retrieve.query import Filters, clean_question
from rag.text import detect_script, sentence_spans
from rag.types import Answer, Citation, Hit

_clients: dict[tuple[str, str, str, float], LLMClient] = {}
_lock = threading.Lock()


def client_for(sources: Sources) -> LLMClient:
    """One LLM client per endpoint configuration (connections are reused)."""
    s = sources.settings
    key = (s.llm_base_url, s.llm_model, s.llm_api_key, s.llm_timeout)
    with _lock:
        if key not in _clients:
            _clients[key] = LLMClient(s.llm_base_url, s.llm_model, s.llm_api_key, s.llm_timeout)
        return _clients[key]


def _best_quote(hit: Hit, sentences: list[str]) -> tuple[int, int]:
    """The passage sentence that best supports the answer sentences citing this passage."""
    best, best_span = -1.0, (0, len(hit.text))
    for s, e in sentence_spans(hit.text):
        score = max((support_score(a, hit.text[s:e]) for a in sentences), default=0.0)
        if score > best:
            best, best_span = score, (s, e)
    return best_span


def llm_answer_stream(
    sources: Sources,
    question: str,
    *,
    history: list[dict[str, str]] | None = None,
    k: int | None = None,
    filters: Filters | Mapping[str, Any] | None = None,
) -> Iterator[str | Answer]:
    """Stream the LLM's answer, then yield the verified Answer. Raises ModelUnavailable."""
    s = sources.settings
    question = clean_question(question, max_chars=s.max_question_chars)
    history = clean_history(history)
    script = detect_script(question)
    client = client_for(sources)
    standalone = question
    if history:
        fallback = rewrite(question, history).standalone
        standalone = parse_condensed(
            client.complete(build_condense_messages(history, question)), fallback
        )
    hits = sources.search(standalone, k=k or s.top_k, filters=Filters.coerce(filters))
    if not hits:
        yield abstain(standalone, script, hits, mode="llm")
        return
    passages = [(n, h.title or h.article_id, h.text) for n, h in enumerate(hits, start=1)]
    pieces: list[str] = []
    for piece in client.stream(build_answer_messages(standalone, passages, script)):
        pieces.append(piece)
        yield piece
    reply = "".join(pieces).strip()
    if not reply or is_abstention(reply):
        yield abstain(standalone, script, hits, mode="llm")
        return
    by_n = {n: h for n, h in enumerate(hits, start=1)}
    text, cited, unsupported = verify_answer(reply, {n: h.text for n, h in by_n.items()})
    if script == "en":
        # Character overlap cannot compare English with Chinese: only a missing marker counts.
        unsupported = [x for x in split_sentences(text) if not parse_markers(x)]
    citations: list[Citation] = []
    sentences = split_sentences(text)
    for n in cited:
        h = by_n[n]
        citing = [x for x in sentences if n in parse_markers(x)]
        citations.append(citation(n, h, *_best_quote(h, citing)))
    yield Answer(
        text=text,
        citations=citations,
        abstained=False,
        unsupported=unsupported,
        mode="llm",
        question=standalone,
    )
