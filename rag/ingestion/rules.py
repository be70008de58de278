"""A cleaning rule as data: a pattern that marks page furniture, with its reason.

The tables live in `line_rules` (whole lines), `prose_rules` (pieces cut out of a line)
and `metadata_rules` (dates, sources, addresses). A table whose rules are alternatives is
compiled into one regular expression with `any_of`, so that, as in a hand-written
alternation, the leftmost match wins and at one position the earlier rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rag.text import CJK  # the ideograph ranges, as a character-class body patterns embed

__all__ = ["CJK", "Rule", "alternation", "any_of"]


@dataclass(frozen=True)
class Rule:
    """A regular expression marking page furniture, and why it does."""

    name: str
    pattern: str
    reason: str
    max_chars: int | None = None  # the rule only holds for lines at most this long


def alternation(rules: Iterable[Rule]) -> str:
    """The rules' patterns as one alternation, each in its own group."""
    return "|".join(f"(?:{rule.pattern})" for rule in rules)


def any_of(rules: Iterable[Rule], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One regular expression matching where any of the rules matches."""
    return re.compile(alternation(rules), flags)
