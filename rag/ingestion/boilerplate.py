"""Which lines of a scraped page are furniture, and `clean`, which drops them.

Cleaning works line by line: scraped pages put each navigation bar, byline, caption and
footer notice on a line of its own, so a line is the unit that is either kept whole or
dropped whole. A line holding prose is never dropped whole, though: `prose` cuts the
furniture glued into it. The patterns are the tables of `line_rules`; this module says
how they combine (lengths, order, the footer section under a declaration heading).
"""

from __future__ import annotations

import re

from rag.ingestion import line_rules
from rag.ingestion.dates import find_date
from rag.ingestion.pinyin import repair_pinyin
from rag.ingestion.prose import is_prose, is_sentence, tidy_line
from rag.ingestion.rules import CJK, Rule, any_of

__all__ = ["clean", "is_anchor", "keep_mask", "split_lines", "tidy_lines"]

_HAS_CJK = re.compile(f"[{CJK}]")
_HAS_WORD = re.compile(f"[A-Za-z{CJK}]")

_NOTICE_HEADS = any_of(line_rules.NOTICE_HEADINGS)
_NOTICES = any_of(line_rules.NOTICES)
_LABELS = any_of(line_rules.FIELD_LABELS)
_WHEN_BARE = any_of(line_rules.BARE_LINES)
# Latin menu labels are told apart by case, so this table alone is case-sensitive.
_MENU = any_of(line_rules.MENU_LABELS, flags=0)


def _compile(rule: Rule, flags: int = 0) -> re.Pattern[str]:
    return re.compile(rule.pattern, flags)


def _limited(rule: Rule, flags: int = 0) -> tuple[int, re.Pattern[str]]:
    assert rule.max_chars is not None, f"{rule.name} has no length limit"
    return rule.max_chars, _compile(rule, flags)


# Case-insensitive for image files in capitals (.JPG); the other captions have no letters.
_CAPTIONS = [_limited(rule, re.IGNORECASE) for rule in line_rules.CAPTIONS]
_BYLINE_FIELD_CHARS, _BYLINE_FIELD = _limited(line_rules.BYLINE_FIELD)
_BYLINE_WORD = _compile(line_rules.BYLINE_WORD)
_CLOCK_TIME = _compile(line_rules.CLOCK_TIME)
_NAV_SPLIT = _compile(line_rules.NAV_SEPARATOR)
_BREADCRUMB_CHARS, _BREADCRUMB = _limited(line_rules.BREADCRUMB)
_SITE_NAME = _compile(line_rules.SITE_NAME)
_FOOTER_HEADING = _compile(line_rules.FOOTER_HEADING)
_DECLARATION_TITLE_CHARS, _DECLARATION_TITLE = _limited(line_rules.DECLARATION_TITLE)
_LEGAL_WORD = _compile(line_rules.LEGAL_WORD)
_NUMBERED_CLAUSE = _compile(line_rules.NUMBERED_CLAUSE)

_MAX_BYLINE = 120  # a longer line is a paragraph that mentions a date


def _is_nav(line: str) -> bool:
    """Several short items separated by | or runs of spaces: a menu, not prose."""
    items = [p for p in _NAV_SPLIT.split(line) if p]
    if len(items) < 3:
        return False
    return all(len(p) <= 10 and "。" not in p for p in items)


def _is_byline(line: str) -> bool:
    """The date/source/editor line under a headline."""
    if len(line) > _MAX_BYLINE or "。" in line:
        return False
    if _BYLINE_FIELD.search(line) and len(line) <= _BYLINE_FIELD_CHARS:
        return True
    if not find_date(line):
        return False
    # A full date plus a clock time or a byline field; a bare date line has no letters.
    return bool(_CLOCK_TIME.search(line) or _BYLINE_WORD.search(line))


def _is_caption(line: str) -> bool:
    return any(len(line) <= limit and rx.search(line) for limit, rx in _CAPTIONS)


def _is_declaration_heading(line: str) -> bool:
    """A copyright declaration title such as "國際在線版權與信息産品內容銷售的聲明"."""
    if _FOOTER_HEADING.search(line):
        return True
    return (
        len(line) <= _DECLARATION_TITLE_CHARS
        and not is_sentence(line)
        and _DECLARATION_TITLE.search(line) is not None
    )


