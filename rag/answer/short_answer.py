"""The short answer a sentence gives to a number, date, who, where or list question
("1.7万个", "5月26日", "张敬平", "福州", "福建、广东、浙江等"), verbatim: what an answer
opens with before the quoted sentences."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.kinds import ASKS_HOMETOWN, LATIN_UNITS, TITLES, blank_non_counts, hometown
from rag.answer.lists import enumeration
from rag.answer.question import (
    BROAD_PLACES,
    PERCENT,
    PLACE_TAGS,
    asked_attribute,
    asks_change_or_part,
    asks_part,
    asks_sum,
    counted_unit,
    question_places,
    tagged,
)
from rag.retrieve.names import SURNAMES, with_stem
from rag.text import normalize

_UNITS = (
    rf"{LATIN_UNITS}|%|％|个百分点|個百分點|个小时|個小時|个月|個月|美元|欧元|歐元|港元|英镑|英鎊|日元|元|"
    # measures: rainfall, distance, area, weight, volume, temperature, time
    r"毫米|厘米|平方公里|平方千米|平方米|立方米|公里|千米|米|公顷|公頃|亩|畝|千克|公斤|克|毫升|升|"
    r"摄氏度|攝氏度|℃|千瓦时|千瓦時|千瓦|瓦|小时|小時|分钟|分鐘|秒|"
    r"人次|架次|车次|車次|"  # visits and trips, counted as one unit: 2772万人次
    # classifiers of things counted: 50000瓶冰水, 2户民房, 276处积水点, 388列列车
    r"[个個家名对對项項位座届屆次场場篇条條所台辆輛人倍年天岁歲吨噸件起例只艘架款种種部张張份"
    r"瓶箱袋盒包本头頭株棵枚颗顆套双雙支间間栋棟户戶处處列趟]"
)
# A quantity: a number (digits, or Chinese numerals followed by a unit; a range of digits),
# "多/余" for "more than", a magnitude (万, 亿) and a unit or classifier: "1.7万个", "16.8%",
# "662亿美元", "50多个", "70-160万元".
_QUANTITY = re.compile(
    # a range as one figure: "70-160万元"
    r"(?:(?<![0-9.])(?:[0-9]+(?:\.[0-9]+)?\s*(?:-|—|–|~|～|至|到)\s*)?"
    r"[0-9０-９]+(?:[.,][0-9]+)*\s*(?:多|余|餘)?\s*(?:万|萬|亿|億|千)?\s*"
    rf"(?:{_UNITS})?|[一二三四五六七八九十百千两兩]+\s*(?:多|余|餘)?\s*(?:万|萬|亿|億)?\s*(?:{_UNITS}))"
)
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _digits(quantity: str) -> str:
    """The digits a quantity opens with ("5家" -> "5"), or "" (两部)."""
    m = re.match(r"\s*(\d+)", quantity)
    return m.group(1) if m else ""


_EN_NUMBERS = {
    w: str(n)
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
_INDEFINITE = re.compile(r"一\s*[个個种種项項家位名座所台条條件款次场場处處套支间間本头頭起份]")
# The deed a how-much question asks the figure of: "索赔了多少", "净卖出多少", "投资多少".
_DEED_ASKED = re.compile(r"([\u4e00-\u9fff]{2})(?:了|约|約|达|達)?多少")
_CHANGE_OR_RATE = re.compile(
    r"(?:增长|增長|下降|增加|减少|減少|上涨|上漲|下跌|提高|降低|增幅|降幅|同比|环比|環比|率)(?:了|约|約)?$"
)
_SPAN = re.compile(r"(?:年|天|个月|個月|周|週|小时|小時|分钟|分鐘|秒|岁|歲)$")
_ASKS_SPAN = re.compile(
    r"多久|多长|多長|多少(?:年|天|个月|個月|周|小时|小時|分钟|分鐘|秒|岁|歲)|几(?:年|天|个月|個月|周|个小时|個小時|岁|歲)"
    r"|[幾](?:年|天|個月|週|個小時|歲)|年龄|年齡|\bhow (?:long|old)\b|\bhow many (?:years|days|weeks|months|hours|minutes)\b",
    re.I,
)
_YEAR_OF = re.compile(r"(?:19|20)\d{2}\s*年$")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
_ASKS_YEAR = re.compile(r"哪一?年|\b(?:which|what) year\b", re.I)
_DATE_SPAN = re.compile(
    r"(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号號])?|(?:19|20)\d{2}\s*年|\d{4}-\d{2}-\d{2}"
)


def _is_count(m: re.Match[str], text: str, *, ordinal: bool = False) -> bool:
    """Whether a `_QUANTITY` match in `text` counts something: it has a numeral and is no
    year, no name's digits ("G817次列车") and no ordinal ("第一届") unless `ordinal`."""
    before = text[max(0, m.start() - 1) : m.start()]
    return (
        not _YEAR_OF.search(m.group(0).strip())
        and not _LATIN_LETTER.fullmatch(before)
        and (before != "第" or ordinal)
        and any(c.isdigit() or c in "一二三四五六七八九十两兩" for c in m.group(0))
    )


