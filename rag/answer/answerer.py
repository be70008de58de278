"""Answering a question: the offline extractive answerer, or the LLM one when configured
(falling back to the offline one, with a notice, when the LLM cannot be reached)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

from rag.answer.extractive import extractive
from rag.answer.parts import apart, joined, question_parts
from rag.answer.request import prepare
from rag.answer.sources import Sources
from rag.answer.summary import SUMMARY_PASSAGES, asks_summary, summarize
from rag.errors import InvalidQuestion, ModelUnavailable
from rag.retrieve.query import Filters
from rag.types import Answer

log = logging.getLogger("rag")


def answer(
    sources: Sources,
    question: str,
    *,
    history: list[dict[str, str]] | None = None,
    k: int | None = None,
    mode: str | None = None,
    filters: Filters | Mapping[str, Any] | None = None,
) -> Answer:
    """See `Engine.ask`."""
    final: Answer | None = None
    for piece in answer_stream(sources, question, history=history, k=k, mode=mode, filters=filters):
        if isinstance(piece, Answer):
            final = piece
    assert final is not None
    return final


def _mode(sources: Sources, mode: str | None) -> str:

    if mode not in (None, "extractive", "llm"):
        raise InvalidQuestion(f"Unknown answer mode {mode!r}: valid modes are 'extractive', 'llm'.")
    if mode is None:
        return "llm" if sources.settings.llm_base_url else "extractive"
    return mode


def offline_answer(
    sources: Sources,
    question: str,
    history: list[dict[str, str]] | None,
    k: int | None,
    filters: Filters | Mapping[str, Any] | None,
) -> Answer:
    """The offline answer: a summary when the question asks for one, else extractive."""
    summary = isinstance(question, str) and asks_summary(question)
    # A summary reads whole articles: by default the passages of one deep search.
    k = SUMMARY_PASSAGES if summary and k is None else k
    rw, script, hits = prepare(sources, question, history, k, filters)
    if summary:
        return summarize(sources, rw, script, hits, filters=Filters.coerce(filters))
    parts = question_parts(rw.question)
    if parts:
        answers = [
            extractive(sources, *prepare(sources, p.question, history, k, filters)) for p in parts
        ]
        if apart(answers):
            return joined(parts, answers, rw.standalone)
    return extractive(sources, rw, script, hits)


def answer_stream(
    sources: Sources,
    question: str,
    *,
    history: list[dict[str, str]] | None = None,
    k: int | None = None,
    mode: str | None = None,
    filters: Filters | Mapping[str, Any] | None = None,
) -> Iterator[str | Answer]:
    """Pieces of answer text, then the final Answer."""
    chosen_mode = _mode(sources, mode)
    if chosen_mode == "llm":
        # Imported here: the openai SDK costs ~0.6 s of a cold start no offline answer needs.
        from rag.answer.llm_answer import llm_answer_stream

        try:
            yield from llm_answer_stream(sources, question, history=history, k=k, filters=filters)
            return
        except ModelUnavailable as exc:
            notice = f"{exc}; answered offline instead"
            log.warning(notice)
            ans = offline_answer(sources, question, history, k, filters)
            ans = Answer(**{**ans.__dict__, "notice": notice})
            yield ans.text
            yield ans
            return
    ans = offline_answer(sources, question, history, k, filters)
    for part in re.split(r"(?<=\])", ans.text):
        if part:
            yield part
    yield ans
