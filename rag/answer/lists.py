"""The items a sentence enumerates ("福建、广东、浙江、四川等"): a list question's short answer.

Chinese news lists with the enumeration comma 、; only the items at the ends of a run need
cutting from the words around them ("视频连线福建、广东、浙江、四川等省份"), and jieba's
words tell where they start and stop.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.text import REGION_RUN, normalize

# A clause: the text between punctuation that ends or frames a phrase.
_CLAUSE = re.compile(r"[^，,。；;：:！!？?（）()“”\"《》〈〉\s]+")
_MAX_ITEM = 15  # characters: a longer part between two 、 is a clause, not an item
# Characters between a list and the question's nearest word: a list further off in the
# sentence is about something else ("签署友好城市意向书，...在经贸、教育、文化等领域").
_NEAR = 6
_CONJUNCTION = re.compile(r"以及|和|及|与")
# How a company's name ends ("中国电子系统技术有限公司", which jieba cuts into an idiom, 电子系统).
_COMPANY_ENDINGS = ("有限责任公司", "有限公司", "集团公司", "集团")


def enumeration(sentence: str, near: Sequence[str] = (), deed: str | None = None) -> str | None:
    """The run of two or more enumerated items in `sentence`, verbatim (ending in 等 when
    the sentence says it), the one nearest the question's words `near` (of those the asked
    `deed` follows: "…主办,A、B承办" asked who 承办); None when the sentence lists nothing
    within `_NEAR` characters of them, or when its text does not map one to one onto its
    normalised form (offsets would not be verbatim)."""
    norm = normalize(sentence)
    if len(norm) != len(sentence):
        return None
    runs = [run for m in _CLAUSE.finditer(norm) if (run := _run(m.group(0), m.start()))]
    # Provinces by their short names, run together: 京津冀晋鲁豫 lists six.
    runs += [(m.start(), m.end()) for m in REGION_RUN.finditer(norm)]
    if deed:
        runs = [r for r in runs if deed in norm[r[1] : r[1] + len(deed) + 2]] or runs
    if not runs:
        return None
    spans = [(m.start(), m.end()) for t in near if t for m in re.finditer(re.escape(t), norm)]

    def gap(run: tuple[int, int]) -> int:
        return min((max(s - run[1], run[0] - e, 0) for s, e in spans), default=_NEAR + 1)

    best = min(runs, key=gap)
    return sentence[best[0] : best[1]] if gap(best) <= _NEAR else None


def _run(clause: str, offset: int) -> tuple[int, int] | None:
    """(start, end) in the sentence of the clause's enumerated items, or None."""
    parts = clause.split("、")
    middle = parts[1:-1]
    if len(parts) < 2 or not all(parts) or any(len(p) > _MAX_ITEM for p in middle):
        return None
    if not all(_is_item(p) for p in middle):
        return None  # "应急管理部继续与中国气象局": a clause between two 、, not an item
    longest = max(map(len, middle), default=0)
    reach = 3 * longest if longest else _MAX_ITEM
    last = _last_item(parts[-1], reach, _common_suffix([parts[0], *middle]))
    if not last or 3 * len(last) < longest:
        return None  # "国家" of "国家发展改革委原副主任": cut short, not an item
    first = _first_item(parts[0], max(2, longest, len(last.rstrip("等"))))
    if not first:
        return None
    start = offset + len(parts[0]) - len(first)
    end = offset + len(clause) - len(parts[-1]) + len(last)
    return start, end


def _tagged(text: str, inner: bool = False) -> list[tuple[str, bool]]:
    """jieba's words of `text`, each with whether it can be (part of) a named item: nouns
    and names (n, nr, ns, nt, nz, ...), abbreviations (j) and Latin words; `inner` (an
    item between two 、) also verbal nouns and attributives ("旅游", "高端"), which at the
    ends of a list are as often the words around it ("...有限公司主办")."""
    import jieba.posseg

    kinds = ("eng", "vn", "b") if inner else ("eng",)
    return [(w, f[:1] in ("n", "j") or f in kinds) for w, f in jieba.posseg.lcut(text) if w]


def _is_item(text: str) -> bool:
    """Nouns only, or two noun runs joined by one conjunction ("文化和旅游")."""
    tagged = _tagged(text, inner=True)
    joins = [w for w, nounish in tagged if not nounish]
    return not joins or (
        len(joins) == 1
        and bool(_CONJUNCTION.fullmatch(joins[0]))
        and tagged[0][1]
        and tagged[-1][1]
    )


def _first_item(text: str, cap: int) -> str:
    """The first item: the nouns before the first 、, from the right, as long as the other
    items ("视频连线福建" -> 福建; "是华为技术有限公司" -> 华为技术有限公司)."""
    item, joined = "", False
    for word, nounish in reversed(_tagged(text)):
        if item and not nounish and not joined and _CONJUNCTION.fullmatch(word):
            item, joined = word + item, True  # "工业和信息化部"
            continue
        if not nounish or (item and len(word) + len(item) > cap):
            break
        item = word + item
    return item.lstrip("和及与以")


def _common_suffix(items: list[str]) -> str:
    """What the items before the last all end with, when it is a word's length ("有限公司"),
    else ""."""
    if len(items) < 2:
        return ""
    n = 0
    while n < min(map(len, items)) and len({i[len(i) - n - 1] for i in items}) == 1:
        n += 1
    return items[0][len(items[0]) - n :] if n >= 2 else ""


def _last_item(text: str, reach: int, suffix: str = "") -> str:
    """The last item and what closes the list: up to 等 when it comes within `reach`
    ("云计算和物联网等领域" -> 云计算和物联网等), or up to the other items' common ending
    ("神州数码控股有限公司夺得" -> 神州数码控股有限公司), else the leading nouns, joined by
    one conjunction ("天津和河北的" -> 天津和河北)."""
    stop = text.find("等")
    if 0 < stop <= reach:
        return text[: stop + 1]
    for k in range(len(suffix), 1, -1):  # "技术有限公司" in common: 有限公司 may be enough
        end = text.find(suffix[-k:])
        if 0 < end and end + k <= reach:
            return text[: end + k]
    for ending in _COMPANY_ENDINGS:  # a company's name ends so, whatever jieba makes of it
        end = text.find(ending)
        if 0 < end and end + len(ending) <= reach:
            return text[: end + len(ending)]
    item, joined = "", False
    for word, nounish in _tagged(text):
        if nounish:
            item += word
        elif item and not joined and _CONJUNCTION.fullmatch(word):
            item, joined = item + word, True
        else:
            break
    return item if item and not _CONJUNCTION.search(item[-2:]) else item.rstrip("和及与以")
