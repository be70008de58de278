"""What an English how-many question counts, and the sentences that can answer it: the
counted noun phrase's head in the renderings the corpus uses, beside a number."""

from __future__ import annotations

import re

from rag.answer.english import Translate, groups_of
from rag.answer.kinds import NUMBER, NUMERAL
from rag.retrieve.translate import PAST_FORMS, term_groups
from rag.text import CJK, normalize

__all__ = ["english_counted", "head_and_number", "how_many_pattern"]

# "How many visitors ...": the answer states a number.
_HOW_MANY = re.compile(r"\bhow many\b", re.I)
# The counted noun phrase: the words after "how many" up to an auxiliary, a preposition or a
# past tense ("visitors attended"; a participle adjective such as "intended" also ends it).
_COUNTED = re.compile(
    r"\s*((?:(?!(?:has|have|had|do|does|did|is|are|was|were|will|would|can|could|been|of|in|"
    r"at|on|for|from|with|without|within|by|to|than|under|over|about|after|before|during|near|"
    r"across|through|per|into|among|"
    + "|".join(sorted(PAST_FORMS))  # "exhibitors took part": an irregular past also ends it
    + r")\b|\w+ed\b"
    # a participle with its own object or place ("outlets discharging into rivers")
    r"|\w+ing\b(?=\s+(?:into|in|on|at|to|from|with|for|the|a|an|part)\b))[\w'-]+\s*){1,5})",
    re.I,
)


# Units an English count asks in, as Chinese writes them after the number.
_UNITS = {
    **dict.fromkeys(("day", "days"), "天|日"),
    **dict.fromkeys(("year", "years"), "年"),
    **dict.fromkeys(("month", "months"), "个月|個月"),
    **dict.fromkeys(("week", "weeks"), "周|週|星期"),
    **dict.fromkeys(("hour", "hours"), "个小时|個小時|小时|小時"),
    **dict.fromkeys(("minute", "minutes"), "分钟|分鐘"),
    **dict.fromkeys(("times",), "次"),
    # people are counted in 人, 名, 位 ("53人死亡"), not by a word for people (人们, 人民)
    **dict.fromkeys(("people", "persons"), "人|名|位"),
    **dict.fromkeys(("copies",), "张|張|册|冊|份|本|套"),
    **dict.fromkeys(("entries", "items", "pieces"), "条|條|项|項|件|份"),
}


def how_many_pattern(asked: str, translate: Translate | None) -> re.Pattern[str] | None:
    """What a sentence must contain to answer an English how-many question (None for any
    other question): a number, and the counted thing in one sentence. English noun phrases
    end in their head ("innovative application scenarios": 场景), so the phrase's last term
    stands for it; a unit ("how many days") is a number of 天. A numeral counts with its
    classifier: "一时", "统一", "进一步" count nothing."""
    m = _HOW_MANY.search(asked)
    if not m:
        return None
    phrase = _COUNTED.match(asked[m.end() :])
    words = phrase.group(1).split() if phrase else []
    head = words[-1].lower() if words else ""  # "text data entries": entries
    if head in _UNITS:
        return re.compile(rf"(?:{NUMERAL})\s*(?:多|余|餘)?\s*(?:{_UNITS[head]})")
    counted = head_and_number(phrase.group(1), translate, counts=True) if phrase else None
    return counted or NUMBER


def english_counted(question: str, translate: Translate | None) -> list[str]:
    """The Chinese renderings of what an English how-many question counts ("How many
    sewage outlets…" -> 排污口, 排水口); [] for any other question."""
    asked = normalize(question)
    m = _HOW_MANY.search(asked)
    phrase = _COUNTED.match(asked[m.end() :]) if m else None
    return _head_alternatives(phrase.group(1), translate) if phrase else []


_HEAD_SENSES = 8  # dictionary senses of a counted head a sentence may count it by


def _head_alternatives(
    phrase: str, translate: Translate | None, shortest: int = 2, further: bool = False
) -> list[str]:
    """An English noun phrase's head (its last term) in its renderings of `shortest`
    characters or more; `further`: and its further dictionary senses."""
    groups = groups_of(phrase, translate)
    # The head alone as well: a phrase's rendering may fold it in ("Heilongjiang rivers":
    # 黑龙江河, where the article counts 河流).
    head = groups_of(phrase.split()[-1], translate) if phrase.split() else []
    alts = list(dict.fromkeys(normalize(a) for g in groups[-1:] + head[-1:] for a in g))
    if further and phrase.split() and all(len(a) > 1 for a in alts):
        # The corpus's favourite three senses may miss the one a sentence counts by ("peace
        # initiatives": 倡议, fourth after 积极性). Not for a head read by one character
        # (village: 村), which counts by it; its further senses (村里) are in any sentence.
        wider = term_groups(phrase.split()[-1], max_per_term=_HEAD_SENSES)
        alts += [a for g in wider[-1:] for a in map(normalize, g) if a not in alts and len(a) > 1]
    return [a for a in alts if len(a) >= shortest]


# Characters of a rendering that say "number" or "amount" (人口数), not what is counted.
_COUNT_CHARS = "数量"


def head_and_number(
    phrase: str, translate: Translate | None, counts: bool = False
) -> re.Pattern[str] | None:
    """A sentence naming an English noun phrase's head (its last term, in any of its
    renderings) and a number; None when the head has no rendering of two characters. Or
    a number counting a noun, a few characters after it, with a rendering of one character
    (village: 村: "147个受灾行政村"); `counts` (a how-many question): with a character of
    any rendering, as the dictionary's senses may miss the word a sentence counts by but
    not its characters ("places" climbed: 上升了64个名次, 名额; "training classes": 154个
    班次, 班级; "businesses": 60家中国企业, 行业)."""
    every = _head_alternatives(phrase, translate, shortest=1, further=True)
    alts = [a for a in every if len(a) > 1]
    if not alts:
        return None
    either = "|".join(re.escape(a) for a in alts)
    chars = "".join(
        dict.fromkeys(
            c
            for a in every
            if len(a) == 1 or counts
            for c in a
            if re.match(f"[{CJK}]", c) and c not in _COUNT_CHARS
        )
    )
    counted = rf"|(?:{NUMERAL})\s*(?:多|余|餘)?\s*(?:万|萬)?\s*[个個座家所条條]?[\u4e00-\u9fff]{{0,4}}[{chars}]"
    return re.compile(rf"(?=.*(?:{either}))(?=.*(?:{NUMBER.pattern}))" + (counted if chars else ""))
