"""Summaries and overviews: "总结一下这些文章", "概括一下青岛5G建设的情况", "What is the X
article about?" get a short extractive summary, not a factoid answer.

A request is a summary when a `SUMMARY_CUES` entry matches and no `FACTOID_WORDS` entry asks
for one fact. Its topic is the request without its frame words ("青岛5G建设"; a follow-up
naming none takes the earlier question's). With a topic, the retrieved article most about it
(`Topic.prominence`; two for "the articles about") is summarised, or the answer says no
article covers it (below `MIN_TOPIC_COVERAGE`); without one, the top articles retrieved for
the request (up to three). An article's summary is its lead (first body sentence, datelines
cut off) and, within `MAX_SENTENCES` and `MAX_CHARS`, its key sentences: the most central
(sharing character bigrams with the rest) and most about the topic. Each is quoted verbatim
in the asker's script with its [n], whose citation points at the exact source span.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from rag.answer.citations import citation
from rag.answer.sources import Sources
from rag.retrieve.followup import Rewrite
from rag.retrieve.query import Filters
from rag.retrieve.translate import mostly_latin
from rag.text import (
    ENGLISH_QUERY_STOPWORDS,
    Script,
    char_ngrams,
    content_terms,
    normalize,
    sentence_spans,
    to_script,
    tokenize,
)
from rag.types import Answer, Citation, Hit


@dataclass(frozen=True)
class Cue:
    """A pattern in a request, and why it means what its table says."""

    name: str
    pattern: str
    reason: str


def _compile(cues: Iterable[Cue], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{c.pattern})" for c in cues), flags)


# ---- what asks for a summary ------------------------------------------------------------

SUMMARY_CUES: tuple[Cue, ...] = (
    Cue("总结", r"总结|總結|归纳|歸納", "asks to sum up what was said"),
    Cue("概括", r"概括|概述|概要|概况|概況", "asks for the gist"),
    Cue("主要内容", r"主要内容|主要內容|大意|要点|要點", "asks for the main content"),
    # "讲了什么" asks what an article tells as a whole, not one fact.
    Cue("讲了什么", r"(?:讲|講|谈|談|写|寫|报道|報道)(?:了|的|到了)?些?(?:什么|什麼|啥)", "story"),
    Cue("说了什么", r"(?:说|說)(?:了|的)?些?(?:什么|什麼|啥)", "asks what was said overall"),
    Cue("摘要", r"摘要", "asks for an abstract"),
    Cue("简介", r"简介|簡介|介绍一下|介紹一下", "asks for a short introduction"),
    Cue("关于什么", r"(?:关于|關於)(?:什么|什麼|啥)", "asks what an article is about"),
    Cue("summarise", r"\bsummari[sz](?:e|es|ed|ing)\b", "asks to summarise"),
    Cue("summary", r"\bsummar(?:y|ies)\b", "asks for a summary"),
    Cue("overview", r"\boverview\b|\bgist\b|\bmain points\b", "asks for an overview"),
    # Asks what something is about; "What did it say about 5G?" asks a fact: "about" ends it.
    Cue("what is ... about", r"\bwhat(?:'s|\s+(?:is|are|was|were))\b.{0,120}\babout\W*$", "topic"),
    Cue("tell me about", r"\btell\s+(?:me|us)\s+(?:more\s+)?about\b", "asks for an account"),
)
_SUMMARY = _compile(SUMMARY_CUES)

# A question asking for one number, date, person or place wants that fact, even when it
# says 总结 ("报告总结了多少条经验？").
FACTOID_WORDS: tuple[Cue, ...] = (
    Cue("count", r"多少|几[个個位家项項年月天次届屆]|\bhow\s+(?:many|much)\b", "a number"),
    Cue("time", r"何时|何時|什么时候|什麼時候|哪一?年|哪一?天|\bwhen\b", "a date"),
    Cue("who", r"谁|誰|哪位|\bwho\b", "a person"),
    Cue("where", r"哪里|哪裡|哪儿|在哪|\bwhere\b", "a place"),
    Cue("which", r"哪些|哪个|哪個|\bwhich\b", "a choice or list"),
)
_FACTOID = _compile(FACTOID_WORDS)

# How many articles: "these articles" asks for several, "this article" for one.
PLURAL_CUES: tuple[Cue, ...] = (
    Cue("这些", r"这些|這些|那些|几篇|幾篇|各篇|所有|全部|各个|各個", "several articles"),
    Cue("articles", r"\b(?:articles|stories|reports|pieces|these|all)\b", "several articles"),
)
_PLURAL = _compile(PLURAL_CUES)
SINGULAR_CUES: tuple[Cue, ...] = (
    Cue("这篇", r"这篇|這篇|那篇|该文|該文|本文|此文|一篇", "one article"),
    Cue(
        "this article",
        r"\b(?:this|that|the|one)\s+(?:\w+\s+){0,6}?(?:article|story|report)\b(?!s)",
        "one",
    ),
)
_SINGULAR = _compile(SINGULAR_CUES)

# Words of the request that frame it rather than name its topic (normalised forms).
CHINESE_FRAME_WORDS = frozenset(
    """
    总结 归纳 概括 概述 概要 概况 主要 内容 大意 要点 重点 摘要 简介 介绍 情况 文章 篇文章 这篇
    那篇 篇 几篇 各篇 新闻 报道 资讯 讲 讲述 讲到 讲讲 说 说说 写 谈 提到 简单 简要 简述 所有 全部
    一些 相关 有关 关于 方面 东西 帮 给 看看 本文 该文 此文 整体 总体 啥 些
    """.split()
)
ENGLISH_FRAME_WORDS = frozenset(
    """
    summarise summarize summarised summarized summarising summarizing summary summaries
    overview overviews gist tell give article articles news story stories report reports
    piece pieces please brief briefly short main points point key say says said write
    wrote written cover covers covered topic topics content contents describe describes
    described quick quickly outline me us
    """.split()
)

MAX_SENTENCES = 5  # a summary is short: at most this many quoted sentences in all ...
MAX_CHARS = 400  # ... and about this many quoted characters (the lead always counts)
MIN_TOPIC_COVERAGE = 0.5  # weighted share of the topic's terms the summarised article is about
CANDIDATES = 5  # articles retrieved for a topic that are weighed as its subject
SUMMARY_PASSAGES = 100  # passages a summary reads (k=100 costs what k=5 does: the embedding)
_SHORT_LEAD = 40  # a lead sentence shorter than this is followed by the next one


def asks_summary(question: str) -> bool:
    """Whether a question asks for a summary or overview rather than for one fact.

    >>> asks_summary("概括一下青岛5G建设的情况"), asks_summary("青岛的5G基站有多少？")
    (True, False)
    """
    return bool(_SUMMARY.search(question)) and not _FACTOID.search(question)


# ---- the topic ------------------------------------------------------------------------------

_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")


@dataclass(frozen=True)
class Topic:
    """What a summary is about: its words as asked, and its weighted term groups."""

    text: str
    groups: tuple[tuple[tuple[str, ...], float], ...]  # normalised alternatives, weight

    def prominence(self, title: str, sentences: list[str]) -> float:
        """The weighted share of the topic's groups an article is about: named in its title
        or in at least two of its sentences (a passing mention is not its subject)."""
        head = normalize(title)
        norm = [normalize(x) for x in sentences]
        return self.share(lambda alt: alt in head or sum(alt in x for x in norm) >= 2)

    def share(self, found: Callable[[str], bool]) -> float:
        """The weighted share of the topic's groups with an alternative `found`."""
        total = sum(w for _, w in self.groups) or 1.0
        return sum(w for alts, w in self.groups if any(found(a) for a in alts)) / total


