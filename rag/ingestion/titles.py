"""A short title for an article whose text names none, read from its lead.

Many scraped articles have no title line: the text starts with the story ("8月6日，推特…"),
with a dateline ("中新网东京8月15日电 (记者 …)"), or with the headline run straight into
the story ("…传言8月16日，恒大地产…"). `derive_title` reads, in order:

1. a headline run into the lead, ended by a dateline, byline or date (`TITLE_ENDS`);
2. else, once the datelines, bylines, source prefixes and dates that open the lead are
   skipped (`TITLE_SKIPS`): a short line without sentence-final punctuation (a headline
   on its own line), a headline run into what is left, or the first sentence, or its
   first clauses up to ~30 characters.

The title is taken verbatim from the text (a share price after a name left out), never
written; a cut one ends in "…".
"""

from __future__ import annotations

import re

from rag.ingestion.metadata_rules import TITLE_ENDS, TITLE_SKIPS
from rag.ingestion.rules import CJK, any_of
from rag.text import split_sentences
from rag.text.tokens import load_jieba

__all__ = ["derive_title", "title_from_line"]

_SKIPS = tuple(re.compile(rule.pattern) for rule in TITLE_SKIPS)
_ENDS = any_of(TITLE_ENDS, flags=0)
_HAS_CJK = re.compile(f"[{CJK}]")
_SENTENCE_END = re.compile(r"[。！？!?；;…]")
_SPACES = re.compile(r"\s+")
_LEAD_PUNCT = " \t\u3000，,：:；;、。|｜-—"
_TAIL_PUNCT = " \t\u3000，,：:；;、。.|｜-—·□■"
# A share price quoted after a company's name: "桑坦德银行(3.87, 0.01, 0.26%)".
_TICKER = re.compile(r"\s?[（(]-?\d[\d.]*,\s*-?[\d.]+,\s*-?[\d.]+%[)）]")
_QUOTED_CLAUSE = re.compile(r"[“「][^”」]*[，,][^”」]*(?:[”」]|$)")
_CLAUSE_ENDS = "，,：:；;"
# Words a title cut off after them would leave hanging.
_DANGLING = frozenset(
    "的 之 在 于 於 对 對 和 与 與 及 将 將 向 从 從 为 為 把 被 由 是 等 以 并 並 或 了".split()
)
_OPEN = "“‘「『《（(【[〔"
_CLOSE = "”’」』》）)】]〕"

MAX_HEADLINE = 40  # a first line this short, with no sentence-final punctuation, is a headline
MAX_RUN_IN = 52  # longest headline run into its story
RUN_IN_SCAN = 80  # how far into the lead a headline's end is looked for
MIN_RUN_IN = 8  # shorter text before a dateline is the dateline's own outlet
MIN_LAST_CLAUSE = 6  # a headline's last clause says something; "…之际，解放日报" is prose
TARGET = 30  # a title cut from a sentence ends at a clause boundary within this many chars
MIN_CLAUSE = 8  # ... and is at least this long when a boundary allows it
HARD_MAX = 40  # a single clause longer than this is cut at TARGET with "…"
MIN_CJK = 4  # a Chinese line with fewer ideographs holds no title
LINES = 5  # lines of the text looked at for a title
LATIN_MAX = 80  # a title from a text without Chinese is cut at a space within this


def _skip_lead(line: str) -> str:
    """`line` without the datelines, bylines, source prefixes and dates that open it."""
    changed = True
    while changed and line:
        changed = False
        for rx in _SKIPS:
            m = rx.match(line)
            if m and m.end() > 0:
                line = line[m.end() :].lstrip(_LEAD_PUNCT)
                changed = True
                break
    return line