def states_value(sentence: str, noun: str) -> bool:
    """Whether a normalised sentence gives the noun's figure right after it ("毛利率44.92%",
    "归母净利润为9.68亿元"), as a table of an account's items does."""
    at = sentence.find(noun)
    while at >= 0:
        after = re.sub(r"^(?:为|為|达|達|是|约|約|[:：])?\s*", "", sentence[at + len(noun) :])
        m = _QUANTITY.match(after)
        if m and any(c.isdigit() for c in m.group(0)):
            return True
        at = sentence.find(noun, at + 1)
    return False


def has_amount(text: str) -> bool:
    """Whether a normalised text states a quantity that is no percentage, date or ordinal
    ("1.7万个", "4.64亿港元"; not "40%", "8月3日", "第六")."""
    blanked = blank_non_counts(text)
    return any(
        _is_count(m, blanked)
        and not PERCENT.search(m.group(0))
        and not m.group(0).strip().isdigit()
        for m in _QUANTITY.finditer(blanked)
    )


def short_answer(
    question: str, qtype: str, sentence: str, terms: list[str], counted: Sequence[str] = ()
) -> str | None:
    """The few words of `sentence` that answer a number, date, who, where or list question
    ("1.7万个", "5月26日", "张敬平", "福州", "福建、广东、浙江等"), verbatim, or None. Of
    several, the one nearest the question's terms: a sentence often gives other figures
    ("建成5G基站1.7万个，...增长20%")."""
    # Digits and single characters of the question ("2022年": 2022, 年) are no anchor: they
    # sit next to any figure ("2021年的563.44亿元").
    terms = [t for t in terms if len(t) > 1 and not t.isdigit()]
    if qtype == "number":
        unit = counted_unit(question)
        rank = bool(_ASKS_RANK.search(question))  # 第几: an ordinal is the answer
        found = [
            m
            for m in _QUANTITY.finditer(sentence)
            if _is_count(m, sentence, ordinal=rank)
            and (unit is None or normalize(m.group(0).strip()).endswith(unit))
        ]
        need = asks_sum(question)
        if need is not None:
            # "价值是多少" asks for a sum of money: "13亿美元", not the "一项" before it.
            found = [m for m in found if need.search(normalize(m.group(0)))]
        elif asks_part(question):
            # "比例是多少": the share ("占投诉总量的63.97%"), not the count before it (774件).
            parts = [m for m in found if PERCENT.search(m.group(0))]
            found = parts or found
        elif not asks_change_or_part(question):
            # A percentage after a change or a rate is not the amount asked ("收益同比增长
            # 30.5%至4.64亿港元", "换手率7.09%"); one after 达/为 is a level ("精度达97.3%").
            amounts = [
                m
                for m in found
                if not (
                    PERCENT.search(m.group(0))
                    and _CHANGE_OR_RATE.search(sentence[max(0, m.start() - 4) : m.start()])
                )
            ]
            found = amounts or found
        if not _ASKS_SPAN.search(question):
            # A span of time answers how long or how old, not how much ("两年累计亏损": 两年).
            amounts = [m for m in found if not _SPAN.search(m.group(0).strip())]
            found = amounts or found
        # A bare number with no unit is too bare to stand alone ("2" of "2号线"), the
        # question's own figure is what it asks about ("100个城市中有多少个…": not 100个),
        # and 一个 is mostly the article "a" ("是一个基于…的大模型").
        asked = normalize(question)
        # An English question states its figures in digits or words ("Five … chains": 5家).
        stated = {
            *re.findall(r"\d+", asked),
            *(_EN_NUMBERS[w] for w in asked.split() if w in _EN_NUMBERS),
        }
        english = bool(re.search(r"[a-z]{3}", asked))
        found = [
            m
            for m in found
            if not m.group(0).strip().isdigit()
            and normalize(m.group(0).strip()) not in asked
            and not (english and _digits(m.group(0)) in stated)
            and not _INDEFINITE.fullmatch(m.group(0).strip())
        ]
    elif qtype == "place" and ASKS_HOMETOWN.search(question):
        return hometown(sentence)
    elif qtype in ("who", "place"):
        return _named_answer(question, qtype, sentence, terms)
    elif qtype == "list":
        return enumeration(sentence, terms, asked_attribute(question))
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
    if qtype == "number" and len(norm) == len(sentence):
        # "索赔了多少": the figure the asked deed gives ("只索赔了190元"), before one merely
        # near the question's other words ("450万法拉利").
        deed = _DEED_ASKED.search(normalize(question))
        if deed and not _ASKS_SPAN.search(question):  # "亏损了多少年" asks how long
            verb = deed.group(1)
            done = [
                m
                for m in found
                if re.search(rf"{re.escape(verb)}[了约約达達为為至到]{{0,3}}$", norm[: m.start()])
            ]
            found = done or found
        # "138个优秀案例" answers how many cases: a count of the question's noun, a few
        # characters on, before one merely near it ("《…百佳案例》,来自17个省").
        # What the question counts first, when it says ("How many sewage outlets…": the
        # 333个 of 排污口, not the 13条 of the rivers it also names).
        of_head = [m for m in found if counted and _counts(norm[m.end() :], list(counted))]
        of_terms = [m for m in found if _counts(norm[m.end() :], terms)]
        found = of_head or of_terms or found
    places = (
        [i for t in terms if t for i in _positions(norm, t)] if len(norm) == len(sentence) else []
    )
    if places:
        # Nearest by the clause first: "51%的受访者认为特朗普曾试图…留任，…其余20%认为特朗普
        # 不打算…" answers who thinks he tried with the 51% whose clause says so, though
        # the 20% stands a character closer to one word of the question.
        best = min(
            found,
            key=lambda m: (
                -_clause_terms(norm, m, terms),
                min(abs(m.start() - p) for p in places),
            ),
        )
    else:
        best = found[0]
    if sentence[max(0, best.start() - 1) : best.start()] in ("第",):
        return sentence[best.start() - 1 : best.end()].strip()  # 第几届: "第十三届", not 十三届
    return best.group(0).strip()


