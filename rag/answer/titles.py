"""Who holds a title, as a question asks it: the owner a Chinese question names ("华为的总裁
是谁": 华为), whether a sentence names the title of that owner, the title and owner of an
English question ("Who is the mayor of Shenzhen?"), and the deed an English who question
asks the doer of ("Who undertook…")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.english import Translate
from rag.answer.kinds import TITLES
from rag.answer.question import tagged
from rag.text import normalize

__all__ = [
    "OPENING_CHARS",
    "OWN_TITLE_REACH",
    "english_deed",
    "english_title",
    "holds_title",
    "title_owner",
]


def title_owner(question: str, title: str) -> str | None:
    """Whose `title` a who question asks: the noun just before it ("华为的总裁是谁" -> 华为,
    "国家信息中心主任是谁" -> 国家信息中心), else None."""
    words = tagged(question)
    for i, (word, _flag) in enumerate(words):
        if word != title:
            continue
        j = i - 1 if i and words[i - 1][0] != "的" else i - 2
        # not the title's own head ("G817次列车的列车长": 列车 is no owner of 列车长)
        if j >= 0 and words[j][1][:1] in ("n", "j") and len(words[j][0]) >= 2:
            return None if words[j][0][-2:] in title else words[j][0]
    return None


_OWNER_REACH = 12  # characters between an owner and its title: "华为技术有限公司总裁"
_CHARS_PER_WORD = 2  # an English owner's word, as Chinese writes it (Music: 音乐)
# An owner's own title follows it: "国家信息中心主任徐强", where "国家信息中心信息化和产业
# 发展部主任" is a department's head.
OWN_TITLE_REACH = 6


# A title standing alone after these ("，省长赵龙", "书记和市长") is of the article's own
# place or body: news names it once, in its opening lines.
_BARE_BEFORE = "，。；：、,;:和与及"
# Where an article says whose 省长 / 市长 it means: its title and opening lines.
OPENING_CHARS = 150


def holds_title(
    sentence: str,
    title: str,
    owner: Sequence[tuple[str, ...]] = (),
    reach: int = 0,
    opening: str = "",
) -> bool:
    """Whether a normalised sentence names `title` (not its deputy, 副市长 for 市长), of the
    owner when the question names one: most of its words (groups of alternatives), at least
    half, within `_OWNER_REACH` characters before the title, or, when the title stands alone
    ("，省长赵龙"), in the article's `opening`. Most, not all: an English owner's words are
    translated one by one ("National Meteorological Center": 全国, 气象, 中心, for the
    articles' 国家气象中心). `reach` narrows the window (0: `_OWNER_REACH`)."""
    # A long owner's name spans more characters ("全球音乐教育联盟国际小提琴大赛主席").
    reach = reach or max(_OWNER_REACH, _CHARS_PER_WORD * len(owner) + 4)
    for m in re.finditer(rf"(?<!副){re.escape(title)}", sentence):
        before = sentence[max(0, m.start() - reach) : m.start()]
        found = sum(any(a in before for a in alts) for alts in owner)
        if 2 * found >= len(owner):
            return True
        if opening and (m.start() == 0 or sentence[m.start() - 1] in _BARE_BEFORE):
            if 2 * sum(any(a in opening for a in alts) for alts in owner) >= len(owner):
                return True
    return False


# "Who undertook the conference?": the deed a who question asks the doer of (not "who is").
_WHO_DID = re.compile(
    r"^\s*who\s+(?!(?:is|was|are|were|has|have|had|will|would|did|does|do|can|could|may|"
    r"might|should|must)\b)([a-z]+)\b",
    re.I,
)


# "How many people have died…": the deed a how-many question counts the doers of, a past
# tense after the counted words.
_HOW_MANY_DID = re.compile(
    r"^\s*how many\s+[a-z][a-z -]*?\s+(?:(?:have|has|had|were|was|been)\s+)*([a-z]+ed|died)\b",
    re.I,
)


def english_deed(question: str, translate: Translate) -> tuple[str, ...]:
    """The Chinese words of the deed an English who question asks the doer of ("Who
    undertook…" -> 承担, 承办), or a how-many question counts ("How many people died" ->
    死亡), as `asked_attribute` gives a Chinese one's; () if none."""
    m = _WHO_DID.match(question) or _HOW_MANY_DID.match(question)
    groups = translate(m.group(1)) if m else []
    return tuple(normalize(a) for a in groups[0]) if groups else ()


# "Who is the mayor of Shenzhen?", "Who is Shenzhen's mayor?": a title of one to three
# lower-case words ("the Luzhou party secretary that gave..." asks no title of anything).
_WHO_TITLE_OF = re.compile(
    r"\b(?i:who) (?i:is|was|are|were) (?:the |its )?(?:current |new )?"
    r"([a-z]+(?:[ -][a-z]+){0,2}) (?:of|at|for) (?:the )?([^?]+?)\s*[?.]*$"
)
# The administrative units whose head an English "mayor" or "head" names.
_UNITS_HEAD = {
    "town": "镇长",
    "township": "乡长",
    "county": "县长",
    "district": "区长",
    "village": "村长",
}
_UNITS = re.compile(rf"\b({'|'.join(_UNITS_HEAD)})\b", re.I)
_HEADS = frozenset({"mayor", "head", "chief"})
_RELATIVE = re.compile(
    r",\s*(?:which|who|that|where|when)\b|\s+(?:which|that)\s+(?=[a-z]+ed\b)", re.I
)
_WHO_OWNERS_TITLE = re.compile(
    r"\b(?i:who) (?i:is|was) (?:the )?([^?]+?)'s ([a-z]+(?:[ -][a-z]+){0,2})\s*[?.]*$"
)


def english_title(
    question: str, translate: Translate
) -> tuple[tuple[str, ...], list[tuple[str, ...]]] | None:
    """The titles (TITLES, as Chinese writes them) an English who question asks the holder
    of, and its owner's words as groups of alternatives ("Who is the mayor of Shenzhen?" ->
    (市长,), [(深圳, 深圳市)]); None when it asks no title."""
    m = _WHO_TITLE_OF.search(question)
    title, owner = (m.group(1), m.group(2)) if m else (None, None)
    if m is None and (m := _WHO_OWNERS_TITLE.search(question)):
        owner, title = m.group(1), m.group(2)
    if title is None or owner is None:
        return None
    # "…Violin Competition, which shortlisted 24 violinists": the clause is no part of it.
    owner = _RELATIVE.split(owner, maxsplit=1)[0]
    titles = tuple(a for g in translate(title) for a in g if any(a.endswith(t) for t in TITLES))
    unit = _UNITS.search(owner)
    if unit and title.lower() in _HEADS:
        # China's heads are named by their unit: the mayor of a town is its 镇长, not 市长.
        # The owner is the unit's name: "Tanzhesi town in Beijing's Mentougou district" is
        # 潭柘寺 (its 镇 is in the title; where it lies, news may not repeat).
        titles = (_UNITS_HEAD[unit.group(1).lower()],)
        owner = owner[: unit.start()]
    if not titles:
        return None
    return titles, [tuple(normalize(a) for a in g) for g in translate(owner)]