def topic_words(question: str) -> str:
    """The request without its frame words: "概括一下青岛5G建设的情况" -> "青岛5G建设"
    (normalised for Chinese; as typed for English), "" when it names no topic."""
    if mostly_latin(question):
        kept = [
            m
            for m in _LATIN_WORD.finditer(question)
            if m.group().lower().strip("'’") not in ENGLISH_QUERY_STOPWORDS | ENGLISH_FRAME_WORDS
        ]
        return question[kept[0].start() : kept[-1].end()] if kept else ""
    norm = normalize(question)
    terms = [t for t in content_terms(_SUMMARY.sub(" ", norm)) if t not in CHINESE_FRAME_WORDS]
    spans = [(norm.find(t), norm.find(t) + len(t)) for t in terms if t in norm]
    return norm[min(s for s, _ in spans) : max(e for _, e in spans)] if spans else ""


def term_weight(sources: Sources, alts: tuple[str, ...], *, english: bool) -> float:
    """How specific a topic term is: its IDF; a phrase the corpus uses but does not index
    ("智慧城市") weighs as its most specific indexed part, not as an unknown word."""
    w = sources.idf(alts[0])
    if not sources.knows(alts[0]) and sources.uses(alts[0]):
        parts = [p for p in tokenize(alts[0]) if p != alts[0] and sources.knows(p)]
        w = max((sources.idf(p) for p in parts), default=w)
    if all(len(a) == 1 for a in alts):  # single characters match almost anywhere
        w *= 0.3
    if english and not any(sources.uses(a) for a in alts):
        # A dictionary sense the articles never use may be the wrong sense ("fair" ->
        # 合理 in "Hi-Tech Fair"), not an absent subject: it counts half.
        w *= 0.5
    return w


