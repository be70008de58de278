"""Citations: the one place a Citation is built from a passage and a span of it."""

from __future__ import annotations

from rag.types import Citation, Hit


def citation(n: int, hit: Hit, start: int, end: int) -> Citation:
    """Citation [n] of `hit.text[start:end]`; its offsets point into the article's text."""
    return Citation(
        n=n,
        article_id=hit.article_id,
        title=hit.title,
        date=hit.date,
        url=hit.url,
        quote=hit.text[start:end],
        start=hit.start + start,
        end=hit.start + end,
        source=hit.source,
        chunk_id=hit.chunk_id,
        passage=hit.text,
        passage_start=hit.start,
    )