# A place by its administrative ending, which jieba may not tag as one (平房区).
_SUFFIXED = re.compile(r"[\u4e00-\u9fff]{2,4}(?:区|县|市|镇|乡)$")
# Where something is held: "在福州举行" -> 福州.
_HELD_IN = re.compile(
    r"在([\u4e00-\u9fff]{2,12}?)(?:隆重|盛大|正式|顺利)?(?:举行|召开|开幕|举办|启幕|揭幕|闭幕|落幕|开赛)"
)
_WHEN_HELD = re.compile(
    r"(?:当天|当日|今天|今日|昨天|昨日|明天|次日|同日|近日|日前|上午|下午|晚上|中午|早上|凌晨|当晚|"
    r"[0-9一二三四五六七八九十]+[月日号年时点])"
)
_ASKS_HELD = re.compile(r"举行|舉行|召开|召開|举办|舉辦|开幕|開幕|\bheld\b|\bhost", re.I)
# A question whose answer is a geographic name ("哪座城市"), not any "where" ("在哪个平台").
_ASKS_REGION = re.compile(
    r"哪(?:个|個|座|一个|一個)?(?:城市|省|省份|国家|國家|地区|地區|县|縣|区|區)|\bwhich "
    r"(?:city|province|country|region)\b|\bin what (?:city|country)\b",
    re.I,
)
# A person as news names one: after the title ("副省长张敬平在..."), two or three characters
# before what follows a name.
_TITLED = re.compile(
    rf"(?:{'|'.join(TITLES)})([\u4e00-\u9fff]{{2,3}}?)"
    r"(?=[，,、。：:（(]|在|表示|指出|说|致|称|认为|强调|介绍|通过|对|出席|主持|率|进行|发表|会见|宣布)"
)
_OF_NOUN = 4  # characters between a count and its noun ("138个优秀案例")
_PAUSE = re.compile(r"[，,。；;：:、！!？?]")
_ASKS_RANK = re.compile(r"第几|第幾|\bwhat (?:place|rank)|\bwhich place|\branks?\b", re.I)
_BYLINE = re.compile(r"(?:记者|通讯员|编辑|摄影|摄)\s*$")
# What ends a village's or town's name, a character on at most ("郝家庄子村", "王家村").
_VILLAGE = re.compile(r"[\u4e00-\u9fff]?[村屯寨镇乡](?![民长])")
_PEOPLE = tuple(
    "村民 居民 市民 选手 运动员 队员 球员 员工 职工 工人 农民 学生 老师 教师 医生 护士 民警 "
    "辅警 志愿者 游客 乘客 司机 驾驶员 患者 网友 车主 店主 摊主 老人".split()
)
_PERSON_TAGS = frozenset({"nr"})  # not nrt: a transliterated name is often cut apart
_FULL_NAME = 3  # jieba's person names shorter than this are often a split name's part


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
        found = [
            (m.start(1), m.group(1))
            for m in _HELD_IN.finditer(norm)
            if not _WHEN_HELD.match(m.group(1))  # "在当天下午举行": a time, not a place
        ]
        if found and _ASKS_REGION.search(question):
            # Asked which city, the venue's place ("在青岛国际会议中心开幕": 青岛).
            found = _of_region_kind(question, norm, _places_within(found) or found)
    if not found and (qtype == "who" or _ASKS_REGION.search(question)):
        tags, shortest = (_PERSON_TAGS, _FULL_NAME) if qtype == "who" else (PLACE_TAGS, 2)
        at = 0
        for word, flag in jieba.posseg.cut(norm):
            # "村民陈英": after a word for a person, two characters are the whole name.
            whole = qtype == "who" and len(word) == 2 and norm[:at].endswith(_PEOPLE)
            if flag in tags and (len(word) >= shortest or whole) and word not in BROAD_PLACES:
                # "郝家庄子村村民陈英": 郝家庄, tagged a person, begins a village's name.
                village = _VILLAGE.match(norm, at + len(word))
                if qtype != "who" or word[0] in SURNAMES and not village:
                    found.append((at, word))
            at += len(word)
    if found and qtype == "place" and not _ASKS_HELD.search(question):
        found = _of_region_kind(question, norm, found)
        # "平房区属于哪座城市": an address runs from the largest place to the smallest, so
        # the place written just before the question's (哈尔滨平房区) holds it.
        named = [
            *question_places(question),
            *(w for w, _f in tagged(question) if _SUFFIXED.match(w)),
        ]
        ends = {i for p in named for i in _positions(norm, with_stem(p)[-1])}
        found = [(i, w) for i, w in found if i + len(w) in ends] or found
    if found and qtype == "who":
        found = _of_asked_title(asked, norm, found)
    # Not what the question names (in its words or, asked in English, their translations);
    # not a clause: "在日本广岛与日韩两国领导人举行" holds no place alone; not the byline's
    # writer ("(本网记者 卢金福)今日上午，…分论坛在福州召开": he reported it).
    found = [
        (i, w)
        for i, w in found
        if w not in asked
        and not any(w in t for t in terms)  # 马拉松 of the question's 半程马拉松
        and not any(c in w for c in "与和同跟向对")
        and not _BYLINE.search(norm[max(0, i - 6) : i])
    ]
    if not found:
        return None
    places = [i for t in terms if t for i in _positions(norm, t)]
    start, word = min(found, key=lambda f: min((abs(f[0] - p) for p in places), default=0))
    return sentence[start : start + len(word)]


