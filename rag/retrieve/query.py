"""Hybrid retrieval: BM25 over jieba tokens + dense vectors in Chroma, fused by weighted RRF.

Score of a hit: its weighted reciprocal-rank-fusion score,
    sum over channels c of  w_c / (k + rank_c)      (Cormack et al. 2009, k = 60),
so higher is better and scores compare only within one query. A chunk found by one
channel alone gets only that channel's term.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import numpy as np

from rag.errors import InvalidQuestion

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_question(text: object, *, max_chars: int) -> str:
    """A question made safe to process, or InvalidQuestion saying what is wrong."""
    if not isinstance(text, str):
        raise InvalidQuestion(f"Expected the question as text, got {type(text).__name__}.")
    if len(text) > max_chars:
        raise InvalidQuestion(
            f"Expected a question of at most {max_chars} characters, got {len(text)}: "
            "shorten it to the point you want answered."
        )
    text = _SURROGATE.sub("", _CONTROL.sub(" ", text))
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise InvalidQuestion(
            "The question is empty (or only spaces and control characters): type a question "
            "about the articles."
        )
    if not any(ch.isalnum() for ch in text):
        raise InvalidQuestion(
            "The question has no letters, digits or Chinese characters: type a question "
            "about the articles."
        )
    return text


@dataclass(frozen=True)
class Filters:
    """Restrict a search: article ids, a date range (ISO, inclusive) and a source outlet."""

    article_ids: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    source: str | None = None

    @classmethod
    def coerce(cls, value: Filters | Mapping[str, Any] | None) -> Filters | None:
        if value is None or isinstance(value, Filters):
            return value
        if not isinstance(value, Mapping):
            raise InvalidQuestion(
                f"Expected filters as a mapping such as {{'since': '2023-01-01'}}, got "
                f"{type(value).__name__}."
            )
        names = {f.name for f in fields(cls)}
        unknown = set(value) - names
        if unknown:
            raise InvalidQuestion(
                f"Unknown filter(s) {sorted(unknown)}: valid filters are {sorted(names)}."
            )
        ids = value.get("article_ids") or ()
        if isinstance(ids, str):
            ids = (ids,)
        if not isinstance(ids, list | tuple | set) or not all(isinstance(i, str) for i in ids):
            raise InvalidQuestion(f"Expected article_ids as a list of article ids, got {ids!r}.")
        for key in ("since", "until", "source"):
            if value.get(key) is not None and not isinstance(value.get(key), str):
                raise InvalidQuestion(
                    f"Expected {key} as text (dates as YYYY-MM-DD), got {value.get(key)!r}."
                )
        return cls(
            tuple(ids),
            value.get("since") or None,
            value.get("until") or None,
            value.get("source") or None,
        )

    def date_bounds(self) -> tuple[int, int]:
        return _date_bound(self.since, "since", 0), _date_bound(self.until, "until", 99999999)

    def is_empty(self) -> bool:
        return not (self.article_ids or self.since or self.until or self.source)


def _date_bound(value: str | None, name: str, default: int) -> int:
    if not value:
        return default
    digits = value.replace("-", "")
    try:
        date.fromisoformat(f"{digits[:4]}-{digits[4:6]}-{digits[6:]}")  # a real calendar date
    except ValueError:
        digits = ""
    if len(digits) != 8 or not digits.isdigit():
        raise InvalidQuestion(f"Expected {name} as a date YYYY-MM-DD, got {value!r}.")
    return int(digits)


def check_k(k: object) -> int:
    """k as a validated int (1-100), or InvalidQuestion."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 100:
        raise InvalidQuestion(f"Expected k between 1 and 100, got {k!r}.")
    return k


def chroma_where(f: Filters | None) -> dict[str, Any] | None:
    """The Chroma `where` clause for a filter."""
    if f is None or f.is_empty():
        return None
    clauses: list[dict[str, Any]] = []
    if f.article_ids:
        clauses.append({"article_id": {"$in": list(f.article_ids)}})
    if f.since or f.until:
        lo, hi = f.date_bounds()
        clauses.append({"date_int": {"$gte": max(lo, 1)}})
        clauses.append({"date_int": {"$lte": hi}})
    if f.source:
        clauses.append({"source": {"$eq": f.source}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def rrf_fuse(
    rankings: Sequence[tuple[Sequence[str], float]], *, k: int = 60
) -> list[tuple[str, float]]:
    """Weighted reciprocal-rank fusion of ranked id lists, de-duplicated, best first.

    Args:
        rankings: (ids best first, channel weight) per channel. A repeated id within one
            list counts at its best rank only.
        k: the RRF constant; larger flattens the difference between ranks.
    """
    scores: dict[str, float] = {}
    for ids, weight in rankings:
        seen: set[str] = set()
        for rank, cid in enumerate(ids, start=1):
            if cid in seen:
                continue
            seen.add(cid)
            scores[cid] = scores.get(cid, 0.0) + weight / (k + rank)
    # Ties broken by id so results are deterministic.
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def with_articles(
    fused: Sequence[tuple[str, float]],
    articles: Sequence[str],
    weight: float,
    *,
    k: int = 60,
    head: int | None = None,
) -> list[tuple[str, float]]:
    """Fused passages with one more channel: each passage's article's rank in `articles`
    (weight / (k + rank)), so that of two equal passages the one from the article that
    matches as a whole comes first. Passages stay those the other channels found; with
    `head`, only the first `head` are reordered and the rest keep their place."""
    if not articles or weight <= 0:
        return list(fused)
    n = len(fused) if head is None else head
    rank = {a: r for r, a in enumerate(articles, start=1)}
    out = [
        (cid, score + (weight / (k + rank[a]) if (a := cid.rpartition("#")[0]) in rank else 0.0))
        for cid, score in fused[:n]
    ]
    return sorted(out, key=lambda kv: (-kv[1], kv[0])) + list(fused[n:])


def naming_first(
    fused: Sequence[tuple[str, float]], naming: Collection[str] | None, *, head: int
) -> list[tuple[str, float]]:
    """Of the first `head` passages, those of the `naming` articles first (each group in
    its order), the rest after; unchanged when `naming` is None."""
    if naming is None:
        return list(fused)
    named = set(naming)
    top = fused[:head]
    first = [p for p in top if p[0].rpartition("#")[0] in named]
    return first + [p for p in top if p[0].rpartition("#")[0] not in named] + list(fused[head:])


def top_n(scores: np.ndarray, n: int, mask: np.ndarray | None = None) -> list[int]:
    """Indices of the `n` highest positive scores (within `mask`), best first."""
    if scores.size == 0:
        return []
    s = scores if mask is None else np.where(mask, scores, 0.0)
    n = min(n, int(np.count_nonzero(s > 0)))
    if n <= 0:
        return []
    idx = np.argpartition(-s, n - 1)[:n]
    return sorted(idx.tolist(), key=lambda i: (-float(s[i]), i))
