"""What a question asks: its type (date, number, list, place, who), what an answer
sentence must contain (a count's unit, a sum of money, a percentage), and the names and
places it is about. Pure functions over the question text."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from rag.answer.lists import enumeration
from rag.retrieve.translate import PAST_FORMS, mostly_latin, term_groups
from rag.text import normalize, tokenize

# An English text's Chinese term groups as the corpus writes them (`Sources.translate`).
Translate = Callable[[str], list[tuple[str, ...]]]

# ---- question types -------------------------------------------------------------------

_TYPE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "date",
        re.compile(
            r"何时|什么时候|什麼時候|哪一年|哪年|哪天|哪一天|几月|幾月|哪个月|哪個月|哪一个月|几号|日期|\bwhen\b|what year|which year|what date|what month|which month",
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
_PERCENT = re.compile(r"[%％]|百分之|百分点|個百分點")
_NUM = r"[0-9０-９.]+|[一二三四五六七八九十百千万萬亿億两兩]+"
# "多少投资" asks for an amount of something named: the answer sentence names it too.
_AMOUNT_OF = re.compile(r"多少([\u4e00-\u9fff]{2,6})")
_UNIT_START = "万萬亿億千百元年天倍"
# "投资了多少" / "what was the total value of" ask for a sum of money: the answer states one
# ("1000亿", "3.5万元", "2 billion yuan"). Not for growth or shares, which come as percentages.
_MONEY_Q = re.compile(
    r"多少钱|多少资金|多少投资|多少经费|投资(?:了|额)?(?:是)?多少|金额|总价值|价值(?:是|为)?多少|成交额|签约额|交易额"
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
    r"at|on|for|from|with|by|to|than|"
    + "|".join(sorted(PAST_FORMS))  # "exhibitors took part": an irregular past also ends it
    + r")\b|\w+ed\b)[\w'-]+\s*){1,5})",
    re.I,
)


def required_pattern(question: str, translate: Translate | None = None) -> re.Pattern[str] | None:
    """What a sentence must contain to answer a count, amount or percentage question, if
    anything. `translate` (`Sources.translate`) picks the senses the corpus uses of an
    English noun.

    Matched against normalised (simplified, half-width) text.
    """
    asked = question  # as written: a capital marks an English name ("Afghan")
    question = normalize(question)
    if _PERCENT_Q.search(question):
        return _PERCENT
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
    m = _HOW_MANY_EN.search(asked)
    if m:
        # "How many visitors attended ...": a number, and the counted thing in one sentence;
        # English noun phrases end in their head ("innovative application scenarios": 场景),
        # so the phrase's last term stands for it.
        phrase = _COUNTED_EN.match(asked[m.end() :])
        groups = _groups(phrase.group(1), translate) if phrase else []
        alts = [normalize(a) for a in groups[-1] if len(a) > 1] if groups else []
        if alts:
            either = "|".join(re.escape(a) for a in alts)
            return re.compile(rf"(?=.*(?:{either}))(?=.*(?:{_NUM}))")
        return _ANY_NUMBER
    return None


# A name the question quotes (“百城万企牵手”行动, 《数字中国》) is the thing asked about.
_QUOTED = re.compile(r"[“「『《\"]([^“”「」『』《》\"]{2,24})[”」』》\"]")
_CAPITALISED_RUN = re.compile(r"(?:\b[A-Z][\w-]*(?:\s+|(?=[^\w\s])|$)){1,6}")


def english_name_runs(question: str, translate: Translate | None) -> list[list[tuple[str, ...]]]:
    """Chinese renderings of the capitalised names of an English question, one list per
    name ("China Hi-Tech Fair" -> [(中国,), (高交会, ...)]) of one group of alternatives per
    word or phrase.

    Latin pass-throughs ("CCID", "5G") are left out: the articles may write them in Chinese.
    The question's first word is capitalised as a sentence start, not as a name; months and
    weekdays are capitalised by convention.
    """
    if not mostly_latin(question):
        return []
    after_first_word = re.sub(r"^\s*\S+", "", question)
    runs: list[list[tuple[str, ...]]] = []
    for m in _CAPITALISED_RUN.finditer(after_first_word):
        words = [w for w in m.group(0).split() if w.strip(".,;:!?'\"’").lower() not in _CALENDAR]
        run: list[tuple[str, ...]] = []
        for g in _groups(" ".join(words), translate) if words else []:
            alts = tuple(normalize(a) for a in g if a and not a.isascii())
            # A lone character is a romanised syllable's guess ("Yan": 燕), not a name.
            if alts and len(alts) == len(g) and min(map(len, alts)) >= 2 and alts not in run:
                run.append(alts)
        if run:
            runs.append(run)
    return runs


def _groups(text: str, translate: Translate | None) -> list[tuple[str, ...]]:
    return translate(text) if translate is not None else term_groups(text)


# Capitalised by English convention, not names.
_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)


def quoted_names(question: str) -> list[str]:
    """Chinese names quoted in the question, normalised (simplified, half-width)."""
    names = (normalize(m.group(1)).strip() for m in _QUOTED.finditer(question))
    return [n for n in names if sum(1 for c in n if "\u4e00" <= c <= "\u9fff") >= 2]


_BROAD_PLACES = frozenset("中国 全国 国内 国外 海外 全球 世界 我国 全省 全市".split())


# jieba's part-of-speech tags of proper names: person (nr, nrt: transliterated), place (ns),
# organisation (nt), other proper noun (nz).
_NAME_TAGS = frozenset({"nr", "nrt", "ns", "nt", "nz"})


@lru_cache(maxsize=256)
def _tagged(question: str) -> tuple[tuple[str, str], ...]:
    """The question's words with jieba's part-of-speech tags, normalised, spaces out. One
    cut per question: the name, place and asked-noun rules all read it."""
    import jieba.posseg

    return tuple((w, f) for w, f in jieba.posseg.cut(normalize(question)) if w.strip())


def _tagged_names(question: str, tags: frozenset[str]) -> list[str]:
    """The question's words of these tags, at least two characters, without country-wide
    places and without quoted names (`quoted_names` has those), each once."""
    inside_quotes = "".join(quoted_names(question))
    out: list[str] = []
    for word, flag in _tagged(question):
        if flag in tags and len(word) >= 2 and word not in _BROAD_PLACES:
            if word not in inside_quotes and word not in out:
                out.append(word)
    return out


def proper_names(question: str) -> list[str]:
    """The question's proper names (people, places, organisations, other names: jieba's
    tags), normalised."""
    return _tagged_names(question, _NAME_TAGS)


def question_places(question: str) -> list[str]:
    """Place names in the question (jieba's ns tag), normalised, without country-wide ones."""
    return _tagged_names(question, _PLACE_TAGS)


_PLACE_TAGS = frozenset({"ns"})
_COPULAS = frozenset("是 为 為 有 共有 约为 約為".split())
_ASKING = frozenset("多少 谁 誰 几 幾".split())


def asked_noun(question: str) -> str | None:
    """The noun a Chinese question asks the value of: "<noun>是多少/是谁" ("上海的常住人口是
    多少" -> 常住人口, "贵阳的市长是谁" -> 市长), else None. Only this copula form: elsewhere
    the noun before the question word is not reliably what is asked."""
    words = _tagged(question)
    for i in range(2, len(words)):
        if words[i][0] in _ASKING and words[i - 1][0] in _COPULAS:
            word, flag = words[i - 2]
            if flag.startswith("n") and len(word) >= 2 and word not in FRAME_WORDS:
                return word
    return None


# A question, as opposed to a list of keywords: a question mark or a question word.
_ASKS = re.compile(r"[?？]|吗|嗎|呢|什么|什麼|哪|谁|誰|多少|几|幾|如何|怎么|怎麼|是否|何")


def is_question(text: str) -> bool:
    """Whether the text asks something (a question mark or word), not lists keywords."""
    return bool(_ASKS.search(text))


def question_type(question: str) -> str:
    """One of date, number, list, place, who, what (the default)."""
    for name, pattern in _TYPE_PATTERNS:
        if pattern.search(question):
            return name
    return "what"


def type_bonus(qtype: str, sentence: str) -> float:
    """How much a sentence looks like an answer of this type (0 when not at all)."""
    if qtype == "number":
        return 0.25 if _NUMBER.search(blank_non_counts(sentence)) else 0.0
    if qtype == "list":
        return 0.25 if sentence.count("、") >= 2 else (0.1 if "、" in sentence else 0.0)
    if qtype == "date":
        return 0.25 if _DATE.search(sentence) else 0.0
    if qtype == "place":
        return 0.2 if _PLACE.search(sentence) else 0.0
    if qtype == "who":
        return 0.2 if _PERSON.search(sentence) else 0.0
    return 0.0


# Words that frame a question's expected answer ("which units", "what place") rather than its
# topic: an answer sentence rarely repeats them.
FRAME_WORDS = frozenset(
    "单位 机构 方面 情况 具体 地方 地点 时间 时候 日子 名字 名称 内容 问题 哪方面 主要 分别 一共 总共 大约 "
    "约 左右 目前 当时 称 叫 叫做 称为 是否 有关 相关 提到 介绍 据 根据 文章 报道 新闻".split()
)


# ---- the short answer a sentence gives -----------------------------------------------------

_UNITS = (
    r"%|％|个百分点|個百分點|美元|欧元|歐元|港元|英镑|英鎊|日元|元|"
    r"[个個家名对對项項位座届屆次场場篇条條所台辆輛人倍年天岁歲吨噸件起例只艘架款种種]"
)
# A quantity: a number (digits, or Chinese numerals followed by a unit), "多/余" for "more
# than", a magnitude (万, 亿) and a unit or classifier: "1.7万个", "16.8%", "662亿美元", "50多个".
_QUANTITY = re.compile(
    r"(?:(?<![0-9.])[0-9０-９]+(?:[.,][0-9]+)*\s*(?:多|余|餘)?\s*(?:万|萬|亿|億|千)?\s*"
    rf"(?:{_UNITS})?|[一二三四五六七八九十百千两兩]+\s*(?:多|余|餘)?\s*(?:万|萬|亿|億)?\s*(?:{_UNITS}))"
)
_YEAR_OF = re.compile(r"(?:19|20)\d{2}\s*年$")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
# Digits that count nothing: dates and clock times ("8月3日", "2023-2025年", "12时30分"), and
# names with a number in them ("5G", "G20", "COVID-19").
_NON_COUNT = re.compile(
    r"(?:19|20)\d{2}\s*(?:[-—–~至到]\s*(?:19|20)\d{2}\s*)?年|\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号號])?|"
    r"\d{1,2}\s*[日号號]|\d{1,2}\s*[时時点點](?:\s*\d{1,2}\s*分)?|\d{1,2}:\d{2}|"
    r"[A-Za-z]+-?\d+[A-Za-z]*|\d+[A-Za-z]+"
)


def blank_non_counts(text: str) -> str:
    """`text` with the digits that count nothing blanked: a count question's number is no
    date ("当地时间8月3日...启幕" gives no number of exhibitors) and no name ("5G基站建设")."""
    return _NON_COUNT.sub(" ", text)


_ASKS_YEAR = re.compile(r"哪一?年|\b(?:which|what) year\b", re.I)
_DATE_SPAN = re.compile(
    r"(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号號])?|(?:19|20)\d{2}\s*年|\d{4}-\d{2}-\d{2}"
)


def short_answer(question: str, qtype: str, sentence: str, terms: list[str]) -> str | None:
    """The few words of `sentence` that answer a number, date, who, where or list question
    ("1.7万个", "5月26日", "张敬平", "福州", "福建、广东、浙江等"), verbatim, or None. Of
    several, the one nearest the question's terms: a sentence often gives other figures
    ("建成5G基站1.7万个，...增长20%")."""
    if qtype == "number":
        unit = _MEASURE_Q.search(normalize(question))
        found = [
            m
            for m in _QUANTITY.finditer(sentence)
            if not _YEAR_OF.search(m.group(0).strip())  # a year is no count
            and (unit is None or m.group(0).strip().endswith(unit.group(1)))
            and any(c.isdigit() or c in "一二三四五六七八九十两兩" for c in m.group(0))
        ]
        need = required_pattern(question)
        if need is _MONEY or need is _PERCENT:
            # "价值是多少" asks for a sum of money: "13亿美元", not the "一项" before it.
            found = [m for m in found if need.search(normalize(m.group(0)))]
        # A bare number with no unit is too bare to stand alone ("2" of "2号线").
        found = [m for m in found if not m.group(0).strip().isdigit()]
    elif qtype in ("who", "place"):
        return _named_answer(question, qtype, sentence, terms)
    elif qtype == "list":
        return enumeration(sentence, terms)
    elif qtype == "date":
        found = list(_DATE_SPAN.finditer(sentence))
        if _ASKS_YEAR.search(question):
            # "哪一年": the year, not the day ("2023年", of "2023年7月20日").
            found = list(_YEAR.finditer(sentence))
    else:
        return None
    if not found:
        return None
    norm = normalize(sentence)
    places = (
        [i for t in terms if t for i in _positions(norm, t)] if len(norm) == len(sentence) else []
    )
    if not places:
        return found[0].group(0).strip()
    best = min(found, key=lambda m: min(abs(m.start() - p) for p in places))
    return best.group(0).strip()


# Where something is held: "在福州举行" -> 福州.
_HELD_IN = re.compile(r"在([\u4e00-\u9fff]{2,12}?)(?:隆重|盛大|正式|顺利)?(?:举行|召开|开幕|举办)")
_ASKS_HELD = re.compile(r"举行|舉行|召开|召開|举办|舉辦|开幕|開幕|\bheld\b|\bhost", re.I)
# A question whose answer is a geographic name ("哪座城市"), not any "where" ("在哪个平台").
_ASKS_REGION = re.compile(
    r"哪(?:个|個|座|一个|一個)?(?:城市|省|省份|国家|國家|地区|地區|县|縣|区|區)|\bwhich "
    r"(?:city|province|country|region)\b|\bin what (?:city|country)\b",
    re.I,
)
# A person as news names one: after the title ("副省长张敬平在..."), two or three characters
# before what follows a name.
# Titles news writes before a name ("副省长张敬平"), longest first.
TITLES = (
    "总经济师 秘书长 总经理 董事长 理事长 发言人 主任 书记 市长 省长 县长 区长 局长 厅长 院士 总裁 "
    "会长 主席 部长 教授 院长 校长 大使 总统 总理 首相".split()
)
_TITLED = re.compile(
    rf"(?:{'|'.join(TITLES)})([\u4e00-\u9fff]{{2,3}}?)"
    r"(?=[，,、。：:（(]|在|表示|指出|说|致|称|认为|强调|介绍|通过|对|出席|主持|率)"
)
_PERSON_TAGS = frozenset({"nr"})  # not nrt: a transliterated name is often cut apart
_FULL_NAME = 3  # jieba's person names shorter than this are often a split name's part
# The hundred commonest Chinese surnames: a name jieba's tagger guesses must start with one
# (its guesses include words such as 申请人 and parts of foreign names such as 连斯基).
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱"
    "严覃武戴莫孔向汤"
)


