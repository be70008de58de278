"""Rules for whole lines: notices, field labels, footers, menus, captions and bylines.

A line of page chrome is dropped whole (`boilerplate`); the notice rules also cut a notice
out of a line of prose (`prose`). The rules hold across Chinese news sites and are written
for simplified and traditional script and for full-width and half-width punctuation.
"""

from __future__ import annotations

from rag.ingestion.rules import CJK, Rule

# --- notices: dropped as a line, cut out of prose to the end of their sentence ------------

_DECLARATIONS = (
    r"(版权声明|版權聲明|版权说明|版權說明|免责声明|免責聲明|法律声明|法律聲明|广告声明|廣告聲明)"
)

# Headings that open a notice: the notice runs from the heading to the end of its sentence.
NOTICE_HEADINGS = (
    Rule(
        "declaration_heading",
        r"(^|(?<=[\s:：”’」』）)】》\]]))" + _DECLARATIONS,
        "A 版权声明/免责声明 heading opens a legal notice, also glued on after a bracket or space.",
    ),
    Rule(
        "declaration_heading_colon",
        _DECLARATIONS + r"\s*[:：]",
        "The same heading followed by a colon opens a notice wherever it stands.",
    ),
    Rule(
        "statement_colon",
        r"^(声明|聲明)\s*[:：]",
        "A line or sentence opening with 声明: is the site's statement, not the story.",
    ),
    Rule(
        "page_address_field",
        r"^(本文地址|本文链接|本文鏈接|原文链接|原文鏈接|原文地址|原文网址|原文網址|文章链接|文章鏈接)\s*[:：]",
        "本文地址:/原文链接: labels the page's own address.",
    ),
)

