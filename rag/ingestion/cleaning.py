"""Turn scraped Chinese news text into clean article text plus metadata.

Pure functions, no I/O. Cleaning works line by line: scraped pages put each navigation
bar, byline, caption and footer notice on a line of its own, so a line is the unit that
is either kept whole or dropped whole. Some scrapers flatten a page, though, and glue
the body, the original title, credits, notices, ads and scripts into one long line; a
line holding prose is therefore never dropped whole but has those pieces cut out of it
(`_tidy_line`). Body sentences are never edited beyond that, removing pinyin notes and
surrounding whitespace, so chunk offsets refer to the author's words.

Rules are patterns that hold across Chinese news sites (bylines, ICP licence numbers,
share widgets, copyright declarations), written for both simplified and traditional
script and for full-width and half-width punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date as _date

from rag.types import Article

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


# Headings that open a notice. The notice runs from the heading to the end of its
# sentence: a line or sentence starting with one is dropped, and a heading glued on after
# a closing bracket, a colon or a space, or followed by a colon, cuts its sentence there.
_HEADINGS = (
    r"(版权声明|版權聲明|版权说明|版權說明|免责声明|免責聲明|法律声明|法律聲明|广告声明|廣告聲明)"
)
_NOTICE_HEADS = _rx(
    r"(^|(?<=[\s:：”’」』）)】》\]]))" + _HEADINGS,
    _HEADINGS + r"\s*[:：]",
    r"^(声明|聲明)\s*[:：]",
    r"^(本文地址|本文链接|本文鏈接|原文链接|原文鏈接|原文地址|原文网址|原文網址|文章链接|文章鏈接)\s*[:：]",
)

# Notices whose wording only occurs in page furniture: a line or a sentence holding one
# is dropped wherever it is, also from inside a paragraph.
_NOTICES = _rx(
    # copyright and reprint notices
    r"未[经經][^。]{0,40}?(授权|授權|许可|許可|同意)[^。]{0,40}?"
    r"(不得|禁止|严禁|嚴禁)[^。]{0,6}?(转载|轉載|复制|複製|摘编|摘編|镜像|鏡像|转贴|轉貼)",
    r"本文(属于|屬於|为|為|系|係)?原创|本文由[^。，]{1,12}原创",
    r"(如若|如需)(转载|轉載)|(谢绝|謝絕)(转载|轉載)|侵权必究|侵權必究",
    r"(若|如)?(转载|轉載)[^。，]{0,3}(请|請|须|須)?[^。，]{0,2}(注明|註明|写明|寫明|标明|標明|联系|聯繫)",
    r"(转载|轉載)[^。]{0,6}(出于|出於)(传递|傳遞)更多(信息|資訊)",
    r"(本文|此文|文章|稿件|作品|本站|本网|本網)[^。]{0,10}(版权|版權)(归|歸)|(版权|版權)(归|歸)(属|屬)?原",
    r"(版权|版權|侵权|侵權)[^。，,]{0,6}(联系|聯繫)(电话|電話|方式|邮箱|郵箱)",
    r"(如遇|如因|如涉及)?(作品|稿件)[^。]{0,20}(版权|版權|问题|問題|疑问|疑問)[^。]{0,30}(联系|聯繫)",
    r"本(网|網|站)[^。]{0,8}追究|(侵害|侵犯)[^。]{0,6}本(网|網|站)",
    # disclaimers, also the investment ones under market data
    r"不代表本(站|网|網|报|報|刊)的?(立场|立場|观点|觀點)|(与|與)本(站|网|網)(立场|立場)(无关|無關)",
    r"(仅|僅)代表作者(个人)?(观点|觀點)",
    r"以上(内容|內容)(由|来自|來自)[^。]{0,30}(整理|生成)",
    r"不(对您)?构成[^。]{0,6}投资建议|不(對您)?構成[^。]{0,6}投資建議",
    r"(不保证|不保證)[^。]{0,60}(准确性|準確性|完整性)",
    # tip-off lines and app prompts
    r"(新闻线索|新聞線索|报料|爆料)[^。]{0,10}(热线|熱線|通道|邮箱|郵箱)",
    r"更多精彩(内容|內容|资讯|資訊)[^。，]{0,10}(下载|下載)|(扫码|掃碼)(下载|下載)",
    # ICP registration numbers
    r"ICP\s*(备|備|证|證|许可|許可)|公网安备|公網安備|网出证|網出證",
    r"共有\s*\d*\s*条评论|共有\s*\d*\s*條評論",
    # image placeholders
    r"_fororder_",
)

# Field labels of page chrome: a line starting with one is dropped. Inside prose they do
# not count, since the words after a label may be the story ("图片来源：……。未来几天……").
_LABELS = _rx(
    # breadcrumbs and share widgets
    r"^(您所在的?位置|您的位置|您现在的位置|您現在的位置|当前位置|當前位置|所在位置)",
    r"^(分享到|分享至|一键分享|一鍵分享)",
    # comment boxes
    r"^(留言与评论|留言與評論|发表评论|發表評論|网友评论|網友評論|我要评论|我要評論)",
    r"^(验证码|驗證碼)\s*[:：]?",
    # contact lines
    r"^(e-?mail|电子邮箱|電子郵箱|邮箱|郵箱|联系邮箱|聯繫郵箱|投稿邮箱|投稿郵箱)\s*[:：]",
    r"^(联系电话|聯繫電話|传真|傳真)\s*[:：]",
    # photo captions
    r"^(相关图片|相關圖片|图片来源|圖片來源)",
    # reprint markers and links
    r"^(原标题|原標題)\s*[:：]",
    r"^(https?://|www\.)\S+$",
    # previous/next article links
    r"^(上一篇|下一篇|上一條|下一條|上一条|下一条)\s*[:：]",
)
_SHORT_LINE = 60  # longer lines with a full stop are prose

# Lines dropped only when they are not a sentence (no 。!?): the same words can occur in
# a body paragraph ("市民可拨打举报电话12345。", "企业取得增值电信业务经营许可证。") but a
# footer line is a bare list.
_COPYRIGHT = re.compile(r"copyright|all rights reserved|©|版权所有|版權所有", re.IGNORECASE)
_WHEN_BARE = _rx(
    _COPYRIGHT.pattern,
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
    if _is_prose(line):  # prose: judged sentence by sentence in _tidy_line
        return False
    if _NOTICE_HEADS.search(line) or _NOTICES.search(line) or _LABELS.search(line):
        return True
    if _is_declaration_heading(line):
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


def _is_prose(line: str) -> bool:
    """A long line holding sentences. A line rule matching part of it must not drop the
    body with it, so such a line is judged sentence by sentence (`_tidy_line`)."""
    return len(line) > _SHORT_LINE and "。" in line


def _footer_like(line: str) -> bool:
    """A line that can belong to a copyright declaration or 'about us' section."""
    return (
        _is_boilerplate(line)
        or _NUMBERED_CLAUSE.search(line) is not None
        or _LEGAL_WORDS.search(line) is not None
        or not _HAS_CJK.search(line)
        or (len(line) <= 20 and not _is_sentence(line))
    )


# --- furniture inside a line -------------------------------------------------------------
# Scrapers often flatten a page: the whole body is one line, with the reprint's original
# title in front and credits, notices, ads or a video player's script glued on. A line is
# dropped whole only when it is not prose; from prose only these pieces are cut out.

_ORIGINAL_TITLE = re.compile(r"^(?:原标题|原標題)\s*[:：]\s*(.+)$")
_TITLE_END = re.compile(r"\s{2,}")  # flattened line break between headline and body
_MAX_TITLE = 80

# A run of ASCII text holding script or style code. The code starts at a call taking an
# object or function (showPlayer({...}), $(function(){...), a declaration, a DOM call or
# a rule block (.a{b:c;}) and ends at its last ; } ) or ].
_ASCII_RUN = re.compile(r"[\x20-\x7e\t]{12,}")
_CODE_START = re.compile(
    r"[\w$.]+\s*\(\s*(?:\{|function\b)"
    r"|\bfunction\s*[\w$]*\s*\("
    r"|\b(?:var|let|const)\s+[\w$]+\s*="
    r"|\b(?:document|window)\.[\w$]+\s*[.(=]"
    r"|[\w.#-]*\{\s*[\w-]+\s*:[^{}]*[;}]"
)
# Pieces cut out wherever they are: an inline ad ("广告 <teaser> ×", × being its close
# button), a related-article link, and notes in brackets ("(责任编辑：张三 CN070)",
# "【编辑:李岩】", "（原标题：……）", "（原题为《……》）").
_INLINE = _rx(
    r"广告\s+[^。×]{1,80}?\s*×",
    r"(相关阅读|相關閱讀|相关链接|相關鏈接|延伸阅读|延伸閱讀)\s*[:：]\s*(《[^》]{1,80}》\s*)+",
    r"[(（【\[]\s*(责任编辑|責任編輯|编辑|編輯|责编|責編)\s*[:：][^()（）【】\[\]。]{0,30}[)）】\]]",
    r"[(（]\s*原(标|標)?(题|題)(为|為)?\s*([:：]\s*[^()（）。]{1,80}|[:：]?\s*《[^》]{1,80}》)\s*[)）]",
)
# A photo credit between two paragraphs flattened into one line: "……现场。刘新 摄    ……".
_PHOTO_CREDIT_INSIDE = re.compile(
    r"(?<=[。！？!?”’」』）)\]】])\s*(?:[^\s。！？!?，,、：:；;“”]{1,12}\s){0,2}"
    r"[^\s。！？!?，,、：:；;“”]{1,6}?(?<!拍)\s*[摄攝](?=\s|$)"
)
# Furniture at the end of a line: portal links, empty credit labels, end marks.
_TAIL = _rx(
    r"返回搜狐[，,]?\s*查看更多$",
    r"更多精彩(内容|內容|资讯|資訊)(请|請)(进入|進入)\S{0,12}$",
    r"(责任编辑|責任編輯)\s*[:：]?$",
    r"分享(让|讓)更多人看到$",
    r"往期回(顾|顧)$",
    r"【(纠错|糾錯)】$",
    r"点分享\s*点点赞\s*点在看$",
    r"[(（]完[)）]$",
    r"[|｜]$",
    r"(联系方式|聯繫方式|邮箱地址|郵箱地址|联系邮箱|聯繫郵箱|投稿邮箱|投稿郵箱)\s*[:：]\s*[\w.+-]+@[\w.-]+$",
)
# At the end of prose, a credit field or a note of the original title glued on:
# "……。来源 | 环球网 编辑 | 张三", "……。  编辑 张三   校对 李四", "……。【原标题】……".
_CREDIT = (
    r"(来源|來源|责任编辑|責任編輯|编辑|編輯|责编|責編|校对|校對|审校|審校|审核|審核|监制|監製)"
)
_TAIL_FIELD = _rx(
    _CREDIT + r"\s*[:：|｜]\s*[^\s|｜:：。！？!?，,()（）【】\[\]]{1,15}(\s+[A-Z]{1,3}\d{2,6})?$",
    r"(?<=\s)" + _CREDIT + r"\s+[^\s。！？!?，,()（）【】\[\]]{2,4}$",
)
_TAIL_ORIGINAL = re.compile(
    r"[(（]?(?:【原(?:标|標)?(?:题|題)】\s*[^。！？!?]{1,80}"
    r"|原(?:标|標)?(?:题|題)(?:为|為)?\s*[:：]\s*[^。！？!?]{1,80}"
    r"|原(?:标|標)?(?:题|題)(?:为|為)?\s*[:：]?\s*《[^》]{1,80}》)$"
)
_SENTENCE = re.compile(r".+?(?:[。！？!?]+[”’」』）)】\]]*|$)")
_CLOSERS = "”’」』）)】]"
_OPENERS = "“‘「『（(【["
_NOTICE_LEAD_IN = 20  # words before a notice that are dropped with it


def _split_original_title(line: str) -> tuple[str, str]:
    """(original title, rest of the line) for a line starting with "原标题：".

    A short line without a full stop is only the title: ("title", ""). When the body
    follows on the same line the title is separated at a run of spaces; without one its
    end is unknown and the title stays in front of the body: ("", "title body").
    Other lines: ("", line).
    """
    m = _ORIGINAL_TITLE.match(line)
    if m is None:
        return "", line
    rest = m.group(1).strip()
    if len(rest) <= _MAX_TITLE and "。" not in rest:
        return rest, ""
    end = _TITLE_END.search(rest, 0, _MAX_TITLE + 2)
    if end is not None and end.start() >= 4:
        return rest[: end.start()], rest[end.end() :]
    return "", rest


def _strip_code(line: str) -> str:
    """The line without inline JavaScript/CSS; prose in the same ASCII run stays."""

    def cut(m: re.Match[str]) -> str:
        run = m.group(0)
        start = _CODE_START.search(run)
        if start is None:
            return run
        end = max(run.rfind(c) for c in ";})]") + 1
        return run if end <= start.start() else run[: start.start()] + run[end:].lstrip()

    return _ASCII_RUN.sub(cut, line)


def _notice_span(sentence: str) -> tuple[int, int] | None:
    """Where a notice lies in one sentence of prose (None: it holds none).

    A notice runs to the end of its sentence, or to the closing bracket when it sits in
    brackets ("上游新闻（报料邮箱：……）记者从……"). It starts at its heading; else with
    the sentence, or after a closing bracket in front of it ("……其他事项（宗禾）本文属于
    原创文章"), when at most a short lead-in comes before it ("欢迎提供新闻线索，24小时
    报料热线……"); else at its own first word, so that a body sentence that lacks its full
    stop is kept. Inside prose, field labels and the bare-line rules other than copyright
    do not count: "联系电话：……" or "举报邮箱：……" may be part of the story.
    """
    head = _NOTICE_HEADS.search(sentence)
    m = head or _NOTICES.search(sentence)
    if m is None and not _is_sentence(sentence):
        m = _COPYRIGHT.search(sentence)
    if m is None:
        return None
    lead = sentence[: m.start()]
    opener = max(lead.rfind(c) for c in _OPENERS)
    closer = max(lead.rfind(c) for c in _CLOSERS)
    if opener > closer:  # inside brackets
        ends = [i for c in _CLOSERS if (i := sentence.find(c, m.end())) >= 0]
        if ends:
            return opener, min(ends) + 1
    start = closer + 1
    if head is not None or len(sentence[start : m.start()].strip()) > _NOTICE_LEAD_IN:
        start = m.start()
    return start, len(sentence)


def _drop_notices(line: str) -> str:
    """Prose without the notices in its sentences."""
    kept = []
    for sentence in _SENTENCE.findall(line):
        span = _notice_span(sentence)
        kept.append(sentence if span is None else sentence[: span[0]] + sentence[span[1] :])
    return "".join(kept).strip()


def _strip_tail(line: str, prose: bool) -> str:
    """The line without furniture at its end (and credit fields, when it is prose)."""
    while True:
        m = _TAIL.search(line)
        if m is None and prose:
            m = _TAIL_FIELD.search(line) or _TAIL_ORIGINAL.search(line)
        if m is None:
            return line
        line = line[: m.start()].rstrip()


def _tidy_line(line: str) -> list[str]:
    """The line without furniture glued into it: no line, or one, or two when a reprint's
    original title precedes the body (the title goes on a line of its own; a line holding
    only the original title is dropped, as the page has its own headline)."""
    line = _INLINE.sub("", _strip_code(line)).strip()
    title, line = _split_original_title(line)
    if not line:
        return []
    prose = _is_prose(line)
    while True:
        before = line
        if prose:
            line = _PHOTO_CREDIT_INSIDE.sub("", _drop_notices(line)).strip()
        line = _strip_tail(line, prose)
        if line == before:
            break
    return [part for part in (title, line) if part]


def _lines(text: str) -> list[str]:
    """Stripped, non-blank lines, with no-break and ideographic spaces made plain."""
    out = []
    for raw in text.splitlines():
        line = raw.replace("\xa0", " ").replace("\u3000", " ").strip()
        if line:
            out.append(line)
    return out


def _tidy_lines(text: str) -> list[str]:
    """`_lines` of the pinyin-repaired text, each with the furniture inside it cut out."""
    return [part for line in _lines(repair_pinyin(text)) for part in _tidy_line(line)]


def _keep_mask(lines: list[str]) -> list[bool]:
    """Which lines of `_tidy_lines(text)` survive cleaning."""
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
    the rest with "\\n". From lines holding prose it cuts what is glued into them instead
    (reprint, copyright and disclaimer notices, editor and photo credits, inline ads,
    JavaScript/CSS, portal links); a reprint's "原标题：" note goes, and a body that
    follows it on the same line stays. The headline stays as the first line. Idempotent.

    Example:
        >>> clean("首页 | 国内 | 国际\\n标题\\n2023-05-27 14:14:18 来源:某网\\n正文第一段。")
        '标题\\n正文第一段。'
    """
    lines = _tidy_lines(text)
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


def _title(lines: list[str], keep: list[bool], header: list[int], raw_lines: list[str]) -> str:
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
    for line in raw_lines:  # a reprint may only name its headline as "原标题:"
        original, _ = _split_original_title(line)
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
    raw_lines = _lines(repair_pinyin(raw))
    lines = _tidy_lines(raw)
    keep = _keep_mask(lines)
    header, first = _header(lines, keep)
    return Metadata(
        title=_title(lines, keep, header, raw_lines),
        date=_date_of(lines, header, first),
        source=_source(lines, header, first),
        url=_url(raw_lines),
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
