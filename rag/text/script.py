"""Scripts and normalisation: simplified/traditional conversion, script detection, the one
normaliser used for matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

Script = Literal["zh-Hans", "zh-Hant", "en"]
# What a normalised text keeps besides letters and digits (see `normalize`).
Form = Literal["spaced", "compact", "alnum"]
FORMS: tuple[Form, ...] = ("spaced", "compact", "alnum")

# CJK ideographs (Extension A, the basic block, compatibility ideographs), for a regex
# character class: "[" + CJK + "]".
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{CJK}]")
_SPACES = re.compile(r"\s+")
# All white space (\s covers the ideographic space U+3000) and the zero-width characters
# that scraped text carries invisibly.
_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


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


def normalize(text: str, *, form: Form = "spaced") -> str:
    """The one normaliser for matching: NFKC (full-width -> half-width), simplified script,
    lower case; then, by `form`:

    - "spaced": white space runs folded to one space, ends trimmed (BM25 tokens, the
      extractive answerer's matching): words of English text stay apart.
    - "compact": no white space nor zero-width characters (answer phrases in evaluation:
      "1.7 万" matches "1.7万").
    - "alnum": letters and digits only (citation support: punctuation and spacing never
      count as evidence).

    Stored text keeps its original form so that offsets stay valid.

    >>> normalize("１．７ 萬  ABC"), normalize("１．７ 萬  ABC", form="compact")
    ('1.7 万 abc', '1.7万abc')
    """
    text = to_simplified(unicodedata.normalize("NFKC", text)).lower()
    if form == "spaced":
        return _SPACES.sub(" ", text).strip()
    if form == "compact":
        return _INVISIBLE.sub("", text)
    if form == "alnum":
        return "".join(ch for ch in text if ch.isalnum())
    raise ValueError(f"Expected a form among {', '.join(FORMS)}, got {form!r}.")


def char_ngrams(text: str, n: int = 2) -> set[str]:
    """The distinct character n-grams of a text's letters and digits, normalised (the
    overlap measure of citation support, of sentences that repeat one another, and of a
    question's phrases); a text shorter than n is one gram, itself."""
    chars = normalize(text, form="alnum")
    if len(chars) < n:
        return {chars} if chars else set()
    return {chars[i : i + n] for i in range(len(chars) - n + 1)}
