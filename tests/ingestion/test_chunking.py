"""rag.ingestion.chunking: sentence-packed chunks with exact offsets, budgets and overlap, measured in
the bundled embedding model's own tokens."""

from __future__ import annotations

from functools import partial

import pytest

from rag.embed.bundled import BundledModel
from rag.ingestion import chunking
from rag.text import sentence_spans
from rag.types import Article, Chunk

count_tokens = BundledModel().count_tokens
chunk_article = partial(chunking.chunk_article, count_tokens=count_tokens)

PARAMS = [(32, 0), (64, 16), (128, 40), (300, 60), (2048, 0)]


def article(text: str, aid: str = "t") -> Article:
    return Article(id=aid, path=f"{aid}.txt", text=text)


def long_sentences(text: str, size: int) -> list[tuple[int, int]]:
    """Sentences of `text` that alone exceed `size` tokens (the only ones that may be cut)."""
    spans = sentence_spans(text)
    counts = count_tokens([text[s:e] for s, e in spans])
    return [span for span, n in zip(spans, counts, strict=True) if n > size]


def inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < pos < e for s, e in spans)


def check_chunks(a: Article, chunks: list[Chunk], size: int) -> None:
    """The invariants every chunking must satisfy."""
    text = a.text
    assert chunks, "a non-empty article gives at least one chunk"
    sentences = sentence_spans(text)
    starts = {s for s, _ in sentences}
    ends = {e for _, e in sentences}
    over = long_sentences(text, size)
    for pos, c in enumerate(chunks):
        assert c.text == text[c.start : c.end]
        assert c.id == f"{a.id}#{pos}" and c.position == pos and c.article_id == a.id
        assert count_tokens([c.text])[0] <= size
        # Cut only at sentence boundaries, except inside a sentence longer than the budget.
        assert c.start in starts or inside(c.start, over), (c.start, c.text[:20])
        assert c.end in ends or inside(c.end, over), (c.end, c.text[-20:])
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        assert prev.start < nxt.start and prev.end < nxt.end  # always moves forward
        assert nxt.start <= prev.end or text[prev.end : nxt.start].isspace()  # no gaps
    covered = {i for c in chunks for i in range(c.start, c.end)}
    for s, e in sentences:
        assert all(i in covered for i in range(s, e)), f"sentence {text[s:e][:20]!r} not covered"
        if (s, e) not in over:  # a sentence that fits sits whole inside one chunk
            assert any(c.start <= s and e <= c.end for c in chunks)


@pytest.mark.parametrize(("size", "overlap"), PARAMS)
def test_seed_articles_chunk_exactly(
    seed_articles: dict[str, Article], size: int, overlap: int
) -> None:
    assert len(seed_articles) == 5
    for a in seed_articles.values():
        check_chunks(a, chunk_article(a, size=size, overlap=overlap), size)


def test_larger_budget_gives_fewer_chunks(seed_articles: dict[str, Article]) -> None:
    for a in seed_articles.values():
        counts = [len(chunk_article(a, size=s, overlap=0)) for s in (32, 128, 2048)]
        assert counts[0] > counts[1] >= counts[2] >= 1
    total = sum(count_tokens([a.text])[0] for a in seed_articles.values())
    assert total > 2048  # so the 2048 budget really packs many sentences per chunk


# Twenty short sentences with distinct numbers, so overlaps are easy to see.
SENTENCES = [f"第{i}号站点在城区建成并投入使用。" for i in range(1, 21)]
TEXT = "".join(SENTENCES)


def test_no_overlap_means_consecutive_chunks() -> None:
    chunks = chunk_article(article(TEXT), size=64, overlap=0)
    assert len(chunks) > 2
    assert "".join(c.text for c in chunks) == TEXT
    check_chunks(article(TEXT), chunks, 64)


def test_overlap_repeats_trailing_whole_sentences() -> None:
    per_sentence = count_tokens([SENTENCES[0]])[0]
    overlap = per_sentence * 2  # room for exactly two of these sentences
    chunks = chunk_article(article(TEXT), size=per_sentence * 5, overlap=overlap)
    check_chunks(article(TEXT), chunks, per_sentence * 5)
    assert len(chunks) > 3
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        shared = TEXT[nxt.start : prev.end]
        assert shared, "consecutive chunks share their boundary sentences"
        assert count_tokens([shared])[0] <= overlap
        assert prev.text.endswith(shared) and nxt.text.startswith(shared)
        assert len(sentence_spans(shared)) == 2
    # Every sentence is still found, and the text is fully covered in order.
    assert all(any(s in c.text for c in chunks) for s in SENTENCES)


def test_overlap_never_stalls_when_it_exceeds_the_chunk() -> None:
    chunks = chunk_article(article(TEXT), size=40, overlap=1000)
    check_chunks(article(TEXT), chunks, 40)
    assert chunks[-1].end == len(TEXT)


def test_single_3000_character_sentence_is_split_within_budget() -> None:
    text = "智慧城市建设" * 500  # 3000 characters, no punctuation at all
    assert len(text) == 3000 and len(sentence_spans(text)) == 1
    for size, overlap in [(300, 60), (64, 0)]:
        chunks = chunk_article(article(text), size=size, overlap=overlap)
        assert len(chunks) > 1
        assert all(count_tokens([c.text])[0] <= size for c in chunks)
        assert chunks[0].start == 0 and chunks[-1].end == len(text)
        assert "".join(text[c.start : c.end] for c in chunks) == text
        check_chunks(article(text), chunks, size)


def test_long_sentence_is_cut_at_clause_marks_first() -> None:
    clause = "青岛建成5G基站一万七千个"
    text = "，".join([clause] * 230) + "。"  # one sentence of about 3200 characters
    chunks = chunk_article(article(text), size=64, overlap=0)
    assert len(chunks) > 1
    assert "".join(c.text for c in chunks) == text
    for c in chunks[:-1]:
        assert c.text.endswith("，")
        assert count_tokens([c.text])[0] <= 64


def test_long_sentence_between_short_ones_keeps_the_short_ones_whole() -> None:
    text = "开头一句。" + "数" * 600 + "。结尾一句。"
    a = article(text)
    chunks = chunk_article(a, size=64, overlap=10)
    check_chunks(a, chunks, 64)
    assert any(c.text.startswith("开头一句。") for c in chunks)
    assert any(c.text.endswith("结尾一句。") for c in chunks)


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_article_has_no_chunks(text: str) -> None:
    assert chunk_article(article(text), size=64, overlap=0) == []


def test_count_tokens_batches() -> None:
    texts = ["青岛", "智慧城市建设", "", "passage"]
    assert count_tokens(texts) == [count_tokens([t])[0] for t in texts]
    assert count_tokens([]) == []
    assert count_tokens([""]) == [0]
    assert count_tokens(["智慧城市建设"])[0] > count_tokens(["青岛"])[0]
