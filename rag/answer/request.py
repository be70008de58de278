"""A question made ready to answer: cleaned, its history checked, rewritten when it is a
follow-up, and its passages retrieved."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rag.answer.sources import Sources
from rag.errors import InvalidQuestion
from rag.retrieve.followup import Rewrite, rewrite
from rag.retrieve.query import Filters, check_k, clean_question
from rag.text import Script, detect_script
from rag.types import Hit

_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")


def prepare(
    sources: Sources,
    question: str,
    history: list[dict[str, str]] | None,
    k: int | None,
    filters: Filters | Mapping[str, Any] | None,
) -> tuple[Rewrite, Script, list[Hit]]:
    s = sources.settings
    question = clean_question(question, max_chars=s.max_question_chars)
    history = clean_history(history)
    script = detect_script(question)
    # Markup in a question is text to show, not words to search for.
    rw = rewrite(_TAG.sub(" ", question).strip() or question, history)
    k = s.top_k if k is None else check_k(k)
    hits = sources.search(rw.search_text, k=k, filters=Filters.coerce(filters))
    return rw, script, hits


def clean_history(history: list[dict[str, str]] | None) -> list[dict[str, str]]:
    """The usable turns of a history (last 12); malformed turns are ignored."""
    if not history:
        return []
    if not isinstance(history, list | tuple):
        raise InvalidQuestion(
            'Expected history as a list of {"role": "user"|"assistant", "content": text} '
            f"messages, got {type(history).__name__}."
        )
    out = []
    for m in history:
        if (
            isinstance(m, Mapping)
            and m.get("role") in ("user", "assistant")
            and isinstance(m.get("content"), str)
        ):
            out.append({"role": str(m["role"]), "content": str(m["content"])[:4000]})
    return out[-12:]
