"""Title, date, source and address that a scraped article states about itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rag.ingestion import line_rules, metadata_rules
from rag.ingestion.boilerplate import is_anchor, keep_mask, split_lines, tidy_lines
from rag.ingestion.dates import certain_year, find_date
from rag.ingestion.pinyin import repair_pinyin
from rag.ingestion.prose import split_original_title
from rag.ingestion.rules import CJK

__all__ = ["Metadata", "extract_metadata"]


@dataclass(frozen=True)
class Metadata:
    """What a page says about itself; every field is "" when the page does not say it."""

    title: str = ""
    date: str = ""  # YYYY-MM-DD
    source: str = ""
    url: str = ""


_HAS_CJK = re.compile(f"[{CJK}]")
_END_PUNCT = "。！？!?；;：:，,、"  # a line ending in one is a sentence, not a headline
_HEADER_LINES = 10
_HEADER_CHARS = 600
_MAX_TITLE = 80
_LEAD_CHARS = 120  # a yearless dateline's year must be stated this close after it

_SOURCE = re.compile(metadata_rules.SOURCE_FIELD.pattern)
_SOURCE_END = re.compile(metadata_rules.SOURCE_END.pattern)
_DATELINE = re.compile(metadata_rules.DATELINE_OUTLET.pattern)
_DATELINE_DATE = re.compile(metadata_rules.DATELINE_DATE.pattern)
_YEARLESS_DATELINE = re.compile(metadata_rules.YEARLESS_DATELINE.pattern)
_URL_FIELD = re.compile(metadata_rules.URL_FIELD.pattern)
_LONE_URL = re.compile(metadata_rules.LONE_URL.pattern)
_SITE_NAME = re.compile(line_rules.SITE_NAME.pattern)


def _header(lines: list[str], keep: list[bool]) -> tuple[list[int], int | None]:
    """Indexes of the lines above the body (at most ~10 lines / 600 chars), and the first
    body paragraph's index (None when there is none)."""
    first = next((i for i, line in enumerate(lines) if keep[i] and is_anchor(line)), None)
    header: list[int] = []
    chars = 0
    for i in range(len(lines) if first is None else first):
        chars += len(lines[i])
        if len(header) >= _HEADER_LINES or chars > _HEADER_CHARS:
            break
        header.append(i)
    return header, first


def _title(lines: list[str], keep: list[bool], header: list[int], raw_lines: list[str]) -> str:
    for i in header:
        line = lines[i]
        if (
            keep[i]
            and len(line) <= _MAX_TITLE
            and len(_HAS_CJK.findall(line)) >= 4
            and "。" not in line
            and line[-1] not in _END_PUNCT
        ):
            return line
    for line in raw_lines:  # a reprint may only name its headline as "原标题:"
        original, _ = split_original_title(line)
        if original:
            return original
    return ""


def _source(lines: list[str], header: list[int], first: int | None) -> str:
    for i in header:
        m = _SOURCE.search(lines[i])
        if m:
            value = _SOURCE_END.split(m.group(1), maxsplit=1)[0].strip(" :：")
            if value:
                return value
    if first is not None:
        m = _DATELINE.match(lines[first])
        if m:
            return m.group("outlet")
    for i in header:
        if _SITE_NAME.match(lines[i]):
            return lines[i]
    return ""


def _date(lines: list[str], header: list[int], first: int | None) -> str:
    for i in header:
        found = find_date(lines[i])
        if found:
            return found
    if first is not None:  # a dateline opening the first paragraph: "新华社北京2023年5月27日电"
        m = _DATELINE_DATE.match(lines[first])
        if m:
            return find_date(m.group("date"))
        m = _YEARLESS_DATELINE.match(lines[first])  # "新华社北京7月27日电": the year if certain
        if m:
            month, day = int(m["m"]), int(m["d"])
            lead = lines[first][: m.end() + _LEAD_CHARS]
            year = certain_year(month, day, lead, "\n".join(lines))
            if year is not None:  # a valid day: the article states it in full
                return date(year, month, day).isoformat()
    return ""


def _url(lines: list[str]) -> str:
    for line in lines:
        m = _URL_FIELD.match(line) or _LONE_URL.match(line)
        if m:
            return m.group(1)
    return ""


def extract_metadata(raw: str) -> Metadata:
    """Title, date, source and URL stated in a scraped article's text; never guessed.

    - date: the first full date (2023-05-27, 2023/05/27, 2023年5月27日) in the header,
      i.e. the lines above the first body paragraph (at most 10 lines / 600 chars), or in
      a dateline opening the first paragraph ("新华社北京2023年5月27日电"). A dateline
      without a year ("新华社北京7月27日电") takes the year only when the lead states
      that day in full ("2023年7月27日", within 120 chars) and the article names no
      other year. Dates in the body, and dates without a year that the article does not
      make certain ("11月19日"), do not count.
    - source: the outlet the article comes from. In order: the header's "来源:"/"來源:"
      field (up to the next field such as 编辑/作者); else the outlet of the first
      paragraph's dateline ("青岛日报11月19日讯" -> 青岛日报), since a reprinting site
      names the original outlet there; else a bare site-name line in the header.
    - url: a "本文地址:"/"原文链接:" field or a line that is only a URL, anywhere.
    - title: the first header line that cleaning keeps and that reads as a headline (no
      sentence-final punctuation); else a "原标题:" line; else "" (`build_article` then
      reads one from the lead: `titles.derive_title`).

    Example:
        >>> extract_metadata("标题在此处\\n2023-05-27 来源:某网 编辑:甲\\n正文。").date
        '2023-05-27'
    """
    raw_lines = split_lines(repair_pinyin(raw))
    lines = tidy_lines(raw)
    keep = keep_mask(lines)
    header, first = _header(lines, keep)
    return Metadata(
        title=_title(lines, keep, header, raw_lines),
        date=_date(lines, header, first),
        source=_source(lines, header, first),
        url=_url(raw_lines),
    )
