"""Turn scraped Chinese news text into clean article text plus metadata.

Pure functions, no I/O. Cleaning works line by line: scraped pages put each navigation
bar, byline, caption and footer notice on a line of its own, so a line is the unit that
is either kept whole or dropped whole; body paragraphs are never edited (beyond removing
pinyin notes and surrounding whitespace), so chunk offsets refer to the author's words.

Rules are patterns that hold across Chinese news sites (bylines, ICP licence numbers,
share widgets, copyright declarations), written for both simplified and traditional
script and for full-width and half-width punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date as _date

from .types import Article

__all__ = [
    "Metadata",
    "build_article",
    "clean",
    "extract_metadata",
    "normalize_date",
    "repair_pinyin",
]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_CJK = re.compile(f"[{_CJK}]")
_HAS_WORD = re.compile(f"[A-Za-z{_CJK}]")
_SENTENCE_PUNCT = re.compile(r"[。！？!?；…]")
_END_PUNCT = "。！？!?；;：:，,、"

# --- pinyin notes -------------------------------------------------------------------------

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
_NOTE = re.compile(f"(?<=[{_CJK}])[(（]([a-zü{_TONED}]{{1,24}})[)）]")


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


# --- dates --------------------------------------------------------------------------------

_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})"
    r"(?:(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})"
    r"|\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日)"
    r"(?!\d)"
)
_TIME = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)")


def _find_date(text: str) -> str:
    """The first valid full date (year, month and day) in `text` as YYYY-MM-DD, else ""."""
    for m in _DATE.finditer(text):
        year, month, day = int(m["y"]), int(m["m"] or m["m2"]), int(m["d"] or m["d2"])
        try:
            return _date(year, month, day).isoformat()
        except ValueError:
            continue
    return ""


def normalize_date(value: str) -> str:
    """A date such as "2021-11-20T12:31:24+08:00" or "2021年11月20日" as "2021-11-20"."""
    return _find_date(value.strip())


# --- line rules ---------------------------------------------------------------------------


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Lines dropped wherever they are: their wording only occurs in page furniture.
_ALWAYS = _rx(
    # breadcrumbs and share widgets
    r"^(您所在的?位置|您的位置|您现在的位置|您現在的位置|当前位置|當前位置|所在位置)",
    r"^(分享到|分享至|一键分享|一鍵分享)",
    # copyright and legal notices
    r"^(版权声明|版權聲明|免责声明|免責聲明|法律声明|法律聲明)",
    r"未[经經][^。]{0,40}?(授权|授權|许可|許可|同意)[^。]{0,40}?"
    r"不得(转载|轉載|复制|複製|摘编|摘編|镜像|鏡像|转贴|轉貼)",
    r"不代表本(站|网|網|报|報|刊)的?(立场|立場|观点|觀點)",
    r"(仅|僅)代表作者(个人)?(观点|觀點)",
    # ICP registration numbers
    r"ICP\s*(备|備|证|證|许可|許可)|公网安备|公網安備|网出证|網出證",
    # comment boxes
    r"^(留言与评论|留言與評論|发表评论|發表評論|网友评论|網友評論|我要评论|我要評論)",
    r"^(验证码|驗證碼)\s*[:：]?",
    r"共有\s*\d*\s*条评论|共有\s*\d*\s*條評論",
    # contact lines
    r"^(e-?mail|电子邮箱|電子郵箱|邮箱|郵箱|联系邮箱|聯繫郵箱|投稿邮箱|投稿郵箱)\s*[:：]",
    r"^(联系电话|聯繫電話|传真|傳真)\s*[:：]",
    # image placeholders and photo captions
    r"_fororder_",
    r"^(相关图片|相關圖片|图片来源|圖片來源)",
    # reprint markers and source links
    r"^(原标题|原標題)\s*[:：]",
    r"^(本文地址|本文链接|本文鏈接|原文链接|原文鏈接|原文地址|原文网址|原文網址|文章链接|文章鏈接)\s*[:：]",
    r"^(https?://|www\.)\S+$",
    # previous/next article links
    r"^(上一篇|下一篇|上一條|下一條|上一条|下一条)\s*[:：]",
)

# Lines dropped only when they are not a sentence (no 。!?): the same words can occur in
# a body paragraph ("市民可拨打举报电话12345。", "企业取得增值电信业务经营许可证。") but a
# footer line is a bare list.
_WHEN_BARE = _rx(
    r"copyright|all rights reserved|©|版权所有|版權所有",
    r"增值电信业务|增值電信業務",
    r"(许可证|許可證|证号|證號|备案号|備案號)[^。]{0,30}?\d{3,}",
    r"字第\s*\d+\s*[号號]",
    r"(举报|舉報)(电话|電話|邮箱|郵箱|热线|熱線|中心)",
    r"[\w.+-]+@[\w-]+\.[\w.]+|\[email\s*protected\]",
)

# Whole-line menu labels from site chrome.
_MENU = {
    "新闻中心", "新聞中心", "首页", "首頁", "返回", "返回顶部", "返回頂部", "返回首页", "返回首頁",
    "打印", "关闭", "關閉", "收藏", "字号", "字號", "正文", "更多", "相关新闻", "相關新聞",
    "相关阅读", "相關閱讀", "热点推荐", "熱點推薦", "推荐阅读", "推薦閱讀", "责任编辑", "責任編輯",
}  # fmt: skip

# A byline word counts as a field label ("来源:"), so a headline holding a date and the
# word 发布 is not taken for a byline.
_BYLINE_WORDS = re.compile(
    r"(来源|來源|编辑|編輯|责编|責編|作者|记者|記者|发布|發布|浏览|瀏覽|点击|點擊|阅读|閱讀|时间|時間)"
    r"\s*[:：]"
)
_BYLINE_FIELD = re.compile(
    r"^(来源|來源|稿源|作者|编辑|編輯|责任编辑|責任編輯|责编|責編|发布时间|發布時間|发布日期|發布日期"
    r"|时间|時間|日期)\s*[:：]"
)
# Caption credits: "論壇現場 攝影 徐菡", "东南网记者 卢金福 摄", "图为 ...".
# The credit is set off by a space or colon, so "全国摄影大赛开幕" is not one.
_PHOTO_CREDIT = re.compile(r"(^|\s)(摄影|攝影)(记者|記者)?(\s*[:：]\s*|\s+)\S{1,8}$")
_CAPTION_END = re.compile(r"(?<!拍)[摄攝]\s*[)）】]?$")
_CAPTION_START = re.compile(r"^(图为|圖為|图片|圖片|图|圖)\s*[:：/]|^(图为|圖為)")
_IMAGE_FILE = re.compile(r"\.(jpe?g|png|gif|webp|bmp)$", re.IGNORECASE)
_NAV_SPLIT = re.compile(r"\s*[|｜]\s*|\s{2,}")
_BREADCRUMB = re.compile(r"[>»›]")
_SITE_NAME = re.compile(f"^[{_CJK}]{{2,10}}(网|網|在线|在線)$")

# A section that starts with one of these headings runs on over the legal clauses under it.
_FOOTER_HEADING = re.compile(
    r"^(版权声明|版權聲明|免责声明|免責聲明|法律声明|法律聲明)"
    f"|^(关于|關於)([{_CJK}]{{1,12}}(网|網|在线|在線)|我们|我們)$"
)
_LEGAL_WORDS = re.compile(
    r"授权|授權|版权|版權|转载|轉載|侵权|侵權|著作权|著作權|法律|声明|聲明|本网|本網|本站|网站|網站"
    r"|站长|站長|门户|門戶|立场|立場|许可|許可|稿件|联系|聯繫"
)
_NUMBERED_CLAUSE = re.compile(
    r"^(\d{1,2}\s*[、.．]|[(（]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、)"
)


def _is_sentence(line: str) -> bool:
    return _SENTENCE_PUNCT.search(line) is not None


def _is_nav(line: str) -> bool:
    """Several short items separated by | or runs of spaces: a menu, not prose."""
    items = [p for p in _NAV_SPLIT.split(line) if p]
    if len(items) < 3:
        return False
    return all(len(p) <= 10 and "。" not in p for p in items)


def _is_byline(line: str) -> bool:
    """The date/source/editor line under a headline."""
    if len(line) > 120 or "。" in line:
        return False
    if _BYLINE_FIELD.search(line) and len(line) <= 80:
        return True
    if not _find_date(line):
        return False
    # A full date plus a clock time or a byline field; a bare date line has no letters.
    return bool(_TIME.search(line) or _BYLINE_WORDS.search(line))


def _is_caption(line: str) -> bool:
    if len(line) <= 40 and _PHOTO_CREDIT.search(line):
        return True
    if len(line) <= 60 and (_CAPTION_END.search(line) or _CAPTION_START.search(line)):
        return True
    return len(line) <= 100 and _IMAGE_FILE.search(line) is not None


def _is_declaration_heading(line: str) -> bool:
    """A copyright declaration title such as "國際在線版權與信息産品內容銷售的聲明"."""
    if _FOOTER_HEADING.search(line):
        return True
    return (
        len(line) <= 40
        and not _is_sentence(line)
        and re.search("版权|版權", line) is not None
        and re.search("声明|聲明|申明", line) is not None
    )


def _is_boilerplate(line: str) -> bool:
    """Whether a stripped, non-empty line is page furniture, judged on the line alone."""
    if not _HAS_WORD.search(line):  # digits and punctuation only: "0", "01", a bare date
        return True
    if line in _MENU:
        return True
    if not _HAS_CJK.search(line) and re.fullmatch(r"[A-Z][A-Z &/-]{1,19}", line):
        return True  # Latin menu labels such as "NEWS"
    if _ALWAYS.search(line) or _is_declaration_heading(line):
        return True
    if not _is_sentence(line) and _WHEN_BARE.search(line):
        return True
    if len(line) <= 60 and len(_BREADCRUMB.findall(line)) >= 2 and not _is_sentence(line):
        return True
    return _is_nav(line) or _is_byline(line) or _is_caption(line)


def _is_anchor(line: str) -> bool:
    """A body paragraph: a full stop and some length, or long. Headlines may hold ?/! but
    almost never 。."""
    cjk = len(_HAS_CJK.findall(line))
    return ("。" in line and cjk >= 15) or cjk >= 60


def _footer_like(line: str) -> bool:
    """A line that can belong to a copyright declaration or 'about us' section."""
    return (
        _is_boilerplate(line)
        or _NUMBERED_CLAUSE.search(line) is not None
        or _LEGAL_WORDS.search(line) is not None
        or not _HAS_CJK.search(line)
        or (len(line) <= 20 and not _is_sentence(line))
    )


def _lines(text: str) -> list[str]:
    """Stripped, non-blank lines, with no-break and ideographic spaces made plain."""
    out = []
    for raw in text.splitlines():
        line = raw.replace("\xa0", " ").replace("\u3000", " ").strip()
        if line:
            out.append(line)
    return out


def _keep_mask(lines: list[str]) -> list[bool]:
    """Which lines of `_lines(text)` survive cleaning."""
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
    anchors = [i for i, line in enumerate(lines) if keep[i] and _is_anchor(line)]
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
    the rest with "\\n". The headline stays as the first line. Idempotent.

    Example:
        >>> clean("首页 | 国内 | 国际\\n标题\\n2023-05-27 14:14:18 来源:某网\\n正文第一段。")
        '标题\\n正文第一段。'
    """
    lines = _lines(repair_pinyin(text))
    keep = _keep_mask(lines)
    return "\n".join(line for line, k in zip(lines, keep, strict=True) if k)


