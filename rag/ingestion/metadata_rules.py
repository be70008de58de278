"""Rules for what a page says about itself: its date, source outlet, address and title.

`dates` reads the date formats; `metadata` reads the source and address fields and the
dateline that opens a wire story ("新华社北京5月27日电"); `titles` reads a title out of
the lead of an article that has no title line.
"""

from __future__ import annotations

import re

from rag.ingestion.rules import CJK, Rule

# The month and day after a year 19xx/20xx (`dates` puts the year in front).
DATE_FORMATS = (
    Rule(
        "numeric_date",
        r"(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})",
        "2023-05-27, 2023/5/27 and 2023.05.27 use one separator throughout.",
    ),
    Rule(
        "chinese_date",
        r"\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日",
        "2023年5月27日 is how Chinese pages write a date.",
    ),
)
DATELINE_DATE = Rule(
    "dateline_date",
    r"^.{0,20}?(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)(讯|訊|电|電)",
    "新华社北京2023年5月27日电 dates a wire story in its first words.",
)

SOURCE_FIELD = Rule(
    "source_field",
    r"(?:来源|來源|稿源|出处|出處)\s*[:：]\s*(.+)",
    "来源: in the header names the outlet.",
)
SOURCE_END = Rule(
    "source_end",
    r"\s|[|｜,，;；]|责任编辑|責任編輯|编辑|編輯|责编|責編|作者|记者|記者|时间|時間|发布|發布|日期",
    "A byline runs its fields together, so the outlet ends at a space or the next field.",
)
DATELINE_OUTLET = Rule(
    "dateline_outlet",
    f"^(?P<outlet>[{CJK}]{{1,10}}?(?:日报|日報|晚报|晚報|时报|時報|报|報|社|网|網|台|臺|在线|在線))"
    f"[{CJK}]{{0,6}}?(?:\\d{{4}}年)?(?:\\d{{1,2}}月\\d{{1,2}}日)?(?:讯|訊|电|電|消息)",
    "青岛日报11月19日讯 names the original outlet of a reprinted story.",
)

URL_FIELD = Rule(
    "url_field",
    r"^(?:本文地址|本文链接|本文鏈接|原文链接|原文鏈接|原文地址|原文网址|原文網址|文章链接|文章鏈接)"
    r"\s*[:：]\s*(https?://\S+)",
    "本文地址: gives the page's own address.",
)
LONE_URL = Rule(
    "lone_url",
    r"^(https?://\S+)$",
    "A line that is only an address is the page's address.",
)

# A date without a year ("7月27日电"): `dates` gives it a year only when the article states it.
YEARLESS_DATELINE = Rule(
    "yearless_dateline",
    r"^.{0,20}?(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*(讯|訊|电|電)",
    "新华社北京7月27日电 dates a wire story, though without its year.",
)

# Outlets whose name runs straight into a headline in scraped text ("…传言红星资本局8月16日消息"):
# without the name the headline's end is unknown. National and large regional outlets.
OUTLETS = tuple(
    """
    新华社 新华网 光明日报 中新社 中新网 中国新闻网 中新经纬 中新财经 人民网
    人民日报 央视网 央视新闻 央广网 国际在线 光明网 中国网 中国经济网 中国青年报
    中国青年网 中青网 中国日报 环球网 环球时报 参考消息网 海外网 中国台湾网 澎湃新闻
    新京报 北京日报 北京商报 北青网 北京青年报 界面新闻 财联社 证券时报 每经
    每日经济新闻 第一财经 21世纪经济报道 红星新闻 红星资本局 封面新闻 极目新闻
    九派新闻 潮新闻 上观新闻 东方网 观点网 IT之家 凤凰网 网易 新浪 腾讯网 南方+
    南都 羊城晚报 扬子晚报 华声在线 红网 荆楚网 大河网 大众网 齐鲁网 中国山东网
    半岛全媒体 河南日报 湖北日报 四川新闻网 深圳新闻网 水母网 三秦网 本报
    """.split()
)
# ... and a name the list lacks, read as two characters and an outlet word ("三湘都市报").
_OUTLET = (
    "(?:"
    + "|".join(map(re.escape, sorted(OUTLETS, key=len, reverse=True)))
    + f"|[{CJK}]{{2}}(?:都市报|日报|晚报|时报|商报|在线|网))"
)
_MD = r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日"  # 7月27日, 2023年7月27日
_CREDIT = r"(?:\s*[（(][^）)]{0,40}[）)])?"  # （记者 张三）