def _named_answer(question: str, qtype: str, sentence: str, terms: list[str]) -> str | None:
    """A person (who) or place (where) the sentence names and the question does not, the
    one nearest the question's terms; None when the sentence names none, or when its text
    does not map one to one onto its simplified form (offsets would not be verbatim).

    A person: a name after a title, else a full name by jieba's tagger. A place: where an
    event is held ("在福州举行") when the question asks that, or a place name when it asks
    which city, province or country."""
    import jieba.posseg

    norm = normalize(sentence)
    if len(norm) != len(sentence):
        return None
    asked = normalize(question)
    found: list[tuple[int, str]] = []
    if qtype == "who":
        found = [(m.start(1), m.group(1)) for m in _TITLED.finditer(norm)]
    elif _ASKS_HELD.search(question):
        found = [(m.start(1), m.group(1)) for m in _HELD_IN.finditer(norm)]
    if not found and (qtype == "who" or _ASKS_REGION.search(question)):
        tags, shortest = (_PERSON_TAGS, _FULL_NAME) if qtype == "who" else (_PLACE_TAGS, 2)
        at = 0
        for word, flag in jieba.posseg.cut(norm):
            if flag in tags and len(word) >= shortest and word not in _BROAD_PLACES:
                if qtype != "who" or word[0] in _SURNAMES:
                    found.append((at, word))
            at += len(word)
    if found and qtype == "place" and not _ASKS_HELD.search(question):
        found = _of_region_kind(question, norm, found)
    # Not what the question names (in its words or, asked in English, their translations);
    # not a clause: "在日本广岛与日韩两国领导人举行" holds no place alone.
    found = [
        (i, w)
        for i, w in found
        if w not in asked and w not in terms and not any(c in w for c in "与和同跟向对")
    ]
    if not found:
        return None
    places = [i for t in terms if t for i in _positions(norm, t)]
    start, word = min(found, key=lambda f: min((abs(f[0] - p) for p in places), default=0))
    return sentence[start : start + len(word)]


# What a province, city or county is called by in the text ("福建省", "福建、广东两省"):
# jieba tags some common nouns as places (台风), which never carry the mark.
_REGION_MARKS = (("省", "省"), ("城市", "市"), ("市", "市"), ("县", "县"), ("縣", "縣"))


def _of_region_kind(
    question: str, norm: str, found: list[tuple[int, str]]
) -> list[tuple[int, str]]:
    """The places marked as the kind asked for (哪个省份: 福建省, or 广东 in "广东两省"), when
    the sentence marks any; else all of them."""
    asked = normalize(question)
    mark = next(
        (
            m
            for word, m in _REGION_MARKS
            if f"哪个{word}" in asked
            or f"哪{word}" in asked
            or f"哪座{word}" in asked
            or f"哪一个{word}" in asked
        ),
        None,
    )
    if mark is None:
        return found
    marked = [
        (i, w) for i, w in found if w.endswith(mark) or mark in norm[i + len(w) : i + len(w) + 3]
    ]
    return marked or found


def _positions(text: str, term: str) -> list[int]:
    out, i = [], text.find(term)
    while i >= 0:
        out.append(i)
        i = text.find(term, i + 1)
    return out
