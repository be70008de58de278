"""Answers with verified citations: the offline extractive answerer and the optional LLM one.

Offline answerer, in short:
1. Follow-ups are rewritten into a standalone question (see `chat.rewrite`).
2. The top-k passages are retrieved; every sentence in them is a candidate.
3. The question's content terms are weighted by IDF; a passage's *coverage* is the weighted
   share of those terms found in its title and text, a sentence's coverage the share found
   in the sentence itself. Sentences that match the question's type (numbers for 多少,
   enumerations for 哪些, dates for 何时, places for 哪里) get a bonus.
4. Sentences that cannot answer are dropped: a count, amount or percentage question needs
   the number (with its unit, or the counted noun, or money); such a question about a place
   needs a passage about that place; quoted names and an English question's capitalised
   names must appear in the sentence's article.
5. When no passage covers enough of the question (`abstain_threshold`) or no sentence is
   left, the answer says the articles do not say and names the closest articles; otherwise
   the best sentences are quoted, each followed by its [n], converted to the question's
   script.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from rag.errors import InvalidQuestion, ModelUnavailable
from rag.retrieve.followup import Rewrite, rewrite
from rag.retrieve.query import Filters, check_k, clean_question
from rag.retrieve.translate import mostly_latin, term_groups
from rag.text import Script, content_terms, detect_script, normalize, to_script, tokenize
from rag.types import Answer, Citation, Hit

if TYPE_CHECKING:
    from rag.engine import Engine

log = logging.getLogger("rag")

# ---- question types -------------------------------------------------------------------

_TYPE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "date",
        re.compile(
            r"何时|什么时候|什麼時候|哪一年|哪年|哪天|哪一天|几月|幾月|几号|日期|\bwhen\b|what year|which year|what date",
            re.I,
        ),
    ),
    (
        "number",
        re.compile(
            r"多少|几个|幾個|几家|幾家|几项|几位|几对|几座|几届|幾屆|多大|多长|多高|比例|百分之|占比|\bhow (many|much)\b|number of|percentage|what share",
            re.I,
        ),
    ),
    (
        "list",
        re.compile(
            r"哪些|哪几|哪幾|有哪|分别|分別|\bwhich\b.*\b(cities|companies|awards|areas|ones|countries|events|organi[sz]ations|districts|people|leaders|enterprises|firms)\b|\blist\b|\bwhat are\b",
            re.I,
        ),
    ),
    (
        "place",
        re.compile(
            r"哪里|哪裡|哪儿|在哪|何地|何处|哪个城市|哪個城市|哪座城市|哪个省|地点|地點|\bwhere\b|in which (city|province|place)|which city",
            re.I,
        ),
    ),
    ("who", re.compile(r"谁|誰|哪位|什么人|\bwho\b|\bwhom\b", re.I)),
]

_NUMBER = re.compile(
    r"[0-9０-９]+(?:[.,][0-9]+)?\s*(?:%|％|万|萬|亿|億|千|百)?|[一二三四五六七八九十百千万萬亿億两兩]+[个個家名对對项項位座届屆年多余餘]"
)
_DATE = re.compile(r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{2}-\d{2}|\d{1,2}月")
_PLACE = re.compile(
    r"在[^，,。；;]{1,12}(?:市|省|区|區|县|縣|国|國|中心|会场|會場|馆|館|举行|舉行|召开|召開|开幕|開幕)|举行|舉行|召开|召開|开幕|開幕"
)
_PERSON = re.compile(
    r"主任|书记|書記|市长|市長|省长|省長|副省长|局长|局長|院士|总裁|總裁|总经理|總經理|秘书长|秘書長|会长|會長|主席|部长|部長|教授|院长|院長|表示|指出"
)


# "多少家企业" asks for a count of 家: an answer sentence must state "<number>家". Percent
# questions need a percentage. Without such a sentence in the passages, the answer is absent.
_MEASURE_Q = re.compile(
    r"(?:多少|(?<!哪)几)\s*([个個家名位项項对對座届屆次场場篇条條所台辆輛人元倍])"
)
_PERCENT_Q = re.compile(r"百分之多少|多少%|多少％|百分比|\bpercent(age)?\b", re.I)
_NUM = r"[0-9０-９.]+|[一二三四五六七八九十百千万萬亿億两兩]+"
# "多少投资" asks for an amount of something named: the answer sentence names it too.
_AMOUNT_OF = re.compile(r"多少([\u4e00-\u9fff]{2,6})")
_UNIT_START = "万萬亿億千百元年天倍"
# "投资了多少" / "what was the total value of" ask for a sum of money: the answer states one
# ("1000亿", "3.5万元", "2 billion yuan"). Not for growth or shares, which come as percentages.
_MONEY_Q = re.compile(
    r"多少钱|多少资金|多少投资|多少经费|投资(?:了|额)?(?:是)?多少|金额|总价值|价值多少|成交额|签约额|交易额"
    r"|\bhow much (?:money|investment|funding|capital)\b"
    r"|\b(?:total |combined )?(?:value|amount|worth|cost|price) of\b"
    r"|\bhow much (?:did|does|will|was|were|is)\b.*\b(?:cost|invest\w*|raise\w*|spen[dt]|worth|pa(?:y|id)|fund\w*)\b",
    re.I,
)
_NOT_MONEY_Q = re.compile(
    r"增长|增加|下降|减少|提高|降低|增幅|同比|环比|比例|占比|份额|率|growth|increase|decrease|rise|fall|share|rate|percent",
    re.I,
)
_MONEY = re.compile(
    rf"(?:{_NUM})\s*(?:多|余)?\s*(?:万|亿|千)?\s*(?:元|美元|欧元|港元|英镑|日元|块)"
    rf"|(?:{_NUM})\s*(?:多|余)?\s*(?:万|亿)"
)
# "How many visitors ...": the answer states a number.
_HOW_MANY_EN = re.compile(r"\bhow many\b", re.I)
_ANY_NUMBER = re.compile(rf"{_NUM}")
# The counted noun phrase: the words after "how many" up to an auxiliary, a preposition or a
# past tense ("visitors attended"; a participle adjective such as "intended" also ends it).
_COUNTED_EN = re.compile(
    r"\s*((?:(?!(?:has|have|had|do|does|did|is|are|was|were|will|would|can|could|been|of|in|"
    r"at|on|for|from|with|by|to|than)\b|\w+ed\b)[\w'-]+\s*){1,5})",
    re.I,
)


def required_pattern(
    question: str, known: Callable[[str], bool] | None = None
) -> re.Pattern[str] | None:
    """What a sentence must contain to answer a count, amount or percentage question, if
    anything. `known` (does the corpus use a word?) picks the senses of an English noun.

    Matched against normalised (simplified, half-width) text.
    """
    question = normalize(question)
    if _PERCENT_Q.search(question):
        return re.compile(r"[%％]|百分之|百分点|個百分點")
    if _MONEY_Q.search(question) and not _NOT_MONEY_Q.search(question):
        return _MONEY
    m = _MEASURE_Q.search(question)
    if m:
        unit = re.escape(m.group(1))
        return re.compile(rf"(?:{_NUM})\s*(?:多|余|餘)?\s*(?:万|萬|亿|億)?\s*{unit}")
    m = _AMOUNT_OF.search(question)
    if m and m.group(1)[0] not in _UNIT_START:
        words = [w for w in tokenize(m.group(1)) if len(w) >= 2]
        if words and words[0] not in FRAME_WORDS:
            return re.compile(rf"(?=.*{re.escape(words[0])})(?=.*(?:{_NUM}))")
    m = _HOW_MANY_EN.search(question)
    if m:
        # "How many visitors attended ...": a number, and the counted thing in one sentence;
        # English noun phrases end in their head ("innovative application scenarios": 场景),
        # so the phrase's last term stands for it.
        phrase = _COUNTED_EN.match(question[m.end() :])
        groups = term_groups(phrase.group(1), known=known) if phrase else []
        alts = [normalize(a) for a in groups[-1] if len(a) > 1] if groups else []
        if alts:
            either = "|".join(re.escape(a) for a in alts)
            return re.compile(rf"(?=.*(?:{either}))(?=.*(?:{_NUM}))")
        return _ANY_NUMBER
    return None


# A name the question quotes (“百城万企牵手”行动, 《数字中国》) is the thing asked about.
_QUOTED = re.compile(r"[“「『《\"]([^“”「」『』《》\"]{2,24})[”」』》\"]")
_CAPITALISED_RUN = re.compile(r"(?:\b[A-Z][\w-]*(?:\s+|(?=[^\w\s])|$)){1,6}")


def english_names(question: str, known: Callable[[str], bool] | None) -> list[tuple[str, ...]]:
    """Chinese renderings of the capitalised names of an English question ("China Hi-Tech
    Fair" -> (中国,), (高交会, ...)): one group of alternatives per word or phrase.

    Latin pass-throughs ("CCID", "5G") are left out: the articles may write them in Chinese.
    The question's first word is capitalised as a sentence start, not as a name.
    """
    if not mostly_latin(question):
        return []
    after_first_word = re.sub(r"^\s*\S+", "", question)
    out: list[tuple[str, ...]] = []
    for m in _CAPITALISED_RUN.finditer(after_first_word):
        for g in term_groups(m.group(0), known=known):
            alts = tuple(normalize(a) for a in g if a and not a.isascii())
            # A lone character is a romanised syllable's guess ("Yan": 燕), not a name.
            if alts and len(alts) == len(g) and min(map(len, alts)) >= 2 and alts not in out:
                out.append(alts)
    return out


def quoted_names(question: str) -> list[str]:
    """Chinese names quoted in the question, normalised (simplified, half-width)."""
    names = (normalize(m.group(1)).strip() for m in _QUOTED.finditer(question))
    return [n for n in names if sum(1 for c in n if "\u4e00" <= c <= "\u9fff") >= 2]


def _article_reader(engine: Engine) -> Callable[[str], str]:
    """A reader of articles' title and chunks, normalised, each read once (chunks overlap;
    fine for containment)."""
    state = engine._current()
    texts: dict[str, str] = {}

    def read(article_id: str) -> str:
        if article_id not in texts:
            entry = state.manifest.files.get(article_id)
            parts = [entry.title if entry else ""]
            parts += [state.lexical.records[i].text for i in state.chunks_of.get(article_id, ())]
            texts[article_id] = normalize("\n".join(parts))
        return texts[article_id]

    return read


_BROAD_PLACES = frozenset("中国 全国 国内 国外 海外 全球 世界 我国 全省 全市".split())
# How a passage refers to the place its article is about without naming it ("全省进出口...").
_SAME_PLACE = {
    "省": ("全省", "本省", "该省", "我省"),
    "市": ("全市", "本市", "该市", "我市"),
    "区": ("全区", "本区", "该区", "我区"),
    "县": ("全县", "本县", "该县", "我县"),
}


def question_places(question: str) -> list[str]:
    """Place names in the question (jieba's ns tag), normalised, without country-wide ones."""
    import jieba.posseg

    inside_quotes = "".join(quoted_names(question))
    out: list[str] = []
    for word, flag in jieba.posseg.cut(normalize(question)):
        if flag == "ns" and len(word) >= 2 and word not in _BROAD_PLACES:
            if word not in inside_quotes and word not in out:
                out.append(word)
    return out


def _names_place(passage: str, place: str, article: Callable[[], str]) -> bool:
    """Whether a passage is about `place`: it names it ("安徽" for 安徽省), or it says 全省 /
    本市 ... and its article names it."""
    stem = place[:-1] if place[-1] in _SAME_PLACE and len(place) > 2 else place
    if stem in passage:
        return True
    kinds = [place[-1]] if place[-1] in _SAME_PLACE else list(_SAME_PLACE)
    if any(ref in passage for kind in kinds for ref in _SAME_PLACE[kind]):
        return stem in article()
    return False


def _about_places(
    cands: list[_Candidate], places: list[str], article: Callable[[str], str]
) -> list[_Candidate]:
    """The candidates whose passage (with its title) is about every place the question names.

    Passage, not sentence: a quote's speaker and place are often named after the quote.
    """
    verdicts: dict[str, bool] = {}
    for c in cands:
        if c.hit.chunk_id not in verdicts:
            passage = normalize(f"{c.hit.title}\n{c.hit.text}")
            of_article = partial(article, c.hit.article_id)
            verdicts[c.hit.chunk_id] = all(_names_place(passage, pl, of_article) for pl in places)
    return [c for c in cands if verdicts[c.hit.chunk_id]]


def question_type(question: str) -> str:
    """One of date, number, list, place, who, what (the default)."""
    for name, pattern in _TYPE_PATTERNS:
        if pattern.search(question):
            return name
    return "what"


def _type_bonus(qtype: str, sentence: str) -> float:
    if qtype == "number":
        return 0.25 if _NUMBER.search(sentence) else 0.0
    if qtype == "list":
        return 0.25 if sentence.count("、") >= 2 else (0.1 if "、" in sentence else 0.0)
    if qtype == "date":
        return 0.25 if _DATE.search(sentence) else 0.0
    if qtype == "place":
        return 0.2 if _PLACE.search(sentence) else 0.0
    if qtype == "who":
        return 0.2 if _PERSON.search(sentence) else 0.0
    return 0.0


# ---- scoring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Terms:
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


# Words that frame a question's expected answer ("which units", "what place") rather than its
# topic: an answer sentence rarely repeats them.
FRAME_WORDS = frozenset(
    "单位 机构 方面 情况 具体 地方 地点 时间 名字 名称 内容 问题 哪方面 主要 分别 一共 总共 大约 "
    "约 左右 目前 当时 称 叫 叫做 称为 是否 有关 相关 提到 介绍 据 根据 文章 报道 新闻".split()
)


def _drop_frames(terms: list[str], lex: Any) -> list[str]:
    """Content terms without frame words, also inside compounds the corpus never uses
    ("主办单位" -> "主办")."""
    out: list[str] = []
    for t in terms:
        if t in FRAME_WORDS:
            continue
        if not lex.knows(t):
            parts = [p for p in tokenize(t) if p != t and len(p) >= 2]
            if any(p in FRAME_WORDS for p in parts):
                out += [p for p in parts if p not in FRAME_WORDS and p not in out]
                continue
        out.append(t)
    return out


def _terms(engine: Engine, rw: Rewrite) -> _Terms:
    lex = engine._current().lexical
    found: dict[tuple[str, ...], tuple[float, tuple[str, ...]]] = {}
    for text, factor in ((rw.question, 1.0), (rw.context, 0.5)):
        if mostly_latin(text):
            groups = [tuple(normalize(t) for t in g) for g in term_groups(text, known=lex.uses)]
        else:
            groups = [(t,) for t in _drop_frames(content_terms(text), lex)]
        for alts in groups:
            if not alts or not alts[0]:
                continue
            # A group is as specific as its primary (first-ranked) alternative.
            w = lex.idf(alts[0]) * factor
            if all(len(a) == 1 for a in alts):  # single characters match almost anywhere
                w *= 0.3
            if w > found.get(alts, (0.0, ()))[0]:
                # Sub-word credit only for a term the corpus uses somewhere: a compound the
                # articles never mention ("数据中心") is absent, even if "数据" and "中心" occur.
                parts = tuple(p for p in tokenize(alts[0]) if p != alts[0] and len(p) >= 2)
                known = lex.knows(alts[0])
                found[alts] = (w, parts if len(alts) == 1 and known else ())
    return _Terms([(alts, w, parts) for alts, (w, parts) in found.items()])


@dataclass(frozen=True)
class _Candidate:
    score: float
    coverage: float
    hit: Hit
    hit_rank: int
    start: int  # offsets in the hit's text
    end: int


def _bigrams(text: str) -> set[str]:
    chars = [c for c in normalize(text) if c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def _candidates(
    hits: list[Hit], terms: _Terms, qtype: str, question: str
) -> tuple[list[_Candidate], float]:
    from rag.text import sentence_spans

    # Character bigrams reward a sentence that repeats the question's phrases in order
    # ("智慧城市奖" over "智慧县级城市奖"), which word coverage alone cannot tell apart.
    qgrams = _bigrams(question)
    out: list[_Candidate] = []
    best_passage = 0.0
    for rank, h in enumerate(hits):
        passage_cov = terms.coverage(normalize(f"{h.title}\n{h.text}"))
        best_passage = max(best_passage, passage_cov)
        spans = sentence_spans(h.text)
        for i, (s, e) in enumerate(spans):
            sent = h.text[s:e]
            if len(sent) < 6:  # headings and fragments answer nothing
                continue
            cov = terms.coverage(normalize(sent))
            if i > 0:
                # A sentence often answers about the topic its predecessors named ("“千亿”是要
                # 投资1000亿" after the sentence naming the plan): credit that context, less.
                window = h.text[spans[max(0, i - 2)][0] : e]
                cov = max(cov, 0.75 * terms.coverage(normalize(window)))
            phrase = len(qgrams & _bigrams(sent)) / len(qgrams) if qgrams else 0.0
            score = (
                cov
                + 0.5 * passage_cov
                + 0.6 * phrase
                + _type_bonus(qtype, sent)
                + 0.02 / (rank + 1)
            )
            out.append(_Candidate(score, cov, h, rank, s, e))
    out.sort(key=lambda c: -c.score)
    return out, best_passage


# ---- composing ------------------------------------------------------------------------------

_ABSTAIN = {
    "zh-Hans": "文章中没有找到这个问题的答案。",
    "zh-Hant": "文章中沒有找到這個問題的答案。",
    "en": "The articles do not say.",
}
_CLOSEST = {"zh-Hans": "最相关的文章：", "zh-Hant": "最相關的文章：", "en": " Closest articles: "}


def _abstain(
    question: str, script: Script, hits: list[Hit], mode: str = "extractive", notice: str = ""
) -> Answer:
    seen: list[str] = []
    closest: list[Hit] = []
    for h in hits:
        if h.article_id not in seen:
            seen.append(h.article_id)
            closest.append(h)
    names = [h.title or h.article_id for h in closest[:3]]
    text = _ABSTAIN[script]
    if names:
        if script == "en":
            text += _CLOSEST["en"] + "; ".join(names) + "."
        else:
            text += (
                to_script(_CLOSEST["zh-Hans"], script) + "、".join(f"《{n}》" for n in names) + "。"
            )
    return Answer(
        text=text,
        citations=[],
        abstained=True,
        unsupported=[],
        mode=mode,
        question=question,
        notice=notice,
        closest=closest[:3],
    )


def _citation(n: int, c: _Candidate) -> Citation:
    h = c.hit
    return Citation(
        n=n,
        article_id=h.article_id,
        title=h.title,
        date=h.date,
        url=h.url,
        quote=h.text[c.start : c.end],
        start=h.start + c.start,
        end=h.start + c.end,
        source=h.source,
        chunk_id=h.chunk_id,
        passage=h.text,
        passage_start=h.start,
    )


def _select(cands: list[_Candidate], qtype: str) -> list[_Candidate]:
    """The best sentence, plus close runners-up that add something (max 3)."""
    if not cands:
        return []
    best = cands[0]
    chosen = [best]
    seen = {(best.hit.article_id, best.hit.start + best.start)}
    if qtype != "what" and _type_bonus(qtype, best.hit.text[best.start : best.end]) == 0:
        # The best-matching sentence names the topic but not the kind of answer asked for
        # (no number for 多少): add the best sentence of the same passage that does.
        for c in cands[1:]:
            if (
                c.hit.chunk_id == best.hit.chunk_id
                and _type_bonus(qtype, c.hit.text[c.start : c.end]) > 0
            ):
                chosen.append(c)
                seen.add((c.hit.article_id, c.hit.start + c.start))
                break
    limit = 3 if qtype in ("list", "what") else 2
    for c in cands[1:]:
        if len(chosen) >= limit or c.score < 0.8 * best.score or c.coverage < 0.5 * best.coverage:
            break
        key = (c.hit.article_id, c.hit.start + c.start)
        if key in seen:
            continue
        text = normalize(c.hit.text[c.start : c.end])
        if any(
            text in normalize(x.hit.text[x.start : x.end])
            or normalize(x.hit.text[x.start : x.end]) in text
            for x in chosen
        ):
            continue
        seen.add(key)
        chosen.append(c)
    # Read in document order within an article, articles in rank order.
    return chosen


_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_DATED = {"zh-Hans": "据{date}的报道，", "zh-Hant": "據{date}的報道，", "en": "(Reported {date}) "}


def _compose(
    chosen: list[_Candidate], script: Script, qtype: str = "what"
) -> tuple[str, list[Citation]]:
    citations: list[Citation] = []
    parts: list[str] = []
    for n, c in enumerate(chosen, start=1):
        cit = _citation(n, c)
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
    return "".join(parts) if script != "en" else " ".join(parts), citations


# ---- entry points ------------------------------------------------------------------------


def _prepare(
    engine: Engine,
    question: str,
    history: list[dict[str, str]] | None,
    k: int | None,
    filters: Filters | Mapping[str, Any] | None,
) -> tuple[Rewrite, Script, list[Hit]]:
    s = engine.settings
    question = clean_question(question, max_chars=s.max_question_chars)
    history = _clean_history(history)
    script = detect_script(question)
    # Markup in a question is text to show, not words to search for.
    rw = rewrite(_TAG.sub(" ", question).strip() or question, history)
    k = s.top_k if k is None else check_k(k)
    hits = engine._search(rw.search_text, k=k, filters=Filters.coerce(filters))
    return rw, script, hits


def _clean_history(history: list[dict[str, str]] | None) -> list[dict[str, str]]:
    """The usable turns of a history (last 12); malformed turns are ignored."""
    if not history:
        return []
    if not isinstance(history, list | tuple):
        raise InvalidQuestion(
            'Expected history as a list of {"role": "user"|"assistant", "content": text} '
            f"messages, got {type(history).__name__}."
        )
    out = []
    for m in history:
        if (
            isinstance(m, Mapping)
            and m.get("role") in ("user", "assistant")
            and isinstance(m.get("content"), str)
        ):
            out.append({"role": str(m["role"]), "content": str(m["content"])[:4000]})
    return out[-12:]


def extractive(engine: Engine, rw: Rewrite, script: Script, hits: list[Hit]) -> Answer:
    """The offline answer from retrieved passages (no language model)."""
    if not hits:
        return _abstain(rw.standalone, script, hits)
    terms = _terms(engine, rw)
    qtype = question_type(rw.question)
    cands, best_passage = _candidates(hits, terms, qtype, rw.question)
    uses = engine._current().lexical.uses
    article = _article_reader(engine)
    need = required_pattern(rw.question, uses)
    if need is not None:
        cands = [c for c in cands if need.search(normalize(c.hit.text[c.start : c.end]))]
        places = question_places(rw.question) if cands else []
        if places:
            # A number about another place is no answer ("福州获得了多少投资" vs a national sum).
            cands = _about_places(cands, places, article)
    names: list[tuple[str, ...]] = [(n,) for n in quoted_names(rw.question)]
    names += english_names(rw.question, uses)
    if names:
        # An article that never names what the question asks about cannot answer it.
        cands = [
            c
            for c in cands
            if all(any(a in article(c.hit.article_id) for a in alts) for alts in names)
        ]
    s = engine.settings
    if (
        not cands
        or best_passage < s.abstain_threshold
        or cands[0].coverage < s.abstain_sentence_threshold
        and max(c.coverage for c in cands) < s.abstain_sentence_threshold
    ):
        return _abstain(rw.standalone, script, hits)
    chosen = _select(cands, qtype)
    text, citations = _compose(chosen, script, qtype)
    return Answer(
        text=text,
        citations=citations,
        abstained=False,
        unsupported=[],
        mode="extractive",
        question=rw.standalone,
    )


def answer(
    engine: Engine,
    question: str,
    *,
    history: list[dict[str, str]] | None = None,
    k: int | None = None,
    mode: str | None = None,
    filters: Filters | Mapping[str, Any] | None = None,
) -> Answer:
    """See `Engine.ask`."""
    final: Answer | None = None
    for piece in answer_stream(engine, question, history=history, k=k, mode=mode, filters=filters):
        if isinstance(piece, Answer):
            final = piece
    assert final is not None
    return final


def _mode(engine: Engine, mode: str | None) -> str:
    from rag.errors import InvalidQuestion

    if mode not in (None, "extractive", "llm"):
        raise InvalidQuestion(f"Unknown answer mode {mode!r}: valid modes are 'extractive', 'llm'.")
    if mode is None:
        return "llm" if engine.settings.llm_base_url else "extractive"
    return mode


def answer_stream(
    engine: Engine,
    question: str,
    *,
    history: list[dict[str, str]] | None = None,
    k: int | None = None,
    mode: str | None = None,
    filters: Filters | Mapping[str, Any] | None = None,
) -> Iterator[str | Answer]:
    """Pieces of answer text, then the final Answer."""
    chosen_mode = _mode(engine, mode)
    if chosen_mode == "llm":
        from rag.answer.llm_answer import llm_answer_stream

        try:
            yield from llm_answer_stream(engine, question, history=history, k=k, filters=filters)
            return
        except ModelUnavailable as exc:
            notice = f"{exc}; answered offline instead"
            log.warning(notice)
            rw, script, hits = _prepare(engine, question, history, k, filters)
            ans = extractive(engine, rw, script, hits)
            ans = Answer(**{**ans.__dict__, "notice": notice})
            yield ans.text
            yield ans
            return
    rw, script, hits = _prepare(engine, question, history, k, filters)
    ans = extractive(engine, rw, script, hits)
    for part in re.split(r"(?<=\])", ans.text):
        if part:
            yield part
    yield ans
