"""The kind of answer a question asks for (a date, a number, a list, a place, a person, an
organisation, a reason) and how much a sentence looks like one. Pure functions over text."""

from __future__ import annotations

import re

from rag.text import REGION_RUN, split_sentences, to_traditional, words

_TYPE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # A person's post: news writes the title before the name ("侨联主席李丰").
    (
        "position",
        re.compile(
            r"什么职务|什麼職務|什么职位|什麼職位|何职|何職|哪个职位|哪個職位|什么头衔|什麼頭銜|什么官职|"
            r"\bwhat (?:position|post|title|office)\b",
            re.I,
        ),
    ),
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
            r"多少|几个|幾個|几家|幾家|几项|几位|几对|几座|几届|幾屆|多大|多长|多高|有多重|多远|多深|比例|百分之|占比|多久|多长时间|多長時間|\bhow (many|much|long|far|old|heavy|tall|deep|big|large|fast|high)\b|number of|percentage|what share",
            re.I,
        ),
    ),
    (
        "list",
        re.compile(
            r"哪些|哪几|哪幾|有哪|分别|分別|\bwhich\b.*\b(cities|companies|awards|areas|ones|countries|events|organi[sz]ations|districts|people|leaders|enterprises|firms)\b|^\s*list\b|\blist (?:the|all)\b|\bwhat are\b",
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
    (
        "organ",
        re.compile(
            r"(?:哪个|哪個|哪一个|哪一個|哪家|什么|什麼)(?:机构|機構|部门|部門|单位|單位|组织|組織)|"
            r"\b(?:which|what) (?:agency|organi[sz]ation|institution|department|ministry|body)\b",
            re.I,
        ),
    ),
    ("why", re.compile(r"为什么|為什麼|为何|為何|什么原因|什麼原因|\bwhy\b", re.I)),
]

# Titles news writes before a name ("副省长张敬平"), longest first.
TITLES = (
    "总经济师 秘书长 总经理 董事长 理事长 发言人 主任 书记 市长 省长 县长 区长 局长 厅长 院士 总裁 "
    "会长 主席 部长 教授 院长 校长 大使 总统 总理 首相 "
    # the posts of companies, services and crews news names people by
    "首席执行官 首席财务官 首席技术官 首席经济学家 总监 行长 社长 所长 站长 处长 镇长 乡长 村长 "
    "列车长 机长 船长 队长 检察长 主编 总编辑 知事 厂长 负责人 创始人 法定代表人".split()
)
_TITLE = re.compile(
    "|".join(sorted({*TITLES, *map(to_traditional, TITLES)}, key=len, reverse=True))
)
# A numeral in digits or in Chinese.
NUMERAL = r"[0-9０-９.]+|[一二三四五六七八九十百千万萬亿億两兩]+"
NUMBER = re.compile(
    r"[0-9０-９]+(?:[.,][0-9]+)?\s*(?:%|％|万|萬|亿|億|千|百)?|[一二三四五六七八九十百千万萬亿億两兩]+"
    r"[个個家名对對项項位座届屆年多余餘人次天件元条條辆輛台种種批场場起例艘只倍岁歲部张張份秒"
    r"瓶箱袋盒包本头頭株棵枚颗顆套双雙支间間栋棟户戶处處列趟]"
)
_DATE = re.compile(r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{2}-\d{2}|\d{1,2}月")
_PLACE = re.compile(
    r"在[^，,。；;]{1,12}(?:市|省|区|區|县|縣|国|國|中心|会场|會場|馆|館|举行|舉行|召开|召開|开幕|開幕)|举行|舉行|召开|召開|开幕|開幕"
)
# "龙澎是哪里人" asks where a person comes from; a news biography says it after the birth
# date or the sex and ethnicity ("1972年2月出生，湖北孝感人，大学学历"; "男，汉族，湖北孝感人").
# In English: "Where is Long Peng from?", a person by name (not "where did the goods come
# from"), or a hometown.
ASKS_HOMETOWN = re.compile(
    r"(?:哪里|哪裡|哪儿|哪兒|何地|何处|何處|什么地方|什麼地方)人|籍贯|籍貫"
    r"|\b[Ww]here (?:is|was) (?:[A-Z][a-z'-]+ ){1,3}from\b|\b[Hh]ometown\b"
)
_HOMETOWN = re.compile(
    r"(?:出生|生人|[男女]|[\u4e00-\u9fff]族)[，,]\s*([\u4e00-\u9fff]{2,8}?)人(?=[，,。；;])"
    r"|(?:籍贯|籍貫)[：:为為是]?\s*([\u4e00-\u9fff]{2,8})(?=[，,。；;])"
)


def hometown(sentence: str) -> str | None:
    """Where a biography says its person comes from ("湖北孝感" of "出生，湖北孝感人，"),
    verbatim; None when the sentence gives no biography."""
    m = _HOMETOWN.search(sentence)
    return (m.group(1) or m.group(2)) if m else None


# A who question's sentence: a title of those news most often names people by, or a
# speaker. (All of TITLES here moves a crud-dev answer: 总统 in "总统本人" is no one named.)
_PERSON = re.compile(
    r"主任|书记|書記|市长|市長|省长|省長|副省长|局长|局長|院士|总裁|總裁|总经理|總經理|秘书长|秘書長|会长|會長|主席|部长|部長|教授|院长|院長|表示|指出"
)
# What an organisation's name ends in (公安部, 交通管理局, 国务院办公厅, 国家认可委员会), in a
# word of three characters or more (全部, 东部 name none). Not 机构, 组织 or 银行: news writes
# them of kinds (金融机构, 商业银行) as often as in names.
_ORGANS = tuple("部 局 委 署 厅 院 办 委员会 办公室 协会 联合会 基金会 法院 检察院".split())
_ORGAN_ENDS = frozenset(s[-1] for s in _ORGANS)
# A reason as news gives it: "因个人原因", "由于…", "出于…考虑", "为了…".
_REASON = re.compile(r"因为|因為|由于|由於|原因|出于|出於|为了|為了|以便|(?<![原基])因(?!此)")

# The words before a quantity's name in "what is/was …": its owner and modifiers ("what was
# Luckin Coffee's revenue", "what was China's new energy vehicle market share"), not a
# clause or a phrase of another noun ("what was the name of the company whose revenue…").
_WHAT_FORM = (
    r"\bwhat (?:(?:is|was|are|were|did|does|do|has|had|will) )?(?:the |its |their )?"
    r"((?:(?!(?:of|in|for|to|by|on|at|from|with|and|or|that|which|who|whose|is|was|are|were|be|"
    r"been|did|does|do|has|had|have|will|would|can|could)\b)[\w'’-]+ ){0,5}?"
)
# The quantity's name ends its phrase: "China's GDP growth rate" asks a rate, not the GDP.
_PHRASE_END = (
    r"(?=\s*(?:[?？,，.;:]|$|(?:of|in|for|to|by|on|at|from|with|and|or|that|which|who|whose|"
    r"did|does|do|has|had|have|was|were|is|are|will|would|as|per|since|during|after|before|"
    r"between|among|under|over|when|while|against|compared)\b))"
)
# "What is the population of …": the value of a quantity, an English how-much question
# (not "the number of containers", which counts containers, nor a rate or a share).
WHAT_QUANTITY = re.compile(
    _WHAT_FORM + r"(?:population|revenue|revenues|income|profit|profits|output|gdp|area|"
    r"price|value|cost|sales|turnover|budget|salary|rainfall|temperature|capacity|"
    r"length|height))\b" + _PHRASE_END,
    re.I,
)
# What else a figure answers: a rate, a share, a score, a magnitude ("what was China's GDP
# growth rate", "what magnitude was the earthquake", "by what score did … win").
_WHAT_FIGURE = re.compile(
    _WHAT_FORM + r"(?:rate|ratio|share|proportion|index|score|magnitude|range|distance|loss|"
    r"losses|balance|volume|count|amount|weight|speed|size))\b" + _PHRASE_END,
    re.I,
)
HOW_OLD = re.compile(r"\bhow old\b|\bat (?:the )?age of\b|\bwhat age\b", re.I)


# Measures written in Latin letters: "239.5mg/100ml", "20km", "5000mAh" are figures, not
# names like "5G".
# grams last and lower-case only: "415g" weighs, "5G" is a name
LATIN_UNITS = r"mg|ml|kg|km|cm|mm|kWh|kW|mAh|GB|TB|MB|g"
# Digits that count nothing: dates and clock times ("8月3日", "2023-2025年", "12时30分"), and
# names with a number in them ("5G", "G20", "COVID-19").
_NON_COUNT = re.compile(
    r"(?:19|20)\d{2}\s*(?:[-—–~至到]\s*(?:19|20)\d{2}\s*)?年|\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号號])?|"
    r"\d{1,2}\s*[日号號]|\d{1,2}\s*[时時点點](?:\s*\d{1,2}\s*分)?|\d{1,2}:\d{2}|"
    rf"[A-Za-z]+-?\d+[A-Za-z]*|\d+(?!(?:{LATIN_UNITS})(?![A-Za-z]))[A-Za-z]+"
)


def blank_non_counts(text: str) -> str:
    """`text` with the digits that count nothing blanked: a count question's number is no
    date ("当地时间8月3日...启幕" gives no number of exhibitors) and no name ("5G基站建设")."""
    return _NON_COUNT.sub(" ", text)


def names_organ(sentence: str) -> bool:
    """Whether the sentence names an organisation (a word ending as one's name does)."""
    if _ORGAN_ENDS.isdisjoint(sentence):  # no word can end so: spare the cut
        return False
    return any(len(w) >= 3 and w.endswith(_ORGANS) for w in words(sentence))


def asking_sentence(question: str) -> str:
    """The sentence that asks, when a question first states its scene ("A man … was
    arrested when he came home. How long was he jailed for?": the second); else all of it."""
    parts = split_sentences(question)
    asking = [p for p in parts if "?" in p or "？" in p]
    return asking[-1] if len(parts) > 1 and len(asking) == 1 else question


def question_type(question: str) -> str:
    """One of position, date, number, list, place, who, organ, why, what (the default), of
    the sentence that asks: the scene a question states first ("arrested when he came home")
    says what happened, not what is asked."""
    question = asking_sentence(question)
    if HOW_OLD.search(question) or WHAT_QUANTITY.search(question) or _WHAT_FIGURE.search(question):
        return "number"  # "How old was he when he died?" asks an age, not a date
    for name, pattern in _TYPE_PATTERNS:
        if pattern.search(question):
            return name
    return "what"


def type_bonus(qtype: str, sentence: str) -> float:
    """How much a sentence looks like an answer of this type (0 when not at all)."""
    if qtype == "number":
        return 0.25 if NUMBER.search(blank_non_counts(sentence)) else 0.0
    if qtype == "list":
        # A region is a list of the provinces it joins: 京津冀晋鲁豫, each by its short name.
        many = sentence.count("、") >= 2 or REGION_RUN.search(sentence) is not None
        return 0.25 if many else (0.1 if "、" in sentence else 0.0)
    if qtype == "date":
        return 0.25 if _DATE.search(sentence) else 0.0
    if qtype == "place":
        return 0.2 if _PLACE.search(sentence) else 0.0
    if qtype == "who":
        return 0.2 if _PERSON.search(sentence) else 0.0
    if qtype == "position":
        return 0.25 if _TITLE.search(sentence) else 0.0
    if qtype == "organ":
        return 0.2 if names_organ(sentence) else 0.0
    if qtype == "why":
        return 0.25 if _REASON.search(sentence) else 0.0
    return 0.0
