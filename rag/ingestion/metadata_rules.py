"""Rules for what a page says about itself: its date, its source outlet and its address.

`dates` reads the date formats; `metadata` reads the source and address fields and the
dateline that opens a wire story ("新华社北京5月27日电").
"""

from __future__ import annotations

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

# Every table by name, for the tests that give each rule an example of its own.
TABLES: dict[str, tuple[Rule, ...]] = {
    "DATE_FORMATS": DATE_FORMATS,
    "DATELINE_DATE": (DATELINE_DATE,),
    "SOURCE_RULES": (SOURCE_FIELD, SOURCE_END, DATELINE_OUTLET),
    "URL_RULES": (URL_FIELD, LONE_URL),
}