# Wording that only occurs in page furniture, dropped wherever it is.
NOTICES = (
    Rule(
        "reprint_ban",
        r"未[经經][^。]{0,40}?(授权|授權|许可|許可|同意)[^。]{0,40}?"
        r"(不得|禁止|严禁|嚴禁)[^。]{0,6}?(转载|轉載|复制|複製|摘编|摘編|镜像|鏡像|转贴|轉貼)",
        "未经授权不得转载 forbids reprints: the site's copyright notice.",
    ),
    Rule(
        "original_work",
        r"本文(属于|屬於|为|為|系|係)?原创|本文由[^。，]{1,12}原创",
        "本文系原创 claims authorship in a reprint notice.",
    ),
    Rule(
        "reprint_terms",
        r"(如若|如需)(转载|轉載)|(谢绝|謝絕)(转载|轉載)|侵权必究|侵權必究",
        "如需转载/谢绝转载/侵权必究 state reprint terms.",
    ),
    Rule(
        "reprint_credit",
        r"(若|如)?(转载|轉載)[^。，]{0,3}(请|請|须|須)?[^。，]{0,2}(注明|註明|写明|寫明|标明|標明|联系|聯繫)",
        "转载请注明出处 tells reprinters to credit the site.",
    ),
    Rule(
        "reprint_excuse",
        r"(转载|轉載)[^。]{0,6}(出于|出於)(传递|傳遞)更多(信息|資訊)",
        "转载出于传递更多信息 excuses a reprint.",
    ),
    Rule(
        "copyright_owner",
        r"(本文|此文|文章|稿件|作品|本站|本网|本網)[^。]{0,10}(版权|版權)(归|歸)|(版权|版權)(归|歸)(属|屬)?原",
        "版权归本网/版权归原作者 names the copyright holder.",
    ),
    Rule(
        "copyright_contact",
        r"(版权|版權|侵权|侵權)[^。，,]{0,6}(联系|聯繫)(电话|電話|方式|邮箱|郵箱)",
        "版权联系电话 gives a contact for copyright claims.",
    ),
    Rule(
        "copyright_issue",
        r"(如遇|如因|如涉及)?(作品|稿件)[^。]{0,20}(版权|版權|问题|問題|疑问|疑問)[^。]{0,30}(联系|聯繫)",
        "如遇作品版权问题请联系 invites copyright complaints.",
    ),
    Rule(
        "legal_threat",
        r"本(网|網|站)[^。]{0,8}追究|(侵害|侵犯)[^。]{0,6}本(网|網|站)",
        "本网将追究法律责任 threatens infringers.",
    ),
    Rule(
        "not_our_view",
        r"不代表本(站|网|網|报|報|刊)的?(立场|立場|观点|觀點)|(与|與)本(站|网|網)(立场|立場)(无关|無關)",
        "不代表本站立场 disclaims the article's views.",
    ),
    Rule(
        "author_view_only",
        r"(仅|僅)代表作者(个人)?(观点|觀點)",
        "仅代表作者观点 disclaims the article's views.",
    ),
    Rule(
        "generated_content",
        r"以上(内容|內容)(由|来自|來自)[^。]{0,30}(整理|生成)",
        "以上内容由…整理/生成 labels compiled or machine-written market data.",
    ),
    Rule(
        "not_investment_advice",
        r"不(对您)?构成[^。]{0,6}投资建议|不(對您)?構成[^。]{0,6}投資建議",
        "不构成投资建议 is the disclaimer under market data.",
    ),
    Rule(
        "no_accuracy_guarantee",
        r"(不保证|不保證)[^。]{0,60}(准确性|準確性|完整性)",
        "不保证准确性 disclaims the data's accuracy.",
    ),
    Rule(
        "tip_off",
        r"(新闻线索|新聞線索|报料|爆料)[^。]{0,10}(热线|熱線|通道|邮箱|郵箱)",
        "报料热线 asks readers for news tips.",
    ),
    Rule(
        "app_prompt",
        r"更多精彩(内容|內容|资讯|資訊)[^。，]{0,10}(下载|下載)|(扫码|掃碼)(下载|下載)",
        "更多精彩内容请下载/扫码下载 advertises the site's app.",
    ),
    Rule(
        "icp_registration",
        r"ICP\s*(备|備|证|證|许可|許可)|公网安备|公網安備|网出证|網出證",
        "ICP备/公网安备 numbers are the site's registration in its footer.",
    ),
    Rule(
        "comment_count",
        r"共有\s*\d*\s*条评论|共有\s*\d*\s*條評論",
        "共有N条评论 heads the comment box.",
    ),
    Rule(
        "image_placeholder",
        r"_fororder_",
        "_fororder_ is the file name of an image the scraper left as text.",
    ),
)

# --- whole lines dropped ------------------------------------------------------------------

# Field labels of page chrome; a line starting with one is dropped. Inside prose they do
# not count, since the words after a label may be the story ("图片来源：……。未来几天……").
FIELD_LABELS = (
    Rule(
        "breadcrumb_label",
        r"^(您所在的?位置|您的位置|您现在的位置|您現在的位置|当前位置|當前位置|所在位置)",
        "当前位置 starts the breadcrumb trail.",
    ),
    Rule(
        "share_widget",
        r"^(分享到|分享至|一键分享|一鍵分享)",
        "分享到 labels the share buttons.",
    ),
    Rule(
        "comment_box",
        r"^(留言与评论|留言與評論|发表评论|發表評論|网友评论|網友評論|我要评论|我要評論)",
        "发表评论 heads the comment box.",
    ),
    Rule(
        "captcha",
        r"^(验证码|驗證碼)\s*[:：]?",
        "验证码 belongs to the comment form.",
    ),
    Rule(
        "email_field",
        r"^(e-?mail|电子邮箱|電子郵箱|邮箱|郵箱|联系邮箱|聯繫郵箱|投稿邮箱|投稿郵箱)\s*[:：]",
        "邮箱: gives the site's mail address.",
    ),
    Rule(
        "phone_field",
        r"^(联系电话|聯繫電話|传真|傳真)\s*[:：]",
        "联系电话:/传真: gives the site's phone number.",
    ),
    Rule(
        "photo_label",
        r"^(相关图片|相關圖片|图片来源|圖片來源)",
        "相关图片/图片来源 labels a photo, not the story.",
    ),
    Rule(
        "original_title_label",
        r"^(原标题|原標題)\s*[:：]",
        "原标题: repeats a reprint's original headline.",
    ),
    Rule(
        "url_line",
        r"^(https?://|www\.)\S+$",
        "A line that is only an address is a link.",
    ),
    Rule(
        "next_article",
        r"^(上一篇|下一篇|上一條|下一條|上一条|下一条)\s*[:：]",
        "上一篇:/下一篇: link the neighbouring articles.",
    ),
)

