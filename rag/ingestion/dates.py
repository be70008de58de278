"""Dates stated in an article's text, as YYYY-MM-DD."""

from __future__ import annotations

import re
from datetime import date

from rag.ingestion.metadata_rules import DATE_FORMATS
from rag.ingestion.rules import alternation

__all__ = ["certain_year", "find_date", "full_dates", "normalize_date"]

# A full date only: year, month and day. The digit guards keep "120231-5-27" from reading
# as a date.
_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?:" + alternation(DATE_FORMATS) + r")(?!\d)")


# A year as dates and spans state it: 2023年, 2023-05, 2023/5, 2023.05 (not 12023 or 2023万).
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年|[-/.]\d)")


def full_dates(text: str) -> list[date]:
    """Every valid full date (year, month and day) in `text`, in order."""
    found: list[date] = []
    for m in _DATE.finditer(text):
        year, month, day = int(m["y"]), int(m["m"] or m["m2"]), int(m["d"] or m["d2"])
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue
    return found


def find_date(text: str) -> str:
    """The first valid full date (year, month and day) in `text` as YYYY-MM-DD, else ""."""
    found = full_dates(text)
    return found[0].isoformat() if found else ""


def certain_year(month: int, day: int, lead: str, text: str) -> int | None:
    """The year of a date given as month and day only, when the article makes it certain:
    its `lead` states that day in full ("7月27日电 2023年7月27日，…") and its whole `text`
    names no other year. Else None.

    A year is never guessed: a story dated "7月21日电" may recall "2021年7月21日" two years
    on, deep in its body (crud-dev n92ed01d18920 does, and names 2018 too).
    """
    same_day = {d.year for d in full_dates(lead) if (d.month, d.day) == (month, day)}
    stated = {int(y) for y in _YEAR.findall(text)}
    if len(same_day) == 1 and stated <= same_day:
        return same_day.pop()
    return None


def normalize_date(value: str) -> str:
    """A date such as "2021-11-20T12:31:24+08:00" or "2021年11月20日" as "2021-11-20"."""
    return find_date(value.strip())