# What opens the lead of a wire or web story before its subject: skipped when a title is
# read from the lead. Each is matched at the start, again and again.
TITLE_SKIPS = (
    Rule(
        "title_dateline",
        r"(?:据|據)?[^，。,：:！？]{0,16}?"
        + _MD
        + r"\s*(?:电|電|讯|訊|消息|报道|報道|丨|\|)"
        + _CREDIT,
        "新华社北京7月27日电（记者…） dates and credits a story; it is not its subject.",
    ),
    Rule(
        "title_flash",
        r"[^，。,：:！？\s]{1,16}?(?<![通资資音喜])(?:讯|訊)" + _CREDIT,
        "本报讯（记者…） and 新京报讯 open a story without being its subject.",
    ),
    Rule(
        "title_outlet_message",
        r"(?:据|據)?[^，。,：:！？\s]{1,12}?(?<!发布|公布|透露|传来|發佈|傳來)消息"
        + _CREDIT
        + r"\s*[：:，,]",
        "央视网消息： names where the story comes from.",
    ),
    Rule(
        "title_reported_by",
        r"(?:据|據|综合|綜合)[^，。！？]{0,40}?(?:报道|報道|通报|通報|报告|報告|显示|顯示|称|稱|介绍|介紹"
        r"|了解|悉|消息|公告)\s*[，,：:]",
        "据新加坡《联合早报》报道， and 据悉， name a source, not the subject.",
    ),
    Rule(
        "title_learned",
        r"[^，。！？\s]{0,16}?(?:记者|記者)[^，。！？]{0,30}?(?:获悉|獲悉|了解到|得知)\s*[，,：:]",
        "记者从司法部获悉， says how the story was learned, not what it is.",
    ),
    Rule(
        "title_source_label",
        r"(?:来源|來源)[：:]\s*",
        "来源： before the lead names the outlet.",
    ),
    Rule(
        "title_source_colon",
        r"(?:据|據)[^，。！？：:\s]{1,16}[：:]",
        "据外交部网站： names a source, not the subject.",
    ),
    Rule(
        "title_cause",
        r"受[^，。！？]{2,24}?(?:影响|影響|推动|推動|带动|帶動)\s*[，,]",
        "受台风“卡努”影响， gives the cause; what it caused follows.",
    ),
    Rule(
        "title_bracket_tag",
        r"【[^】]{1,20}】",
        "【环球网报道】 and 【原创】 tag a story.",
    ),
    Rule(
        "title_byline",
        r"[^，。,：:！？\s]{0,12}?(?:(?:首席|见习|實習|实习|全媒体|摄影|攝影)?(?:记者|記者|编辑|編輯|评论员|評論員"
        r"|通讯员|實習生|实习生|视频剪辑|作者)\s*[：:|｜]?\s*(?:[^\s，。,：:]{2,4}?(?:[、\s□■]+|(?=(?:见习|实习"
        r"|摄影)?(?:记者|通讯员|实习生|视频|编辑)|当地时间|近日|日前|\d))){1,4})+(?:[^\s，。,：:]{1,6}?(?:报道|報道))?",
        "每经编辑 张锦河 credits the story.",
    ),
    Rule(
        "title_time",
        r"(?:当地时间|當地時間|北京时间|北京時間|\d{4}\s*年|\d{1,2}\s*月|\d{1,2}\s*[日号號]"
        r"|\d{1,2}\s*[时時点點](?:\d{1,2}分)?|[上下中]午|凌晨|早上|早晨|晚上|晚间|晚間|傍晚|深夜|夜间|晚|早"
        r"|上半年|下半年|近日|日前|近期|今天|今日|昨天|昨日|当天|當天|当日|今年|本周|上周|连日来|近年来"
        r"|截至目前|截止到目前|截止目前|目前|当前|當前"
        r"|[底初末]|上旬|中旬|下旬|至|到|许|許|左右|自|从|從|起|开始|開始|以来|以來|[-—~\s])+[，,]",
        "8月6日， and 近日， say when, not what.",
    ),
    Rule(
        "title_photo_credit",
        r"(?:[^！？]{0,60}?(?:供图|供圖|资料图|資料圖|\s摄|\s攝)|[^。，！？]{0,30}?[（(](?:图片来源|圖片來源|图源|来源|來源)[^）)]*[）)])",
        "图为施工现场。张三 摄 is a photo's caption, left before the story.",
    ),
    Rule(
        "title_caption",
        r"(?:图|圖)[：:][^。]{0,60}。|[^。！？，,\s]{2,10}(?:现场|現場|合影|风光|風光)。",
        "图：… and 会议现场。 are a photo's caption.",
    ),
    Rule(
        "title_opening_quote",
        r"“[^”]*[，。！？…][^”]*”(?=\S)",
        "A story may open with a quoted remark; what follows it says what happened.",
    ),
    Rule(
        "title_label",
        r"(?:题|題)[：:]",
        "题：labels the headline that follows it.",
    ),
    Rule(
        "title_reprint",
        r"(?:本文|文章)?(?:转自|轉自|转载自|轉載自)\s*(?:【[^】]{1,20}】|[^\s；;，,。]{1,20}?)\s*[；;，,。]",
        "本文转自【九派新闻】； says where a reprint comes from.",
    ),
)

