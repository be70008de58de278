"""Cut the furniture glued into a line out of it, keeping the prose around it.

Scrapers often flatten a page: the whole body is one line, with the reprint's original
title in front and credits, notices, ads or a video player's script glued on. A line is
dropped whole only when it is not prose (`boilerplate`); from prose only the pieces the
`prose_rules` match, and the notices of `line_rules`, are cut out. Body sentences are never
edited beyond that, so chunk offsets refer to the author's words.
"""

from __future__ import annotations

import re

from rag.ingestion import line_rules, prose_rules
from rag.ingestion.rules import alternation, any_of

__all__ = ["is_prose", "is_sentence", "split_original_title", "tidy_line"]

_SHORT_LINE = 60  # longer lines with a full stop are prose

_SENTENCE_PUNCT = re.compile(r"[。！？!?；…]")
_NOTICE_HEADS = any_of(line_rules.NOTICE_HEADINGS)
_NOTICES = any_of(line_rules.NOTICES)
_COPYRIGHT = re.compile(line_rules.COPYRIGHT.pattern, re.IGNORECASE)

_ORIGINAL_TITLE = re.compile(prose_rules.ORIGINAL_TITLE.pattern)
_TITLE_END = re.compile(r"\s{2,}")  # flattened line break between headline and body
_MAX_TITLE = 80

# Code starts at one of the CODE_STARTS inside a run of ASCII text and ends at the run's
# last ; } ) or ], so prose in the same run stays.
_ASCII_RUN = re.compile(r"[\x20-\x7e\t]{12,}")
_CODE_START = any_of(prose_rules.CODE_STARTS, flags=0)  # "Function (" in English text is prose
_INLINE = any_of(prose_rules.INLINE_CUTS)
_PHOTO_CREDIT_INSIDE = re.compile(prose_rules.PHOTO_CREDIT_INSIDE.pattern)
_TAIL = any_of(prose_rules.TAILS)
_TAIL_FIELD = any_of(prose_rules.TAIL_FIELDS)
_TAIL_ORIGINAL = re.compile(r"[(（]?(?:" + alternation(prose_rules.ORIGINAL_TITLE_NOTES) + ")$")

# A notice runs to the end of its sentence, and only 。！？!? end one here. The shared
# splitter (rag.text.sentences.sentence_spans) also ends sentences at ；and …, so the second
# half of "报料热线400-800-0088；消费者也可通过……投诉。" would stay, and a body clause after
# a ； would pass for a notice's lead-in and go ("……0.57%；财报数据概要请见下图:以上内容由……");
# it cleans 12 of the 1,751 seed and crud-dev articles differently, so this pattern stays.
_SENTENCE = re.compile(r".+?(?:[。！？!?]+[”’」』）)】\]]*|$)")
_CLOSERS = "”’」』）)】]"
_OPENERS = "“‘「『（(【["
_NOTICE_LEAD_IN = 20  # words before a notice that are dropped with it


def is_sentence(line: str) -> bool:
    """Whether the text holds sentence-final punctuation."""
    return _SENTENCE_PUNCT.search(line) is not None


def is_prose(line: str) -> bool:
    """A long line holding sentences. A line rule matching part of it must not drop the
    body with it, so such a line is judged sentence by sentence (`tidy_line`)."""
    return len(line) > _SHORT_LINE and "。" in line


def split_original_title(line: str) -> tuple[str, str]:
    """(original title, rest of the line) for a line starting with "原标题：".

    A short line without a full stop is only the title: ("title", ""). When the body
    follows on the same line the title is separated at a run of spaces; without one its
    end is unknown and the title stays in front of the body: ("", "title body").
    Other lines: ("", line).
    """
    m = _ORIGINAL_TITLE.match(line)
    if m is None:
        return "", line
    rest = m.group(1).strip()
    if len(rest) <= _MAX_TITLE and "。" not in rest:
        return rest, ""
    end = _TITLE_END.search(rest, 0, _MAX_TITLE + 2)
    if end is not None and end.start() >= 4:
        return rest[: end.start()], rest[end.end() :]
    return "", rest


def _strip_code(line: str) -> str:
    """The line without inline JavaScript/CSS; prose in the same ASCII run stays."""

    def cut(m: re.Match[str]) -> str:
        run = m.group(0)
        start = _CODE_START.search(run)
        if start is None:
            return run
        end = max(run.rfind(c) for c in ";})]") + 1
        return run if end <= start.start() else run[: start.start()] + run[end:].lstrip()

    return _ASCII_RUN.sub(cut, line)


def _notice_span(sentence: str) -> tuple[int, int] | None:
    """Where a notice lies in one sentence of prose (None: it holds none).

    A notice runs to the end of its sentence, or to the closing bracket when it sits in
    brackets ("上游新闻（报料邮箱：……）记者从……"). It starts at its heading; else with
    the sentence, or after a closing bracket in front of it ("……其他事项（宗禾）本文属于
    原创文章"), when at most a short lead-in comes before it ("欢迎提供新闻线索，24小时
    报料热线……"); else at its own first word, so that a body sentence that lacks its full
    stop is kept. Inside prose, field labels and the bare-line rules other than copyright
    do not count: "联系电话：……" or "举报邮箱：……" may be part of the story.
    """
    head = _NOTICE_HEADS.search(sentence)
    m = head or _NOTICES.search(sentence)
    if m is None and not is_sentence(sentence):
        m = _COPYRIGHT.search(sentence)
    if m is None:
        return None
    lead = sentence[: m.start()]
    opener = max(lead.rfind(c) for c in _OPENERS)
    closer = max(lead.rfind(c) for c in _CLOSERS)
    if opener > closer:  # inside brackets
        ends = [i for c in _CLOSERS if (i := sentence.find(c, m.end())) >= 0]
        if ends:
            return opener, min(ends) + 1
    start = closer + 1
    if head is not None or len(sentence[start : m.start()].strip()) > _NOTICE_LEAD_IN:
        start = m.start()
    return start, len(sentence)


def _drop_notices(line: str) -> str:
    """Prose without the notices in its sentences."""
    kept = []
    for sentence in _SENTENCE.findall(line):
        span = _notice_span(sentence)
        kept.append(sentence if span is None else sentence[: span[0]] + sentence[span[1] :])
    return "".join(kept).strip()


def _strip_tail(line: str, prose: bool) -> str:
    """The line without furniture at its end (and credit fields, when it is prose)."""
    while True:
        m = _TAIL.search(line)
        if m is None and prose:
            m = _TAIL_FIELD.search(line) or _TAIL_ORIGINAL.search(line)
        if m is None:
            return line
        line = line[: m.start()].rstrip()


def tidy_line(line: str) -> list[str]:
    """The line without furniture glued into it: no line, or one, or two when a reprint's
    original title precedes the body (the title goes on a line of its own; a line holding
    only the original title is dropped, as the page has its own headline)."""
    line = _INLINE.sub("", _strip_code(line)).strip()
    title, line = split_original_title(line)
    if not line:
        return []
    prose = is_prose(line)
    while True:
        before = line
        if prose:
            line = _PHOTO_CREDIT_INSIDE.sub("", _drop_notices(line)).strip()
        line = _strip_tail(line, prose)
        if line == before:
            break
    return [part for part in (title, line) if part]
