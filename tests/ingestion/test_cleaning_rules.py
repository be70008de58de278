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
from rag.ingestion.titles import derive_title

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


def skipped(piece: str, story: str) -> Case:
    """`piece` opens the lead and the title is read from the `story` after it."""
    return Case(piece, piece + story, story.rstrip("。"), run=derive_title)


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
    "yearless_dateline": Case(
        "新华社北京7月27日电",
        f"新华社北京7月27日电 2023年7月27日，国家防总召开会商会。{BODY}",
        "2023-07-27",
        run=date_of,
    ),
    # TITLE_SKIPS
    "title_dateline": skipped("新华社北京7月27日电（记者张三）", "国家防总部署防汛工作。"),
    "title_flash": skipped("本报讯（记者张三）", "市政府召开防汛工作会议。"),
    "title_outlet_message": skipped("央视网消息：", "台风“杜苏芮”将在福建沿海登陆。"),
    "title_reported_by": skipped("据新加坡《联合早报》报道，", "新加坡政府执行死刑。"),
    "title_learned": skipped("记者从司法部获悉，", "新版国家行政法规库正式上线运行。"),
    "title_source_label": skipped("来源：", "国家统计局发布7月份国民经济运行情况。"),
    "title_source_colon": skipped("据外交部网站：", "王毅会见俄罗斯联邦安全会议秘书。"),
    "title_cause": skipped("受台风“卡努”影响，", "俄罗斯远东9个城市宣布进入紧急状态。"),
    "title_bracket_tag": skipped("【环球网报道】", "美国宣布对乌新一轮军援。"),
    "title_byline": skipped("每经编辑 张锦河 ", "美国纽约联合广场发生骚乱。"),
    "title_time": skipped("8月6日，", "推特强行占用了一名用户的账号。"),
    "title_photo_credit": skipped("图为航拍的高速公路。张三 摄 ", "青海西察高速公路正式通车。"),
    "title_caption": skipped("图：法院周边设置了路障。", "美国前总统特朗普出庭受审。"),
    "title_opening_quote": Case(
        "“一定要保证安全，严格遵守规定……”检",
        "“一定要保证安全，严格遵守规定……”检查组在施工现场检查高处作业安全。",
        "检查组在施工现场检查高处作业安全",
        run=derive_title,
    ),
    "title_label": skipped("题：", "支持京津冀防汛救灾两部门下达救灾资金。"),
    "title_reprint": skipped("本文转自九派新闻；", "云南省文化和旅游厅发布情况通报。"),
    # TITLE_ENDS
    "headline_dateline": Case(
        "中新网北京8月16日电",
        "恒大地产突遭立案调查中新网北京8月16日电 恒大地产集团发布公告。",
        "恒大地产突遭立案调查",
        run=derive_title,
    ),
    "headline_flash": Case(
        "观点网讯",
        "亚朵公布第二季度营收10.93亿元观点网讯：8月17日，亚朵集团发布财报。",
        "亚朵公布第二季度营收10.93亿元",
        run=derive_title,
    ),
    "headline_byline": Case(
        "极目新闻记者",
        "分手后敲诈前女友24万元，“前男友”被判刑极目新闻记者 赵贝 恋爱时浓情蜜意，分手后竟殴打前女友。",
        "分手后敲诈前女友24万元，“前男友”被判刑",
        run=derive_title,
    ),
    "headline_reporter": Case(
        "记者近日从",
        "暑期兼职应警惕 勿成“两卡”犯罪“工具人”记者近日从青秀区人民检察院获悉，多名大学生涉案。",
        "暑期兼职应警惕 勿成“两卡”犯罪“工具人”",
        run=derive_title,
    ),
    "headline_reported": Case(
        "据英国《镜报》8月14日报道",
        "82岁老妇与闯入家中的黑熊搏斗 幸运的只是轻微擦伤据英国《镜报》8月14日报道，近日，一只熊闯入民宅。",
        "82岁老妇与闯入家中的黑熊搏斗 幸运的只是轻微擦伤",
        run=derive_title,
    ),
    "headline_time": Case(
        "8月16日，",
        "恒大地产突遭立案调查 此前公告引发传言8月16日，恒大地产集团发布公告。",
        "恒大地产突遭立案调查 此前公告引发传言",
        run=derive_title,
    ),
    "headline_clock": Case(
        "2023-07-28 10:07",
        "五角大楼否认美国政府拥有UFO 戴维·格鲁什证词曝光2023-07-28 10:07:59 据报道，"
        "一位前美国空军情报官员在国会作证。",
        "五角大楼否认美国政府拥有UFO 戴维·格鲁什证词曝光",
        run=derive_title,
    ),
    "headline_purpose": Case(
        "活动为进一步",
        "南川开展暑期儿童主题研学活动为进一步丰富儿童暑期生活，南川区妇联组织研学活动。",
        "南川开展暑期儿童主题研学活动",
        run=derive_title,
    ),
    "headline_tag": Case(
        "【",
        "德国游客推倒意大利百年雕像【新华社微特稿】意大利北部一座别墅酒店的经理3日说。",
        "德国游客推倒意大利百年雕像",
        run=derive_title,
    ),
    "headline_source": Case(
        " 来源：",
        "安徽省全椒县举行烈属结对认亲签约仪式 来源：省退役军人事务厅 近日，全椒县举行签约仪式。",
        "安徽省全椒县举行烈属结对认亲签约仪式",
        run=derive_title,
    ),
    "headline_original": Case(
        "原标题：",
        "厦门港与新加坡港缔结友好港原标题：厦门港与新加坡港缔结友好港 将在航线开辟等方面加强合作。",
        "厦门港与新加坡港缔结友好港",
        run=derive_title,
    ),
    "headline_gap": Case(
        "   ",
        "暑运过半 长三角铁路发送旅客超8100万人次   铁路部门表示，暑运以来客流旺盛。",
        "暑运过半 长三角铁路发送旅客超8100万人次",
        run=derive_title,
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