# Where a headline that runs into its story ends ("标题中新网8月16日电 正文"): the headline is
# the text before the first of these in the lead's first 80 characters.
TITLE_ENDS = (
    Rule(
        "headline_dateline",
        r"(?:(?:据|據)?"
        + _OUTLET
        + r"[^，。！？\d]{0,10}?|(?<=\s)[^\s，。！？\d]{1,12}?)\s*"
        + _MD
        + r"\s*(?:电|電|讯|訊|消息|报道|報道)",
        "中新网北京8月16日电 after a headline starts the story.",
    ),
    Rule(
        "headline_flash",
        _OUTLET + r"[^，。！？\d\s]{0,10}?(?:讯|訊)",
        "观点网讯 and 新京报讯 after a headline start the story.",
    ),
    Rule(
        "headline_byline",
        r"(?:" + _OUTLET + r"[^，。！？\d\s]{0,6}?[\s|｜]*|(?<=\s)[^，。！？\d\s]{0,10}?|[□■（(])"
        r"(?:首席|见习|实习)?(?:记者|記者|编辑|編輯)",
        "极目新闻记者 张三 after a headline credits the story.",
    ),
    Rule(
        "headline_reporter",
        r"(?<![答问])(?:记者|記者)(?:近日|日前|今天|今日|昨天|昨日|\d{1,2}日)?(?:从|從)",
        "记者从…获悉 after a headline starts the story.",
    ),
    Rule(
        "headline_reported",
        r"(?<!根)(?:据|據)[^，。！？]{0,16}?(?:"
        + _MD
        + r"\s*(?:报道|報道|消息|电|電)|(?:消息|报道)[，,：:])",
        "据英国《镜报》8月14日报道 after a headline names the story's source.",
    ),
    Rule(
        "headline_time",
        r"(?<![自从從于於在至到截])(?:(?:"
        + _MD
        + r"|昨天|今天|昨日|今日|当天)(?:[上下中]午|凌晨|晚间|晚上|晚)?|近日|日前"
        r"|当地时间\d{1,2}日)[，,]",
        "8月16日， after a headline starts the story.",
    ),
    Rule(
        "headline_clock",
        r"(?:19|20)\d{2}-\d{2}-\d{2}\s+\d{1,2}:\d{2}",
        "2023-07-28 10:07 after a headline is the story's time stamp.",
    ),
    Rule(
        "headline_tag",
        r"【",
        "【新华社微特稿】 after a headline tags the story.",
    ),
    Rule(
        "headline_purpose",
        r"(?<=["
        + CJK
        + r"])(?<![成作认認称稱因以更视視改转轉化变變身])(?:为|為)了?(?:进一步|深入|切实|全面|认真|扎实"
        r"|积极|更好|贯彻|落实|推进|推动|加强|加快|做好|确保|助力|丰富|提升|促进|提高|营造|保障|弘扬|有效)",
        "为进一步… after a headline opens a government story with its purpose.",
    ),
    Rule(
        "headline_source",
        r"(?<![图圖]片)\s*(?:来源|來源)[：:]",
        "来源： after a headline names the outlet; the story follows.",
    ),
    Rule(
        "headline_original",
        r"(?:原标题|原標題)[：:]",
        "原标题： after a headline repeats the reprint's original headline.",
    ),
    Rule(
        "headline_gap",
        r"\s{2,}|\u3000",
        "A wide gap is where a scraped headline ended and its story began.",
    ),
)

# Every table by name, for the tests that give each rule an example of its own.
TABLES: dict[str, tuple[Rule, ...]] = {
    "DATE_FORMATS": DATE_FORMATS,
    "DATELINE_DATE": (DATELINE_DATE, YEARLESS_DATELINE),
    "SOURCE_RULES": (SOURCE_FIELD, SOURCE_END, DATELINE_OUTLET),
    "URL_RULES": (URL_FIELD, LONE_URL),
    "TITLE_SKIPS": TITLE_SKIPS,
    "TITLE_ENDS": TITLE_ENDS,
}
