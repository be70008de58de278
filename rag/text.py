"""Chinese text helpers: script conversion, normalisation, tokenisation, sentence spans.

Everything here is pure (no I/O besides loading jieba's and OpenCC's dictionaries once).
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from typing import Literal

Script = Literal["zh-Hans", "zh-Hant", "en"]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_jieba_lock = threading.Lock()


@lru_cache(maxsize=4)
def _opencc(config: str):  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese (OpenCC t2s); other text unchanged."""
    return _opencc("t2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    """Simplified -> traditional Chinese (OpenCC s2t); other text unchanged."""
    return _opencc("s2t").convert(text) if text else text


def cjk_ratio(text: str) -> float:
    """Share of non-space characters that are CJK ideographs."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    return sum(1 for c in chars if _CJK.match(c)) / len(chars)


def detect_script(text: str) -> Script:
    """The script a question is written in: simplified, traditional or English (no CJK)."""
    han = _CJK.findall(text)
    if not han:
        return "en"
    han_text = "".join(han)
    # A character that t2s changes is traditional-only; one that s2t changes is
    # simplified-only. Most characters are shared, so compare the two counts.
    trad = sum(a != b for a, b in zip(han_text, to_simplified(han_text), strict=False))
    simp = sum(a != b for a, b in zip(han_text, to_traditional(han_text), strict=False))
    return "zh-Hant" if trad > simp else "zh-Hans"


def to_script(text: str, script: Script) -> str:
    """Convert Chinese text to the given script (English: unchanged)."""
    if script == "zh-Hant":
        return to_traditional(text)
    if script == "zh-Hans":
        return to_simplified(text)
    return text


def normalize(text: str) -> str:
    """NFKC (full-width -> half-width), simplified script, lower case, folded spaces.

    Used for matching and for BM25 tokens only; stored text keeps its original form so
    that offsets stay valid.
    """
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text).lower()
    return re.sub(r"\s+", " ", text).strip()


# Function words and question words carry no topic: a question's 什么/哪些/多少 must not
# pull in passages that merely contain the same interrogative.
STOPWORDS = frozenset(
    """
    的 了 是 在 和 与 及 或 也 都 就 而 又 还 被 把 让 对 从 向 于 以 为 之 其 这 那 这个 那个 这些 那些
    一 个 有 没有 没 吗 呢 吧 啊 呀 么 着 过 得 地 等 中 上 下 里 内 将 已 已经 并 并且 且 但 但是
    什么 哪些 哪个 哪里 哪儿 哪 哪一年 哪年 几 几个 多少 多 怎么 怎样 如何 为什么 为何 何时 何地 谁 何
    是否 请问 请 告诉 我 我们 你 你们 他 他们 她 它 它们 一下 呢 吗 能 可以 会 要 该 是不是 有没有
    the a an of to in on at for by with from as is are was were be been being and or not
    what which who whom whose when where why how many much does do did has have had
    it its this that these those there their they them he she his her i we you our your
    """.split()
)

_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)


def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def tokenize(text: str) -> list[str]:
    """BM25 tokens: normalised text cut by jieba (search mode), stop words and punctuation out.

    Search mode adds the sub-words of long words ("双千兆" -> "千兆", "双千兆"), so a question
    using the shorter word still matches.
    """
    norm = normalize(text)
    if not norm:
        return []
    jb = _jieba()
    with _jieba_lock:  # jieba's lazy initialisation is not thread-safe
        words = jb.lcut_for_search(norm)
    return [w for w in words if w.strip() and w not in STOPWORDS and not _PUNCT.match(w)]


def content_terms(text: str) -> list[str]:
    """Distinct content words of a question (jieba precise mode), in order."""
    norm = normalize(text)
    jb = _jieba()
    with _jieba_lock:
        words = jb.lcut(norm)
    seen: list[str] = []
    for w in words:
        if w.strip() and w not in STOPWORDS and not _PUNCT.match(w) and w not in seen:
            seen.append(w)
    return seen


# Sentence ends: Chinese full stops and their full-width/half-width variants, an ellipsis,
# and a newline. Closing quotes and brackets that follow belong to the sentence.
_END_CHARS = "。！？；!?;…"
_CLOSERS = "”’」』）)》】\"'"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed; text[start:end] is the sentence.

    Never splits at the "." in "1.7萬": a full stop "." ends a sentence only when followed
    (after any closing quotes) by white space or the end of the text.
    """
    spans: list[tuple[int, int]] = []
    n = len(text)
    start = 0
    i = 0
    while i < n:
        c = text[i]
        cut = -1
        if c == "\n":
            cut = i
        elif c in _END_CHARS:
            j = i + 1
            while j < n and (text[j] in _END_CHARS or text[j] in _CLOSERS):
                j += 1
            cut = j
        elif c == "." and i > 0 and not text[i - 1].isdigit():
            j = i + 1
            while j < n and text[j] in _CLOSERS:  # 'He said "done." Then': quote stays
                j += 1
            if j == n or text[j].isspace():
                cut = j
        if cut >= 0:
            _add_span(text, start, cut, spans)
            start = cut
            i = max(cut, i + 1)
            continue
        i += 1
    _add_span(text, start, n, spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def split_sentences(text: str) -> list[str]:
    """The sentences of a text (see `sentence_spans`)."""
    return [text[s:e] for s, e in sentence_spans(text)]
