"""What a question is about, and whether a passage or article is: the names, places and
years an answer's sources must have (rag.answer.extractive drops the sentences of sources
that lack them, or declines)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache, partial

from rag.answer.question import is_question, narrowest, proper_names, question_places, tagged
from rag.answer.sources import Sources
from rag.retrieve.cedict import word_freq
from rag.retrieve.figures import numeral_value
from rag.retrieve.names import with_stem
from rag.retrieve.translate import abbreviations, mostly_latin
from rag.text import is_province, normalize, tokenize, unglued
from rag.types import Hit

_SCENE_SHARE = 0.2  # a name in this share of passages or more sets the scene only
# A year a question names: "2024年", "in 2024" (not the 2000 of "2000辆").
# "2022上半年", "2023一季报", "2023Q2": the year of a period, written without 年.
_PERIOD = r"[上下]半年|[一二三四]季|第[一二三四]季|Q[1-4]|H[12]"
_YEAR_ZH = re.compile(rf"(?<!\d)((?:19|20)\d{{2}})(?=\s*(?:年|{_PERIOD}))")
_YEAR_EN = re.compile(r"(?<![\d,.])\b((?:19|20)\d{2})\b(?![\d,.])")


def article_reader(sources: Sources) -> Callable[[str], str]:
    """A reader of articles' title and chunks, normalised, each read once per answer."""
    texts: dict[str, str] = {}

    def read(article_id: str) -> str:
        if article_id not in texts:
            texts[article_id] = normalize(sources.article_text(article_id))
        return texts[article_id]

    return read


_SAME_PLACE = {
    "省": ("全省", "本省", "该省", "我省"),
    "市": ("全市", "本市", "该市", "我市"),
    "区": ("全区", "本区", "该区", "我区"),
    "县": ("全县", "本县", "该县", "我县"),
}


def subject_missing(
    sources: Sources, question: str, hits: list[Hit], article: Callable[[str], str]
) -> bool:
    """Whether the question is about a name no retrieved article mentions. A rare proper
    name is what the question is about ("全聚德的营收"); a common one (中国, 城市, in many
    passages) only sets the scene. Any retrieved article may name it: a two-part question
    spans articles."""
    if not is_question(question):
        return False  # keywords ("青岛 5G基站 東京") ask for what matches them, not about one
    subjects = _names(sources, question, below=sources.settings.abstain_name_share)
    texts = [article(aid) for aid in {h.article_id for h in hits}]
    if any(not any(names_it(question, alts, text) for text in texts) for alts in subjects):
        return True
    return _opens_unknown(sources, question)


def names_it(question: str, alts: tuple[str, ...], text: str) -> bool:
    """Whether a normalised text names one of a question's names, as written or (a name
    jieba guessed across two words) in the words it was cut from."""
    return any(a in text or _recut(question, a, text) for a in alts)


def _recut(question: str, name: str, text: str) -> bool:
    """Whether a name jieba guessed (its dictionary lacks it) holds a character of the word
    before or after it, and the text writes the two words it was cut from: "冲柳高水片区"
    cut 冲/柳高水, of the words 冲柳 and 高水."""
    import jieba.posseg

    q = normalize(question)
    at = q.find(name)
    if (
        at < 0
        or name in jieba.posseg.dt.word_tag_tab
        or not re.fullmatch(r"[\u4e00-\u9fff]+", name)
    ):
        return False
    for span in (q[max(0, at - 1) : at + len(name)], q[at : at + len(name) + 1]):
        if len(span) > len(name) and any(
            span[:k] in text and span[k:] in text for k in range(2, len(span) - 1)
        ):
            return True
    return False


# jieba's tags of pronouns, prepositions, conjunctions, adverbs, numerals, classifiers,
# particles and set phrases (哪几个): words that name no subject.
_FUNCTION_TAGS = frozenset("rpcdmqul")
_ASKING_CHARS = re.compile(r"哪|几|什么|谁|多少")
_COMMON_FREQ = 500  # in jieba's dictionary: 率领 4373, 截至 1780; 全聚德 44, 寒武纪 161


def _opens_unknown(sources: Sources, question: str) -> bool:
    """Whether a Chinese question opens with a word no article writes: its subject, most
    often a company or a person ("安踏体育2023年上半年…", "喜茶目前…"), that jieba may not
    tag as a name. On crud-dev and the probes, only not-answerable questions do."""
    if mostly_latin(question) or not sources.settings.abstain_name_share:
        return False  # the name rule off (`abstain_name_share` 0): no subject is required
    words = tagged(question)
    if not words or words[0][1][:1] in _FUNCTION_TAGS or _ASKING_CHARS.search(words[0][0]):
        return False  # "哪些城市…", "按照深圳的规划…", "这个博览会…": no subject named
    first = unglued(words[0][0], sources.knows)
    if len(first) < 2 or not all("\u4e00" <= c <= "\u9fff" for c in first):
        return False
    # A common word (率领, 截至) may be missing from a small corpus and names nothing.
    if word_freq().get(first, 0) >= _COMMON_FREQ:
        return False
    return not any(sources.mentions(a) for a in with_stem(first))  # 青岛市: 青岛


