"""Scripts and normalisation: simplified/traditional conversion, script detection, the one
normaliser used for matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

Script = Literal["zh-Hans", "zh-Hant", "en"]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


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
