"""Chinese-aware chunking: whole sentences packed up to a token budget, with overlap.

Sizes are counted in the embedding model's own tokens (`Embedder.count_tokens`; the
bundled model reads ~0.6 tokens per Chinese character), so a chunk never exceeds what the
model reads. A chunk never cuts a sentence unless that one sentence exceeds the budget;
then it is cut at clause punctuation (，、：) first and at character boundaries last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rag.text import sentence_spans
from rag.types import Article, Chunk

_CLAUSE_ENDS = "，,、：:"

# Token counts of several texts, in the embedding model's tokens.
Counter = Callable[[Sequence[str]], list[int]]


def _split_long(
    text: str, start: int, end: int, size: int, count_tokens: Counter
) -> list[tuple[int, int]]:
    """Cut one over-long sentence into spans of at most `size` tokens."""
    pieces: list[tuple[int, int]] = []
    clause_start = start
    for i in range(start, end):
        if text[i] in _CLAUSE_ENDS:
            pieces.append((clause_start, i + 1))
            clause_start = i + 1
    if clause_start < end:
        pieces.append((clause_start, end))
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        if count_tokens([text[s:e]])[0] <= size:
            out.append((s, e))
            continue
        # Character-level cut: grow a window while it fits the budget.
        cur = s
        while cur < e:
            lo, hi = cur + 1, e
            while lo < hi:  # largest end with tokens <= size
                mid = (lo + hi + 1) // 2
                if count_tokens([text[cur:mid]])[0] <= size:
                    lo = mid
                else:
                    hi = mid - 1
            out.append((cur, lo))
            cur = lo
    # Merge adjacent small clauses back up to the budget.
    merged: list[tuple[int, int]] = []
    for s, e in out:
        if merged and count_tokens([text[merged[-1][0] : e]])[0] <= size:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def chunk_article(
    article: Article, *, size: int, overlap: int, count_tokens: Counter
) -> list[Chunk]:
    """Split an article into chunks; each chunk's text is `article.text[start:end]`."""
    text = article.text
    spans = sentence_spans(text)
    if not spans:
        return []
    counts = count_tokens([text[s:e] for s, e in spans])
    units: list[tuple[int, int, int]] = []  # (start, end, tokens)
    for (s, e), n in zip(spans, counts, strict=True):
        if n <= size:
            units.append((s, e, n))
        else:
            for ps, pe in _split_long(text, s, e, size, count_tokens):
                units.append((ps, pe, count_tokens([text[ps:pe]])[0]))

    chunks: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        total = 0
        j = i
        while j < len(units) and (j == i or total + units[j][2] <= size):
            total += units[j][2]
            j += 1
        chunks.append((units[i][0], units[j - 1][1]))
        if j >= len(units):
            break
        # Start the next chunk with the trailing sentences that fit in `overlap` tokens,
        # but always advance by at least one sentence, and leave room for the next new
        # sentence (else the next chunk would hold only the overlap: a duplicate).
        back, k = 0, j
        while (
            k - 1 > i
            and back + units[k - 1][2] <= overlap
            and back + units[k - 1][2] + units[j][2] <= size
        ):
            back += units[k - 1][2]
            k -= 1
        i = k
    return [
        Chunk(
            id=f"{article.id}#{pos}",
            article_id=article.id,
            position=pos,
            text=text[s:e],
            start=s,
            end=e,
        )
        for pos, (s, e) in enumerate(chunks)
    ]
