"""Sentences: the one sentence splitter, with exact offsets into the text."""

from __future__ import annotations

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
