"""The question's terms an answer sentence is scored by: weighted by IDF, grouped by
alternatives (an English word's translations), with half credit for a compound's parts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.question import FRAME_WORDS, tense_words
from rag.answer.sources import Sources
from rag.retrieve.followup import Rewrite
from rag.retrieve.translate import mostly_latin
from rag.text import content_terms, normalize, tokenize, unglued

__all__ = ["Terms", "question_terms"]

# A figure the question states ("股价上涨了8%") tells its sentence apart better than its
# words do (股价, 上涨 in every market report): crud-dev zh answerable 131 quoted the
# 8% sentence second, after one with 股价 上涨 10.3%; at 2 or 3 it comes first, nothing else
# changes on crud-dev or the seeds.
_FIGURE = re.compile(r"[0-9][0-9.]*(?:%|％|万|亿|元|美元|个|人|辆|家|名)+")
_FIGURE_WEIGHT = 2.0


@dataclass(frozen=True)
class Terms:
    """Weighted question terms (normalised); carried follow-up terms weigh less.

    Each term is a group of alternatives (one word for a Chinese question; the dictionary
    translations of one English word); a group counts as found when any alternative is. A
    Chinese term absent from a text still earns half credit for the share of its sub-words
    found there ("北京市" in a text that says "北京").
    """

    groups: list[tuple[tuple[str, ...], float, tuple[str, ...]]]  # alternatives, weight, parts

    @property
    def total(self) -> float:
        return sum(w for _, w, _ in self.groups) or 1.0

    @property
    def weights(self) -> dict[str, float]:
        return {alts[0]: w for alts, w, _ in self.groups}

    def coverage(self, normalised_text: str) -> float:
        got = 0.0
        for alts, w, parts in self.groups:
            if any(a in normalised_text for a in alts):
                got += w
            elif parts:
                found = sum(1 for p in parts if p in normalised_text)
                got += 0.5 * w * found / len(parts)
        return got / self.total


def _drop_frames(terms: list[str], lex: Sources) -> list[str]:
    """Content terms without frame words, also inside compounds the corpus never uses
    ("主办单位" -> "主办")."""
    out: list[str] = []
    for t in (unglued(t, lex.knows) for t in terms):
        if t in FRAME_WORDS:
            continue
        if not lex.knows(t):
            parts = [p for p in tokenize(t) if p != t and len(p) >= 2]
            if any(p in FRAME_WORDS for p in parts):
                out += [p for p in parts if p not in FRAME_WORDS and p not in out]
                continue
        out.append(t)
    return out


def question_terms(sources: Sources, rw: Rewrite) -> Terms:
    """The weighted terms of a question and, at half weight, of its follow-up context."""
    lex = sources
    found: dict[tuple[str, ...], tuple[float, tuple[str, ...]]] = {}
    for text, factor in ((rw.question, 1.0), (rw.context, 0.5)):
        if mostly_latin(text):
            groups = [tuple(normalize(t) for t in g) for g in lex.translate(text)]
        else:
            tense = tense_words(text)
            groups = [(t,) for t in _drop_frames(content_terms(text), lex) if t not in tense]
        for alts in groups:
            if not alts or not alts[0]:
                continue
            # A group is as specific as its primary (first-ranked) alternative.
            w = lex.idf(alts[0]) * factor
            if all(len(a) == 1 for a in alts):  # single characters match almost anywhere
                w *= 0.3
            if _FIGURE.fullmatch(alts[0]):
                w *= _FIGURE_WEIGHT
            if w > found.get(alts, (0.0, ()))[0]:
                # Sub-word credit only for a term the corpus uses somewhere: a compound the
                # articles never mention ("数据中心") is absent, even if "数据" and "中心" occur.
                parts = tuple(p for p in tokenize(alts[0]) if p != alts[0] and len(p) >= 2)
                known = lex.knows(alts[0])
                found[alts] = (w, parts if len(alts) == 1 and known else ())
    return Terms([(alts, w, parts) for alts, (w, parts) in found.items()])
