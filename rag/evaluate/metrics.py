"""Evaluation metrics: pure functions over strings and id lists, no I/O.

Retrieval metrics take a ranking (ids, best first) and the set of relevant ids. A ranking
may repeat an id (several chunks of one article); every metric keeps only the first
occurrence, so an article counts once, at its best rank.

Answer metrics match key phrases after `match_norm`, the normalisation documented in
evals/README.md ("How answer phrases are matched").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from rag.answer.verify import has_content, parse_markers, split_sentences
from rag.text import normalize

__all__ = [
    "citation_coverage",
    "citation_precision",
    "context_recall",
    "dedupe",
    "exact",
    "hit_at",
    "match_norm",
    "mrr_at",
    "ndcg_at",
    "percentile",
    "phrase_recall",
    "refusal_correct",
]


def match_norm(text: str) -> str:
    """Text ready for phrase matching: `rag.text.normalize` in its compact form (NFKC,
    simplified script, lower case, no white space nor zero-width characters).

    NFKC turns full-width letters, digits and punctuation into half-width
    ("１．７万" -> "1.7万", "％" -> "%").

    >>> match_norm("１．７ 萬  ABC")
    '1.7万abc'
    """
    return normalize(text, form="compact")


def _found(phrases: Sequence[str], texts: Sequence[str]) -> list[bool]:
    """For each phrase, whether its normalised form occurs in one of the normalised texts."""
    normed = [match_norm(t) for t in texts]
    return [any(match_norm(p) in t for t in normed) for p in phrases]


def _share_found(phrases: Sequence[str], texts: Sequence[str]) -> float:
    """Share of `phrases` some text holds whole; 1.0 when there are no phrases."""
    if not phrases:
        return 1.0
    return sum(_found(phrases, texts)) / len(phrases)


def phrase_recall(phrases: Sequence[str], text: str) -> float:
    """Share of key phrases found in `text` (1.0 when there are no phrases).

    >>> phrase_recall(["上海", "深圳"], "上海獲獎")
    0.5
    """
    return _share_found(phrases, [text])


def exact(phrases: Sequence[str], text: str) -> float:
    """1.0 when every key phrase is found in `text`, else 0.0."""
    return 1.0 if all(_found(phrases, [text])) else 0.0


def context_recall(phrases: Sequence[str], texts: Sequence[str]) -> float:
    """Share of key phrases present in the retrieved passages taken together.

    The passages are concatenated with a boundary no phrase can span, so a phrase counts
    when one passage holds it whole (1.0 when there are no phrases).
    """
    return _share_found(phrases, texts)


def dedupe(ids: Iterable[str]) -> list[str]:
    """`ids` without repeats, keeping each id at its first position."""
    return list(dict.fromkeys(ids))


def _relevant_ranks(ranked: Sequence[str], relevant: set[str], k: int) -> list[int]:
    """Ranks (1-based) of the relevant ids among the first `k` distinct ids, best first."""
    if k < 1:
        raise ValueError(f"Expected a cut-off k >= 1, got {k}.")
    return [rank for rank, i in enumerate(dedupe(ranked)[:k], start=1) if i in relevant]


def hit_at(ranked_ids: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """1.0 when one of the first `k` distinct ids is relevant, else 0.0."""
    return 1.0 if _relevant_ranks(ranked_ids, set(relevant), k) else 0.0


def mrr_at(ranked: Sequence[str], relevant: Iterable[str], k: int = 10) -> float:
    """Reciprocal rank of the first relevant id among the first `k` distinct ids (0 if none)."""
    ranks = _relevant_ranks(ranked, set(relevant), k)
    return 1.0 / ranks[0] if ranks else 0.0


def ndcg_at(ranked: Sequence[str], relevant: Iterable[str], k: int = 10) -> float:
    """Normalised discounted cumulative gain at `k` with binary gains (Järvelin & Kekäläinen).

    DCG = sum of 1 / log2(rank + 1) over relevant ids among the first `k` distinct ids; the
    ideal DCG puts min(len(relevant), k) relevant ids first. 0.0 when nothing is relevant.

    >>> round(ndcg_at(["b", "a", "a"], ["a"]), 4)  # "a" at rank 2: 1 / log2(3)
    0.6309
    """
    rel = set(relevant)
    ranks = _relevant_ranks(ranked, rel, k)
    if not rel:
        return 0.0
    dcg = sum(1.0 / math.log2(rank + 1) for rank in ranks)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(rel), k) + 1))
    return dcg / ideal


def citation_precision(cited_article_ids: Sequence[str], evidence: Iterable[str]) -> float | None:
    """Share of citations that point to an evidence article; None when nothing is cited.

    Each citation counts, so an answer citing the evidence twice and another article once
    scores 2/3.
    """
    if not cited_article_ids:
        return None
    ev = set(evidence)
    return sum(1 for a in cited_article_ids if a in ev) / len(cited_article_ids)


def citation_coverage(answer_text: str) -> float | None:
    """Share of the answer's sentences that carry at least one [n] marker.

    Sentences are split as `rag.answer.verify.split_sentences` does (markers stay with the
    sentence they follow); sentences without letters or digits are not counted.
    None when the answer has no sentence to judge.
    """
    judged = [s for s in split_sentences(answer_text) if has_content(s)]
    if not judged:
        return None
    return sum(1 for s in judged if parse_markers(s)) / len(judged)


def refusal_correct(answerable: bool, abstained: bool) -> bool:
    """True when the system declined exactly when the question is unanswerable."""
    return abstained == (not answerable)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) with linear interpolation between ranks (NumPy's default).

    Raises:
        ValueError: no values, or p outside 0-100.

    >>> percentile([1, 2, 3, 4], 50)
    2.5
    """
    if not values:
        raise ValueError("Expected at least one value to take a percentile of, got none.")
    if not 0 <= p <= 100:
        raise ValueError(f"Expected a percentile between 0 and 100, got {p}.")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)