def _is_breadcrumb(line: str) -> bool:
    return (
        len(line) <= _BREADCRUMB_CHARS
        and len(_BREADCRUMB.findall(line)) >= 2
        and not is_sentence(line)
    )


def _is_boilerplate(line: str) -> bool:
    """Whether a stripped, non-empty line is page furniture, judged on the line alone."""
    if not _HAS_WORD.search(line):  # digits and punctuation only: "0", "01", a bare date
        return True
    if _MENU.fullmatch(line):
        return True
    if is_prose(line):  # prose: judged sentence by sentence in prose.tidy_line
        return False
    if _NOTICE_HEADS.search(line) or _NOTICES.search(line) or _LABELS.search(line):
        return True
    if _is_declaration_heading(line):
        return True
    if not is_sentence(line) and _WHEN_BARE.search(line):
        return True
    if _is_breadcrumb(line):
        return True
    return _is_nav(line) or _is_byline(line) or _is_caption(line)


def is_anchor(line: str) -> bool:
    """A body paragraph: a full stop and some length, or long. Headlines may hold ?/! but
    almost never 。."""
    cjk = len(_HAS_CJK.findall(line))
    return ("。" in line and cjk >= 15) or cjk >= 60


def _footer_like(line: str) -> bool:
    """A line that can belong to a copyright declaration or 'about us' section."""
    return (
        _is_boilerplate(line)
        or _NUMBERED_CLAUSE.search(line) is not None
        or _LEGAL_WORD.search(line) is not None
        or not _HAS_CJK.search(line)
        or (len(line) <= 20 and not is_sentence(line))
    )


def split_lines(text: str) -> list[str]:
    """Stripped, non-blank lines, with no-break and ideographic spaces made plain."""
    # Only spaces are made plain: rag.text.script.normalize also folds width, script and
    # case, but the cleaned text keeps the author's characters for chunk offsets.
    out = []
    for raw in text.splitlines():
        line = raw.replace("\xa0", " ").replace("\u3000", " ").strip()
        if line:
            out.append(line)
    return out


def tidy_lines(text: str) -> list[str]:
    """`split_lines` of the pinyin-repaired text, each with the furniture inside it cut out."""
    return [part for line in split_lines(repair_pinyin(text)) for part in tidy_line(line)]


def keep_mask(lines: list[str]) -> list[bool]:
    """Which lines of `tidy_lines(text)` survive cleaning."""
    keep = [not _is_boilerplate(line) for line in lines]
    # A declaration heading drops the clauses and paragraphs under it. Triggers are always
    # boilerplate themselves, so a second pass sees no trigger and changes nothing.
    i = 0
    while i < len(lines):
        if _is_declaration_heading(lines[i]):
            j = i + 1
            while j < len(lines) and _footer_like(lines[j]):
                keep[j] = False
                j += 1
            i = j
        else:
            i += 1
    # A bare site name ("山西大院资讯网") is page chrome above or below the body, but inside
    # it could be a short subheading, so only drop it outside the first..last paragraph.
    anchors = [i for i, line in enumerate(lines) if keep[i] and is_anchor(line)]
    first, last = (anchors[0], anchors[-1]) if anchors else (len(lines), -1)
    for i, line in enumerate(lines):
        if keep[i] and (i < first or i > last) and _SITE_NAME.match(line):
            keep[i] = False
    return keep


def clean(text: str) -> str:
    """Article text without page furniture: one kept line per paragraph.

    Repairs pinyin notes, strips each line, drops blank lines and boilerplate lines
    (navigation, breadcrumbs, share widgets, bylines, captions, image placeholders,
    copyright declarations and their clauses, ICP/licence lines, report hotlines, comment
    boxes, "about us" sections, section numbers, menu labels, bare site names), and joins
    the rest with "\\n". From lines holding prose it cuts what is glued into them instead
    (reprint, copyright and disclaimer notices, editor and photo credits, inline ads,
    JavaScript/CSS, portal links); a reprint's "原标题：" note goes, and a body that
    follows it on the same line stays. The headline stays as the first line. Idempotent.

    Example:
        >>> clean("首页 | 国内 | 国际\\n标题\\n2023-05-27 14:14:18 来源:某网\\n正文第一段。")
        '标题\\n正文第一段。'
    """
    lines = tidy_lines(text)
    keep = keep_mask(lines)
    return "\n".join(line for line, k in zip(lines, keep, strict=True) if k)
