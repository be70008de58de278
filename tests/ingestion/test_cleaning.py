"""Cleaning and metadata on the five seed articles, plus pages written here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.ingestion.cleaning import (
    Metadata,
    build_article,
    clean,
    extract_metadata,
    normalize_date,
    repair_pinyin,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def seed(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


SEEDS = ["000", "001", "002", "003", "004"]
PINYIN_NOTE = re.compile(r"[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")

# Text from each seed's navigation, bylines, captions and footers.
BOILERPLATE = {
    "000": [
        "城市遠洋",
        "老外在貴州",
        "來源:中央廣電總臺國際在線",
        "責編:魏寒冰",
        "_fororder_",
        "攝影 徐菡",
        "國際友城主題展 攝影",
        "版權與信息産品內容銷售的聲明",
        "1、“國際在線”由中國國際廣播電臺主辦",
        "未經書面授權,任何單位及個人不得轉載",
        "已取得國廣國際在線網絡(北京)有限公司使用授權的被授權人",
        "任何未與國廣國際在線網絡",
        "4、凡本網註明",
        "5、如因作品內容、版權和其他問題需要與本網聯繫的",
    ],
    "001": ["新聞中心", "NEWS"],
    "002": [
        "直通屏山",
        "大学城|台海",
        "您所在的位置",
        "分享到",
        "责任编辑:陈玮",
        "东南网记者 卢金福 摄",
        "分论坛现场。",
        "相关图片",
        "关于我们",
        "广告服务",
        "网站地图",
        "ICP",
        "许可证",
        "网出证",
        "增值电信业务",
        "福建日报报业集团拥有东南网采编人员所创作作品之版权",
        "举报电话",
        "举报邮箱",
        "jubao@fjsen.com",
    ],
    "003": [],
    "004": [
        "山西大院资讯网",
        "网络编辑 国内",
        "原标题",
        "版权声明",
        "本文仅代表作者观点",
        "本文系作者授权发表",
        "本文地址",
        "shanxidayuan.com",
        "留言与评论",
        "验证码",
        "关于山西大院新闻网",
        "山西大院是公共的资讯平台",
        "山西大院新闻网",
        "Copyright",
        "copyright protection",
        "that the network agrees",
        "E-mail",
        "本站所有文章",
    ],
}

# Distinctive sentences from each seed's body: first and last paragraph and some between.
BODY = {
    "000": [
        "【聚焦2023數博會】貴州國際“朋友圈”掀起智慧城市“頭腦風暴”",
        "國際在線貴州消息(周嫻):5月26日下午,“國際友城智慧城市論壇”在貴陽舉行。",
        "60余名來自中外的專業觀眾參加論壇。",
        "大數據已成為貴州後發敢超的亮麗名片",
        "貴州的國際“朋友圈”越來越大。",
        "當前,數字技術正在深刻改變著城市的治理模式",
        "在‘中國數谷’建設中邁出了堅實步伐。”鄢東説。",
        "“國際友城之間的合作,能夠攜手並進共同創新",
        "韓國忠清南道政務副知事全亨植表示",
        "2023數博會首次設置了國際友城主題展",
        "促進了互利共贏合作。",
    ],
    "001": [
        "9月23日上午,以“攜手東北亞,共謀新發(fā)展”為主題的第十三屆中國-東北亞博覽會",
        "上百位吉林和東北亞地區(qū)的來賓與深圳企業(yè)家出席會議。",
        "主題展覽,5G+智慧城市閃耀北國春城",
        "專題推介,吉深合作大有可為",
        "吉林省人民政府副秘書長張凱明對深圳代表團的到來表示了熱烈的歡迎",
        "隨后,在智慧城市圓桌討論部分",
        "示范引領(lǐng),深圳智慧城市建設(shè)再提速",
        "在第八屆(2018年)、第九屆(2019年)“中國智慧城市發(fā)展水平評估”中",
        "讓城市能感知、會思考、可進化、有溫度。",
    ],
    "002": [
        "数字城市建设怎么做?第三届数字中国建设峰会这场论坛政企学界“头脑风暴”",
        "东南网10月13日讯(本网记者 卢金福)今日上午, 第三届数字中国建设峰会数字城市分论坛在福州召开",
        "本次论坛由工业和信息化部、福建省人民政府、中国电子信息产业集团有限公司主办",
        "中央党校(国家行政学院)电子政务研究中心主任",
        "“比如看病和急救,传统的办法是打120,送到医院救治。",
        "简称“百城万企牵手”行动。",
        "《现代数字城市建设助力玉溪新跨越》《“大云西移,数载万物”》的主题演讲。",
    ],
    "003": [
        "11月19日,第二十五屆高交會智慧城市展在萬眾矚目中圓滿落幕。",
        "多元呈現智慧城市發展",
        "聚智共研產業發展新格局",
        "國家信息中心主任徐強在2023智慧城市發展論壇主論壇如是說。",
        "數創融合智造未來”數智產業交流對接會?廣梅園",
        "樹旗幟引領智慧城市未來",
        "全新的生態造就全新的發展格局,智慧城市的建設發展日新月異,期待我們的城市越來越好。",
    ],
    "004": [
        "青岛新型智慧城市建设稳居“第一梯队”",
        "青岛日报11月19日讯 今天上午,第一届中国新型智慧城市建设峰会在青岛国际会议中心开幕。",
        "我市共入选34个案例,占总数的24.6%,数量位列全国第一。",
        "青岛紧随其后,排名第六。",
        "峰会期间,还举行了山东省新型智慧城市重点项目集中开工仪式。",
        "为新型智慧城市建设提供了强力支撑。",
    ],
}

METADATA = {
    "000": Metadata(
        title="【聚焦2023數博會】貴州國際“朋友圈”掀起智慧城市“頭腦風暴”",
        date="2023-05-27",
        source="中央廣電總臺國際在線",
    ),
    "001": Metadata(),
    "002": Metadata(
        title="数字城市建设怎么做?第三届数字中国建设峰会这场论坛政企学界“头脑风暴”",
        date="2020-10-13",
        source="东南网",
    ),
    "003": Metadata(),
    "004": Metadata(
        title="青岛新型智慧城市建设稳居“第一梯队”",
        date="2021-11-20",
        source="青岛日报",
        url="http://www.shanxidayuan.com/zcjh/jishixinwen/8963.html",
    ),
}


@pytest.mark.parametrize("sid", SEEDS)
def test_seed_boilerplate_is_removed(sid: str) -> None:
    cleaned = clean(seed(sid))
    for text in BOILERPLATE[sid]:
        assert text not in cleaned, f"{sid}: boilerplate {text!r} survived"


@pytest.mark.parametrize("sid", SEEDS)
def test_seed_body_survives(sid: str) -> None:
    cleaned = clean(seed(sid))
    for text in BODY[sid]:
        assert repair_pinyin(text) in cleaned, f"{sid}: body text {text!r} was lost"


@pytest.mark.parametrize("sid", SEEDS)
def test_seed_every_long_paragraph_survives(sid: str) -> None:
    # Every raw line holding a full sentence and not a footer clause is in the output.
    raw = seed(sid)
    cleaned = clean(raw).split("\n")
    footer = re.compile(r"版權|版权|授權|授权|本網|本站|资讯平台")
    for line in raw.splitlines():
        line = repair_pinyin(line).strip()
        if line.count("。") >= 2 and not footer.search(line):
            assert line in cleaned, f"{sid}: paragraph lost: {line[:40]}"


@pytest.mark.parametrize("sid", SEEDS)
def test_seed_lines_are_stripped_and_non_blank(sid: str) -> None:
    for line in clean(seed(sid)).split("\n"):
        assert line and line == line.strip() and "\xa0" not in line


@pytest.mark.parametrize("sid", SEEDS)
def test_seed_clean_is_idempotent(sid: str) -> None:
    once = clean(seed(sid))
    assert clean(once) == once


@pytest.mark.parametrize("sid", SEEDS)
def test_seed_metadata(sid: str) -> None:
    assert extract_metadata(seed(sid)) == METADATA[sid]


@pytest.mark.parametrize("sid", ["000", "002", "004"])
def test_title_is_first_cleaned_line(sid: str) -> None:
    assert clean(seed(sid)).split("\n")[0] == METADATA[sid].title


def test_seed_001_has_no_pinyin_left() -> None:
    raw = seed("001")
    assert len(PINYIN_NOTE.findall(raw)) > 100  # the seed is what the test claims it is
    assert PINYIN_NOTE.findall(clean(raw)) == []


def test_seed_003_month_day_without_year_is_not_a_date() -> None:
    assert "11月19日" in seed("003")
    assert extract_metadata(seed("003")).date == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("發(fā)展", "發展"),
        ("產(chǎn)業(yè)", "產業"),
        ("貿(mào)促會", "貿促會"),
        ("建設(shè)", "建設"),
        ("綠(lǜ)色", "綠色"),
        ("他們(men)的", "他們的"),  # a neutral-tone note has no tone mark
        ("發(fā)(zhǎn)", "發"),  # notes in a row
        ("全角（chǎn）括號", "全角括號"),
    ],
)
def test_repair_pinyin_removes_notes(raw: str, expected: str) -> None:
    assert repair_pinyin(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "國際在線貴州消息(周嫻):5月26日",
        "老外在貴州 (Hi,貴州!)",
        "第八屆(2018年)評估",
        "國廣國際在線網絡(北京)有限公司",
        "閩ICP備案號(閩ICP備05022042號)",
        "人工智能(AI)與大數據",
        "包括以下三類(a)",
        "(fā) 前面不是漢字",
        "中国(china)",
    ],
)
def test_repair_pinyin_keeps_genuine_parentheses(text: str) -> None:
    assert repair_pinyin(text) == text


# A page from another site, in full-width punctuation, to check the rules are general.
OTHER_SITE = """\
首页　　国内　　国际　　财经　　体育
当前位置：首页 > 新闻 > 正文
城市大脑让交通更顺畅
2022年3月8日 09:30　来源：示例日报　责任编辑：张三
新华社记者 李贺 摄
示例日报3月8日讯 记者从市交通局获悉，城市大脑上线一年来，主城区高峰时段平均车速提高了百分之十五。市民可拨打举报电话12345反映交通违法行为。
据介绍，2019年3月1日起，全市路口陆续接入城市大脑平台，信号灯配时根据实时车流自动调整。
图为城市大脑指挥中心。
版权所有 © 示例日报社　京ICP证030173号
违法和不良信息举报电话：010-12345678　举报邮箱：jubao@example.cn
"""


def test_other_site_is_cleaned() -> None:
    assert clean(OTHER_SITE).split("\n") == [
        "城市大脑让交通更顺畅",
        "示例日报3月8日讯 记者从市交通局获悉，城市大脑上线一年来，主城区高峰时段平均车速提高了"
        "百分之十五。市民可拨打举报电话12345反映交通违法行为。",
        "据介绍，2019年3月1日起，全市路口陆续接入城市大脑平台，信号灯配时根据实时车流自动调整。",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "全国摄影大赛在京开幕",
        "2023年5月27日国务院新闻办公室举行新闻发布会",
        "该公司已取得增值电信业务经营许可证，编号为京B2-20230001。",
        "根据规定，未经批准不得擅自占用城市道路，违者将被依法处理。",
        "市民可拨打举报电话12345反映问题，也可发送邮件至city@example.cn。",
        "他用手机拍摄了这一幕，并分享到朋友圈。",
        "主题展览,5G+智慧城市閃耀北國春城",
    ],
)
def test_body_lines_with_furniture_words_are_kept(line: str) -> None:
    body = "峰会期间，与会嘉宾围绕数字城市建设展开深入交流，分享了各地的实践经验。"
    raw = f"{body}\n{line}\n{body}"
    assert clean(raw).split("\n") == [body, line, body]


def test_other_site_metadata() -> None:
    assert extract_metadata(OTHER_SITE) == Metadata(
        title="城市大脑让交通更顺畅", date="2022-03-08", source="示例日报"
    )


def test_date_in_body_is_not_taken() -> None:
    raw = (
        "城市大脑让交通更顺畅\n"
        "据介绍，2019年3月1日起，全市路口陆续接入城市大脑平台，信号灯配时根据实时车流自动调整。\n"
        "2020-05-06 10:00 来源：某网\n"
    )
    assert extract_metadata(raw).date == ""


def test_dateline_date_and_outlet() -> None:
    raw = "新华社北京2023年5月27日电 记者从有关部门获悉，今年以来全国新建五万个5G基站，覆盖所有地级市。"
    meta = extract_metadata(raw)
    assert (meta.date, meta.source, meta.title) == ("2023-05-27", "新华社", "")


def test_lone_url_line_is_the_url_and_is_dropped() -> None:
    raw = (
        "标题是这一行\nhttps://example.cn/a/1.html\n正文第一段，有一些内容，足够长的一句话在这里。"
    )
    assert extract_metadata(raw).url == "https://example.cn/a/1.html"
    assert "example.cn" not in clean(raw)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-11-20T12:31:24+08:00", "2021-11-20"),
        ("2023年5月27日", "2023-05-27"),
        ("2023/05/27", "2023-05-27"),
        ("2023-02-30", ""),
        ("11月19日", ""),
        ("", ""),
    ],
)
def test_normalize_date(value: str, expected: str) -> None:
    assert normalize_date(value) == expected


def test_build_article_html_meta_wins() -> None:
    raw = seed("002")
    meta = {"title": "网页标题", "date": "2020-10-14T08:00:00+08:00", "url": "https://x.cn/1"}
    article = build_article("002", "corpus/002.html", raw, "abc", html_meta=meta)
    assert (article.title, article.date, article.url) == (
        "网页标题",
        "2020-10-14",
        "https://x.cn/1",
    )
    assert article.source == "东南网"  # not in html_meta: taken from the text
    assert article.text.split("\n")[0] == "网页标题"  # the headline leads the text
    assert (article.id, article.path, article.sha256) == ("002", "corpus/002.html", "abc")


def test_build_article_from_text() -> None:
    article = build_article("004", "corpus/004.txt", seed("004"), "f" * 64)
    assert article.text == clean(seed("004"))
    assert (article.title, article.date, article.source) == (
        METADATA["004"].title,
        "2021-11-20",
        "青岛日报",
    )


SEED_LINES = [line for sid in SEEDS for line in seed(sid).splitlines()]


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.sampled_from(SEED_LINES) | st.text(max_size=30), max_size=40))
def test_clean_is_idempotent_on_shuffled_lines(lines: list[str]) -> None:
    once = clean("\n".join(lines))
    assert clean(once) == once


# --- pages flattened into one line -------------------------------------------------------
# Some scrapers put a whole page on one line: the reprint's original title in front, then
# the body, with credits, notices, ads and scripts glued in. Written here, in the shapes
# such pages take.

S1 = "今年第5号台风“示例”于7月28日在福建沿海登陆，全省共转移群众十二万人。"
S2 = "气象部门预计，未来三天福建、浙江等地仍有大到暴雨，局地有特大暴雨。"
S3 = "应急管理部已派出工作组赴一线指导防汛救灾工作，督促落实各项防范措施。"
BODY3 = S1 + S2 + S3


def test_original_title_alone_is_dropped() -> None:
    raw = f"台风示例登陆福建\n原标题：福建迎战台风示例\n{BODY3}"
    assert clean(raw).split("\n") == ["台风示例登陆福建", BODY3]


def test_original_title_before_spaces_becomes_the_headline() -> None:
    raw = f"2023-07-28\n原标题：福建迎战台风示例 全省转移十二万人          {BODY3}"
    assert clean(raw).split("\n") == ["福建迎战台风示例 全省转移十二万人", BODY3]
    meta = extract_metadata(raw)
    assert (meta.title, meta.date) == ("福建迎战台风示例 全省转移十二万人", "2023-07-28")


def test_original_title_glued_to_the_body_keeps_the_body() -> None:
    # No mark where the headline ends: the headline stays in front of the body.
    raw = f"2023-07-28\n原标题：福建迎战台风示例示例网7月28日电 {BODY3}"
    assert clean(raw) == f"福建迎战台风示例示例网7月28日电 {BODY3}"
    assert extract_metadata(raw).title == ""


@pytest.mark.parametrize(
    "note",
    [
        "（原标题：福建迎战台风示例）",
        "（原题为《福建迎战台风示例》）",
        "原标题《福建迎战台风示例》",
        "【原标题】福建迎战台风示例 来源 | 示例网 编辑 | 张三 责编 | 李四 往期回顾",
    ],
)
def test_original_title_note_after_the_body_is_dropped(note: str) -> None:
    assert clean(BODY3 + note) == BODY3


# Notices that are whole sentences: cut wherever they are.
NOTICE_SENTENCES = [
    "本文系示例网独家稿件，未经授权，不得转载。",
    "版权声明：本文章版权归属示例网所有，未经授权不得转载。",
    "转载请注明出处。",
    "声明：此文版权归原作者所有，若有侵权请联系我们删除。",
    "如遇作品内容、版权等问题，请在相关文章刊发之日起30日内与本网联系。",
    "违者本网将依法追究法律责任。",
    "本文仅代表作者观点，不代表本站立场。",
    "广告声明：文内含有的对外跳转链接，用于传递更多信息，所有文章均包含本声明。",
    "本文为数据整理，不对您构成任何投资建议，投资有风险，请谨慎决策。",
    "以上内容由示例网根据公开信息整理，由算法生成，与本站立场无关。",
    "示例网力求但不保证该信息全部或者部分内容的准确性、完整性、有效性。",
    "新闻线索报料通道：应用市场下载“示例”APP，全省记者在线等你来报料！",
    "欢迎提供新闻线索，24小时报料热线400-000-0000。",
    "更多精彩资讯请在应用市场下载“示例网”客户端。",
    "(责任编辑：张三 CN070)",
    "【编辑:李四】",
]
# Furniture that ends a page: cut at the end of prose (a notice without a full stop runs
# to the end of the line).
TAILS = [
    "本文属于原创文章，如若转载，请注明来源：福建迎战台风https://example.cn/1/2.html",
    "版权侵权联系电话：010-12345678",
    "更多精彩内容请进入国内新闻",
    "返回搜狐，查看更多                        责任编辑：",
    "责任编辑：王五",
    "来源 | 示例网 编辑 | 张三",
    "  编辑 张三   校对 李四",
    "责编:张三 | 审校:李四 | 审核:王五 |",
    "分享让更多人看到",
    "(完)",
    "【纠错】",
    "联系方式：news@example.cn",
    "（原标题：福建迎战台风示例）(完)返回搜狐，查看更多",
]


@pytest.mark.parametrize("notice", NOTICE_SENTENCES)
def test_notice_sentence_in_prose_is_cut(notice: str) -> None:
    assert clean(BODY3 + notice) == BODY3
    assert clean(f"{S1}{notice}{S2}{S3}") == BODY3


@pytest.mark.parametrize("tail", TAILS)
def test_furniture_at_the_end_of_prose_is_cut(tail: str) -> None:
    assert clean(BODY3 + tail) == BODY3


def test_source_in_brackets_is_kept() -> None:
    # Names the outlet or reporter, which a question may ask about.
    assert clean(f"{BODY3}（来源：示例网）返回搜狐，查看更多") == f"{BODY3}（来源：示例网）"


def test_notice_sentences_are_cut_on_a_line_of_their_own_too() -> None:
    raw = f"{BODY3}\n本文属于原创文章，如若转载，请注明来源：示例网"
    assert clean(raw) == BODY3


def test_notice_after_a_sentence_without_full_stop() -> None:
    # A body sentence that lacks its full stop is kept: after a closing bracket ...
    kept = "会议还研究了其他事项（宗禾）"
    assert clean(f"{BODY3}{kept}本文属于原创文章，如若转载，请注明来源。") == BODY3 + kept
    # ... or when it is longer than a lead-in to the notice (a list of prices, say).
    prices = "各车型售价如下：1.6T高光版 12.69万元 1.6T闪耀版 13.39万元 2.0T巅峰版 15.19万元"
    assert clean(f"{BODY3}{prices}本文属于原创文章，如若转载，请注明来源。") == BODY3 + prices


def test_notice_in_brackets_inside_a_sentence() -> None:
    raw = f"{S1}8月15日，工作人员回应示例新闻（报料邮箱：tips@example.cn）记者称将加强巡查。{S2}"
    assert clean(raw) == f"{S1}8月15日，工作人员回应示例新闻记者称将加强巡查。{S2}"


@pytest.mark.parametrize(
    "sentence",
    [
        "根据规定，未经批准不得擅自占用城市道路，违者将被依法处理。",
        "未经权利人同意，任何人不得使用他人的肖像。",
        "他在朋友圈转载了这篇文章，并呼吁大家注意防汛安全。",
        "专家提醒，股市有风险，投资需谨慎，市民不要轻信荐股信息。",
        "这幅画由算法生成，展出后引发观众热议。",
        "图片来源：示例网 未来三天，我国南方将有一次较强降雨过程。",
        "联系电话：火警电话01，匪警电话02，急救电话03。",
        "举报电话：0797-12345，举报邮箱：jubao@example.gov.cn，来信地址：示例市人民路68号。",
        "网友评论：都成危楼了还要粉刷，这是什么操作？",
        "该广告公司去年营收增长百分之二十，利润创历史新高。",
        "晚会将为观众带来更多精彩内容，演出持续到晚上十点。",
        "他用手机拍摄了这一幕。",
    ],
)
def test_prose_with_notice_or_label_words_is_kept(sentence: str) -> None:
    assert clean(BODY3 + sentence) == BODY3 + sentence


def test_long_prose_line_is_not_dropped_by_a_line_rule() -> None:
    # A whole-line rule matching part of a long body line once dropped the whole body.
    for lead in ["图片来源：示例网记者|张三", "广告 洗碗机超值满减！！！ ×"]:
        assert S1 in clean(f"2023-07-25\n{lead}{BODY3}未经授权，不得转载。")


def test_inline_ad_is_cut() -> None:
    raw = f"{S1}广告 某某软件免费下载，一键安装！ ×{S2}广告 可御可甜 >>进入直播间 ×  {S3}"
    assert clean(raw) == f"{S1}{S2}  {S3}"


def test_related_article_link_is_cut() -> None:
    assert clean(f"{S1}相关阅读：《台风示例最新进展》《防汛指南》{S2}") == S1 + S2


def test_photo_credit_between_flattened_paragraphs_is_cut() -> None:
    raw = f"{S1}张三 摄    {S2}示例网记者 李四 摄    {S3}"
    assert clean(raw) == f"{S1}    {S2}    {S3}"


@pytest.mark.parametrize(
    ("code", "kept"),
    [
        ('showPlayer({id:"/pvservice/xml/2023/8/1/a.xml",width:640,height:360}); ', ""),
        (
            "$(function(){ function isMobile(){ var u = navigator.userAgent; return u; } "
            'if(isMobile()){ $(".img").css("width","100%"); } });  ',
            "",
        ),
        (".imgisgif{display:inline-block;position:relative;}.imgisgif img{padding:0;}", ""),
        ('document.write("<div></div>"); ', ""),
        ('showPlayer({id:"a",autoplay:0}); 2022', "2022"),  # a year right after it stays
        ("iPhone 15 Pro (2023) ", "iPhone 15 Pro (2023) "),  # no code, no change
    ],
)
def test_inline_script_and_style_are_cut(code: str, kept: str) -> None:
    assert clean(f"{S1}{code}{S2}") == f"{S1}{kept}{S2}"


FLAT_PAGE = (
    "2023-07-28\n"
    f"原标题：福建迎战台风示例          {S1}广告 某某软件免费下载 ×{S2}"
    f"张三 摄    {S3}(责任编辑：王五 CN070)本文属于原创文章，如若转载，请注明来源：示例网"
    "返回搜狐，查看更多                        责任编辑：\n"
)


def test_flattened_page() -> None:
    assert clean(FLAT_PAGE).split("\n") == ["福建迎战台风示例", f"{S1}{S2}    {S3}"]
    assert clean(clean(FLAT_PAGE)) == clean(FLAT_PAGE)
    meta = extract_metadata(FLAT_PAGE)
    assert (meta.title, meta.date) == ("福建迎战台风示例", "2023-07-28")


FLAT_LINES = [
    FLAT_PAGE,
    BODY3 + "本文属于原创文章，如若转载，请注明来源",
    "原标题：" + BODY3,
    f"{S1}（报料邮箱：tips@example.cn）{S2}",
    f"{S1}张三 摄    {S2}",
    'showPlayer({id:"a"}); ' + S1,
]


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.sampled_from(FLAT_LINES) | st.text(max_size=30), max_size=20))
def test_clean_is_idempotent_on_flattened_lines(lines: list[str]) -> None:
    once = clean("\n".join(lines))
    assert clean(once) == once
