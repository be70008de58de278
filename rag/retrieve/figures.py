"""Dates, grades, ordinals and figures of English questions as Chinese news writes them
("August 3": 8月3日, "Level III": 三级, "the 3rd": 第三届, "15,000": 1.5万)."""

from __future__ import annotations

import re

__all__ = [
    "CAMEL_CASE",
    "MONTHS",
    "RELATIVE_DATES",
    "grade",
    "month_date",
    "numeral_value",
    "pass_through",
]

_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$", re.IGNORECASE)
# "Level III response", "Grade 2 alert": Chinese news writes the grade as 三级 (or Ⅲ级).
_GRADES = frozenset({"level", "grade", "class", "tier"})
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6}
_CN_DIGITS = "零一二三四五六七八九"
# Chinese news writes dates in digits: "August 3" is 8月3日.
MONTHS = {
    m: n
    for n, m in enumerate(
        "january february march april may june july august september october november "
        "december".split(),
        start=1,
    )
}
# Relative dates as news writes them; "this" is a stop word, so no dictionary phrase starts
# with it, and "year" alone reads 年度.
RELATIVE_DATES = {
    ("this", "year"): "今年",
    ("last", "year"): "去年",
    ("next", "year"): "明年",
    ("this", "month"): "本月",
    ("last", "month"): "上月",
    ("this", "week"): "本周",
    ("last", "week"): "上周",
}
# "January to June" is 1-6月 (also written 1—6月, 1至6月), and the periods statistics name.
_RANGE_WORDS = frozenset({"to", "through", "till", "until", "and"})
_PERIODS = {(1, 3): "一季度", (1, 6): "上半年", (1, 9): "前三季度", (7, 12): "下半年"}


def month_date(tokens: list[str], i: int) -> tuple[int, tuple[str, ...]]:
    """(tokens used, terms) of a month name and its day, if one follows: 8月3日, else 8月;
    a range of months as statistics write it ("January to June": 上半年, 1-6月)."""
    month = MONTHS[tokens[i].lower()]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    step = 2 if nxt.lower() in _RANGE_WORDS else 1
    last = MONTHS.get(tokens[i + step].lower(), 0) if i + step < len(tokens) else 0
    if last > month:
        forms = (f"{month}-{last}月", f"{month}—{last}月", f"{month}至{last}月")
        period = _PERIODS.get((month, last))
        return step + 1, ((period,) if period else ()) + forms
    day = _ORDINAL.match(nxt)
    digits = day.group(1) if day else nxt
    if digits.isdigit() and 1 <= int(digits) <= 31:
        return 2, (f"{month}月{int(digits)}日",)
    return 1, (f"{month}月",)


def grade(tokens: list[str], i: int) -> tuple[int, tuple[str, ...]]:
    """(tokens used, terms) of a grade ("Level III" -> 三级, III; "level 2" -> 二级, 2级),
    or (0, ())."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    if tokens[i].lower() not in _GRADES or not nxt:
        return 0, ()
    if nxt.lower() in _ROMAN and nxt.isupper():
        return 2, (f"{_chinese_number(_ROMAN[nxt.lower()])}级", nxt)
    if nxt.isdigit() and 1 <= int(nxt) <= 20:
        return 2, (f"{_chinese_number(int(nxt))}级", f"{int(nxt)}级")
    return 0, ()


CAMEL_CASE = re.compile(r"[a-z][A-Z]")


def pass_through(token: str) -> tuple[str, ...]:
    """Numbers, ordinals and Latin tokens that search as they are ("5G", "2023", "ICP")."""
    m = _ORDINAL.match(token)
    if m:
        # Chinese news counts events and sessions with 第: "the 3rd Digital China Summit" is
        # 第三届, "the 3rd quarter" 第三季度.
        num = int(m.group(1))
        if not 0 < num < 100:
            return (m.group(1),)
        return (f"第{_chinese_number(num)}届", f"第{_chinese_number(num)}", m.group(1))
    if _THOUSANDS.fullmatch(token):
        return _chinese_figures(int(token.replace(",", "")))
    if any(c.isdigit() for c in token) or (len(token) >= 2 and token.isupper()):
        return (token,)
    return ()


_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")


def _chinese_figures(n: int) -> tuple[str, ...]:
    """A number as Chinese news writes it: digits, or in 万/亿 (15,000: 15000, 1.5万)."""
    out = [str(n)]
    for unit, size in (("亿", 10**8), ("万", 10**4)):
        if n >= size and n % (size // 100) == 0:
            out.append(f"{n / size:g}{unit}")
            break
    return tuple(out)


def _chinese_number(n: int) -> str:
    """1-99 in Chinese numerals (13 -> 十三), as in 第十三届."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones or not tens else "")


def numeral_value(text: str) -> int:
    """A numeral's value, in digits or Chinese up to the hundreds (十二: 12, 一百零五: 105),
    the inverse of `_chinese_number`, so that 第6届 and 第六届 are one edition."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for c in text:
        if c in _CN_DIGITS or c in "〇两":
            digit = 2 if c == "两" else 0 if c == "〇" else _CN_DIGITS.index(c)
        else:  # 十 or 百: "十二" opens with no digit, one ten
            total += (digit or 1) * (10 if c == "十" else 100)
            digit = 0
    return total + digit