COPYRIGHT = Rule(
    "copyright",
    r"copyright|all rights reserved|©|版权所有|版權所有",
    "Copyright/版权所有 is the footer's copyright line.",
)

# Dropped only when the line is not a sentence (no 。!?): a body paragraph may hold the
# same words ("市民可拨打举报电话12345。") but a footer line is a bare list.
BARE_LINES = (
    COPYRIGHT,
    Rule(
        "telecom_licence",
        r"增值电信业务|增值電信業務",
        "增值电信业务 names the site's telecom licence in its footer.",
    ),
    Rule(
        "licence_number",
        r"(许可证|許可證|证号|證號|备案号|備案號)[^。]{0,30}?\d{3,}",
        "许可证/备案号 followed by a number is a licence in the footer.",
    ),
    Rule(
        "permit_number",
        r"字第\s*\d+\s*[号號]",
        "X字第N号 is a permit number in the footer.",
    ),
    Rule(
        "report_hotline",
        r"(举报|舉報)(电话|電話|邮箱|郵箱|热线|熱線|中心)",
        "举报电话 is the footer's complaints contact.",
    ),
    Rule(
        "email_address",
        r"[\w.+-]+@[\w-]+\.[\w.]+|\[email\s*protected\]",
        "A bare mail address is a contact line.",
    ),
)

# Menu labels of site chrome, matched against the whole line and case-sensitively ("NEWS"
# is a menu, "News" may start a sentence). 责任编辑 alone needs no entry: prose.tidy_line
# strips it as an empty credit before lines are judged.
MENU_LABELS = (
    Rule(
        "navigation_link",
        r"新闻中心|新聞中心|首页|首頁|返回|返回顶部|返回頂部|返回首页|返回首頁|正文|更多",
        "新闻中心/首页/返回顶部 alone on a line are navigation links.",
    ),
    Rule(
        "page_tool",
        r"打印|关闭|關閉|收藏|字号|字號",
        "打印/关闭/字号 alone on a line are page tools.",
    ),
    Rule(
        "related_list",
        r"相关新闻|相關新聞|相关阅读|相關閱讀|热点推荐|熱點推薦|推荐阅读|推薦閱讀",
        "相关新闻/推荐阅读 alone on a line head a list of other articles.",
    ),
    Rule(
        "latin_menu",
        r"[A-Z][A-Z &/-]{1,19}",
        "A short line in capitals (NEWS, ABOUT US) is a menu label.",
    ),
)

# Captions, each up to a length: a longer line is prose that happens to end in 摄.
CAPTIONS = (
    Rule(
        "photo_credit",
        r"(^|\s)(摄影|攝影)(记者|記者)?(\s*[:：]\s*|\s+)\S{1,8}$",
        "攝影 徐菡 credits a photo; set off by a space, so 全国摄影大赛 is not one.",
        max_chars=40,
    ),
    Rule(
        "photographer_suffix",
        r"(?<!拍)[摄攝]\s*[)）】]?$",
        "东南网记者 卢金福 摄 credits a photo (拍摄 is a verb).",
        max_chars=60,
    ),
    Rule(
        "caption_prefix",
        r"^(图为|圖為|图片|圖片|图|圖)\s*[:：/]|^(图为|圖為)",
        "图为…/图: opens a caption.",
        max_chars=60,
    ),
    Rule(
        "image_file",
        r"\.(jpe?g|png|gif|webp|bmp)$",
        "A line ending in an image file name is an image the scraper left as text.",
        max_chars=100,
    ),
)

