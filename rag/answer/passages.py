"""Passages an answer reads beyond the retrieved ones: the best article's lead, for when
and where, and its biography, for where a person is from; and the sentence a quoted one
points back to."""

from __future__ import annotations

import re

from rag.answer.kinds import hometown
from rag.answer.sources import Sources
from rag.retrieve.query import Filters
from rag.text import normalize, sentence_spans
from rag.types import Hit

__all__ = ["LEAD_TYPES", "antecedent", "follower", "with_biography", "with_lead"]

# A news article's lead says when and where: "11月19日，第二十五届高交会智慧城市展…落幕".
# Added for when and where questions only: for who and how many it changed nothing on
# crud-dev or the seeds.
LEAD_TYPES = frozenset({"date", "place"})


def with_lead(sources: Sources, hits: list[Hit]) -> list[Hit]:
    """The hits and, when the best article's first passage is not among them, that passage
    last."""
    lead = sources.lead(hits[0].article_id)
    if lead is None or any(h.chunk_id == lead.chunk_id for h in hits):
        return hits
    return [*hits, lead]


def with_biography(sources: Sources, question: str, hits: list[Hit]) -> list[Hit]:
    """The hits and, after them, the best article's passages that hold a biography: news
    gives one at the end of an official's report ("龙澎简历：龙澎，男，…湖北孝感人"), far
    from the words of the question."""
    more = sources.search(
        question, k=sources.settings.top_k, filters=Filters(article_ids=(hits[0].article_id,))
    )
    seen = {h.chunk_id for h in hits}
    return hits + [h for h in more if h.chunk_id not in seen and hometown(normalize(h.text))]


# A sentence that opens by pointing back ("这里是…的举办场馆", "此处…") names its subject in
# the sentence before ("走进简阳市文体中心…。这里是…").
_POINTS_BACK = re.compile(r"^(?:这里|这儿|此处|此地|这座|这家|这所|这位|这是)")


def antecedent(hit: Hit, start: int, sentence: str) -> tuple[int, int] | None:
    """The span of the sentence before the one at `start` in the passage, when that one
    (normalised: `sentence`) opens by pointing back to it; else None."""
    if not _POINTS_BACK.match(sentence):
        return None
    before = [(s, e) for s, e in sentence_spans(hit.text) if e <= start]
    return before[-1] if before else None


# A sentence that opens so goes on from the one before: "对此，…议员张斯纲痛斥…" answers
# what the sentence before reported.
_GOES_ON = re.compile(r"^(?:对此|對此|对于此|报道称|報道稱|据悉|據悉|据介绍|據介紹|据了解|據了解)")


def follower(hit: Hit, end: int) -> tuple[int, int] | None:
    """The span of the sentence after the one ending at `end` in the passage, when it opens
    by going on from it (对此, 据悉, 报道称); else None. News restates a report, then says
    who answered it or what it amounts to."""
    after = [(s, e) for s, e in sentence_spans(hit.text) if s >= end]
    if after and _GOES_ON.match(normalize(hit.text[after[0][0] : after[0][1]]).lstrip()):
        return after[0]
    return None