def topic_of(sources: Sources, rw: Rewrite) -> Topic | None:
    """The request's topic, or the earlier question's for a follow-up naming none."""
    text = topic_words(rw.question) or (topic_words(rw.context) if rw.context else "")
    if not text:
        return None
    if mostly_latin(text):
        alternatives = [tuple(normalize(a) for a in g) for g in sources.translate(text)]
    else:
        alternatives = [(t,) for t in content_terms(text) if t not in CHINESE_FRAME_WORDS]
    groups: dict[tuple[str, ...], float] = {}
    for alts in alternatives:
        if alts and alts[0]:
            groups[alts] = max(term_weight(sources, alts, english=mostly_latin(text)), 0.0)
    return Topic(text, tuple(groups.items())) if groups else None


# ---- an article's sentences -------------------------------------------------------------------

# Datelines open a news body and say who reported it, not what happened.
DATELINES: tuple[Cue, ...] = (
    # An outlet, place and date: 青岛日报11月19日讯, 新华社北京3月5日电.
    Cue("讯/电", r"^[^，。,:：\s]{0,20}?\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:电|電|讯|訊)", "dateline"),
    Cue("本报讯", r"^(?:本报|本報|本网|本網)[^，。,:：\s]{0,10}?(?:讯|訊)", "own dateline"),
    Cue("消息", r"^[^，。,:：\s]{2,20}?消息(?=\s*[（(:：])", "an outlet's 国际在线贵州消息"),
)
# ... then the reporter's name and a colon.
_DATELINE = re.compile(
    f"(?:{_compile(DATELINES).pattern})" r"\s*(?:[（(][^（）()]{0,30}[）)])?\s*[:：]?\s*"
)

# Lines of an article that are no sentence of its story.
NOT_SUMMARY_SENTENCES: tuple[Cue, ...] = (
    Cue(
        "heading",
        r"^(?!.*[。！？!?…；;.][”’」』）)》】\"']*$).*$",
        "no end mark: a headline, subheading or caption",
    ),
    Cue(
        "photo credit",
        r"(?:记者|記者|摄影|攝影)\s*\S{1,10}\s*(?:摄|攝)\s*[。.]?$|^(?:图为|圖為|图片|圖片)",
        "a photo's caption or credit",
    ),
    Cue("editor", r"(?:责任编辑|責任編輯|编辑|編輯)\s*[:：]", "the editor's line"),
)
_NOT_SUMMARY = _compile(NOT_SUMMARY_SENTENCES, re.IGNORECASE | re.S)
_MIN_CHARS = 12  # shorter "sentences" are fragments


@dataclass(frozen=True)
class _Sentence:
    hit: Hit
    start: int  # offsets in hit.text
    end: int

    @property
    def text(self) -> str:
        return self.hit.text[self.start : self.end]

    @property
    def at(self) -> int:
        return self.hit.start + self.start


def article_sentences(hits: list[Hit]) -> list[_Sentence]:
    """The sentences of an article's passages in document order, each once: chunks
    overlap, and a piece of a long sentence that another chunk holds whole goes."""
    spans: dict[int, _Sentence] = {}
    for h in hits:
        for s, e in sentence_spans(h.text):
            key = h.start + s
            if key not in spans or e - s > spans[key].end - spans[key].start:
                spans[key] = _Sentence(h, s, e)
    out: list[_Sentence] = []
    reach = -1
    for key in sorted(spans):
        x = spans[key]
        if x.at + x.end - x.start > reach:
            out.append(x)
            reach = x.at + x.end - x.start
    return out


def story_sentences(sents: list[_Sentence], title: str) -> list[_Sentence]:
    """The sentences that tell the story: the title line, headings, captions and fragments
    out, datelines cut off."""
    norm_title = normalize(title, form="alnum")
    out: list[_Sentence] = []
    for x in sents:
        cut = _DATELINE.match(x.text)
        if cut:
            x = _Sentence(x.hit, x.start + cut.end(), x.end)
        text = x.text
        alnum = normalize(text, form="alnum")
        if len(text) < _MIN_CHARS or not alnum or alnum in norm_title or _NOT_SUMMARY.search(text):
            continue
        out.append(x)
    return out