_MODEL_CODE = re.compile(r"(?<![a-z0-9])(?:[a-z]+\d+[a-z]*|\d+[a-z]+)(?![a-z0-9])")


def _names(sources: Sources, question: str, *, below: float) -> list[tuple[str, ...]]:
    """The question's proper names in fewer than `below` of the passages, each with its
    stem (福建省, 福建), without compounds of common words (中央银行: the articles may say
    央行)."""
    share = sources.settings.abstain_name_share
    # A place that says where the next one is ("山东济宁兖州区": 济宁) is no subject: the
    # article may name only the narrowest.
    places = question_places(question)
    context = set(places) - set(narrowest(places, question))
    # A province just before another name says where that is ("湖南常德", though jieba
    # tags 常德 a person): news on a city seldom names its province.
    names, asked = proper_names(question), normalize(question)
    if not mostly_latin(question):
        # A model's code ("全新508L", "Mate60"), which jieba cuts into a number and a letter,
        # names one product; an article on another names another.
        names += [c for c in _MODEL_CODE.findall(asked) if c not in names]
    context |= {p for p in names if is_province(p) and any(p + n in asked for n in names)}
    return [
        alts
        # "宇山纺和好友…": jieba's name may carry the 和 after it.
        for alts in map(
            with_stem,
            (unglued(n, sources.knows) for n in names if n not in context),
        )
        if sources.share(alts[-1]) < below and not _common_compound(sources, alts[-1], share)
    ]


def year_missing(question: str, hits: list[Hit], article: Callable[[str], str]) -> bool:
    """Whether the question names a year ("2024年的博览会") that none of the passages'
    articles names or is dated in: they are about other years."""
    years = (_YEAR_EN if mostly_latin(question) else _YEAR_ZH).findall(question)
    return any(
        not any(y in article(h.article_id) or (h.date or "").startswith(y) for h in hits)
        for y in years
    )


_THIS_YEAR = re.compile(r"今年|本年|this year", re.I)
_SENTENCE_YEAR = re.compile(rf"(?<!\d)((?:19|20)\d{{2}})(?=\s*(?:年|-\d{{2}}-|{_PERIOD}))")


def other_years(question: str, sentence: str, date: str | None) -> bool:
    """Whether a question about a year (2023年, or 今年 of a dated article) meets a sentence
    that names years, none of them that one: it is about other years."""
    asked = set((_YEAR_EN if mostly_latin(question) else _YEAR_ZH).findall(question))
    if date and _THIS_YEAR.search(question):
        asked.add(date[:4])
    named = set(_SENTENCE_YEAR.findall(sentence))
    return bool(asked and named) and not asked & named


# A year with the part of it a figure is of: 2023年上半年, 2022上半年, 2023年第一季度.
_YEAR_PERIOD = re.compile(
    rf"(?<!\d)((?:19|20)\d{{2}})\s*年?\s*(?:度\s*)?({_PERIOD}|前三季度|全年|暑运|春运|财年)"
)


def another_years_period(question: str, text: str) -> bool:
    """Whether a normalised text gives the period the question asks of another year only
    ("2022年上半年…多少件" met by "2023年上半年，…615,365件"): its figures are of that other
    year. A text that also names the asked year ("比2022年上半年增长") may answer."""
    asked = {(y, p) for y, p in _YEAR_PERIOD.findall(normalize(question))}
    if not asked:
        return False
    given = set(_YEAR_PERIOD.findall(text))
    years = {y for y, _ in asked}
    periods = {p for _, p in asked}
    return any(p in periods and y not in years for y, p in given) and not any(
        y in text for y in years
    )


def _common_compound(sources: Sources, name: str, share: float) -> bool:
    """Whether a name is made of common words only ("中央银行": 中央, 银行): a generic
    institution the articles may name otherwise (英国央行), not a specific subject."""
    parts = [p for p in tokenize(name) if p != name and len(p) >= 2]
    return bool(parts) and all(sources.share(p) >= share for p in parts)