def _undouble(head: str) -> str:
    """A headline scraped twice in a row ("标题标题", "标题 标题 副题") once: the second copy,
    which may carry a subtitle the first lacks."""
    flat = _SPACES.sub("", head)
    for p in range(MIN_RUN_IN, len(flat) // 2 + 1):
        if flat[p : 2 * p] == flat[:p]:
            seen = 0
            for i, c in enumerate(head):  # where the second copy starts in `head`
                if seen == p:
                    return head[i:].strip()
                seen += not c.isspace()
    return head


def _tidy(title: str) -> str:
    title = _undouble(_SPACES.sub(" ", title).strip(_TAIL_PUNCT))
    if title and title[-1] in _OPEN:
        title = title[:-1].rstrip(_TAIL_PUNCT)
    return title


def _depths(text: str) -> list[int]:
    """How many quotes or brackets are open before each character of `text`."""
    out: list[int] = []
    depth = 0
    for c in text:
        if c in _CLOSE:
            depth = max(0, depth - 1)
        out.append(depth)
        if c in _OPEN:
            depth += 1
    return out


def _boundaries(text: str) -> list[int]:
    """Ends of the clauses of `text`: clause punctuation, or a space between two ideographs,
    outside quotes and brackets."""
    depths = _depths(text)
    out: list[int] = []
    for i, c in enumerate(text):
        if depths[i]:
            continue
        if c in _CLAUSE_ENDS or (
            c.isspace()
            and 0 < i < len(text) - 1
            and _HAS_CJK.match(text[i - 1])
            and _HAS_CJK.match(text[i + 1])
        ):
            out.append(i)
    return out


def _hard_cut(text: str) -> str:
    """`text` cut to at most TARGET chars with "…", at a word boundary outside quotes and
    brackets, and not right after a function word ("…研发的", "…在")."""
    depths = _depths(text)
    for i in range(TARGET, min(HARD_MAX, len(text) - 1)):  # a title in 《》 ends the cut
        if text[i] in _CLOSE and not depths[i + 1] and "《" in text[:i]:
            return _tidy(text[: i + 1])
    jb = load_jieba()
    jb.initialize()  # guarded by jieba's own lock
    end = 0
    best = 0
    for word in jb.lcut(text):
        end += len(word)
        if end > TARGET:
            break
        if end >= MIN_CLAUSE and end < len(text) and not depths[end] and word not in _DANGLING:
            best = end
    return _tidy(text[: best or TARGET]) + "…"


def _from_sentence(line: str) -> str:
    """The first sentence of `line` if short, else its first clauses up to ~TARGET chars."""
    sentences = split_sentences(line)
    if not sentences:
        return ""
    sentence = sentences[0]
    for more in sentences[1:]:  # "魔怔！" alone says nothing: join the next sentence
        if len(sentence) >= MIN_CLAUSE:
            break
        sentence += more
    sentence = sentence.rstrip("。；;.…")
    if len(sentence) <= TARGET:
        return _tidy(sentence)
    cuts = [i for i in _boundaries(sentence) if i >= MIN_CLAUSE]
    fits = [i for i in cuts if i <= TARGET]
    if fits:
        return _tidy(sentence[: fits[-1]])
    if cuts and cuts[0] <= HARD_MAX:
        return _tidy(sentence[: cuts[0]])
    return _hard_cut(sentence)


def _run_in(head: str) -> str:
    """The headline in the text before a run-in marker, or "" when it reads as prose."""
    head = _undouble(head.lstrip(_LEAD_PUNCT))
    if _skip_lead(head) != head or _ENDS.search(head):
        return ""  # a dateline or byline, not a headline
    quote = _QUOTED_CLAUSE.search(head)
    if quote:  # a quoted sentence opens the story
        if quote.start() < MIN_RUN_IN:
            return ""
        head = head[: quote.start()]
    last = re.split(r"[，,]", head.rstrip(_TAIL_PUNCT + "·"))[-1]
    if (
        "。" in head
        or len(head) > MAX_RUN_IN
        or len(_HAS_CJK.findall(head)) < MIN_CJK
        or len(last) < MIN_LAST_CLAUSE
    ):
        return ""
    return _tidy(head)


def _from_latin(line: str) -> str:
    """A title from a line without Chinese: its first sentence, cut at a space."""
    sentences = split_sentences(line)
    sentence = sentences[0] if sentences else line
    if len(sentence) <= LATIN_MAX:
        return _tidy(sentence)
    cut = sentence.rfind(" ", 0, LATIN_MAX)
    return _tidy(sentence[: cut if cut > 0 else LATIN_MAX]) + "…"


def _run_in_head(lead: str) -> str:
    """The text before the first headline end at least MIN_RUN_IN chars in, or ""."""
    for m in _ENDS.finditer(lead, 0, RUN_IN_SCAN):
        if m.start() >= MIN_RUN_IN:
            return lead[: m.start()]
    return ""


def title_from_line(line: str) -> str:
    """The title one line of an article's text gives, or "" when it gives none."""
    line = _TICKER.sub("", line.strip())
    # A headline run into its dateline ("恒大地产突遭立案调查中新网北京8月16日电"), before a
    # dateline skip could take the headline for the outlet's name.
    head = _run_in_head(line)
    title = _run_in(head) if head else ""
    if title:
        return title
    lead = _skip_lead(line)
    if len(_HAS_CJK.findall(lead)) < MIN_CJK:
        return ""
    if len(lead) <= MAX_HEADLINE and not _SENTENCE_END.search(lead):
        return _tidy(lead)
    head = _run_in_head(lead)
    title = _run_in(head) if head else ""
    return title or _from_sentence(lead)


def derive_title(text: str) -> str:
    """A short title read from the lead of an article's (cleaned) text; "" for no text.

    Example:
        >>> derive_title("中新网东京8月15日电 (记者 张三)15日，中国驻日本大使馆发言人答记者问。")
        '中国驻日本大使馆发言人答记者问'
    """
    lines = [line for line in text.split("\n") if line.strip()]
    for line in lines[:LINES]:
        title = title_from_line(line)
        if title:
            return title
    return _from_latin(lines[0].strip()) if lines else ""
