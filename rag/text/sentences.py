"""Sentences: the one sentence splitter, with exact offsets into the text."""

from __future__ import annotations

import re

# Sentence ends: Chinese full stops and their full-width/half-width variants, an ellipsis,
# and a newline. Closing quotes and brackets that follow belong to the sentence.
_END_CHARS = "。！？；!?;…"
_SEMICOLONS = "；;"
_CLOSERS = "”’」』）)》】\"'"


def sentence_spans(
    text: str, *, semicolons: bool = True, trailing: re.Pattern[str] | None = None
) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace trimmed; text[start:end] is the sentence.

    Never splits at the "." in "1.7萬": a full stop "." ends a sentence only when followed
    (after any closing quotes) by white space or the end of the text, and not after a
    digit ("1. " numbers a list item) unless `trailing` text follows it.

    Args:
        text: the text to split.
        semicolons: whether "；" and ";" end a sentence. Answer text passes False: one
            [n] marker after "A；B。" cites both clauses.
        trailing: what stays with the sentence it follows when it comes right after the
            end mark and closing quotes (answer text: its [n] markers); a "." followed by
            it ends a sentence even without a space after it or after a digit ("in 2021. [1]").
    """
    ends = _END_CHARS if semicolons else _END_CHARS.translate(str.maketrans("", "", _SEMICOLONS))
    spans: list[tuple[int, int]] = []
    n = len(text)
    start = 0
    i = 0
    while i < n:
        c = text[i]
        cut = -1
        if c == "\n":
            cut = i
        elif c in ends:
            j = i + 1
            while j < n and (text[j] in ends or text[j] in _CLOSERS):
                j += 1
            cut = _attach(text, j, trailing)
        elif c == "." and i > 0:
            j = i + 1
            while j < n and text[j] in _CLOSERS:  # 'He said "done." Then': quote stays
                j += 1
            k = _attach(text, j, trailing)
            if k > j or (not text[i - 1].isdigit() and (k == n or text[k].isspace())):
                cut = k
        if cut >= 0:
            _add_span(text, start, cut, spans)
            start = cut
            i = max(cut, i + 1)
            continue
        i += 1
    _add_span(text, start, n, spans)
    return spans


def _attach(text: str, pos: int, trailing: re.Pattern[str] | None) -> int:
    """Where the sentence ending at `pos` ends once the `trailing` text after it joins."""
    if trailing is None:
        return pos
    match = trailing.match(text, pos)
    return match.end() if match else pos


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def split_sentences(
    text: str, *, semicolons: bool = True, trailing: re.Pattern[str] | None = None
) -> list[str]:
    """The sentences of a text (see `sentence_spans`)."""
    return [text[s:e] for s, e in sentence_spans(text, semicolons=semicolons, trailing=trailing)]
