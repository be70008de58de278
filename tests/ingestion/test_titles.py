"""Titles read from the lead of an article without a title line, and years a yearless
dateline takes only when the article makes them certain (issue 16, item 5).

Each rule of TITLE_SKIPS and TITLE_ENDS has its own case in test_cleaning_rules (and a
mutation test); here are the steps of `derive_title` around them and the date rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.ingestion.cleaning import build_article, extract_metadata
from rag.ingestion.dates import certain_year
from rag.ingestion.loading import load_article
from rag.ingestion.titles import derive_title, title_from_line

SEEDS = Path(__file__).resolve().parents[2] / "corpus"
BODY = "峰会期间，与会嘉宾围绕数字城市建设展开深入交流，分享了各地的实践经验。"


# --- headline detection ---------------------------------------------------------------


def test_short_first_line_without_final_punctuation_is_the_headline() -> None:
    # 34 chars: longer than a sentence title may be, so only the headline rule keeps it whole
    # (the sentence rule would cut it at the space).
    line = "中国热带农业科学院生物育种国际联合研究中心成立 科技支撑热带农业发展"
    assert derive_title(f"{line}\n{BODY}") == line


def test_a_line_ending_in_a_full_stop_is_not_a_headline() -> None:
    assert derive_title("国家防总部署防汛工作。\n" + BODY) == "国家防总部署防汛工作"


def test_headline_run_into_its_dateline_is_not_taken_for_the_outlet() -> None:
    # A dateline skip alone would read "恒大地产突遭立案调查中新网北京" as the outlet's name.
    assert title_from_line("恒大地产突遭立案调查中新网北京8月16日电 恒大地产集团发布公告。") == (
        "恒大地产突遭立案调查"
    )


def test_a_dateline_before_a_byline_is_not_a_headline() -> None:
    lead = "中新网东京8月15日电 (记者 朱晨曦)15日，中国驻日本大使馆发言人答记者问。"
    assert derive_title(lead) == "中国驻日本大使馆发言人答记者问"


def test_headline_scraped_twice_is_read_once() -> None:
    lead = (
        "弘扬八一精神，赓续红色基因弘扬八一精神，赓续红色基因 在建军96周年来临之际，社区走访慰问。"
    )
    assert derive_title(lead) == "弘扬八一精神，赓续红色基因"


def test_a_quoted_remark_is_not_part_of_a_run_in_headline() -> None:
    lead = "双辽市法院：有钱不还？执行到底必须还“这钱已经欠三年了，没想到这么快就要回来了”近日，法院执行了一起案件。"
    assert derive_title(lead) == "双辽市法院：有钱不还？执行到底必须还"


# --- the first sentence or clause -------------------------------------------------------


def test_short_first_sentence_is_the_title() -> None:
    assert derive_title("女子马路中央“违停”，撤销处罚还被交警点赞！" + BODY) == (
        "女子马路中央“违停”，撤销处罚还被交警点赞！"
    )


def test_long_first_sentence_is_cut_at_a_clause_within_30_chars() -> None:
    lead = "美国纽约市表示，在移民不断涌入让城市不堪重负之后，将在美墨边境散发传单，呼吁移民考虑前往另一个城市。"
    title = derive_title(lead)
    assert title == "美国纽约市表示，在移民不断涌入让城市不堪重负之后"
    assert len(title) <= 30


def test_a_one_word_sentence_takes_the_next_one_too() -> None:
    assert (
        derive_title("魔怔！有人江边放生鱼豆腐？水务局回应称将劝阻。")
        == "魔怔！有人江边放生鱼豆腐？"
    )


def test_a_clause_too_long_is_cut_at_a_word_outside_quotes_with_an_ellipsis() -> None:
    lead = "以“携手东北亚，共谋新发展”为主题的第十三届中国东北亚博览会在吉林省长春市盛大开幕。"
    title = derive_title(lead)
    assert title.endswith("…") and len(title) <= 31
    assert title.count("“") == title.count("”")  # not cut inside the quote
    assert lead.startswith(title[:-1])  # verbatim from the text


def test_a_document_named_in_guillemets_is_kept_whole() -> None:
    lead = "近日，国家金融监督管理总局办公厅发布《关于做好防汛救灾和灾后重建金融服务工作的通知》（以下简称《通知》）。"
    assert derive_title(lead) == (
        "国家金融监督管理总局办公厅发布《关于做好防汛救灾和灾后重建金融服务工作的通知》"
    )


def test_a_share_price_after_a_company_name_is_left_out() -> None:
    lead = "受利率上升的推动，桑坦德银行(3.87, 0.01, 0.26%)(SAN.US)公布超预期的第二季度利润。"
    assert derive_title(lead) == "桑坦德银行(SAN.US)公布超预期的第二季度利润"


# --- datelines, sources and dates are skipped -------------------------------------------


@pytest.mark.parametrize(
    ("lead", "title"),
    [
        (
            "新华社北京7月27日电（记者张三）国家防总7月27日部署防汛工作。",
            "国家防总7月27日部署防汛工作",
        ),
        ("本报讯（记者 张三）8月6日，市政府召开防汛工作会议。", "市政府召开防汛工作会议"),
        ("据新加坡《联合早报》报道，新加坡政府执行死刑。", "新加坡政府执行死刑"),
        ("央视网消息：台风“杜苏芮”将在福建沿海登陆。", "台风“杜苏芮”将在福建沿海登陆"),
        (
            "IT之家 8 月 2 日消息，苹果公司推出了一项新的广告活动。",
            "苹果公司推出了一项新的广告活动",
        ),
        ("8月14日，据安徽纪检监察官微消息：省纪委监委召开视频会议。", "省纪委监委召开视频会议"),
    ],
)
def test_datelines_sources_and_dates_are_skipped(lead: str, title: str) -> None:
    assert derive_title(lead) == title


def test_text_without_chinese_gets_its_first_sentence() -> None:
    assert derive_title("Apple unveils a new iPhone. More follows.") == "Apple unveils a new iPhone"


def test_no_text_no_title() -> None:
    assert derive_title("") == ""
    assert derive_title("\n \n") == ""


# --- every article has a title ---------------------------------------------------------


def test_article_without_a_title_line_gets_a_derived_title() -> None:
    article = build_article(
        "a1", "a1.txt", "2023-08-16\n8月6日，推特强行占用了一名用户的账号。", "x"
    )
    assert article.title == "推特强行占用了一名用户的账号"
    assert article.date == "2023-08-16"


def test_a_stated_title_wins_over_a_derived_one() -> None:
    raw = f"青岛新型智慧城市建设稳居第一梯队\n2021-11-20 来源：青岛日报\n{BODY}"
    assert build_article("a2", "a2.txt", raw, "x").title == "青岛新型智慧城市建设稳居第一梯队"
    html = {"title": "网页标题在这里"}
    assert build_article("a3", "a3.html", BODY, "x", html).title == "网页标题在这里"


@pytest.mark.parametrize(
    ("stem", "title"),
    [
        ("001_ae25e0414212cda6", "以“攜手東北亞,共謀新發展”為主題的第十三屆中國-東北亞…"),
        ("003_dbbaaf86619b608b", "第二十五屆高交會智慧城市展在萬眾矚目中圓滿落幕"),
    ],
)
def test_seed_articles_without_a_title_line_are_not_known_by_their_id(
    stem: str, title: str
) -> None:
    article = load_article(SEEDS / f"{stem}.txt")
    assert article.title == title != article.id


# --- a yearless date takes the year only when the article makes it certain ---------------


def test_year_of_a_day_the_lead_states_in_full() -> None:
    lead = "8月8日电 2023年8月8日是全民健身日。"
    assert certain_year(8, 8, lead, lead + "2023年的活动有……") == 2023


def test_no_year_when_the_article_names_another_year() -> None:
    # crud-dev n92ed01d18920, published 2023, names 2018 and recalls "2021年7月21日".
    text = "中新网普洱7月21日电 2021年7月21日，红外相机拍摄到幼崽。2018年起布设相机。"
    assert certain_year(7, 21, text, text) is None


def test_no_year_from_a_day_stated_outside_the_lead() -> None:
    lead = "中新网普洱7月21日电 五年时间，红外相机拍摄到印度野牛上千次。"
    assert certain_year(7, 21, lead, lead + "2021年7月21日，红外相机拍摄到幼崽。") is None


def test_no_year_from_another_day() -> None:
    lead = "新华社北京7月27日电 2023年7月20日以来，多地出现强降雨。"
    assert certain_year(7, 27, lead, lead) is None


def test_yearless_dateline_dates_the_article_when_the_year_is_certain() -> None:
    raw = f"中国青年报客户端广州8月8日电（记者 林洁）2023年8月8日是第15个全民健身日。{BODY}"
    assert extract_metadata(raw).date == "2023-08-08"


def test_yearless_dateline_without_a_certain_year_gives_no_date() -> None:
    assert extract_metadata(f"中新网东京8月15日电 (记者 朱晨曦){BODY}").date == ""
    far = "五年时间，红外相机拍摄到印度野牛上千次，还记录到了一头幼崽两年的成长变化。" * 3
    raw = f"中新网普洱7月21日电 {far}2021年7月21日，红外相机拍摄到幼崽。"
    assert extract_metadata(raw).date == ""


def test_a_full_date_still_wins_and_body_dates_still_do_not_count() -> None:
    assert extract_metadata(f"标题在此处\n2023-05-27 来源：某网\n{BODY}").date == "2023-05-27"
    assert extract_metadata(f"新华社北京2023年5月27日电 {BODY}").date == "2023-05-27"
    # Seed 003 opens with "11月19日," and states no year: it stays undated.
    assert load_article(SEEDS / "003_dbbaaf86619b608b.txt").date == ""
