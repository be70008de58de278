"""Dates stated in an article's text, as YYYY-MM-DD."""

from __future__ import annotations

import re
from datetime import date

from rag.ingestion.metadata_rules import DATE_FORMATS
from rag.ingestion.rules import alternation

__all__ = ["find_date", "normalize_date"]

# A full date only: year, month and day. The digit guards keep "120231-5-27" from reading
# as a date.
_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?:" + alternation(DATE_FORMATS) + r")(?!\d)")


def find_date(text: str) -> str:
    """The first valid full date (year, month and day) in `text` as YYYY-MM-DD, else ""."""
    for m in _DATE.finditer(text):
        year, month, day = int(m["y"]), int(m["m"] or m["m2"]), int(m["d"] or m["d2"])
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            continue
    return ""


def normalize_date(value: str) -> str:
    """A date such as "2021-11-20T12:31:24+08:00" or "2021年11月20日" as "2021-11-20"."""
    return find_date(value.strip())