def named_in_rare_words(
    sources: Sources, runs: list[list[tuple[str, ...]]]
) -> list[tuple[str, ...]]:
    """Per English name, what an article must contain to mention it: any rendering of its
    rare words. Word-by-word renderings of a phrase rarely all match ("World Breastfeeding
    Week": 世界, 母乳喂养, 星期), and a common word (China: 中国, in most passages) says
    nothing of the subject: "China Hi-Tech Fair" is mentioned by 高交会, its abbreviation,
    however common that is (in 3 of 41 seed passages: the articles' word for it). A name of
    common words only requires nothing."""
    share = sources.settings.abstain_name_share
    out: list[tuple[str, ...]] = []
    for run in runs:
        rare = [g for g in run if all(sources.share(a) < share for a in g)]
        short = [
            a
            for g in abbreviations(run, lambda _: True)
            if any(set(g) <= set(r) for r in run)  # one of the run's own groups
            for a in g
        ]
        if rare:
            out.append(tuple(dict.fromkeys([*(a for g in rare for a in g), *short])))
    return out


# Where news says whose place 全省 / 本市 is: its title and opening lines ("青岛日报11月19日讯
# 今天上午，…峰会在青岛…开幕"); places named further on are other places (a ranking's 上海).
_OWN_PLACE_CHARS = 150


def names_place(passage: str, place: str, article: Callable[[], str]) -> bool:
    """Whether a passage is about `place`: it names it ("安徽" for 安徽省), or it says 全省 /
    本市 ... and its article's title or opening lines name it."""
    stem = with_stem(place)[-1]
    if stem in passage:
        return True
    kinds = [place[-1]] if place[-1] in _SAME_PLACE else list(_SAME_PLACE)
    if any(ref in passage for kind in kinds for ref in _SAME_PLACE[kind]):
        return stem in article()[:_OWN_PLACE_CHARS]
    return False


def passages_about(
    hits: Iterable[Hit], places: list[str], article: Callable[[str], str]
) -> set[str]:
    """The chunk ids of the passages (with their titles) about every place the question
    names.

    Passage, not sentence: a quote's speaker and place are often named after the quote.
    """
    out: set[str] = set()
    seen: set[str] = set()
    for h in hits:
        if h.chunk_id in seen:
            continue
        seen.add(h.chunk_id)
        passage = normalize(f"{h.title}\n{h.text}")
        of_article = partial(article, h.article_id)
        if all(names_place(passage, pl, of_article) for pl in places):
            out.add(h.chunk_id)
    return out


# A quote longer than this is a description ("15岁女生拒买水果捞被骂"), which a question
# may word otherwise than the article ("…拒买47元水果捞被骂小三"); a shorter one is a name.
_QUOTED_NAME_CHARS = 8


def names_quote(text: str, quote: str) -> bool:
    """Whether a normalised text mentions a quoted name: as written, or for a description
    at least half its words."""
    words = _description_words(quote)
    return 2 * sum(w in text for w in words) >= len(words) if words else quote in text


@lru_cache(maxsize=256)
def _description_words(quote: str) -> tuple[str, ...]:
    """A description's words of two characters or more (none for a name): cut once, though
    every candidate's article is checked."""
    if len(quote) <= _QUOTED_NAME_CHARS:
        return ()
    return tuple(w for w in tokenize(quote) if len(w) >= 2)


# Words of a whole country's or the world's scope: a figure said with them is of that scope
# ("在全国布局…1000亿"), not of a place the article also names.
_WIDE_SCOPE = ("全国", "全球", "世界", "国内", "国外", "海外", "我国")


def story_passages(
    hits: Iterable[Hit], places: list[str], article: Callable[[str], str]
) -> set[str]:
    """The chunk ids of the passages whose article names every place (each also without its
    省/市/县/区) and which speak of no wider scope: a story says where it happens once
    ("近日，贵州贵阳，…"), its later passages go on about its people."""
    stems = [with_stem(p)[-1] for p in places]
    return {
        h.chunk_id
        for h in hits
        if all(s in article(h.article_id) for s in stems)
        and not any(w in normalize(h.text) for w in _WIDE_SCOPE)
    }


def scene_free_names(sources: Sources, question: str) -> list[tuple[str, ...]]:
    """A Chinese question's names that tell articles apart, each with its stem (福建省,
    福建): not those in a fifth of passages or more (城市, which jieba tags a place), nor
    a compound of common words (中央银行: the articles may say 央行); none when the name
    rule is off (`abstain_name_share` 0)."""
    if not sources.settings.abstain_name_share or mostly_latin(question):
        return []
    return _names(sources, question, below=_SCENE_SHARE) if is_question(question) else []


# An edition of a recurring event: "第六届", "第13届".
_EDITION = re.compile(r"第\s*([0-9]+|[一二三四五六七八九十百零〇两]+)\s*[届屆]")


def other_editions(question: str, text: str) -> bool:
    """Whether a question about one edition of an event (第六届…艺术节) meets a text that
    names editions, none of them that one: it is about another edition (第七届)."""
    asked = {numeral_value(n) for n in _EDITION.findall(normalize(question))}
    named = {numeral_value(n) for n in _EDITION.findall(text)} if asked else set()
    return bool(named) and not asked & named
