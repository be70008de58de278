"""Remove the pinyin notes a script converter leaves after characters: "發(fā)展" -> "發展"."""

from __future__ import annotations

import re

from rag.ingestion.rules import CJK

__all__ = ["repair_pinyin"]

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_UNTONE = str.maketrans(_TONED, "aaaaeeeeiiiioooouuuuüüüünnnm")
_INITIAL = "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])"
_FINAL = (
    "(?:iang|iong|uang|ueng|iao|ian|ing|uai|uan|üan|van|ang|eng|ong|ai|ei|ao|ou|an|en|er"
    "|ia|ie|in|iu|ua|uo|ui|un|üe|ve|ue|ün|a|o|e|i|u|ü|v)"
)
# Standard pinyin writes zero-initial syllables with y/w, so only these stand alone.
_ZERO_INITIAL = "(?:ang|eng|ai|ei|ao|ou|an|en|er|a|o|e)"
_SYLLABLE = f"(?:{_INITIAL}{_FINAL}|{_ZERO_INITIAL})"
_ONE_SYLLABLE = re.compile(_SYLLABLE)
_SYLLABLES = re.compile(f"{_SYLLABLE}{{1,4}}")
_NOTE = re.compile(f"(?<=[{CJK}])[(（]([a-zü{_TONED}]{{1,24}})[)）]")


def _is_pinyin(letters: str) -> bool:
    """Whether a parenthesised group of lowercase letters is a pinyin annotation."""
    plain = letters.translate(_UNTONE)
    if plain != letters:  # tone marks: one to four valid syllables
        return _SYLLABLES.fullmatch(plain) is not None
    # Without tone marks only one syllable of 2+ letters counts (the neutral-tone note a
    # converter leaves, e.g. 的(de)); longer plain words may be English, "(a)" a list item.
    return len(plain) >= 2 and _ONE_SYLLABLE.fullmatch(plain) is not None


def repair_pinyin(text: str) -> str:
    """Remove pinyin notes a script converter left after characters: "發(fā)展" -> "發展".

    A note is a parenthesised pinyin syllable directly after a CJK character; genuine
    parentheses such as "(周嫻)", "(2018年)" or "(Hi,貴州!)" are kept.

    Example:
        >>> repair_pinyin("產(chǎn)業(yè)(2018年)")
        '產業(2018年)'
    """
    # Repeat to a fixed point: removing one note can put the next directly after a character.
    while True:
        repaired = _NOTE.sub(lambda m: "" if _is_pinyin(m.group(1)) else m.group(0), text)
        if repaired == text:
            return text
        text = repaired
