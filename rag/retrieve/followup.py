"""Follow-up questions: a deterministic rewrite of the question from the conversation.

Rule (offline): a question is a follow-up when it uses a pronoun (它, 他们, it, they), a
demonstrative (这个, 该, 其中, this, there), opens elliptically (那, 那么, 还有, 另外, "and",
"what about") or ends in 呢, or names no topic of its own (at most one content word; in
Chinese, no noun or name: "同比增长了多少？", "会谈持续了多久？"). Then
- a bare pronoun (它, 它们, 他们, it, they) is replaced by the first proper noun (place,
  person, organisation) of the last answer when the last question asked for one of that
  kind (哪个城市, 谁, 哪家, which, where: "主会场在哪个城市？" "…青岛…" "它一共建了多少个5G
  基站？" -> "青岛一共建了..."), else of the latest earlier user turn that has one;
- otherwise (a demonstrative such as 这个博览会 already names its noun; an elliptical
  question names only what changed) the earlier user question is carried along as context: it is added to the search
  text, and its words count half as much as the new question's when choosing sentences
  ("那县级城市呢？" after "哪些城市获得了2023中国领军智慧城市奖？" searches both, and prefers
  sentences about 县级城市).
Only the last two user turns are used, so a topic change is not dragged along forever.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection
from dataclasses import dataclass

from rag.retrieve.names import SURNAMES, misread_name
from rag.text import content_terms

# Bare pronouns stand for an entity and are replaced; demonstratives qualify a noun the
# question already names, so they only mark the question as a follow-up.
_PRONOUN = re.compile(r"它们|它們|它|他们|他們|她们|她們|\b(it|its|they|them|their)\b", re.I)
_DEMONSTRATIVE = re.compile(
    r"该|該|其中|这个|這個|那个|那個|这些|這些|那些|这里|這裡|那里|那裡|这次|這次|那次|此次|\b(this|that|these|those|there)\b",
    re.I,
)
_ELLIPTIC_START = re.compile(
    r"^(那么|那麼|那|还有|還有|另外|此外|and\b|what about\b|how about\b|and what\b)", re.I
)
_ELLIPTIC_END = re.compile(r"呢[？?！!。.\s]*$")
_posseg_lock = threading.Lock()


@dataclass(frozen=True)
class Rewrite:
    """`question`: the new turn (pronouns resolved); `context`: carried earlier text."""

    question: str
    context: str = ""

    @property
    def standalone(self) -> str:
        return f"{self.context} {self.question}".strip() if self.context else self.question

    @property
    def search_text(self) -> str:
        return self.standalone


def is_elliptical(question: str) -> bool:
    """Whether a follow-up only swaps the topic of the last question ("净利润呢？", "And
    its net profit?", "那县级城市呢？"): it asks the same thing of it."""
    q = question.strip()
    return bool(_ELLIPTIC_START.search(q) or _ELLIPTIC_END.search(q))


def is_followup(question: str) -> bool:
    q = question.strip()
    return bool(
        _PRONOUN.search(q)
        or _DEMONSTRATIVE.search(q)
        or _ELLIPTIC_START.search(q)
        or _ELLIPTIC_END.search(q)
        or len(content_terms(q)) <= 1
        or not _names_a_subject(q)
    )


# What a question can be about: nouns, names, verbal nouns, Latin words (jieba's tags).
_SUBJECT_TAGS = frozenset("n nr ns nt nz nrt nw vn eng".split())
# Nouns that frame the answer asked for (什么时候), not a subject.
_FRAMES = frozenset("时候 时间 日期 地方 地点 情况 原因 结果 多久 多长".split())


def _names_a_subject(question: str) -> bool:
    """Whether a Chinese question names something of its own (青岛, 基站, 主题), unlike
    "同比增长了多少？" or "会谈持续了多久？", which ask on about the last topic. A jieba
    "person" not starting with a common surname is a misread (同比增加)."""
    if not re.search(r"[\u4e00-\u9fff]", question):
        return True  # English: its own rules
    asked = _asked_kinds(question)
    return any(
        word not in _FRAMES and word not in asked and not (flag == "nr" and word[0] not in SURNAMES)
        for word, flag in _tagged_words(question, _SUBJECT_TAGS)
    )


def _asked_kinds(question: str) -> set[str]:
    """The nouns naming the kind of answer asked for ("由哪个单位主办": 单位, "哪些城市"):
    what the answer is, not what the question is about."""
    import jieba.posseg as pseg

    with _posseg_lock:
        pairs = [(p.word, p.flag) for p in pseg.cut(question)]
    out: set[str] = set()
    for i, (word, _flag) in enumerate(pairs):
        j = i - 1
        while j >= 0 and pairs[j][1][:1] in ("q", "m"):  # 哪 一个 单位
            j -= 1
        if j >= 0 and (pairs[j][0].startswith("哪") or pairs[j][0] in ("什么", "什麼", "何")):
            out.add(word)
    return out


def _tagged_words(text: str, tags: Collection[str]) -> list[tuple[str, str]]:
    """The words of `text` (two characters or more) of jieba's `tags`, each once with its
    tag, without the idioms its dictionary tags as people (`misread_name`)."""
    import jieba.posseg as pseg

    with _posseg_lock:
        pairs = [(p.word, p.flag) for p in pseg.cut(text)]
    out: list[tuple[str, str]] = []
    for word, flag in pairs:
        if flag in tags and len(word) >= 2 and not misread_name(word, flag):
            if all(word != w for w, _f in out):
                out.append((word, flag))
    return out


def proper_nouns(text: str, tags: tuple[str, ...] = ("ns", "nr", "nt", "nz")) -> list[str]:
    """Places, people and organisations named in a text (jieba POS tags ns, nr, nt, nz, or
    those of `tags`)."""
    return [word for word, _flag in _tagged_words(text, tags)]


# A question that asks for a place, a person or an organisation: its answer names what a
# next question's pronoun is about ("主会场在哪个城市？" "青岛…" "它一共建了多少个5G基站？"),
# a name of that kind (jieba's tag): "哪个博览会" asks for an event, whose name's 中国 is
# no antecedent.
_ASKS_KIND = (
    (
        re.compile(
            r"哪(?:个|個|座)?(?:城市|省|国家|國家|地方|县|縣|区|區)|哪里|哪裡|哪儿|何处|何處"
            r"|\bwhere\b|\bwhich (?:city|province|country|place)\b",
            re.I,
        ),
        ("ns",),
    ),
    (re.compile(r"谁|誰|哪位|\bwho\b", re.I), ("nr",)),
    (
        re.compile(
            r"哪家|哪(?:个|個)(?:公司|企业|企業|机构|機構|部门|部門|单位|單位)"
            r"|\bwhich (?:company|firm|organi[sz]ation|agency)\b",
            re.I,
        ),
        ("nt",),
    ),
)


def _antecedents(history: list[dict[str, str]], users: list[str]) -> list[list[str]]:
    """The names a pronoun may stand for, by turn, most likely first: the last answer's
    names of the kind the last question asked for (if it asked for one), then the user
    turns' names, latest first."""
    turns = [proper_nouns(u) for u in reversed(users)]
    last_user = max((i for i, m in enumerate(history) if m.get("role") == "user"), default=-1)
    reply = next(
        (m["content"] for m in history[last_user + 1 :] if m.get("role") == "assistant"), ""
    )
    for pattern, tags in _ASKS_KIND:
        if reply and pattern.search(users[-1]):
            turns.insert(0, proper_nouns(reply, tags))
            break
    return turns


def rewrite(question: str, history: list[dict[str, str]]) -> Rewrite:
    """The standalone form of `question` given earlier turns (see module docstring)."""
    users = [m["content"] for m in history if m.get("role") == "user"][-2:]
    if not users or not is_followup(question):
        return Rewrite(question)
    match = _PRONOUN.search(question)
    if match:
        for names in _antecedents(history, users):
            if names:
                resolved = question[: match.start()] + names[0] + question[match.end() :]
                return Rewrite(resolved)
    return Rewrite(question, context=" ".join(users))
