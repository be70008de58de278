"""What a question asks (its answer's kind: `rag.answer.kinds`): what an answer
sentence must contain (a count's unit, a sum of money, a percentage), and the names and
places it is about. Pure functions over the question text."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.answer.counted import head_and_number, how_many_pattern
from rag.answer.english import Translate
from rag.answer.kinds import HOW_OLD, NUMBER, NUMERAL, WHAT_QUANTITY
from rag.retrieve.names import common_word, misread_name
from rag.text import CJK, normalize, tokenize, words

# "多少家企业" asks for a count of 家: an answer sentence must state "<number>家". Percent
# questions need a percentage. Without such a sentence in the passages, the answer is absent.
_MEASURE_Q = re.compile(
    # "多少个小时" asks hours ("71小时"): the classifier before a unit of time is optional
    r"(?:多少|(?<!哪)几)\s*(?:[个個](?=分钟|分鐘|小时|小時))?(分钟|分鐘|小时|小時|平方公里|公里|千米|千瓦|人次|"
    r"[个個家名位项項对對座届屆次场場篇条條所台辆輛人元倍吨噸岁歲秒件款艘架张張份"
    r"瓶箱袋盒包本头頭株棵枚颗顆套双雙支间間栋棟户戶处處列趟]|部(?![门門分署队隊长長])|种(?![植子])|種(?![植子]))"
)
_PERCENT_Q = re.compile(r"百分之多少|多少%|多少％|百分比|\bpercent(age)?\b", re.I)
# A rate is a percentage ("毛利率是多少": 48%); not an exchange rate, a frequency or a power.
_RATE_Q = re.compile(r"(?<![汇匯频頻功])率(?:是|为|為|达到|達到|约为|約為)?(?:多少|几|幾)")
PERCENT = re.compile(r"[%％]|百分之|百分点|個百分點")
# "青岛占了其中多少" asks for a share: the answer says what part it is ("占总数的24.6%",
# "占全国三分之一"), or gives a percentage.
_SHARE_Q = re.compile(
    r"占(?:了)?(?:其中|总数|总量|全国|全省|全市)?(?:的)?(?:多少|几成|百分之几)"
    r"|(?:占比|比重|比例)(?:是|为)?(?:多少|几)"
    r"|\bwhat (?:share|proportion|fraction)\b",
    re.I,
)
_SHARE = re.compile(rf"[%％]|百分之|占[^。！？；]{{0,12}}?(?:{NUMERAL}|一半|半数)")
# "多少投资" asks for an amount of something named: the answer sentence names it too.
_AMOUNT_OF = re.compile(r"多少([\u4e00-\u9fff]{2,6})")
_UNIT_START = "万萬亿億千百元年天倍"
# "投资了多少" / "what was the total value of" ask for a sum of money: the answer states one
# ("1000亿", "3.5万元", "2 billion yuan"). Not for growth or shares, which come as percentages.
_MONEY_Q = re.compile(
    # a currency after 多少 asks a sum: 多少人民币 counts no 人
    r"多少(?:万|亿)?(?:人民币|美元|欧元|港元|港币|英镑|日元|韩元)|多少(?:万|亿|千)元|"
    # a price is a sum: "指导价是多少万元起", "售价为多少"
    r"(?:价格|售价|指导价|票价|房价|均价|单价|报价|起价|定价)[^，,。？?多]{0,4}多少|"
    r"多少钱|多少资金|多少投资|多少经费|投资(?:了|额)?(?:是)?多少|金额|总价值|价值(?:是|为)?多少|成交额|签约额|交易额"
    # a company's accounts are sums: "营业收入是多少" is no 4家
    r"|(?:营业收入|营收|净利润|利润|销售额|营业额|市值)[^，,。？?多]{0,4}多少"
    r"|\bhow much\b[\w\s-]*?\b(?:money|investment|funding|funds|capital|subsid(?:y|ies)|budget)\b"
    r"|\b(?:total |combined )?(?:value|amount|worth|cost|price) of\b"
    r"|\bhow much (?:did|does|will|was|were|is)\b.*\b(?:cost|invest\w*|raise\w*|spen[dt]|worth|pa(?:y|id)|fund\w*)\b",
    re.I,
)
_NOT_MONEY_Q = re.compile(
    r"增长|增加|下降|减少|提高|降低|增幅|同比|环比|比例|占比|份额|率|growth|increase|decrease|rise|fall|share|rate|percent",
    re.I,
)
_NOT_MONEY_UNITS = r"平方|立方|公里|千米|米|公顷|亩|吨|千瓦|人|户|个|家|名|辆|台|件|次|套|头|只|条|项|座|所|部|张|份|册|株|字"
_MONEY = re.compile(
    rf"(?:{NUMERAL})\s*(?:多|余)?\s*(?:万|亿|千)?\s*(?:元|美元|欧元|港元|英镑|日元|块)"
    # a sum in 万 or 亿 with its currency unsaid ("投资1000亿"), not a count ("7万平方米")
    rf"|(?:{NUMERAL})\s*(?:多|余)?\s*(?:万|亿)(?!\s*(?:{_NOT_MONEY_UNITS}))"
)
# Quantities news names by a character of their kind before the sum (目标价, 售价, 成本).
_MONEY_HEADS = frozenset("price prices cost costs".split())
# A question on a measure asks for a figure in its units ("How much does the X3 weigh?":
# 415g, not the 10.65英寸 of its screen; "how far had the driver taken him": 近40公里).
# Chinese forms that say only this (重量是多少, not the 重量级 of a guest; 身高, not 高度重视).
_MASS = r"毫克|千克|公斤|克|斤|吨|噸|磅|(?<![A-Za-z])(?:mg|kg|g)(?![A-Za-z])"
_LENGTH = r"毫米|厘米|公里|千米|米|海里|英里|英尺|(?<![A-Za-z])(?:mm|cm|km|m)(?![A-Za-z])"
_MEASURES = (
    (
        re.compile(
            r"\bweigh(?:s|ed)?\b|\bweight of\b|\bhow heavy\b|有多重|多重[？?]|重量(?:是|为|有)?(?:多少|几)"
            r"|重多少|体重(?:是|为|有)?(?:多少|几)",
            re.I,
        ),
        _MASS,
    ),
    (
        re.compile(
            r"\bhow (?:far|tall|deep)\b|\b(?:distance|height|depth) (?:of|from|between)\b|多远|有多高|有多深|身高"
            r"|(?:距离|高度|深度|长度)(?:是|为|有)?(?:多少|几)",
            re.I,
        ),
        _LENGTH,
    ),
)


# What answers each: a figure in the measure's units.
_MEASURE_FIGURES = tuple(
    (asks, re.compile(rf"(?:{NUMERAL})\s*(?:多|余|餘)?\s*(?:万|萬)?\s*(?:{units})"))
    for asks, units in _MEASURES
)


def asked_measure(question: str) -> re.Pattern[str] | None:
    """A figure in the units of the measure a question asks (weight, distance, height), if it
    asks one; matched against normalised text."""
    question = normalize(question)
    return next((figure for asks, figure in _MEASURE_FIGURES if asks.search(question)), None)


def counted_unit(question: str) -> str | None:
    """The unit a count question asks in ("多少家企业" -> 家; how old: 岁), else None."""
    m = _MEASURE_Q.search(normalize(question))
    return m.group(1) if m else ("岁" if HOW_OLD.search(question) else None)


def asks_change_or_part(question: str) -> bool:
    """Whether a how-much question asks for a growth, a fall, a share or a rate, which news
    gives as a percentage; other how-much questions ask for the amount itself ("收益是多少":
    4.64亿港元, not the 30.5% it grew by)."""
    return bool(_NOT_MONEY_Q.search(normalize(question)))


def asks_part(question: str) -> bool:
    """Whether a question asks for a share or a rate ("比例是多少", "毛利率是多少"), which
    news gives as a percentage."""
    q = normalize(question)
    return bool(_PERCENT_Q.search(q) or _RATE_Q.search(q) or _SHARE_Q.search(q))


def asks_sum(question: str) -> re.Pattern[str] | None:
    """What a sum of money, a percentage or a measure's figure looks like, when the question
    asks for one."""
    need = required_pattern(question)
    sums = (_MONEY, PERCENT, *(figure for _asks, figure in _MEASURE_FIGURES))
    return need if any(need is p for p in sums) else None


def required_pattern(question: str, translate: Translate | None = None) -> re.Pattern[str] | None:
    """What a sentence must contain to answer a count, amount or percentage question, if
    anything. `translate` (`Sources.translate`) picks the senses the corpus uses of an
    English noun.

    Matched against normalised (simplified, half-width) text.
    """
    asked = question  # as written: a capital marks an English name ("Afghan")
    question = normalize(question)
    if _PERCENT_Q.search(question) or _RATE_Q.search(question):
        return PERCENT
    if _SHARE_Q.search(question):
        return _SHARE
    measure = asked_measure(question)
    if measure is not None:
        return measure
    if _MONEY_Q.search(question) and not _NOT_MONEY_Q.search(question):
        return _MONEY
    m = _MEASURE_Q.search(question)
    if m:
        unit = re.escape(m.group(1))
        # "10个小时" answers 多少小时: a classifier may stand before an hour, not before
        # a volume ("4个部分" is no 部)
        each = r"(?:个|個)?" if len(m.group(1)) > 1 else ""
        rest = r"(?![门門分署队隊长長])" if m.group(1) == "部" else ""
        return re.compile(rf"(?:{NUMERAL})\s*(?:多|余|餘)?\s*(?:万|萬|亿|億)?\s*{each}{unit}{rest}")
    m = _AMOUNT_OF.search(question)
    if m and m.group(1)[0] not in _UNIT_START:
        words = [w for w in tokenize(m.group(1)) if len(w) >= 2]
        if words and words[0] not in FRAME_WORDS:
            return re.compile(rf"(?=.*{re.escape(words[0])})(?=.*(?:{NUMBER.pattern}))")
    counted = how_many_pattern(asked, translate)
    if counted is not None:
        return counted
    m = WHAT_QUANTITY.search(asked)
    if m is None:
        return None
    # "What is the population of Guiyang?": the 人口 and a number, in one sentence.
    head = head_and_number(m.group(1), translate)
    if m.group(1).split()[-1].lower() in _MONEY_HEADS:
        # Or a sum of money, as news writes a price by its kind ("目标价24港元": 价, no 价格).
        return re.compile(f"{head.pattern}|{_MONEY.pattern}") if head else _MONEY
    return head


def english_amount_asked(question: str) -> bool:
    """Whether an English question asks the value of a quantity that is no rate or share
    ("What is the population of Guiyang?"): a percentage is no answer to it."""
    m = WHAT_QUANTITY.search(question)
    return m is not None and not _NOT_MONEY_Q.search(m.group(1))


# A name the question quotes (“百城万企牵手”行动, 《数字中国》) is the thing asked about.
_QUOTED = re.compile(r"[“「『《\"]([^“”「」『』《》\"]{2,24})[”」』》\"]")


def quoted_names(question: str) -> list[str]:
    """Chinese names quoted in the question, normalised (simplified, half-width)."""
    names = (normalize(m.group(1)).strip() for m in _QUOTED.finditer(question))
    return [n for n in names if sum(1 for c in n if "\u4e00" <= c <= "\u9fff") >= 2]


BROAD_PLACES = frozenset("中国 全国 国内 国外 海外 全球 世界 我国 全省 全市".split())


# jieba's part-of-speech tags of proper names: person (nr, nrt: transliterated), place (ns),
# organisation (nt), other proper noun (nz).
_NAME_TAGS = frozenset({"nr", "nrt", "ns", "nt", "nz"})


@lru_cache(maxsize=256)
def tagged(question: str) -> tuple[tuple[str, str], ...]:
    """The question's words with jieba's part-of-speech tags, normalised, spaces out. One
    cut per question: the name, place and asked-noun rules all read it."""
    import jieba.posseg

    return tuple((w, f) for w, f in jieba.posseg.cut(normalize(question)) if w.strip())


def _tagged_names(question: str, tags: frozenset[str]) -> list[str]:
    """The question's words of these tags, at least two characters, without country-wide
    places and without quoted names (`quoted_names` has those), each once."""
    inside_quotes = "".join(quoted_names(question))
    out: list[str] = []
    words = tagged(question)
    for i, (word, flag) in enumerate(words):
        # "上海闵行江川…": jieba's person 闵行 is the district of an address.
        address = flag == "nr" and _within_address(words, i)
        flag = "ns" if address else flag
        if (
            flag in tags
            and len(word) >= 2
            and word not in BROAD_PLACES
            and word not in FRAME_WORDS  # 籍贯, which jieba tags a place
            and (address or not misread_name(word, flag))
            and not _asked_kind(words, i)
        ):
            if word not in inside_quotes and word not in out:
                out.append(word)
    return out


def _asked_kind(words: tuple[tuple[str, str], ...], i: int) -> bool:
    """Whether word i is the kind of answer asked for ("哪些城市", "哪座城市", "什么城市"),
    which names no subject: the answer is 珠海, 深圳."""
    j = i - 1
    while j >= 0 and words[j][1][:1] in ("q", "m"):  # 哪 座 城市, 哪 一个 城市
        j -= 1
    return j >= 0 and (words[j][0].startswith("哪") or words[j][0] in ("什么", "什麼", "何"))


def proper_names(question: str) -> list[str]:
    """The question's proper names (people, places, organisations, other names: jieba's
    tags), normalised."""
    return _tagged_names(question, _NAME_TAGS)


# Between the places of one address ("山西运城临猗县": 运城, which jieba does not tag): a
# few characters, none of them a joiner, a preposition or punctuation ("北京和上海").
_WITHIN = r"[^\W的和与及跟同到至往赴去在对向从或、]{0,3}"


def narrowest(places: list[str], question: str) -> list[str]:
    """The places without those written just before another, which say where that one is
    ("上海杨浦区", "福建省福州市", "山西运城临猗县": 杨浦区, 福州市 and 临猗县 suffice; an
    article on 杨浦区 may never say 上海)."""
    norm = normalize(question)
    return [
        p
        for p in places
        if not any(
            q != p and re.search(f"{re.escape(p)}{_WITHIN}{re.escape(q)}", norm) for q in places
        )
    ]


def _within_address(words: tuple[tuple[str, str], ...], i: int) -> bool:
    """Whether the i-th word stands between two places, as a place of one address does."""
    return 0 < i < len(words) - 1 and words[i - 1][1] == "ns" and words[i + 1][1] == "ns"


def question_places(question: str) -> list[str]:
    """Place names in the question (jieba's ns tag), normalised, without country-wide ones."""
    return _tagged_names(question, PLACE_TAGS)


PLACE_TAGS = frozenset({"ns"})
_COPULAS = frozenset("是 为 為 有 共有 约为 約為".split())
_ASKING = frozenset("多少 谁 誰 几 幾".split())


# Nouns that only say "how many" ("5G基站数量是多少"): news gives the count, not the word.
MEASURES = frozenset("数量 数目 总数 总量 规模 人数 数额 金额 次数 个数 数字 数值".split())


def asked_noun(question: str) -> str | None:
    """The noun a Chinese question asks the value of: "<noun>是多少/是谁" ("上海的常住人口是
    多少" -> 常住人口, "贵阳的市长是谁" -> 市长), else None. Only this copula form: elsewhere
    the noun before the question word is not reliably what is asked."""
    words = tagged(question)
    for i in range(2, len(words)):
        if words[i][0] in _ASKING and words[i - 1][0] in _COPULAS:
            if any(f != "x" and w not in "呢啊呀" for w, f in words[i + 1 :]):
                return None  # "青岛有多少个平台…" asks of the 平台, not of 青岛
            j = i - 2
            if words[j][0] in MEASURES and j > 0:
                # "5G基站数量是多少": the 基站, counted
                j -= 2 if words[j - 1][0] == "的" and j > 1 else 1
            word, flag = words[j]
            if (
                flag.startswith("n")
                and flag not in _NAME_TAGS
                and len(word) >= 2
                and word not in FRAME_WORDS
                and word not in MEASURES
            ):
                return word
            written = re.search(re.escape(word), question, re.I) if flag == "eng" else None
            if written and len(word) >= 2 and written.group(0).isupper():
                return word  # an acronym ("贵州省的GDP是多少"), normalised: gdp
    return None


# Words that say a deed is planned, not what it is: "和平会议计划在哪里举行" asks where the
# conference is held, and news writes "将于5日在吉达举行", not 计划.
_ALWAYS_TENSE = frozenset("预计 打算 拟".split())
_TENSE_IF_VERB = frozenset("计划 准备 計劃".split())
_DEMONSTRATIVES = "该該这這此那其本"


def tense_words(question: str) -> frozenset[str]:
    """The question's words that only mark a plan (预计, 打算; 计划 before 在/将 or after 谁),
    not a noun ("回国计划延迟", "该计划涉及")."""
    words = tagged(question)
    out = set()
    for i, (word, _flag) in enumerate(words):
        after = words[i + 1][1] if i + 1 < len(words) else ""
        before = words[i - 1] if i else ("", "r")
        # 该计划, 这项计划, 回国计划: a noun, whatever follows.
        noun = before[0][:1] in _DEMONSTRATIVES or before[1][:1] in ("q", "m")
        doer = before[1][:1] == "r"  # 谁计划捐赠
        if word in _ALWAYS_TENSE or (
            word in _TENSE_IF_VERB
            and not noun
            and (after[:1] in ("p", "d") or after[:1] == "v" and doer)
        ):
            out.add(word)
    return frozenset(out)


# "水位如何", "主题是什么": the question asks about one attribute of its subject.
_WHO = frozenset("谁 誰".split())
_WHICH = frozenset("哪些 哪家 哪个 哪個 哪几 哪幾 哪位".split())
_ASKING_ABOUT = frozenset("如何 怎样 怎樣 怎么样 怎麼樣 什么 什麼".split())


def asked_deed(question: str) -> str | None:
    """The deed a who or which question asks the doer of ("论坛由谁承办" -> 承办, "谁主办的"
    -> 主办, "由哪个单位主办" -> 主办), else None."""
    words = tagged(question)
    for i in range(len(words) - 1):
        word, flag = words[i + 1]
        if words[i][0] in _WHO and (flag.startswith("v") or flag == "b") and len(word) >= 2:
            return word
        # "由哪些单位承办": which doers of a deed, as a list.
        if i + 2 < len(words) and words[i][0] in _WHICH and words[i + 1][1].startswith("n"):
            verb, vflag = words[i + 2]
            if (vflag.startswith("v") or vflag == "b") and len(verb) >= 2:
                return verb
    return None


def asked_attribute(question: str) -> str | None:
    """The noun a Chinese question asks about: the one just before 如何/怎样/是什么
    ("永定河的水位如何" -> 水位, "喂养周的主题是什么" -> 主题), or the deed a who question asks
    the doer of ("论坛由谁承办" -> 承办, "谁主办的" -> 主办, "由哪些单位承办" -> 承办), else
    None."""
    deed = asked_deed(question)
    if deed:
        return deed
    words = tagged(question)
    for i in range(1, len(words)):
        if words[i][0] not in _ASKING_ABOUT:
            continue
        j = i - 1 if words[i - 1][0] not in _COPULAS else i - 2
        if j >= 0:
            word, flag = words[j]
            if flag.startswith("n") and len(word) >= 2 and word not in FRAME_WORDS:
                return word
    return None


# A question, as opposed to a list of keywords: a question mark or a question word.
_ASKS = re.compile(r"[?？]|吗|嗎|呢|什么|什麼|哪|谁|誰|多少|几|幾|如何|怎么|怎麼|是否|何")


# "哪个村", "哪条路", "哪所大学": the answer is a name ending so (五四村, 吉花路, 格里菲斯大学).
# Not 省, 市, 县 or 国, which news often leaves off (山东, 龙口), nor 公司 or 机构 (华为).
_NAME_END_Q = re.compile(
    r"哪(?:个|座|条|所|家|一)?(州|镇|村|岛|路|街|江|河|湖|山|大学|学院|医院|机场|体育馆|酒店)"
)
# Before a kind's word, these say which one without naming it (该村, 本镇, 全州), or join it
# to the sentence ("在回家的路上").
_NOT_NAMES = frozenset(_DEMONSTRATIVES + "全各每哪的地得了在和与及是从向到往为被把将对上下中里")


def asked_name_end(question: str) -> str | None:
    """What the name asked for ends in ("发生在哪条路上" -> 路), else None."""
    m = _NAME_END_Q.search(normalize(question))
    return m.group(1) if m else None


def names_kind(sentence: str, end: str, question: str) -> bool:
    """Whether a normalised sentence names something ending in `end` that the question does
    not name ("驻扎在阿穆尔州的部队" for 州; not "该州", nor the question's own 安寨镇): the
    word before `end` names it."""
    asked = normalize(question)
    for m in re.finditer(re.escape(end), sentence):
        before = words(sentence[: m.start()])
        word = before[-1] if before else ""
        name = word + end
        if (
            re.fullmatch(f"[{CJK}]+", word)
            and word[-1] not in _NOT_NAMES
            and name not in asked
            and not common_word(name)  # 道路, 公路: no 路's name
        ):
            return True
    return False


def is_question(text: str) -> bool:
    """Whether the text asks something (a question mark or word), not lists keywords."""
    return bool(_ASKS.search(text))


# Words that frame a question's expected answer ("which units", "what place") rather than its
# topic: an answer sentence rarely repeats them.
FRAME_WORDS = frozenset(
    "单位 机构 方面 情况 具体 地方 地点 时间 时候 日子 名字 名称 内容 问题 哪方面 主要 分别 一共 总共 大约 "
    "约 左右 目前 当时 称 叫 叫做 称为 是否 有关 相关 提到 介绍 据 根据 文章 报道 新闻 "
    # what a date question asks ("在几月几日闭幕"): the answer gives the date, not these words
    "几月 几日 几号 几时 几点 哪天 哪一天 哪日 何日 哪个月 哪一个月 什么时候 "
    # what a position question asks ("担任什么职务"): news gives the title before the name
    "职务 职位 头衔 "
    # where a person is from ("籍贯是哪里"): a biography says "湖北孝感人"
    "籍贯 籍貫".split()
)
