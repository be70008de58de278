"""Rules for furniture inside a line of prose: original titles, ads, credits, scripts.

Scrapers often flatten a page: the whole body is one line, with the reprint's original
title in front and credits, notices, ads or a video player's script glued on. From such a
line `prose` cuts out what these rules match and keeps the rest.
"""

from __future__ import annotations

from rag.ingestion.rules import Rule

ORIGINAL_TITLE = Rule(
    "original_title",
    r"^(?:原标题|原標題)\s*[:：]\s*(.+)$",
    "原标题: in front of a reprint gives its original headline, not body text.",
)

# Cut out wherever they are.
INLINE_CUTS = (
    Rule(
        "inline_ad",
        r"广告\s+[^。×]{1,80}?\s*×",
        "广告 <teaser> × is an ad with its close button.",
    ),
    Rule(
        "related_links",
        r"(相关阅读|相關閱讀|相关链接|相關鏈接|延伸阅读|延伸閱讀)\s*[:：]\s*(《[^》]{1,80}》\s*)+",
        "相关阅读：《…》 links other articles.",
    ),
    Rule(
        "editor_note",
        r"[(（【\[]\s*(责任编辑|責任編輯|编辑|編輯|责编|責編)\s*[:：][^()（）【】\[\]。]{0,30}[)）】\]]",
        "(责任编辑：张三) credits the editor, not the story.",
    ),
    Rule(
        "original_title_note",
        r"[(（]\s*原(标|標)?(题|題)(为|為)?\s*([:：]\s*[^()（）。]{1,80}|[:：]?\s*《[^》]{1,80}》)\s*[)）]",
        "（原标题：…） repeats a reprint's original headline.",
    ),
)

PHOTO_CREDIT_INSIDE = Rule(
    "photo_credit_inside",
    r"(?<=[。！？!?”’」』）)\]】])\s*(?:[^\s。！？!?，,、：:；;“”]{1,12}\s){0,2}"
    r"[^\s。！？!?，,、：:；;“”]{1,6}?(?<!拍)\s*[摄攝](?=\s|$)",
    "刘新 摄 between two flattened paragraphs is a photo credit.",
)

# Cut at the end of a line, repeatedly.
TAILS = (
    Rule("sohu_more", r"返回搜狐[，,]?\s*查看更多$", "返回搜狐，查看更多 is Sohu's portal link."),
    Rule(
        "more_in_section",
        r"更多精彩(内容|內容|资讯|資訊)(请|請)(进入|進入)\S{0,12}$",
        "更多精彩内容请进入… links a section.",
    ),
    Rule(
        "empty_editor_label",
        r"(责任编辑|責任編輯)\s*[:：]?$",
        "A trailing 责任编辑: is an editor credit left without a name.",
    ),
    Rule("share_prompt", r"分享(让|讓)更多人看到$", "分享让更多人看到 asks readers to share."),
    Rule("past_issues", r"往期回(顾|顧)$", "往期回顾 links older issues."),
    Rule("report_error", r"【(纠错|糾錯)】$", "【纠错】 is a report-an-error button."),
    Rule(
        "like_prompt",
        r"点分享\s*点点赞\s*点在看$",
        "点分享 点点赞 点在看 asks readers to share and like.",
    ),
    Rule("end_mark", r"[(（]完[)）]$", "(完) marks the end of a wire story."),
    Rule("trailing_bar", r"[|｜]$", "A trailing | is left over from a credit list."),
    Rule(
        "contact_email",
        r"(联系方式|聯繫方式|邮箱地址|郵箱地址|联系邮箱|聯繫郵箱|投稿邮箱|投稿郵箱)\s*[:：]\s*[\w.+-]+@[\w.-]+$",
        "联系方式：a@b.cn at the end gives the site's contact.",
    ),
)

_CREDITS = (
    r"(来源|來源|责任编辑|責任編輯|编辑|編輯|责编|責編|校对|校對|审校|審校|审核|審核|监制|監製)"
)

# Cut at the end of prose only: a short line ending in them may be a headline.
TAIL_FIELDS = (
    Rule(
        "credit_field",
        _CREDITS
        + r"\s*[:：|｜]\s*[^\s|｜:：。！？!?，,()（）【】\[\]]{1,15}(\s+[A-Z]{1,3}\d{2,6})?$",
        "来源 | 环球网 or 编辑：张三 CN070 at the end credits the staff.",
    ),
    Rule(
        "credit_name",
        r"(?<=\s)" + _CREDITS + r"\s+[^\s。！？!?，,()（）【】\[\]]{2,4}$",
        "校对 李四 after a space at the end credits the staff.",
    ),
)

# A note of the original title at the end of prose, after an optional opening bracket.
ORIGINAL_TITLE_NOTES = (
    Rule(
        "original_title_bracketed",
        r"【原(?:标|標)?(?:题|題)】\s*[^。！？!?]{1,80}",
        "【原标题】… repeats a reprint's original headline.",
    ),
    Rule(
        "original_title_colon",
        r"原(?:标|標)?(?:题|題)(?:为|為)?\s*[:：]\s*[^。！？!?]{1,80}",
        "原标题：… repeats a reprint's original headline.",
    ),
    Rule(
        "original_title_quoted",
        r"原(?:标|標)?(?:题|題)(?:为|為)?\s*[:：]?\s*《[^》]{1,80}》",
        "原题为《…》 repeats a reprint's original headline.",
    ),
)

# Where inline JavaScript/CSS starts inside a run of ASCII text (matched case-sensitively).
CODE_STARTS = (
    Rule(
        "call_with_object",
        r"[\w$.]+\s*\(\s*(?:\{|function\b)",
        "showPlayer({...}) or $(function(){...}) is a script call.",
    ),
    Rule(
        "function_declaration",
        r"\bfunction\s*[\w$]*\s*\(",
        "function f( declares a script function.",
    ),
    Rule(
        "variable_declaration",
        r"\b(?:var|let|const)\s+[\w$]+\s*=",
        "var x = declares a script variable.",
    ),
    Rule(
        "dom_call",
        r"\b(?:document|window)\.[\w$]+\s*[.(=]",
        "document.write( is a script's DOM call.",
    ),
    Rule(
        "style_block",
        r"[\w.#-]*\{\s*[\w-]+\s*:[^{}]*[;}]",
        ".a{b:c;} is a style rule.",
    ),
)


# Every table by name, for the tests that give each rule an example of its own.
TABLES: dict[str, tuple[Rule, ...]] = {
    "ORIGINAL_TITLE": (ORIGINAL_TITLE,),
    "INLINE_CUTS": INLINE_CUTS,
    "PHOTO_CREDIT_INSIDE": (PHOTO_CREDIT_INSIDE,),
    "TAILS": TAILS,
    "TAIL_FIELDS": TAIL_FIELDS,
    "ORIGINAL_TITLE_NOTES": ORIGINAL_TITLE_NOTES,
    "CODE_STARTS": CODE_STARTS,
}
