"""An English question read as Chinese news writes it: its Chinese term groups
(`Sources.translate`, else the dictionary alone) and its capitalised names, each as the
groups of renderings an article may mention it by."""

from __future__ import annotations

import re
from collections.abc import Callable

from rag.retrieve.cedict import dictionary
from rag.retrieve.names import is_pinyin_name
from rag.retrieve.translate import EVENT_WORDS, MIN_NAME_LETTERS, mostly_latin, term_groups
from rag.text import normalize

__all__ = ["Translate", "english_name_runs", "groups_of"]

# An English text's Chinese term groups as the corpus writes them (`Sources.translate`).
Translate = Callable[[str], list[tuple[str, ...]]]


def groups_of(text: str, translate: Translate | None) -> list[tuple[str, ...]]:
    """The Chinese term groups of an English text: by `translate` when given, else by the
    dictionary alone."""
    return translate(text) if translate is not None else term_groups(text)


# Capitalised by English convention, not names.
_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
# Posts are capitalised before a name or as a title ("President Biden", "Chief of Naval
# Operations"): the articles may name the post otherwise (海军作战部部长, no 首席).
_POSTS = frozenset(
    "chief president vice deputy governor mayor minister secretary director chairman "
    "chairwoman premier ambassador spokesman spokeswoman spokesperson commissioner prime "
    "general admiral senator speaker".split()
)


_CAMEL_CASE = re.compile(r"[a-z][A-Z]")
# An adjective of nationality translates as a language or a people (台语, 俄罗斯人).
_PEOPLE_OR_LANGUAGE = "语人"
_POSSESSIVE_END = re.compile(r"(?:'s|’s|'|’)?[.,;:!?\"]*$")
# One name may hold "of" or "for" ("Ministry of Water Resources": 水利部, as a whole); it
# ends where Chinese begins ("Futurist Alliance的定价": the name is "Futurist Alliance").
# A pinyin name may hold an apostrophe between syllables ("Zong'an"), not a possessive's.
_LATIN_WORD = r"[A-Z](?:(?![\u3400-\u9fff\uf900-\ufaff])[\w-]|['’](?![sS]\b)(?=[a-z]))*"
_CAPITALISED_RUN = re.compile(
    rf"(?:\b{_LATIN_WORD}(?:\s+(?:(?:of|for)\s+(?=[A-Z]))?|(?=[^\w\s])|(?=[\u3400-\u9fff])|$)){{1,6}}"
)


def english_name_runs(question: str, translate: Translate | None) -> list[list[tuple[str, ...]]]:
    """Chinese renderings of the capitalised names of an English question, one list per
    name ("China Hi-Tech Fair" -> [(中国,), (高交会, ...)]) of one group of alternatives per
    word or phrase.

    Latin pass-throughs ("CCID", "5G") are left out: the articles may write them in Chinese.
    The question's first word is capitalised as a sentence start, not as a name; months and
    weekdays are capitalised by convention. A common word inside a name is read in none of
    its senses: "Three Sheep Network" is no 绵羊, "Board of Investment" no 木板; the name's
    other words, phrases and readings remain.
    """
    if not mostly_latin(question):
        return []
    # The first word is capitalised as a sentence start, unless it opens a name the
    # dictionary knows whole ("New York City plans…": 纽约市, not 约克).
    first_two = " ".join(w.lower() for w in question.split()[:2])
    opens_name = bool(re.match(r"\s*[A-Z]\w*\s+[A-Z]", question)) and dictionary().has(first_two)
    after_first_word = question if opens_name else re.sub(r"^\s*\S+", "", question)
    runs: list[list[tuple[str, ...]]] = []
    for m in _CAPITALISED_RUN.finditer(after_first_word):
        words = [
            w for w in m.group(0).split() if w.strip(".,;:!?'\"’").lower() not in _CALENDAR | _POSTS
        ]
        run: list[tuple[str, ...]] = []
        bare = [w.strip(".,;:!?'\"’") for w in words]
        # An event's name is all its words: "China Hi-Tech Fair" is 高交会, of 高新技术 and
        # 交易会, the words' common senses.
        event = any(w.lower() in EVENT_WORDS for w in bare)
        # "a man surnamed Qu": a lone short syllable ("Li" alone names too many people)
        lone = _POSSESSIVE_END.sub("", words[0]) if len(words) == 1 else ""
        lone = lone if len(lone) < MIN_NAME_LETTERS and not lone.isupper() else ""  # DJI: 大疆
        plain: set[str] = set()  # the renderings of the name's common words
        for w in bare if not event else []:
            if dictionary().ordinary(w):
                plain.update(a for g in groups_of(w, translate) for a in g if not a.isascii())
        for g in groups_of(" ".join(words), translate) if words else []:
            if plain.intersection(g):  # a common word's senses, alone or in the run's words
                continue
            # A word's own spelling (translate's "cruise" beside 巡航) is no sense of it.
            senses = [a for a in g if a and not (a.isascii() and a.isalpha() and a.islower())]
            alts = tuple(normalize(a) for a in senses if not a.isascii())
            # A product's name the articles write in Latin letters (TransGPT, not WenTian)
            product = (
                len(senses) == 1
                and _CAMEL_CASE.search(senses[0]) is not None
                and senses[0].lower() in g
            )
            if product:
                alts = (normalize(senses[0]),)
            # An acronym the dictionary renders (SMIC: 中芯国际) is named by the rendering or
            # as written; one it cannot render ("CICC") may be written in Chinese any way.
            acronym = [a for a in senses if a.isascii()]
            if alts and acronym and all(a.isupper() and a.isalpha() for a in acronym):
                alts = (*alts, *(normalize(a) for a in acronym))
            # A lone character is a romanised syllable's guess ("Yan": 燕), not a name.
            whole = product or len(alts) == len(senses)
            if alts and all(a[-1] in _PEOPLE_OR_LANGUAGE for a in alts):
                continue  # "Taiwanese students": 台语 is the language; the article says 台湾
            if lone and lone.lower() not in g:
                continue  # "a man surnamed Qu": a lone syllable's guess (渠县), not a name
            if alts and whole and min(map(len, alts)) >= 2 and alts not in run:
                run.append(alts)
        if not run and is_pinyin_name(bare):
            # "Quan Hongchan": a Chinese name in pinyin that no corpus word reads (else the
            # translation would have found it): no article names her.
            runs.append([(normalize(" ".join(bare)),)])
            continue
        surname = bare[-1] if len(bare) > 1 and not event else ""
        if (
            run
            and surname
            and not dictionary().ordinary(surname)
            and not groups_of(surname, translate)
        ):
            # "Maria Zakharova": news names a foreigner by the surname (扎哈罗娃), which the
            # dictionary cannot render; the given name's rendering (玛丽亚) is no test.
            continue
        if run:
            # News writes some names in Latin letters (Mac, iPhone): the name as asked is
            # one more way to mention each of its words, not a requirement of its own.
            latin = normalize(" ".join(_POSSESSIVE_END.sub("", w) for w in words))
            runs.append([(*g, latin) for g in run] if len(latin) >= 2 else run)
    return runs
