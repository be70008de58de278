"""Check an answer's [n] citations against the passages they point to. Pure text functions.

An answer sentence counts as supported when enough of its characters reappear, in order
pairs, in one of the passages it cites. This is a lexical check: it catches invented facts
and wrong citations in an answer written in the passages' language, not subtle paraphrase
errors, and it cannot check an English answer against Chinese passages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rag.text import char_ngrams, normalize
from rag.text import split_sentences as text_sentences

# One citation group: [1], [1][2] is two groups, [1, 2] / [1,3] / [1，2] / [1、2] one group.
# Full-width brackets too, because Chinese-writing models often emit 【1】 or ［1］.
_MARKER_RE = re.compile(r"[\[［【]\s*(\d{1,4}(?:\s*[,，、]\s*\d{1,4})*)\s*[\]］】]")
_MARKER_WS_RE = re.compile(r"(\s*)" + _MARKER_RE.pattern)  # group 1: the spaces before it
# The [n] markers right after a sentence's end mark (and the spaces, not line breaks,
# before them) belong to the sentence they cite.
_TRAILING_MARKERS_RE = re.compile(r"(?:[^\S\r\n]*" + _MARKER_RE.pattern + r")+")


def parse_markers(sentence: str) -> list[int]:
    """Passage numbers cited in `sentence`, in order of first appearance, without repeats.

    >>> parse_markers("上海获奖[1, 3]。[1][2]")
    [1, 3, 2]
    """
    seen: dict[int, None] = {}
    for group in _MARKER_RE.finditer(sentence):
        for number in re.split(r"\s*[,，、]\s*", group.group(1)):
            seen.setdefault(int(number), None)
    return list(seen)


def strip_markers(text: str) -> str:
    """`text` without its [n] markers (and the spaces before them)."""
    return _MARKER_WS_RE.sub("", text).strip()


def split_sentences(text: str) -> list[str]:
    """Split answer text into sentences, each keeping the [n] markers that follow it.

    The one splitter (`rag.text.split_sentences`) with the two rules of answer text: the
    markers after an end mark stay with the sentence, and "；" does not end a sentence (a
    marker after "A；B。" cites both clauses). Markers alone on a line join the sentence
    before them.

    >>> split_sentences("上海获奖。[1] 深圳也获奖[2]。")
    ['上海获奖。[1]', '深圳也获奖[2]。']
    """
    sentences: list[str] = []
    for piece in text_sentences(text, semicolons=False, trailing=_TRAILING_MARKERS_RE):
        if sentences and not has_content(piece) and parse_markers(piece):
            sentences[-1] = f"{sentences[-1]}{piece}"
        else:
            sentences.append(piece)
    return sentences


def has_content(sentence: str) -> bool:
    """Whether the sentence has a letter or digit besides its [n] markers: only such
    sentences are judged (punctuation and spacing are never evidence)."""
    return any(ch.isalnum() for ch in strip_markers(sentence))


def support_score(sentence: str, passage: str, n: int = 2) -> float:
    """Share of the sentence's distinct character n-grams that also occur in the passage.

    Both sides are normalised first (markers, punctuation and spaces removed, NFKC,
    traditional to simplified, lowercase), so a traditional-script sentence copied from
    a simplified passage scores 1.0. A sentence with no letters or digits scores 0.0.

    n = 2 because most Chinese words are two characters: bigrams approximate word overlap
    without a tokenizer and ignore word order between clauses. Unigrams would let an
    invented sentence pass on common characters (的, 在, 年); trigrams would fail honest
    answers that join two phrases or reword a word.

    >>> support_score("上海获奖", "上海市获得大奖")
    0.3333333333333333
    """
    if n < 1:
        raise ValueError(f"Expected n-gram size n >= 1, got {n}.")
    grams = char_ngrams(strip_markers(sentence), n)
    if not grams:
        return 0.0
    passage_text = normalize(strip_markers(passage), form="alnum")
    return sum(1 for gram in grams if gram in passage_text) / len(grams)


def renumber_markers(text: str, numbers: Mapping[int, int]) -> str:
    """Every marker group rewritten as [a][b] over its numbers that `numbers` maps, each
    mapped ([1, 2] -> [3][1] under {1: 3, 2: 1}); a group with none is dropped."""

    def rewrite(match: re.Match[str]) -> str:
        mapped = [numbers[n] for n in parse_markers(match.group(0)) if n in numbers]
        if not mapped:
            return ""  # with the spaces before it, so "won [9]." becomes "won."
        return match.group(1) + "".join(f"[{n}]" for n in mapped)

    return _MARKER_WS_RE.sub(rewrite, text)


def verify_answer(
    text: str, passages: dict[int, str], threshold: float = 0.5
) -> tuple[str, list[int], list[str]]:
    """Drop citations to unknown passages and find the sentences the passages do not support.

    Args:
        text: answer with [n] markers, as written by the answerer.
        passages: passage number -> passage text, the passages the answerer was shown.
        threshold: lowest `support_score` (bigrams) at which a sentence counts as
            supported by a passage it cites. 0.5 sits in the gap measured on the seed
            corpus: copied sentences score 1.0 and faithful abridged paraphrases 0.65 to
            0.95, invented sentences that reuse the passage's names (new amounts, places,
            deals) 0.1 to 0.45, and sentences against an unrelated passage under 0.25
            (95th percentile). A sentence that copies most of a passage and changes one
            number or role still passes: the check is lexical.

    Returns:
        (cleaned text, cited numbers in order of first use, unsupported sentences).
        The cleaned text writes every marker as [n] ("[1, 2]" becomes "[1][2]") and
        omits numbers not in `passages`. A sentence is unsupported when it cites no valid
        passage or its best score over the passages it cites is below `threshold`;
        it is returned as it appears in the cleaned text. Sentences without letters or
        digits are not judged.

    Example:
        >>> verify_answer("上海获奖[1][7]。", {1: "今年上海获奖。"})
        ('上海获奖[1]。', [1], [])
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"Expected a support threshold between 0 and 1, got {threshold}.")
    cleaned = renumber_markers(text, {n: n for n in passages})
    unsupported: list[str] = []
    for sentence in split_sentences(cleaned):
        if not has_content(sentence):
            continue
        cited = parse_markers(sentence)
        best = max((support_score(sentence, passages[n]) for n in cited), default=0.0)
        if best < threshold:
            unsupported.append(sentence)
    return cleaned, parse_markers(cleaned), unsupported