# --- metadata -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Metadata:
    """What a page says about itself; every field is "" when the page does not say it."""

    title: str = ""
    date: str = ""  # YYYY-MM-DD
    source: str = ""
    url: str = ""


_HEADER_LINES = 10
_HEADER_CHARS = 600
_SOURCE = re.compile(r"(?:来源|來源|稿源|出处|出處)\s*[:：]\s*(.+)")
_SOURCE_END = re.compile(
    r"\s|[|｜,，;；]|责任编辑|責任編輯|编辑|編輯|责编|責編|作者|记者|記者|时间|時間|发布|發布|日期"
)
# "青岛日报11月19日讯", "新华社北京5月27日电", "國際在線貴州消息": outlet, place, date, verb.
_DATELINE = re.compile(
    f"^(?P<outlet>[{_CJK}]{{1,10}}?(?:日报|日報|晚报|晚報|时报|時報|报|報|社|网|網|台|臺|在线|在線))"
    f"[{_CJK}]{{0,6}}?(?:\\d{{4}}年)?(?:\\d{{1,2}}月\\d{{1,2}}日)?(?:讯|訊|电|電|消息)"
)
_DATELINE_DATE = re.compile(
    r"^.{0,20}?(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)(讯|訊|电|電)"
)
_URL_FIELD = re.compile(
    r"^(?:本文地址|本文链接|本文鏈接|原文链接|原文鏈接|原文地址|原文网址|原文網址|文章链接|文章鏈接)"
    r"\s*[:：]\s*(https?://\S+)"
)
_LONE_URL = re.compile(r"^(https?://\S+)$")
_ORIGINAL_TITLE = re.compile(r"^(?:原标题|原標題)\s*[:：]\s*(.+)$")


