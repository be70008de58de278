"""The sentences an answer may quote: choosing the best and the runners-up that add
something, and composing the answer text from them, the short answer first, each quoted
sentence with its verified [n]."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from rag.answer.citations import citation
from rag.answer.kinds import type_bonus
from rag.answer.short_answer import short_answer
from rag.text import Script, char_ngrams, normalize, to_script
from rag.types import Citation, Hit

__all__ = ["Candidate", "compose", "select"]


@dataclass(frozen=True)
class Candidate:
    score: float
    coverage: float
    hit: Hit
    start: int  # offsets in the hit's text
    end: int

    @cached_property
    def said(self) -> str:
        """The sentence, normalised (read by every filter below)."""
        return normalize(self.hit.text[self.start : self.end])

    @cached_property
    def grams(self) -> set[str]:
        """The sentence's character bigrams (compared with each sentence already chosen)."""
        return char_ngrams(self.said)


# Share of character bigrams two sentences must share to be one report reprinted ("在36个城
# 市" and "在 36 个城市" in two outlets' copies of a ministry's notice).
_REPRINT = 0.8


def repeats(a: Candidate, b: Candidate) -> bool:
    """Whether sentence `a` says what `b` says: one holds the other, or both are copies of
    one report, which a second citation would only repeat."""
    if a.said in b.said or b.said in a.said:
        return True
    ga, gb = a.grams, b.grams
    return bool(ga and gb) and len(ga & gb) / min(len(ga), len(gb)) >= _REPRINT


def select(cands: list[Candidate], qtype: str) -> list[Candidate]:
    """The best sentence, plus close runners-up that add something (max 3)."""
    if not cands:
        return []
    best = cands[0]
    chosen = [best]
    seen = {(best.hit.article_id, best.hit.start + best.start)}
    if qtype != "what" and type_bonus(qtype, best.hit.text[best.start : best.end]) == 0:
        # The best-matching sentence names the topic but not the kind of answer asked for
        # (no number for 多少): add the best sentence of the same passage that does.
        fitting = [
            c
            for c in cands[1:]
            if c.hit.chunk_id == best.hit.chunk_id
            and type_bonus(qtype, c.hit.text[c.start : c.end]) > 0
        ]
        if qtype == "organ":
            # News names an organisation in full where it first mentions it (公安部交通管理
            # 局发布了…) and shortens it after (公安部将…): the first such sentence.
            fitting.sort(key=lambda c: c.start)
        if fitting:
            chosen.append(fitting[0])
            seen.add((fitting[0].hit.article_id, fitting[0].hit.start + fitting[0].start))
    limit = 3 if qtype in ("list", "what") else 2
    for c in cands[1:]:
        if len(chosen) >= limit or c.score < 0.8 * best.score or c.coverage < 0.5 * best.coverage:
            break
        key = (c.hit.article_id, c.hit.start + c.start)
        if key in seen:
            continue
        if any(repeats(c, x) for x in chosen):
            continue
        seen.add(key)
        chosen.append(c)
    # Read in document order within an article, articles in rank order.
    return chosen


_YEAR = re.compile(r"(?:19|20)\d{2}")
_DATED = {"zh-Hans": "据{date}的报道，", "zh-Hant": "據{date}的報道，", "en": "(Reported {date}) "}


def compose(
    chosen: list[Candidate],
    script: Script,
    qtype: str = "what",
    question: str = "",
    terms: list[str] | None = None,
    counted: Sequence[str] = (),
    lead: int = 0,
) -> tuple[str, list[Citation]]:
    """The answer text: for a number or date question the short answer first ("1.7万个。"),
    from the sentence `lead`, then the quoted sentences, each followed by its [n]; an English
    question gets English lead-ins around the quoted Chinese."""
    terms = terms or []
    citations: list[Citation] = []
    parts: list[str] = []
    for n, c in enumerate(chosen, start=1):
        cit = citation(n, c.hit, c.start, c.end)
        citations.append(cit)
        sentence = cit.quote.strip()
        # A sentence cut at ；or a comma-less end still reads as a sentence with a full stop.
        sentence = re.sub(r"[；;，,：:]$", "", sentence)
        if script != "en":
            sentence = to_script(sentence, script)
        end = "" if re.search(r"[。！？!?…”」』]$", sentence) else "。"
        if qtype == "date" and c.hit.date and not _YEAR.search(sentence):
            # "11月19日讯" alone does not say which year: the article's date does.
            sentence = _DATED[script].format(date=c.hit.date) + sentence
        parts.append(f"{sentence}{end}[{n}]")
    # The short answer of the sentence `lead` (its index in `chosen`), cited to it.
    said = chosen[lead].hit.text[chosen[lead].start : chosen[lead].end]
    n, short = lead + 1, short_answer(question, qtype, said, terms, counted)
    if script == "en":
        opening = f"Answer: {short}.[{n}] " if short else ""
        return f"{opening}From the articles: " + " ".join(parts), citations
    opening = f"{to_script(short, script)}。[{n}]" if short else ""
    return opening + "".join(parts), citations
