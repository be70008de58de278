"""Questions in parts: "A和B分别在哪座城市举行？" asks the same of A and of B.

Each part is answered as a question of its own (its own passages, its own best sentence),
and the answers are joined under the part's name with their citations renumbered: one
search for both would quote the article about A twice and B not at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rag.answer.verify import renumber_markers
from rag.retrieve.translate import mostly_latin
from rag.text import normalize, words
from rag.types import Answer, Citation

# "分别" / "各自" after the coordinated names: what follows is asked of each of them.
_EACH = re.compile(r"分别|分別|各自")
_AND = frozenset({"和", "与", "與", "及", "以及", "、", "跟", "同"})
_OPEN, _CLOSE = '“「『《(（"', '”」』》)）"'
# A position word or clause after the last name belongs to every name ("A和B上，分别…").
_PLACE_TAIL = re.compile(r"(?:上|中|里|裡|期间|期間|时|時)$")
_MAX_PARTS = 4


@dataclass(frozen=True)
class Part:
    """What a question asks of one of its names: the name, and the question about it."""

    name: str
    question: str


def question_parts(question: str) -> list[Part]:
    """The questions a question of coordinated names asks of each name, in order
    ("A和B分别在哪座城市举行？" -> A: "A在哪座城市举行？", B: "B在哪座城市举行？"; "Where
    were A and B held, respectively?" -> A: "Where were A held?", ...); [] when it asks one
    thing."""
    if mostly_latin(question):
        return _english_parts(question)
    m = _EACH.search(question)
    if not m:
        return []
    head, asked = question[: m.start()], question[m.end() :]
    comma = "，" if re.search(r"[，,]\s*$", head) else ""
    items = _coordinated(head.rstrip("，,、 \t"))
    if not 2 <= len(items) <= _MAX_PARTS or any(len(i) < 2 for i in items) or not asked.strip():
        return []
    shared, tail = "", ""
    if t := _PLACE_TAIL.search(items[-1]):
        tail, items[-1] = t.group(), items[-1][: t.start()]
    elif "的" in items[-1] and all("的" not in i and len(i) <= 6 for i in items[:-1]):
        # "北京和上海的人口": the attribute after the last name is every name's.
        cut = items[-1].rindex("的")
        tail, items[-1] = items[-1][cut:], items[-1][:cut]
    if s := re.match(r"(.{2,12}?)(?:在|于|於)", items[0]):
        # "青岛在2021年和2023年": the subject before the first name is every name's.
        shared = s.group(0)
    elif "的" in items[0] and all("的" not in i and len(i) <= 6 for i in items[1:]):
        # "峰会的主会场和分会场": whose they are is said once, before the first.
        shared = items[0][: items[0].rindex("的") + 1]
    names = [items[0]] + [i if i.startswith(shared) else shared + i for i in items[1:]]
    return [Part(n, f"{n}{tail}{comma}{asked}") for n in names]


# "..., respectively": what the question asks, it asks of each of two names.
_RESPECTIVELY = re.compile(r",?\s*\brespectively\b\s*,?", re.I)
# The end of the asking words before the first name: an auxiliary ("When were"), or the
# last preposition ("Who spoke at", "What are the populations of").
_AUXILIARY_END = re.compile(r"^.*?\b(?:was|were|is|are|did|do|does|will|has|have|had)\b", re.I)
_PREPOSITION_END = re.compile(r"^.*\b(?:at|in|on|of|for|to|by)\b", re.I)
_SHORT_NAME = 3  # words: "Beijing and Shanghai" share what comes before them
_SINGULAR = {
    "cities": "city",
    "countries": "country",
    "provinces": "province",
    "places": "place",
    "years": "year",
    "dates": "date",
    "days": "day",
    "months": "month",
}
_ONE_ASKED = re.compile(rf"\b(which|what)\s+({'|'.join(_SINGULAR)})\b", re.I)
# Where the second name ends and the shared predicate starts ("... Summit held"): a past
# participle, or a verb after "did" ("... take place"); a name's words are capitalised.
_PREDICATE = re.compile(
    r"\s(?=(?:[a-z]+ed|held|built|made|won|begun|given|taken|led|set|take|took|open|close|"
    r"start|begin|end)\b)"
)


def _english_parts(question: str) -> list[Part]:
    """Two names joined by "and" in a question that says "respectively"; [] otherwise."""
    if not _RESPECTIVELY.search(question):
        return []
    text = _RESPECTIVELY.sub(" ", question).strip()
    end = "?" if text.endswith("?") else ""
    text = text.rstrip("?").strip()
    if text.count(" and ") != 1:
        return []
    left, right = text.split(" and ")
    cut = _PREDICATE.search(right)
    second, predicate = (right[: cut.start()], right[cut.start() :]) if cut else (right, "")
    aux, prep = _AUXILIARY_END.match(left), _PREPOSITION_END.match(left)
    short = prep and len(left[prep.end() :].split()) <= _SHORT_NAME
    asking = prep if short and len(second.split()) <= _SHORT_NAME or not aux else aux
    if not asking:
        return []
    prefix, first = left[: asking.end()], left[asking.end() :]
    names = [first.strip(), second.strip()]
    if any(len(n) < 2 for n in names):
        return []
    # Each part asks for one: "In which cities were A and B held" -> "In which city was A".
    prefix = _ONE_ASKED.sub(lambda m: f"{m.group(1)} {_SINGULAR[m.group(2).lower()]}", prefix)
    prefix = re.sub(r"\bwere\b", "was", prefix)
    return [Part(n, f"{prefix} {n}{predicate}{end}") for n in names]


def _coordinated(head: str) -> list[str]:
    """`head` cut at its coordinating words (jieba's words, so 和平 is no 和), outside
    quotes and brackets; offsets map onto the text as written."""
    cut = words(head)
    if sum(len(w) for w in cut) != len(head) or normalize(head) != "".join(cut):
        return []
    items, start, pos, depth = [], 0, 0, 0
    for w in cut:
        depth += sum(w.count(c) for c in _OPEN) - sum(w.count(c) for c in _CLOSE)
        if w in _AND and depth == 0:
            items.append(head[start:pos].strip())
            start = pos + len(w)
        pos += len(w)
    items.append(head[start:].strip())
    return items if len(items) > 1 else []


def apart(answers: Sequence[Answer]) -> bool:
    """Whether the parts' answers say different things: some part is answered, and not all
    of them quote the same sentences (one sentence naming both 主会场 and 分会场 answers
    the question whole, once)."""
    quoted = {tuple((c.chunk_id, c.start, c.end) for c in a.citations) for a in answers}
    return not all(a.abstained for a in answers) and len(quoted) > 1


def joined(parts: Sequence[Part], answers: Sequence[Answer], question: str) -> Answer:
    """One answer of the parts' answers, each under its part's name ("A：福州。[1]…"), the
    citations numbered once across them (a sentence cited by two parts keeps one number)."""
    citations: list[Citation] = []
    numbers: dict[tuple[str, int, int], int] = {}
    texts: list[str] = []
    for part, ans in zip(parts, answers, strict=True):
        renumber: dict[int, int] = {}
        for c in ans.citations:
            key = (c.chunk_id, c.start, c.end)
            if key not in numbers:
                numbers[key] = len(citations) + 1
                citations.append(replace(c, n=numbers[key]))
            renumber[c.n] = numbers[key]
        colon = ": " if mostly_latin(part.question) else "："
        texts.append(f"{part.name}{colon}{renumber_markers(ans.text, renumber)}")
    return Answer(
        text="\n".join(texts),
        citations=citations,
        abstained=all(a.abstained for a in answers),
        unsupported=[u for a in answers for u in a.unsupported],
        mode=answers[0].mode if answers else "extractive",
        question=question,
        closest=[h for a in answers for h in a.closest][:3],
    )