def key_sentences(
    sents: list[_Sentence], topic: Topic | None, n: int, chars: int = MAX_CHARS
) -> list[_Sentence]:
    """At most `n` sentences (`chars` characters) most central to the article (sharing the
    most character bigrams with its other sentences) and, with a topic, most about it;
    none a near-copy of another."""
    if n <= 0 or not sents:
        return []
    grams = [char_ngrams(x.text) for x in sents]
    shared = Counter(g for gs in grams for g in gs)
    central = [sum(shared[g] - 1 for g in gs) / (len(gs) + 10) for gs in grams]
    top = max(central) or 1.0
    scored: list[tuple[float, int]] = []
    for i, x in enumerate(sents):
        score = central[i] / top
        if topic is not None:
            cov = topic.share(normalize(x.text).__contains__)
            score = (score + 2 * cov) * (1.0 if cov > 0 else 0.3)
        if len(x.text) > 120:  # a long sentence (often a list of names) makes a long summary
            score *= 0.5
        scored.append((score - 0.002 * i, i))
    chosen: list[int] = []
    for _, i in sorted(scored, reverse=True):
        near = (len(grams[i] & grams[j]) / (min(len(grams[i]), len(grams[j])) or 1) for j in chosen)
        if len(sents[i].text) <= chars and all(o < 0.5 for o in near):
            chosen.append(i)
            chars -= len(sents[i].text)
        if len(chosen) == n:
            break
    return [sents[i] for i in sorted(chosen)]


def article_summary(
    sents: list[_Sentence], topic: Topic | None, budget: int, chars: int = MAX_CHARS
) -> list[_Sentence]:
    """The lead (one sentence, two when the first is short) and key sentences, in order."""
    if not sents or budget <= 0:
        return []
    lead = sents[:1]
    if len(sents[0].text) < _SHORT_LEAD and budget >= 2 and len(sents) > 1:
        lead = sents[:2]
    chars -= sum(len(x.text) for x in lead)
    return lead + key_sentences(sents[len(lead) :], topic, budget - len(lead), chars)


# ---- choosing articles ----------------------------------------------------------------------


def _distinct(hits: list[Hit]) -> list[Hit]:
    """The first hit of each article, in rank order."""
    first: dict[str, Hit] = {}
    for h in hits:
        first.setdefault(h.article_id, h)
    return list(first.values())


def _wanted(question: str, topic: Topic | None) -> int:
    """How many articles to summarise: one for "this article", several for "these"."""
    if _SINGULAR.search(question) and not _PLURAL.search(question):
        return 1
    if topic is None:
        return 3
    return 2 if _PLURAL.search(question) else 1


def choose_articles(
    topic: Topic, candidates: list[Hit], sentences: dict[str, list[_Sentence]], wanted: int
) -> tuple[list[Hit], float]:
    """The candidate articles most about the topic (see `Topic.prominence`; ties go to the
    better retrieved), and the best share; a runner-up joins when nearly as good."""
    scored = [
        (topic.prominence(h.title, [x.text for x in sentences.get(h.article_id, [])]), -rank, h)
        for rank, h in enumerate(candidates)
    ]
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    best = scored[0][0] if scored else 0.0
    chosen = [h for cov, _, h in scored if cov >= max(MIN_TOPIC_COVERAGE, 0.8 * best)]
    return chosen[:wanted], best


def _passages(
    sources: Sources | None,
    query: str,
    found: list[Hit],
    articles: list[Hit],
    filters: Filters | None,
) -> dict[str, list[_Sentence]]:
    """The sentences of the given articles among `found`; with `sources`, an article whose
    first passage (offset 0: its lead) is not there gets all, in one search within them."""
    leads = {p.article_id for p in found if p.start == 0}
    missing = tuple(h.article_id for h in articles if h.article_id not in leads)
    if sources is not None and missing:
        scope = replace(filters, article_ids=missing) if filters else Filters(article_ids=missing)
        # The titles pull in each article's first passage, which opens with its title line.
        titles = [h.title for h in articles if h.article_id in missing]
        more = sources.search(" ".join([query, *titles]), k=SUMMARY_PASSAGES, filters=scope)
        found = found + more
    return {
        h.article_id: article_sentences([p for p in found if p.article_id == h.article_id] or [h])
        for h in articles
    }


