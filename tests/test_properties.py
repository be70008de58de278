"""Property tests (Hypothesis) for cleaning, sentence spans and chunking."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.embed.bundled import BundledModel
from rag.ingestion.chunking import chunk_article
from rag.ingestion.cleaning import clean
from rag.text import normalize, sentence_spans, tokenize
from rag.types import Article

# Chinese-news-like text: CJK, digits, Latin, the punctuation the splitter cares about.
_ALPHABET = st.sampled_from(
    list("青岛智慧城市建设峰会在举行了万个基站國際論壇發展產業")
    + list("0123456789.%,，、：:;；。！？!?…“”「」()（） \n\t")
    + list("ABCxyz5G")
)
texts = st.text(alphabet=_ALPHABET, min_size=0, max_size=600)
lines = st.lists(st.text(alphabet=_ALPHABET, max_size=80), max_size=30).map("\n".join)

COUNT = BundledModel().count_tokens
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(texts)
def test_sentence_spans_are_ordered_trimmed_slices(text: str) -> None:
    spans = sentence_spans(text)
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip()
        last = end
    # Nothing but white space lies outside the spans.
    covered = set()
    for s, e in spans:
        covered.update(range(s, e))
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)


@FAST
@given(texts, st.integers(min_value=32, max_value=120), st.integers(min_value=0, max_value=40))
def test_chunks_map_back_and_cover_every_sentence(text: str, size: int, overlap: int) -> None:
    article = Article(id="a", path="a.txt", text=text)
    chunks = chunk_article(article, size=size, overlap=overlap, count_tokens=COUNT)
    for c in chunks:
        assert text[c.start : c.end] == c.text
    for s, e in sentence_spans(text):
        # Each sentence lies inside one chunk, or (when longer than the budget) is covered
        # by the union of consecutive chunks.
        inside = any(c.start <= s and e <= c.end for c in chunks)
        covered = all(any(c.start <= i < c.end for c in chunks) for i in range(s, e))
        assert inside or covered
    assert [c.position for c in chunks] == list(range(len(chunks)))


@FAST
@given(lines)
def test_cleaning_is_idempotent(raw: str) -> None:
    once = clean(raw)
    assert clean(once) == once


@FAST
@given(texts)
def test_normalization_is_stable_and_offsets_come_from_raw_text(text: str) -> None:
    # normalize() is for matching only: it may change length (NFKC), so offsets are always
    # taken on the original text; normalising twice changes nothing more.
    assert normalize(normalize(text)) == normalize(text)
    for s, e in sentence_spans(text):
        assert normalize(text[s:e]) in normalize(text) or not normalize(text[s:e])
    assert tokenize(text) == tokenize(normalize(text))
