"""BM25 tokens and content words: jieba over normalised text, stop words out."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable

from rag.text.script import normalize

_jieba_lock = threading.Lock()

# Stop words, one table per language, each word written once. Function words and question
# words carry no topic: a question's 什么/哪些/多少 must not pull in passages that merely
# contain the same interrogative.
CHINESE_STOPWORDS = frozenset(
    """
    的 了 是 在 和 与 及 或 也 都 就 而 又 还 被 把 让 对 从 向 于 以 为 之 其 这 那 这个 那个 这些 那些
    一 个 有 没有 没 吗 呢 吧 啊 呀 么 着 过 得 地 等 中 上 下 里 内 将 已 已经 并 并且 且 但 但是
    什么 哪些 哪个 哪里 哪儿 哪 哪一年 哪年 几 几个 多少 多 怎么 怎样 如何 为什么 为何 何时 何地 谁 何
    是否 请问 请 告诉 我 我们 你 你们 他 他们 她 它 它们 一下 能 可以 会 要 该 是不是 有没有
    """.split()
)
# English articles, pronouns, auxiliaries and question words: dropped from BM25 tokens.
# BM25's IDF already discounts the other common words of an English passage, so this
# list stays short.
ENGLISH_STOPWORDS = frozenset(
    """
    the a an of to in on at for by with from as is are was were be been being and or not
    what which who whom whose when where why how many much does do did has have had
    it its this that these those there their they them he she his her i we you our your
    """.split()
)
# ... and the further English function words an English question's translation skips
# (rag.retrieve.translate): there a word has no IDF to discount it, it becomes a Chinese
# term of full weight ("also" -> 也, "more" -> 更多).
ENGLISH_QUERY_STOPWORDS = ENGLISH_STOPWORDS | frozenset(
    """
    into onto about over under after before since until during between among through per
    via than then also too very so such nor but if whether because while both either
    neither each every any all some am doing done having will would shall should can
    could may might must here him me my us one ones own same other another more most less
    least only just no yes ever out up down off again further once s t according besides
    far
    """.split()
)
# What BM25 tokens and a question's content words leave out.
STOPWORDS = CHINESE_STOPWORDS | ENGLISH_STOPWORDS

_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)


def load_jieba():  # type: ignore[no-untyped-def]
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
    jb = load_jieba()
    with _jieba_lock:  # jieba's lazy initialisation is not thread-safe
        words = jb.lcut_for_search(norm)
    return [w for w in words if w.strip() and w not in STOPWORDS and not _PUNCT.match(w)]


def words(text: str) -> list[str]:
    """Every word of the normalised text as jieba cuts it (precise mode), punctuation and
    stop words included: joined, they give the normalised text back."""
    norm = normalize(text)
    jb = load_jieba()
    with _jieba_lock:
        return list(jb.lcut(norm))


def unglued(token: str, known: Callable[[str], bool]) -> str:
    """A word jieba glued to a stop word it did not know ("龙澎是" of "龙澎是哪里人",
    "最多能"): when the corpus never uses `token` but uses it without the stop word at its
    edge, that word; else `token`."""
    if known(token) or len(token) < 3:
        return token
    for edge in range(2, 0, -1):  # 已经 before 已
        if token[:edge] in CHINESE_STOPWORDS and known(token[edge:]) and len(token) - edge >= 2:
            return token[edge:]
        if token[-edge:] in CHINESE_STOPWORDS and known(token[:-edge]) and len(token) - edge >= 2:
            return token[:-edge]
    return token


def content_terms(text: str) -> list[str]:
    """Distinct content words of a question (jieba precise mode), in order."""
    seen: list[str] = []
    for w in words(text):
        if w.strip() and w not in STOPWORDS and not _PUNCT.match(w) and w not in seen:
            seen.append(w)
    return seen