# The date/source/editor line under a headline: `boilerplate` takes a short line opening
# with a field, or a line holding a full date and a field word or a clock time.
BYLINE_FIELD = Rule(
    "byline_field",
    r"^(来源|來源|稿源|作者|编辑|編輯|责任编辑|責任編輯|责编|責編|发布时间|發布時間|发布日期|發布日期"
    r"|时间|時間|日期)\s*[:：]",
    "A short line opening with 来源:/作者:/发布时间: is a byline.",
    max_chars=80,
)
BYLINE_WORD = Rule(
    "byline_word",
    r"(来源|來源|编辑|編輯|责编|責編|作者|记者|記者|发布|發布|浏览|瀏覽|点击|點擊|阅读|閱讀|时间|時間)"
    r"\s*[:：]",
    "A date with a field label (来源:, 浏览:) is a byline; a headline with 发布 is not.",
)
CLOCK_TIME = Rule(
    "clock_time",
    r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)",
    "A date with a clock time (2023-05-27 14:14) is a byline's timestamp.",
)
BYLINE_RULES = (BYLINE_FIELD, BYLINE_WORD, CLOCK_TIME)

NAV_SEPARATOR = Rule(
    "nav_separator",
    r"\s*[|｜]\s*|\s{2,}",
    "Three or more short items between | or runs of spaces are a menu.",
)
BREADCRUMB = Rule(
    "breadcrumb",
    r"[>»›]",
    "Two or more > in a short line are a breadcrumb trail (首页 > 新闻 > 正文).",
    max_chars=60,
)
SITE_NAME = Rule(
    "site_name",
    f"^[{CJK}]{{2,10}}(网|網|在线|在線)$",
    "A bare site name (山西大院资讯网) outside the body is the page's masthead.",
)
LAYOUT_RULES = (NAV_SEPARATOR, BREADCRUMB, SITE_NAME)

# A declaration heading drops the legal clauses and paragraphs under it (FOOTER_CLAUSES).
FOOTER_HEADING = Rule(
    "footer_heading",
    r"^(版权声明|版權聲明|免责声明|免責聲明|法律声明|法律聲明)"
    f"|^(关于|關於)([{CJK}]{{1,12}}(网|網|在线|在線)|我们|我們)$",
    "版权声明 or 关于我们 heads the footer section of legal clauses.",
)
DECLARATION_TITLE = Rule(
    "declaration_title",
    r"^(?=.*(?:版权|版權))(?=.*(?:声明|聲明|申明))",
    "A short title naming both 版权 and 声明 heads a copyright declaration.",
    max_chars=40,
)
FOOTER_HEADINGS = (FOOTER_HEADING, DECLARATION_TITLE)

LEGAL_WORD = Rule(
    "legal_word",
    r"授权|授權|版权|版權|转载|轉載|侵权|侵權|著作权|著作權|法律|声明|聲明|本网|本網|本站|网站|網站"
    r"|站长|站長|门户|門戶|立场|立場|许可|許可|稿件|联系|聯繫",
    "Under a declaration heading, lines on licences and rights belong to the declaration.",
)
NUMBERED_CLAUSE = Rule(
    "numbered_clause",
    r"^(\d{1,2}\s*[、.．]|[(（]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、)",
    "Under a declaration heading, numbered lines (1、 (2) 三、) are its clauses.",
)
FOOTER_CLAUSES = (LEGAL_WORD, NUMBERED_CLAUSE)


# Every table by name, for the tests that give each rule an example of its own.
TABLES: dict[str, tuple[Rule, ...]] = {
    "NOTICE_HEADINGS": NOTICE_HEADINGS,
    "NOTICES": NOTICES,
    "FIELD_LABELS": FIELD_LABELS,
    "BARE_LINES": BARE_LINES,
    "MENU_LABELS": MENU_LABELS,
    "CAPTIONS": CAPTIONS,
    "BYLINE_RULES": BYLINE_RULES,
    "LAYOUT_RULES": LAYOUT_RULES,
    "FOOTER_HEADINGS": FOOTER_HEADINGS,
    "FOOTER_CLAUSES": FOOTER_CLAUSES,
}