def _header(lines: list[str], keep: list[bool]) -> tuple[list[int], int | None]:
    """Indexes of the lines above the body (at most ~10 lines / 600 chars), and the first
    body paragraph's index (None when there is none)."""
    first = next((i for i, line in enumerate(lines) if keep[i] and _is_anchor(line)), None)
    header: list[int] = []
    chars = 0
    for i in range(len(lines) if first is None else first):
        chars += len(lines[i])
        if len(header) >= _HEADER_LINES or chars > _HEADER_CHARS:
            break
        header.append(i)
    return header, first


def _title(lines: list[str], keep: list[bool], header: list[int]) -> str:
    for i in header:
        line = lines[i]
        if (
            keep[i]
            and len(line) <= 80
            and len(_HAS_CJK.findall(line)) >= 4
            and "。" not in line
            and line[-1] not in _END_PUNCT
        ):
            return line
    for line in lines:  # a reprint may only name its headline as "原标题:"
        m = _ORIGINAL_TITLE.match(line)
        if m:
            return m.group(1).strip()
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


def _date_of(lines: list[str], header: list[int], first: int | None) -> str:
    for i in header:
        found = _find_date(lines[i])
        if found:
            return found
    if first is not None:  # a dateline opening the first paragraph: "新华社北京2023年5月27日电"
        m = _DATELINE_DATE.match(lines[first])
        if m:
            return _find_date(m.group("date"))
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
      a dateline opening the first paragraph ("新华社北京2023年5月27日电"). Dates in the
      body and dates without a year ("11月19日") do not count.
    - source: the outlet the article comes from. In order: the header's "来源:"/"來源:"
      field (up to the next field such as 编辑/作者); else the outlet of the first
      paragraph's dateline ("青岛日报11月19日讯" -> 青岛日报), since a reprinting site
      names the original outlet there; else a bare site-name line in the header.
    - url: a "本文地址:"/"原文链接:" field or a line that is only a URL, anywhere.
    - title: the first header line that cleaning keeps and that reads as a headline (no
      sentence-final punctuation); else a "原标题:" line; else "".

    Example:
        >>> extract_metadata("标题在此处\\n2023-05-27 来源:某网 编辑:甲\\n正文。").date
        '2023-05-27'
    """
    lines = _lines(repair_pinyin(raw))
    keep = _keep_mask(lines)
    header, first = _header(lines, keep)
    return Metadata(
        title=_title(lines, keep, header),
        date=_date_of(lines, header, first),
        source=_source(lines, header, first),
        url=_url(lines),
    )


def build_article(
    id: str,
    path: str,
    raw_text: str,
    sha256: str,
    html_meta: Metadata | Mapping[str, str] | None = None,
) -> Article:
    """Clean `raw_text` and attach its metadata; fields found in `html_meta` win.

    When the HTML title is not among the first lines of a non-empty text it is put first,
    so the headline is part of the text in every format (a page with a title and no body
    stays empty, so the loader skips it).
    """
    meta = extract_metadata(raw_text)
    text = clean(raw_text)
    if html_meta is not None:
        given = html_meta if isinstance(html_meta, Mapping) else html_meta.__dict__
        fields = {k: str(given.get(k) or "").strip() for k in ("title", "date", "source", "url")}
        fields["date"] = normalize_date(fields["date"]) if fields["date"] else ""
        meta = replace(meta, **{k: v for k, v in fields.items() if v})
        title = fields["title"]
        if title and text and title not in text.split("\n")[:3]:
            text = f"{title}\n{text}"
    return Article(
        id=id,
        path=path,
        text=text,
        title=meta.title,
        date=meta.date,
        source=meta.source,
        url=meta.url,
        sha256=sha256,
    )