def _places_within(found: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The place names (jieba's tag) inside each found phrase, at their positions."""
    import jieba.posseg

    out: list[tuple[int, str]] = []
    for start, phrase in found:
        at = start
        for word, flag in jieba.posseg.cut(phrase):
            if flag in PLACE_TAGS and len(word) >= 2 and word not in BROAD_PLACES:
                out.append((at, word))
            at += len(word)
    return out


_CLAUSES = re.compile(r"[，,；;。？?！!]")
_ASKS_WHO = re.compile(r"谁|哪位|哪一位|什么人")


def _of_asked_title(asked: str, norm: str, found: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The names whose title reads as the question's ("国家信息中心主任是谁" -> the name after
    "国家信息中心主任", not the one after "国家发展改革委原副主任"), when the question names
    a title: the longest run of the question's characters that ends at the title before the
    name."""
    # The title of the clause that asks: "前卫福部长陈时中…，哪位国民党台北市议员…反驳" asks
    # of a 议员, not the 部长 it names.
    clause = next((c for c in _CLAUSES.split(asked) if _ASKS_WHO.search(c)), asked)
    title = next((t for t in TITLES if t in clause), None)
    if title is None:
        return found
    before = clause[: clause.index(title)]

    def shared(start: int) -> int:
        head = norm[:start]
        if not head.endswith(title):
            return -1
        head = head[: -len(title)]
        n = 0
        while n < min(len(head), len(before)) and head[-1 - n] == before[-1 - n]:
            n += 1
        return n

    # No name after the asked title: one after another title is someone else.
    best = max(shared(i) for i, _w in found)
    return [(i, w) for i, w in found if shared(i) == best] if best >= 0 else []


# What a province, city or county is called by in the text ("福建省", "福建、广东两省"):
# jieba tags some common nouns as places (台风), which never carry the mark.
_REGION_MARKS = (("省", "省"), ("城市", "市"), ("市", "市"), ("县", "县"), ("縣", "縣"))


_ENGLISH_REGION_MARKS = (
    (re.compile(r"\b(?:which|what) (?:province|provinces)\b", re.I), "省"),
    (re.compile(r"\b(?:which|what) (?:city|cities)\b", re.I), "市"),
    (re.compile(r"\b(?:which|what) (?:county|counties)\b", re.I), "县"),
)


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
    ) or next((m for e, m in _ENGLISH_REGION_MARKS if e.search(question)), None)
    if mark is None:
        return found
    # Named with the mark first (吉林省长春市: 长春市 is the city), then followed by it.
    named = [(i, w) for i, w in found if w.endswith(mark)]
    marked = [(i, w) for i, w in found if mark in norm[i + len(w) : i + len(w) + 3]]
    return named or marked or found


def _positions(text: str, term: str) -> list[int]:
    out, i = [], text.find(term)
    while i >= 0:
        out.append(i)
        i = text.find(term, i + 1)
    return out


def _clause_terms(text: str, m: re.Match[str], terms: list[str]) -> int:
    """How many of the terms the clause around a match names (between pauses)."""
    start = max((p.end() for p in _PAUSE.finditer(text, 0, m.start())), default=0)
    stop = _PAUSE.search(text, m.end())
    clause = text[start : stop.start() if stop else len(text)]
    return sum(1 for t in set(terms) if t in clause)


def _counts(after: str, terms: list[str]) -> bool:
    """Whether the text after a count names one of the terms within `_OF_NOUN` characters,
    in the same phrase: the count is of that noun ("138个优秀案例")."""
    for t in terms:
        at = after.find(t) if t else -1
        if 0 <= at <= _OF_NOUN and not _PAUSE.search(after[:at]):
            return True
    return False
