"""Each cleaning rule on a case of its own: an input that no other rule of its table
matches and that cleaning (or metadata extraction) changes; test_cleaning_mutations checks
that each case comes out differently without its rule."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from rag.ingestion import line_rules, metadata_rules, prose_rules
from rag.ingestion.cleaning import clean, extract_metadata, normalize_date
from rag.ingestion.rules import Rule

TABLES: dict[str, tuple[Rule, ...]] = {
    **line_rules.TABLES,
    **prose_rules.TABLES,
    **metadata_rules.TABLES,
}
RULES = {rule.name: (table, rule) for table, rules in TABLES.items() for rule in rules}
# Matched as cleaning matches them: these tables case-sensitively, menus as a whole line.
CASE_SENSITIVE = {"MENU_LABELS", "CODE_STARTS"}
WHOLE_LINE = {"MENU_LABELS"}

# A body paragraph (kept) and three sentences that make a line of prose.
BODY = "峰会期间，与会嘉宾围绕数字城市建设展开深入交流，分享了各地的实践经验。"
S1 = "今年第5号台风“示例”于7月28日在福建沿海登陆，全省共转移群众十二万人。"
S2 = "气象部门预计，未来三天福建、浙江等地仍有大到暴雨，局地有特大暴雨。"
S3 = "应急管理部已派出工作组赴一线指导防汛救灾工作，督促落实各项防范措施。"
BODY3 = S1 + S2 + S3


@dataclass(frozen=True)
class Case:
    """`probe` is what the rule matches; `run(raw)` must give `expected`."""

    probe: str
    raw: str
    expected: str
    run: Callable[[str], str] = clean


def dropped(line: str) -> Case:
    """A line between two body paragraphs that cleaning drops."""
    return Case(line, f"{BODY}\n{line}\n{BODY}", f"{BODY}\n{BODY}")


def in_footer(line: str) -> Case:
    """A line under a declaration heading that goes with it."""
    return Case(line, f"{BODY}\n版权声明\n{line}\n{BODY}", f"{BODY}\n{BODY}")


def cut_inside(piece: str) -> Case:
    """A piece between two sentences of prose that is cut out."""
    return Case(piece, f"{S1}{piece}{S2}", S1 + S2)


def cut_at_end(piece: str) -> Case:
    """A piece at the end of prose that is cut off."""
    return Case(piece, BODY3 + piece, BODY3)


def source_of(raw: str) -> str:
    return extract_metadata(raw).source


def date_of(raw: str) -> str:
    return extract_metadata(raw).date


def url_of(raw: str) -> str:
    return extract_metadata(raw).url


CASES: dict[str, Case] = {
    # NOTICE_HEADINGS
    "declaration_heading": dropped("示例网 免责声明 本站内容仅供参考"),
    "declaration_heading_colon": dropped("示例网免责声明：本站内容仅供参考"),
    "statement_colon": dropped("声明：本站内容仅供参考"),
    "page_address_field": dropped("本文地址：http://www.example.cn/a/1.html"),
    # NOTICES
    "reprint_ban": dropped("未经本网授权，不得转载"),
    "original_work": dropped("本文由示例网原创"),
    "reprint_terms": dropped("谢绝转载"),
    "reprint_credit": dropped("转载请注明出处"),
    "reprint_excuse": dropped("本站转载仅出于传递更多信息"),
    "copyright_owner": dropped("作品版权归原作者"),
    "copyright_contact": dropped("侵权联系电话：010-12345678"),
    "copyright_issue": dropped("如因作品内容问题需要同本网联系"),
    "legal_threat": dropped("违者本网将依法追究"),
    "not_our_view": dropped("不代表本站立场"),
    "author_view_only": dropped("仅代表作者个人观点"),
    "generated_content": dropped("以上内容由示例网整理"),
    "not_investment_advice": dropped("不构成投资建议"),
    "no_accuracy_guarantee": dropped("本站不保证数据的准确性"),
    "tip_off": dropped("新闻线索热线：400-000-0000"),
    "app_prompt": dropped("扫码下载示例客户端"),
    "icp_registration": dropped("京ICP备12345678号"),
    "comment_count": dropped("共有 3 条评论"),
    "image_placeholder": dropped("W020230527_fororder_1"),
    # FIELD_LABELS
    "breadcrumb_label": dropped("当前位置：首页"),
    "share_widget": dropped("分享到：微信 微博"),
    "comment_box": dropped("网友评论"),
    "captcha": dropped("验证码：看不清换一张"),
    "email_field": dropped("投稿邮箱：见本页底部"),
    "phone_field": dropped("传真：010-12345678"),
    "photo_label": dropped("图片来源：示例网"),
    "original_title_label": dropped("原标题："),  # with a title after it, ORIGINAL_TITLE acts
    "url_line": dropped("https://example.cn/a/1.html"),
    "next_article": dropped("上一篇：台风示例最新进展"),
    # BARE_LINES
    "copyright": dropped("Copyright 2023 示例网"),
    "telecom_licence": dropped("增值电信业务经营许可证"),
    "licence_number": dropped("互联网新闻信息服务许可证 10120170001"),
    "permit_number": dropped("新出网证（京）字第 001 号"),
    "report_hotline": dropped("违法和不良信息举报中心"),
    "email_address": dropped("jubao@example.cn"),
    # MENU_LABELS
    "navigation_link": dropped("返回顶部"),
    "page_tool": dropped("打印"),
    "related_list": dropped("推荐阅读"),
    "latin_menu": dropped("ABOUT US"),
    # CAPTIONS
    "photo_credit": dropped("论坛现场 摄影 徐菡"),
    "photographer_suffix": dropped("东南网记者 卢金福 摄"),
    "caption_prefix": dropped("图为论坛现场"),
    "image_file": dropped("W020230527.JPG"),
    # BYLINE_RULES
    "byline_field": dropped("稿源：示例网"),
    "byline_word": dropped("示例网 2023年5月27日 浏览：100"),
    "clock_time": dropped("2023-05-27 14:14 示例网"),
    # LAYOUT_RULES
    "nav_separator": dropped("国内 | 国际 | 财经"),
    "breadcrumb": dropped("首页 > 新闻 > 正文"),
    "site_name": Case("示例资讯网", f"示例资讯网\n{BODY}", BODY),
    # FOOTER_HEADINGS
    "footer_heading": Case(
        "关于我们", f"{BODY}\n关于我们\n本站是公共的资讯平台\n{BODY}", f"{BODY}\n{BODY}"
    ),
    "declaration_title": Case(
        "示例网版权与内容销售的声明",
        f"{BODY}\n示例网版权与内容销售的声明\n1、示例网由示例集团主办\n{BODY}",
        f"{BODY}\n{BODY}",
    ),
    # FOOTER_CLAUSES
    "legal_word": in_footer("本站所有文章均由网友自行上传，内容仅供大家交流参考使用"),
    "numbered_clause": in_footer("3、凡注明来源的作品均转自其他媒体平台的内容"),
    # ORIGINAL_TITLE
    "original_title": Case(
        "原标题：福建迎战台风示例",
        f"原标题：福建迎战台风示例          {BODY3}",
        f"福建迎战台风示例\n{BODY3}",
    ),
    # INLINE_CUTS
    "inline_ad": cut_inside("广告 某某软件免费下载 ×"),
    "related_links": cut_inside("相关阅读：《台风示例最新进展》"),
    "editor_note": cut_inside("（责任编辑：张三）"),
    "original_title_note": cut_inside("（原标题：福建迎战台风示例）"),
    # PHOTO_CREDIT_INSIDE
    "photo_credit_inside": Case(f"{S1}张三 摄    {S2}", f"{S1}张三 摄    {S2}", f"{S1}    {S2}"),
    # TAILS
    "sohu_more": cut_at_end("返回搜狐，查看更多"),
    "more_in_section": cut_at_end("更多精彩内容请进入国内新闻"),
    "empty_editor_label": cut_at_end("责任编辑："),
    "share_prompt": cut_at_end("分享让更多人看到"),
    "past_issues": cut_at_end("往期回顾"),
    "report_error": cut_at_end("【纠错】"),
    "like_prompt": cut_at_end("点分享 点点赞 点在看"),
    "end_mark": cut_at_end("(完)"),
    "trailing_bar": cut_at_end("|"),
    "contact_email": cut_at_end("联系方式：news@example.cn"),
    # TAIL_FIELDS
    "credit_field": cut_at_end("编辑：张三"),
    "credit_name": cut_at_end("  校对 李四"),
    # ORIGINAL_TITLE_NOTES
    "original_title_bracketed": cut_at_end("【原标题】福建迎战台风示例"),
    "original_title_colon": cut_at_end("原标题：福建迎战台风示例"),
    "original_title_quoted": cut_at_end("原题为《福建迎战台风示例》"),
    # CODE_STARTS
    "call_with_object": cut_inside('showPlayer({"id":"a","w":640}); '),
    "function_declaration": cut_inside("function isMobile(){ return 1; } "),
    "variable_declaration": cut_inside("var u = navigator.userAgent; "),
    "dom_call": cut_inside('document.write("<div></div>"); '),
    "style_block": cut_inside(".imgisgif{display:inline-block;}"),
    # DATE_FORMATS
    "numeric_date": Case("2023/5/27", "2023/5/27", "2023-05-27", run=normalize_date),
    "chinese_date": Case("2023年5月27日", "2023年5月27日", "2023-05-27", run=normalize_date),
    # DATELINE_DATE
    "dateline_date": Case(
        "新华社北京2023年5月27日电",
        f"新华社北京2023年5月27日电 {BODY}",
        "2023-05-27",
        run=date_of,
    ),
    # SOURCE_RULES
    "source_field": Case(
        "来源：某网", f"标题在此处\n2023-05-27 来源：某网\n{BODY}", "某网", run=source_of
    ),
    "source_end": Case(
        "某网 编辑：甲",
        f"标题在此处\n2023-05-27 来源：某网 编辑：甲\n{BODY}",
        "某网",
        run=source_of,
    ),
    "dateline_outlet": Case(
        "青岛日报11月19日讯", f"青岛日报11月19日讯 {BODY}", "青岛日报", run=source_of
    ),
    # URL_RULES
    "url_field": Case(
        "本文地址：http://example.cn/a/1.html",
        f"{BODY}\n本文地址：http://example.cn/a/1.html",
        "http://example.cn/a/1.html",
        run=url_of,
    ),
    "lone_url": Case(
        "https://example.cn/a/1.html",
        f"{BODY}\nhttps://example.cn/a/1.html",
        "https://example.cn/a/1.html",
        run=url_of,
    ),
}


def matches(table: str, rule: Rule, text: str) -> bool:
    flags = 0 if table in CASE_SENSITIVE else re.IGNORECASE
    rx = re.compile(rule.pattern, flags)
    return bool(rx.fullmatch(text) if table in WHOLE_LINE else rx.search(text))


def test_every_rule_has_a_case() -> None:
    # A rule without a case, or a case left behind by a removed rule, fails here.
    assert sorted(CASES) == sorted(RULES)


def test_rule_names_are_unique() -> None:
    names = [rule.name for rules in TABLES.values() for rule in rules]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", sorted(RULES))
def test_rule_has_a_one_line_reason(name: str) -> None:
    reason = RULES[name][1].reason
    assert reason.strip() and "\n" not in reason and len(reason) <= 100


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_alone_in_its_table_matches_its_case(name: str) -> None:
    table, _ = RULES[name]
    probe = CASES[name].probe
    assert [r.name for r in TABLES[table] if matches(table, r, probe)] == [name]


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_changes_its_case(name: str) -> None:
    case = CASES[name]
    assert case.run(case.raw) == case.expected