# ---- composing ------------------------------------------------------------------------------

_HEAD = {
    "zh-Hans": ("《{title}》{date}的主要内容：", "一篇未署标题的文章{date}：", "（{date}）"),
    "zh-Hant": ("《{title}》{date}的主要內容：", "一篇未署標題的文章{date}：", "（{date}）"),
    "en": ("Summary of “{title}”{date}:", "Summary of an untitled article{date}:", " ({date})"),
}
_NONE = {
    "zh-Hans": ("没有文章讲到“{topic}”，无法总结。", "没有可以总结的文章。", "最相关的文章："),
    "zh-Hant": ("沒有文章講到「{topic}」，無法總結。", "沒有可以總結的文章。", "最相關的文章："),
    "en": ("No article covers “{topic}”: nothing to summarise.", "No articles.", " Closest: "),
}


def _heading(hit: Hit, script: Script) -> str:
    titled, untitled, dated = _HEAD[script]
    date = dated.format(date=hit.date) if hit.date else ""
    if not hit.title:
        return untitled.format(date=date)
    title = hit.title if script == "en" else to_script(hit.title, script)
    return titled.format(title=title, date=date)


def compose(parts: list[tuple[Hit, list[_Sentence]]], script: Script) -> tuple[str, list[Citation]]:
    """One line per article: its heading, then each quoted sentence and its [n]."""
    citations: list[Citation] = []
    lines: list[str] = []
    for hit, sents in parts:
        quoted: list[str] = []
        for x in sents:
            cit = citation(len(citations) + 1, x.hit, x.start, x.end)
            citations.append(cit)
            sentence = re.sub(r"[；;，,：:]$", "", cit.quote.strip())
            if script != "en":
                sentence = to_script(sentence, script)
            end = "" if re.search(r"[。！？!?…”」』]$", sentence) else "。"
            quoted.append(f"{sentence}{end}[{cit.n}]")
        sep = " " if script == "en" else ""
        lines.append(_heading(hit, script) + sep + sep.join(quoted))
    return "\n".join(lines), citations


def decline(rw: Rewrite, script: Script, topic: Topic | None, hits: list[Hit]) -> Answer:
    """No article covers the topic: say so, and name the closest titled articles."""
    about, nothing, closest_label = _NONE[script]
    text = nothing
    if topic is not None:
        shown = topic.text if script == "en" else to_script(topic.text, script)
        text = about.format(topic=shown)
    closest = _distinct(hits)[:3]
    titles = [h.title if script == "en" else to_script(h.title, script) for h in closest if h.title]
    if titles:
        if script == "en":
            text += closest_label + "; ".join(titles) + "."
        else:
            text += to_script(closest_label, script) + "、".join(f"《{t}》" for t in titles) + "。"
    return Answer(text=text, abstained=True, question=rw.standalone, closest=closest)


def summarize(
    sources: Sources,
    rw: Rewrite,
    script: Script,
    hits: list[Hit],
    *,
    filters: Filters | None = None,
) -> Answer:
    """A short extractive summary of the article(s) a summary request is about, each
    sentence cited; an abstention naming the closest articles when none covers its topic.
    `filters` (the asker's) restrict every further search."""
    topic = topic_of(sources, rw)
    wanted = _wanted(rw.question, topic)
    query = topic.text if topic is not None else rw.search_text
    found = hits
    if topic is not None:  # the topic finds its articles better than the whole request
        found = sources.search(query, k=SUMMARY_PASSAGES, filters=filters) or hits
    chosen = _distinct(found)[:wanted]
    if topic is not None:
        candidates = _distinct(found)[:CANDIDATES]
        among = _passages(None, query, found, candidates, filters)
        chosen, best = choose_articles(topic, candidates, among, wanted)
        if best < MIN_TOPIC_COVERAGE:
            return decline(rw, script, topic, found)
    sentences = _passages(sources, query, found, chosen, filters)
    budget = max(1, min(4, MAX_SENTENCES // max(len(chosen), 1)))
    chars = MAX_CHARS // max(len(chosen), 1)
    parts: list[tuple[Hit, list[_Sentence]]] = []
    for h in chosen:
        story = story_sentences(sentences[h.article_id], h.title)
        sents = article_summary(story, topic, budget, chars)
        if sents:
            parts.append((h, sents))
    if not parts:
        return decline(rw, script, topic, hits)
    text, citations = compose(parts, script)
    return Answer(text=text, citations=citations, mode="extractive", question=rw.standalone)
