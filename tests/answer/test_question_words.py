"""How the offline answerer reads a question's words."""

from __future__ import annotations

import pytest

import rag
from rag.answer.question import tense_words


def engine_over(make_corpus, files: dict[str, str]) -> rag.Engine:  # type: ignore[no-untyped-def]
    """An engine over a fresh index of `files`."""
    settings = make_corpus(files)
    rag.ingest(settings=settings)
    return rag.Engine.open(settings=settings)


def ask_fresh(make_corpus, files: dict[str, str], question: str) -> rag.Answer:  # type: ignore[no-untyped-def]
    """The answer to `question` over a fresh index of `files`."""
    return engine_over(make_corpus, files).ask(question)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("和平会议计划在哪里举行？", {"计划"}),
        ("谁计划捐赠数百万欧元给意大利的两家儿科医院？", {"计划"}),
        ("项目预计在哪个月完成主体施工？", {"预计"}),
        ("贵州目前还打算推动和多少个外国地方政府建立友城关系？", {"打算"}),
        # 计划 as the noun asked about
        ("该计划涉及哪些人群？", set()),
        ("他将回国计划延迟多久？", set()),
        ("该计划将在哪里实施？", set()),
        ("这项计划将在哪里实施？", set()),
    ],
)
def test_words_that_only_mark_a_plan(question: str, expected: set[str]) -> None:
    assert tense_words(question) == expected


def test_a_planned_event_is_answered_where_news_says_it_is_held(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # 计划 of the question is its tense: the sentence with 和平计划 and 举行 but another
    # meeting is no better than the one saying where the conference is held.
    article = (
        "乌克兰问题和平会议本周召开\n"
        "俄方发言人称，基辅根据“和平计划”在沙特举行会议是一场骗局。\n"
        "另据报道，沙特主办的“和平会议”将于5日召开，焦点是“和平计划”。\n"
        "据外交官介绍，“和平会议”将于8月5日在沙特港口城市吉达举行。\n"
    )
    ans = ask_fresh(make_corpus, {"a.txt": article}, "和平会议计划在哪里举行？")
    assert any("吉达" in c.quote for c in ans.citations), ans.text


def test_the_kind_asked_for_names_no_subject() -> None:
    from rag.answer.question import proper_names

    # 城市 of 哪些城市 is what the answer is (珠海, 深圳), not what the articles must name.
    assert proper_names("哪些城市上线试行了“信用就医”？") == []
    assert proper_names("哪座城市举办了博览会？") == []
    assert proper_names("在哪一个城市举办？") == []
    assert proper_names("福建省哪些城市受灾？") == ["福建省"]


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # a rate is a percentage
        (
            "万达酒店发展上半年的毛利率是多少？",
            "毛利由2022年同期的1.68亿港元升至2023年上半年的2.23亿港元，毛利率稳定在48%。",
            "48%",
        ),
        # an amount is not the percentage it grew by
        (
            "万达酒店发展上半年的收益是多少？",
            "今年上半年，万达酒店发展收益同比增长30.5%至4.64亿港元。",
            "4.64亿港元",
        ),
        (
            "收益同比增长了多少？",
            "今年上半年，万达酒店发展收益同比增长30.5%至4.64亿港元。",
            "30.5%",
        ),
        (
            "掌趣科技8月7日主力资金净卖出多少？",
            "掌趣科技8月7日主力资金净卖出6733.34万元，报收于5.77元，上涨0.7%，换手率7.09%。",
            "6733.34万元",
        ),
        # a span of time answers how long, not how much
        (
            "恒大汽车2022年亏损了多少？",
            "两年累计亏损高达840亿元，年度亏损达到276.64亿元。",
            "276.64亿元",  # the year's 亏损, not the two years' (两年 is no amount)
        ),
        ("恒大汽车亏损了多少年？", "恒大汽车连续两年亏损，累计亏损840亿元。", "两年"),
        ("恒大汽车的亏损总额是多少？", "恒大汽车连续两年亏损，亏损总额840亿元。", "840亿元"),
        # the question's year and its 年 are no anchor: "2021年的" is next to another figure
        (
            "恒大汽车2022年亏损了多少？",
            "截至2022年12月31日，恒大汽车年度亏损达到276.64亿元，相比2021年的563.44亿元有所减少。",
            "276.64亿元",
        ),
        # a share is the percentage, not the count before it
        (
            "商品类投诉占投诉总量的比例是多少？",
            "其中，商品类投诉774件，占投诉总量的63.97%。",
            "63.97%",
        ),
        # a percentage after 达 is a level, the value asked
        (
            "该系统日前负荷预测精度达到多少？",
            "汇集全要素信息3000余万条，日前负荷预测精度达97.3%、光伏预测精度达94.5%。",
            "97.3%",
        ),
        # the unit asked: 多少分钟
        (
            "极端通勤是指单程超过多少分钟？",
            "超1400万人承受极端通勤，上班单程超过60分钟。",
            "60分钟",
        ),
        # the figure the asked deed gives, not one next to the question's other words
        (
            "法拉利车主向老人索赔了多少钱？",
            "一老人代步车刮蹭450万法拉利，车主：只索赔了190元。",
            "190元",
        ),
        # an ordinal asked keeps its 第
        ("晴隆县举办的是第几届彝族火把节？", "晴隆县举办的第十三届彝族火把节开幕。", "第十三届"),
    ],
)
def test_the_figure_a_how_much_question_asks(question: str, sentence: str, expected: str) -> None:
    from rag.answer.short_answer import short_answer
    from rag.text import content_terms

    assert short_answer(question, "number", sentence, content_terms(question)) == expected


def test_a_sentence_about_other_years() -> None:
    from rag.answer.subjects import other_years

    other = "中国GDP增长率近期的表现是：2018年6.6%、2019年6.1%、2022年3.0%。"
    assert other_years("今年上半年中国GDP的增长率是多少？", other, "2023-08-16")
    assert not other_years("今年上半年中国GDP的增长率是多少？", "上半年GDP增长5.5%。", "2023-08-16")
    assert not other_years("2022年中国GDP增长了多少？", other, None)
    assert not other_years("中国GDP增长率是多少？", other, "2023-08-16")  # no year asked


def test_the_noun_asked_the_value_of_picks_its_sentence(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # "毛利率是多少": the sentence saying the 毛利率, over those repeating more of the
    # question's other words (万达酒店发展, 上半年).
    article = (
        "万达酒店发展披露2023年上半年业绩\n"
        "8月16日晚间，万达酒店发展（00169.HK）披露2023年上半年业绩情况。"
        "数据显示，今年上半年，万达酒店发展收益同比增长30.5%至4.64亿港元，净利润1.65亿港元，"
        "同比增加110%；归母净利润1.4亿港元，同比增加119%；毛利由2022年同期的1.68亿港元升至"
        "2023年上半年的2.23亿港元，毛利率稳定在48%。2023年上半年，万达酒店发展的融资成本由"
        "2022年上半年的2090万港元减少至1110万港元。\n"
    )
    ans = ask_fresh(make_corpus, {"a.txt": article}, "万达酒店发展上半年的毛利率是多少？")
    assert ans.text.startswith("48%"), ans.text


def test_a_who_answer_is_no_word_of_the_question() -> None:
    from rag.answer.short_answer import short_answer

    # jieba tags 马拉松 a person; it is the question's own 半程马拉松.
    sentence = "山地半程马拉松女子组冠军张廷为志愿者的服务点赞。"
    got = short_answer(
        "Who won the women's half marathon?", "who", sentence, ["半程马拉松", "女子"]
    )
    assert got is None  # 张廷, two characters, is too short for jieba's name alone


def test_an_elliptical_follow_up_asks_what_the_last_question_asked(make_corpus) -> None:  # type: ignore[no-untyped-def]
    article = (
        "万达酒店发展披露上半年业绩\n"
        "数据显示，今年上半年，万达酒店发展收益同比增长30.5%至4.64亿港元，净利润1.65亿港元，"
        "同比增加110%。\n"
    )
    settings = make_corpus({"a.txt": article})
    rag.ingest(settings=settings)
    engine = rag.Engine.open(settings=settings)
    first = "万达酒店发展上半年的收益是多少？"
    history = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": engine.ask(first).text},
    ]
    # "净利润呢？" asks how much, as the question before: a figure first.
    assert engine.ask("净利润呢？", history=history).text.startswith("1.65亿港元"), history
    first = "How much revenue did Wanda Hotel Development report in the first half?"
    history = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": engine.ask(first).text},
    ]
    got = engine.ask("And its net profit?", history=history).text
    assert got.startswith("Answer: 1.65亿港元"), got


def test_where_an_event_opens_is_where_it_is_held() -> None:
    from rag.answer.short_answer import short_answer

    sentence = "2023首届青岛国际海鲜节在青岛市城阳区启幕。"
    got = short_answer("2023首届青岛国际海鲜节在哪里举行？", "place", sentence, ["海鲜节", "举行"])
    assert got == "青岛市城阳区"


def test_a_measure_asked_may_follow_a_classifier() -> None:
    from rag.answer.question import required_pattern

    need = required_pattern("双边会谈长达多少小时？")
    assert need is not None and need.search("会谈持续了10个小时")
    assert not need.search("会谈持续了10天")


def test_a_figure_the_question_states_picks_its_sentence(make_corpus) -> None:  # type: ignore[no-untyped-def]
    articles = {
        "a.txt": "洛马公司二季度财报\n到了7月19日，洛马公司的股价为每股451.51美元，上涨了10.3%。\n",
        "b.txt": "印度限制进口笔记本电脑\n"
        "印度政府发布公告，限制笔记本电脑进口。迪克森科技在限制令发布后，当天上涨了大约8%。\n",
        # market reports: 公司, 股价 and 上涨 are everywhere, 8% is not
        "c.txt": "伦敦股市上涨\n英国航空航天系统公司股价上涨6.36%，医疗技术公司股价上涨6.32%。\n",
        "d.txt": "纽约股市收涨\n当天科技公司股价普遍上涨，苹果公司股价上涨1.2%。\n",
    }
    ans = ask_fresh(make_corpus, articles, "哪家公司的股价上涨了8%？")
    assert "迪克森科技" in ans.citations[0].quote, ans.text


def test_an_english_name_may_be_written_in_latin_letters() -> None:
    from rag.answer.english import english_name_runs

    # News writes some names in Latin letters: the name as asked is one more rendering.
    runs = english_name_runs("What did Tim Cook's lawyers say?", None)
    assert runs and all("tim cook" in group for run in runs for group in run), runs


def test_english_how_many_counts_the_noun_before_its_modifiers() -> None:
    from rag.answer.question import required_pattern

    need = required_pattern("How many children without adult supervision boarded the train?")
    assert need is not None and need.search("23名无成年人看护的儿童上车")
    assert not need.search("23名监管人员上车")  # "supervision" is no counted noun


def test_english_how_many_counts_a_noun_sharing_a_character_with_a_rendering() -> None:
    from rag.answer.question import required_pattern

    # The dictionary's senses (名额, 班级, 行业) miss the word the sentence counts by; the
    # counted noun, just after the number, still has one of their characters.
    climbed = required_pattern("How many places did it climb compared with 2022?")
    assert climbed is not None and climbed.search("顺丰排名第377名，比2022年上升了64个名次。")
    classes = required_pattern("How many training classes has the institute run?")
    assert classes is not None and classes.search("学院已开展跨境进口基础班等154个班次。")
    shops = required_pattern("How many Chinese businesses did reports count in the district?")
    assert shops is not None and shops.search("据统计，曼谷汇权区大约有60家中国企业。")
    assert not shops.search("据统计，该区有60人参加。")  # nothing counted of the kind


def test_which_road_asks_a_name_ending_in_road() -> None:
    from rag.answer.question import asked_name_end, names_kind

    q = "这起事故发生在哪条路上？"
    assert asked_name_end(q) == "路"
    assert asked_name_end("將隸屬駐紮在哪個州的部隊？") == "州"  # in either script
    assert asked_name_end("事故发生在哪里？") is None
    assert names_kind("驾车沿吉花路由西向东行驶时发生碰撞", "路", q)
    # A common word (道路), a demonstrative's (该路) or the question's own name is no answer.
    assert not names_kind("面包车横在道路边的芦苇丛中", "路", q)
    assert not names_kind("该路段已恢复通行", "路", q)
    village = "事件发生在安寨镇哪个村？"
    assert names_kind("安寨镇王李庄村一男子", "村", village)
    assert not names_kind("该村位于安寨镇", "村", village)


def test_the_sentence_naming_the_kind_asked_follows_the_best(make_corpus) -> None:  # type: ignore[no-untyped-def]
    article = (
        "男子开车捡手机冲进芦苇丛\n"
        "近日，南京江宁一名男子开车时弯腰捡手机，面包车撞断灯杆后冲进芦苇丛，所幸驾驶人没有受伤。\n"
        "交警提醒，开车时弯腰捡手机属于分心驾驶，面包车撞断灯杆的事故时有发生。\n"
        "据了解，事发时他驾车沿吉花路由西向东行驶。\n"
    )
    ans = ask_fresh(
        make_corpus,
        {"a.txt": article, **_other_reports(2)},
        "南京江宁一名男子开车弯腰捡手机，面包车撞断灯杆冲进芦苇丛，事故发生在哪条路上？",
    )
    assert not ans.abstained and "吉花路" in ans.text, ans.text


def test_an_article_on_another_years_period_does_not_answer(make_corpus) -> None:  # type: ignore[no-untyped-def]
    from rag.answer.subjects import another_years_period

    q = "2022年上半年全国消协组织共受理消费者投诉多少件？"
    assert another_years_period(q, "2023年上半年，全国消协组织共受理消费者投诉615,365件。")
    # Set beside the asked year's, or of the year asked, it may answer.
    assert not another_years_period(q, "2023年上半年受理投诉615,365件，比2022年上半年增长5%。")
    assert not another_years_period(q, "2022年上半年受理投诉58万件。")
    assert not another_years_period("上半年受理投诉多少件？", "2023年上半年受理投诉615,365件。")
    article = (
        "上半年全国消协组织受理投诉逾61万件\n"
        "记者了解到，2023年上半年，全国消协组织共受理消费者投诉615,365件，解决497,142件。\n"
    )
    # Another article names 2022, so the year alone does not decline.
    other = "消费者权益保护宣传周启动\n2022年起，各地消协每年举办消费者权益保护宣传周。\n"
    ans = ask_fresh(make_corpus, {"a.txt": article, "b.txt": other, **_other_reports(2)}, q)
    assert ans.abstained, ans.text


def test_how_old_asks_an_age() -> None:
    from rag.answer.kinds import question_type
    from rag.answer.short_answer import short_answer

    question = "How old was Beau Biden when he died?"
    assert question_type(question) == "number"
    sentence = "拜登的长子博·拜登于2015年因脑癌去世，年仅46岁。"
    assert short_answer(question, "number", sentence, ["拜登", "去世"]) == "46岁"


def test_a_name_with_digits_is_no_count() -> None:
    from rag.answer.short_answer import short_answer

    sentence = "G817次列车到达杭州东站后，8号车厢上来了23名儿童。"
    assert short_answer("列车上来了多少？", "number", sentence, ["列车", "上来"]) == "23名"


def test_a_title_s_own_head_is_no_owner() -> None:
    from rag.answer.titles import title_owner

    assert title_owner("G817次列车的列车长是谁？", "列车长") is None
    assert title_owner("华为的总裁是谁？", "总裁") == "华为"


def test_the_noun_asked_may_be_said_by_its_part(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # 收盘价 asked; the report says 收盘 … 报收于4.9元.
    article = (
        "股票行情快报：物产中大8月16日主力资金净卖出737.34万元\n"
        "截至2023年8月16日收盘，物产中大报收于4.9元，下跌0.61%，换手率0.36%。\n"
    )
    other = "纽约股市收涨\n当天苹果公司收盘价为每股195元。\n"  # the corpus uses the word
    ans = ask_fresh(
        make_corpus, {"a.txt": article, "b.txt": other}, "物产中大8月16日收盘价是多少？"
    )
    assert not ans.abstained and "4.9元" in ans.text, ans.text


def test_what_is_the_value_of_a_quantity_is_a_how_much_question() -> None:
    from rag.answer.kinds import question_type
    from rag.answer.question import english_amount_asked, required_pattern

    question = "What is the population of Guiyang?"
    assert question_type(question) == "number"
    assert english_amount_asked(question)
    need = required_pattern(question)
    assert need is not None and need.search("全市常住人口622万") and not need.search("人口众多")
    # the number of containers counts containers; a rate is a percentage
    assert not english_amount_asked("What is the maximum number of containers it carries?")
    assert not english_amount_asked("What is the growth rate of GDP?")


def test_a_quantity_named_after_its_owner_or_before_a_verb_asks_a_figure() -> None:
    from rag.answer.kinds import question_type
    from rag.answer.question import english_amount_asked, required_pattern

    for question in (
        "What was Luckin Coffee's revenue for the second quarter of 2023?",
        "What target price did CICC set for the stock?",
        "What was China's GDP growth rate in the first half of this year?",
        "What magnitude was the earthquake in Pingyuan County?",
        "By what score did the Guangxi team beat the Hong Kong team?",
        "What import-export volume does the centre target in its first year?",
        "How big is the screen of the new monitor?",
    ):
        assert question_type(question) == "number", question
    # The quantity ends its phrase: the GDP's growth rate is a rate, a percentage answers it.
    assert not english_amount_asked("What was China's GDP growth rate in the first half?")
    # A clause between is another noun's: this asks a name.
    assert question_type("What was the name of the company whose revenue fell?") == "what"
    # A price is a sum of money, written by its kind (目标价, no 价格).
    need = required_pattern("What target price did CICC set for the stock?")
    assert need is not None and need.search("维持跑赢行业评级，目标价24港元。")
    assert not need.search("维持跑赢行业评级。")


def test_who_heads_an_organisation_is_its_own_title_holder(seed_engine) -> None:  # type: ignore[no-untyped-def]
    # 国家信息中心主任徐强, not 国家信息中心信息化和产业发展部主任单志广, a department's head.
    ans = seed_engine.ask("Who is the director of the State Information Center?")
    assert ans.text.startswith("Answer: 徐強"), ans.text


def test_an_english_count_of_days_is_a_number_of_days() -> None:
    from rag.answer.question import required_pattern

    need = required_pattern("How many days was he general manager before he resigned?")
    assert need is not None and need.search("他上任总经理仅6天") and not need.search("6个部门")


def test_a_why_question_quotes_the_reason(make_corpus) -> None:  # type: ignore[no-untyped-def]
    from rag.answer.kinds import question_type

    assert question_type("邓祖明为什么辞职？") == "why"
    assert question_type("Why did he resign?") == "why"
    article = (
        "中炬高新总经理辞职\n"
        "公告称，中炬高新董事会于2023年7月22日收到邓祖明的辞职报告。"
        "因个人原因，邓祖明辞去中炬高新总经理职务。"
        "辞职后，邓祖明将不在中炬高新及下属子公司担任任何职务。\n"
    )
    ans = ask_fresh(make_corpus, {"a.txt": article}, "邓祖明为什么辞职？")
    assert any("因个人原因" in c.quote for c in ans.citations), ans.text


@pytest.mark.parametrize(
    ("question", "sentence", "matches"),
    [
        # 一 of 一时 or 统一 counts nothing: a how-much question needs a figure
        ("该公司获得了多少贷款？", "了解到其急需融资贷款，但一时无法寻找到合适的金融机构。", False),
        ("该公司获得了多少贷款？", "本次为该企业发放贷款约600万元。", True),
        ("该公司获得了多少贷款？", "银行为其发放贷款两万元。", True),
        # a how-many-seconds or how-many-volumes question names its unit
        ("猛士917零百加速多少秒？", "此外，猛士917将推出纯电、增程两种动力车型。", False),
        ("猛士917零百加速多少秒？", "可实现零百加速4.2秒和100%最大爬坡度。", True),
        ("汇编收录了多少部团内规章？", "汇编分为共青团、青联、学联、少先队4个部分。", False),
        ("汇编收录了多少部团内规章？", "收录团内规章73部。", True),
        # 多少个小时 asks hours, said with or without the classifier
        ("经过多少个小时的抢修才恢复通车？", "经过71小时抢修，铁路恢复通车。", True),
        ("经过多少个小时的抢修才恢复通车？", "抢修人员分成3个小组。", False),
        # a sum of money is no area in 万 ("7万平方米")
        ("What was the total value of deals signed?", "展览面积7万平方米。", False),
        ("What was the total value of deals signed?", "签约项目总金额达1000亿。", True),
        # people are counted in 人 or 名, not by a word for people
        ("How many people died in Lahaina?", "拉海纳有53人死亡。", True),
        ("How many people died in Lahaina?", "人们在拉海纳看到大火。", False),
        ("How many copies of the album did he sell?", "专辑正版碟卖出了270万张。", True),
    ],
)
def test_what_a_how_much_sentence_must_state(question: str, sentence: str, matches: bool) -> None:
    from rag.answer.kinds import blank_non_counts
    from rag.answer.question import required_pattern

    need = required_pattern(question)
    assert need is not None
    assert bool(need.search(blank_non_counts(sentence))) is matches


def test_how_many_departments_is_no_count_of_volumes() -> None:
    from rag.answer.question import counted_unit

    assert counted_unit("有多少部门参与？") is None
    assert counted_unit("收录了多少部规章？") == "部"


def test_the_figure_is_the_one_whose_clause_says_what_is_asked() -> None:
    from rag.answer.short_answer import short_answer

    sentence = (
        "调查结果显示，51%的受访者认为特朗普曾试图通过非法手段留任，仅29%的人相信他使用"
        "合法的方法，其余20%认为特朗普不打算继续留在白宫。"
    )
    terms = ["受访者", "认为", "特朗普", "试图", "非法", "手段", "留任"]
    assert (
        short_answer("多少受访者认为特朗普曾试图通过非法手段留任？", "number", sentence, terms)
        == "51%"
    )


def test_the_deed_asked_after_which_unit() -> None:
    from rag.answer.question import asked_deed

    assert asked_deed("浙江省青少年武术散打锦标赛由哪个单位主办？") == "主办"
    assert asked_deed("论坛由谁承办？") == "承办"
    assert asked_deed("永定河的水位如何？") is None


def test_by_whom_a_deed_was_done_is_the_sentence_saying_it(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # The sentences repeating the event's full name say other things; the one saying who
    # hosted it calls it 本次赛事.
    article = (
        "2023年浙江省青少年武术散打锦标赛开赛\n"
        "7月16日上午，2023年浙江省青少年武术散打锦标赛在温州市文成县体育中心开赛。\n"
        "比赛为期3天，共有574名运动员参赛。\n"
        "2023年浙江省青少年武术散打锦标赛总裁判长朱旦标介绍道。\n"
        "据了解，本次赛事由浙江省体育局主办，温州市体育局承办。\n"
    )
    ans = ask_fresh(make_corpus, {"a.txt": article}, "浙江省青少年武术散打锦标赛由哪个单位主办？")
    assert "浙江省体育局主办" in ans.citations[0].quote, ans.text


def test_a_sentence_on_the_articles_subject_by_anaphor(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # "该企业" is the company the title names: the sentence with the loan is about it, though
    # a long article puts it in another passage than the company's name.
    filler = "".join(f"街道干部第{i}次走访辖区企业，了解经营情况和融资需求。" for i in range(1, 9))
    article = (
        "武汉锦华盛铁路机车有限公司获贷款解燃眉之急\n"
        "近期，武汉锦华盛铁路机车有限公司负责人在街道工作人员回访时连连感谢。\n"
        f"{filler}\n"
        "在走访过程中，了解到其急需融资贷款，但一时无法寻找到合适的金融机构。\n"
        "街道联合辖区银行金融机构提供金融服务，本次为该企业发放贷款约600万元。\n"
    )
    ans = ask_fresh(make_corpus, {"a.txt": article}, "武汉锦华盛铁路机车有限公司获得了多少贷款？")
    assert ans.text.startswith("600万元"), ans.text


def test_a_post_is_no_name_an_english_question_must_find() -> None:
    from rag.answer.english import english_name_runs

    def translate(text: str) -> list[tuple[str, ...]]:
        table = {
            "Biden": ("拜登",),
            "Chief": ("首席",),
            "Naval": ("海军",),
            "Operations": ("行动",),
        }
        return [table[w] for w in text.split() if w in table]

    # The articles write 海军作战部部长, no 首席; "President" is a post before a name.
    runs = english_name_runs("Who did Biden nominate as Chief of Naval Operations?", translate)
    assert not any("首席" in g for run in runs for g in run)
    assert any("拜登" in g for run in runs for g in run)
    runs = english_name_runs("What did President Biden say?", translate)
    assert [[g[0] for g in run] for run in runs] == [["拜登"]]


def test_an_english_how_many_question_counts_the_doers_of_its_deed() -> None:
    from rag.answer.titles import english_deed

    def translate(text: str) -> list[tuple[str, ...]]:
        return {"died": [("死亡", "遇难")], "attended": [("参加",)]}.get(text, [])

    assert english_deed("How many people have died in the floods?", translate) == ("死亡", "遇难")
    assert english_deed("How many visitors attended the expo?", translate) == ("参加",)
    assert english_deed("How many stations has Qingdao built?", translate) == ()


def test_a_japanese_or_korean_governor_is_a_title() -> None:
    from rag.answer.titles import english_title, holds_title

    def translate(text: str) -> list[tuple[str, ...]]:
        return {"governor": [("省长", "州长", "知事")], "Jeju": [("济州",)]}.get(text, [])

    titles, owner = english_title("Who is the governor of Jeju?", translate) or ((), [])
    assert "知事" in titles
    assert holds_title("韩国济州特别自治道知事吴怜勋召开会议。", "知事", owner)


def test_a_measure_in_latin_letters_is_a_figure_not_a_name() -> None:
    from rag.answer.kinds import blank_non_counts
    from rag.answer.short_answer import has_amount, short_answer

    assert has_amount("龚某的血液酒精检测结果显示出239.5mg/100ml")
    assert "5G" not in blank_non_counts("5G基站和4S店")  # names keep counting nothing
    sentence = "经过抽血检测，孙某血液酒精检测结果为104.9mg/100ml，属于醉酒驾驶机动车。"
    terms = ["孙某", "血液", "酒精", "检测", "结果"]
    assert short_answer("孙某血液酒精检测结果是多少？", "number", sentence, terms) == "104.9mg"


def test_an_english_count_is_of_the_phrases_last_word() -> None:
    from rag.answer.kinds import blank_non_counts
    from rag.answer.question import required_pattern

    # "text data entries" counts entries (条), not texts
    need = required_pattern("How many text data entries were used to pre-train the model?")
    assert need is not None
    assert need.search(blank_non_counts("该模型使用34.6万条文本数据用于预训练。"))
    assert not need.search(blank_non_counts("模型有7个文本。"))


def test_an_english_name_the_articles_write_in_latin_letters_still_names_the_subject() -> None:
    from rag.answer.english import english_name_runs

    def translate(text: str) -> list[tuple[str, ...]]:
        # as Sources.translate reads a corpus writing "Trump" and "TransGPT" in Latin too
        table = {
            "Trump": ("特朗普", "trump"),
            "TransGPT": ("TransGPT", "transgpt"),
            "WenTian": ("WenTian",),
        }
        return [table[w] for w in text.split() if w in table]

    assert english_name_runs("What did Trump say?", translate)[0][0][0] == "特朗普"
    assert english_name_runs("How many parameters has TransGPT?", translate)[0][0][0] == "transgpt"
    # A CamelCase name the articles do not write so (their 问天) requires nothing.
    assert english_name_runs("Where was WenTian launched?", translate) == []


def test_one_of_something_is_the_article_a_not_a_count() -> None:
    from rag.answer.short_answer import short_answer

    sentence = "据悉，TransGPT是一个基于Transformer架构的文本大模型。"
    assert short_answer("TransGPT的参数量是多少？", "number", sentence, ["transgpt"]) is None


def test_a_range_is_one_figure() -> None:
    from rag.answer.short_answer import short_answer

    sentence = "目前，新车已经开启预售，预售价区间为70-160万元。"
    assert (
        short_answer("猛士917的预售价区间是多少？", "number", sentence, ["预售价"]) == "70-160万元"
    )
    # a range of years or months stays no figure
    assert short_answer("投资多少？", "number", "2023-2025年投资1000亿元。", ["投资"]) == "1000亿元"


def test_a_two_character_place_guess_is_no_subject() -> None:
    from rag.answer.question import proper_names, question_places

    # jieba guesses 查共 of "夜查共查获" is a place; its dictionary knows no such word
    assert "查共" not in proper_names("北京交警夜查共查获多少名酒驾司机？")
    assert question_places("福州市和青岛在哪里？") == ["福州市", "青岛"]


def test_which_unit_hosted_it_asks_on_about_the_last_question(make_corpus) -> None:  # type: ignore[no-untyped-def]
    files = {
        "a.txt": (
            "浙江省青少年武术散打锦标赛开赛\n"
            "7月16日上午，浙江省青少年武术散打锦标赛在温州市文成县体育中心开赛。\n"
            "本次赛事由浙江省体育局主办，温州市体育局承办。\n"
        ),
        "b.txt": "济宁双拥演出举行\n本次演出由中共济宁市委宣传部主办，济宁市双拥办承办。\n",
    }
    settings = make_corpus(files)
    rag.ingest(settings=settings)
    engine = rag.Engine.open(settings=settings)
    first = "浙江省青少年武术散打锦标赛在哪里开赛？"
    history = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": engine.ask(first).text},
    ]
    ans = engine.ask("由哪个单位主办？", history=history)
    assert "浙江省体育局" in ans.citations[0].quote, ans.text


def test_an_official_name_with_of_is_one_name() -> None:
    from rag.answer.english import english_name_runs

    def translate(text: str) -> list[tuple[str, ...]]:
        table = {
            "Ministry of Water Resources": [("水利部",)],
            "Water Resources": [("浇灌",), ("资源",)],
            "Ministry": [("部",)],
        }
        return table.get(text, [])

    q = "How much funding did the Ministry of Water Resources allocate?"
    assert english_name_runs(q, translate) == [[("水利部", "ministry of water resources")]]


def test_how_much_funding_asks_a_sum_of_money() -> None:
    from rag.answer.kinds import blank_non_counts
    from rag.answer.question import required_pattern

    need = required_pattern("How much disaster relief funding did the ministries allocate?")
    assert need is not None
    assert need.search(blank_non_counts("财政部、水利部紧急下达中央财政水利救灾资金4.5亿元。"))
    assert not need.search(blank_non_counts("水利部门已科学分配好调水分水比例。"))


def test_a_reprinted_sentence_is_quoted_once(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # Two outlets print the same notice, one with spaces around its figures: a second copy
    # adds nothing, so the answer quotes once and leaves room for what else is said.
    notice = (
        "在前期试点基础上，进一步扩大国产小客车注册登记生产企业预查验试点，在{n}个城市{m}家"
        "生产企业实行新车出厂提前查验车辆，群众上牌免交验车辆。"
    )
    files = {
        "a.txt": "公安部交通管理局发布新措施\n近日，公安部交通管理局发布了一系列新措施。\n"
        + notice.format(n="36", m="33")
        + "\n",
        "b.txt": "车辆登记服务再优化\n"
        + notice.format(n=" 36 ", m=" 33 ")
        + "\n推行摩托车登记省内一证通办，便利群众异地购车登记。\n",
    }
    ans = ask_fresh(make_corpus, files, "国产小客车注册登记生产企业预查验试点扩大到了哪里？")
    copies = [c for c in ans.citations if "预查验试点" in c.quote]
    assert len(copies) == 1, ans.text


@pytest.mark.parametrize(
    ("sentence", "names_one"),
    [
        ("近日，公安部交通管理局发布了一系列新措施。", True),
        ("国务院办公厅印发通知。", True),
        ("中国合格评定国家认可委员会颁发证书。", True),
        ("全部企业实行新车出厂提前查验。", False),  # 全部: two characters
        ("支持在银行、汽车金融公司等金融机构设立服务站。", False),  # kinds, not names
    ],
)
def test_an_organisation_is_named_by_its_suffix(sentence: str, names_one: bool) -> None:
    from rag.answer.kinds import type_bonus

    assert (type_bonus("organ", sentence) > 0) is names_one


def test_which_body_did_it_is_answered_by_its_first_full_mention(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # The deed's sentence has no doer; news names the body in full first (公安部交通管理局)
    # and shortens it after (公安部): the answer adds the first mention, not a later one.
    article = (
        "机动车登记服务再优化\n"
        "近日，公安部交通管理局发布了一系列服务保障高质量发展的新措施，其中包括优化机动车登记服务。"
        "首先，公安部将简化新车注册登记手续，便利一站办理新车上牌。"
        "在前期试点基础上，将进一步扩大国产小客车注册登记生产企业预查验试点，在36个城市实行新车出厂"
        "提前查验车辆。\n"
    )
    ans = ask_fresh(
        make_corpus, {"a.txt": article}, "哪个机构扩大了国产小客车注册登记生产企业预查验试点？"
    )
    assert "公安部交通管理局" in ans.text, ans.text
    assert "预查验试点" in ans.citations[0].quote


def test_a_currency_asked_is_a_sum_not_a_count() -> None:
    from rag.answer.question import required_pattern

    # 多少人民币 asks a sum: 人民币 holds 人, but no 人 is counted.
    need = required_pattern("该公司上半年的收益是多少人民币？")
    assert need is not None
    assert need.search("上半年收益约为3.2亿元人民币")
    assert not need.search("公司员工达到3200人")


def test_a_latin_name_ends_where_chinese_begins() -> None:
    from rag.answer.english import english_name_runs

    runs = english_name_runs("FF 91 2.0 Futurist Alliance的定价是多少美元？", None)
    written = [alts[-1] for run in runs for alts in run]
    assert written and all("定价" not in w for w in written), runs


def test_a_common_word_in_an_english_name_is_no_requirement() -> None:
    from rag.answer.english import english_name_runs

    # 三只羊网络 is no 绵羊: the dictionary senses of the name's common words are not how
    # the article names it; the names of people and places in a name still are.
    assert english_name_runs("What did Three Sheep Network sell?", None) == []
    runs = english_name_runs("What did Tesla Motors Group announce?", None)
    assert any("特斯拉" in alts for run in runs for alts in run), runs
    assert not any("集团" in alts for run in runs for alts in run), runs


def test_a_nationality_or_a_lone_syllable_is_no_name_to_require() -> None:
    from rag.answer.english import english_name_runs

    # "Taiwanese" reads as 台语, the language; "Qu" alone as a county (渠县): neither is
    # how the article names the students or the man; the city still is.
    runs = english_name_runs("How many Taiwanese students came to Fuzhou?", None)
    assert runs and all("台语" not in alts for run in runs for alts in run), runs
    assert english_name_runs("How much must a man surnamed Qu pay?", None) == []


def test_an_apostrophe_inside_a_pinyin_name_keeps_the_name_whole() -> None:
    from rag.answer.english import english_name_runs

    runs = english_name_runs("Which department did Liang Zong'an head?", None)
    assert [run[0][-1] for run in runs] == ["liang zong'an"], runs


def test_an_english_count_stops_at_a_participle_with_its_own_object() -> None:
    from rag.answer.question import required_pattern

    # the outlets are counted, not the rivers they discharge into
    need = required_pattern("How many outlets discharging into rivers are there?")
    assert need is not None and "河" not in need.pattern
    # a phrase's rendering (黑龙江河) does not hide its head: the article counts 河流
    need = required_pattern("How many Heilongjiang rivers were above warning level?")
    assert need is not None and need.search("黑龙江省仍有8条河流超警戒水位")


def test_a_bare_title_is_of_the_article_s_own_place() -> None:
    from rag.answer.titles import holds_title

    sentence = "受省委书记委托，省长赵龙立即赶赴漳州。"
    owner = [("福建", "福建省")]
    assert not holds_title(sentence, "省长", owner)
    assert holds_title(sentence, "省长", owner, opening="东南网7月27日讯（福建日报记者）")
    # a title after another place's name is that place's
    assert not holds_title("广东省省长王伟中表示", "省长", owner, opening="福建日报")


def test_who_is_in_charge_is_the_sentence_naming_the_person_in_charge(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # 负责人 is a post news names people by ("作为企业负责人，拿到证书的刘作英"): the
    # sentences repeating more of the question's words name nobody.
    article = (
        "枣阳市完成工业用地分割登记\n"
        "工业用地分割登记改革以来，枣阳市不动产登记中心已为万进杰食品等5家公司完成了工业用地"
        "分割登记，化解了企业融资难题。\n"
        "8月10日上午，枣阳市万进杰食品有限公司领到了完成分割登记的两本不动产证。\n"
        "“有了这两张不动产证，企业融资就方便多了！”作为企业负责人，拿到证书的刘作英感慨万分。\n"
    )
    ans = ask_fresh(
        make_corpus,
        {"a.txt": article},
        "枣阳市万进杰食品有限公司拿到不动产证后，这家企业的负责人是谁？",
    )
    assert len(ans.citations) == 1 and "刘作英" in ans.citations[0].quote, ans.text


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("龙澎简历龙澎，男，汉族，1972年2月出生，湖北孝感人，大学学历。", "湖北孝感"),
        ("张明，男，汉族，山东济南人，1965年生。", "山东济南"),
        ("籍贯：浙江温州，1970年生。", "浙江温州"),
        ("作为企业负责人，拿到证书的刘作英感慨万分。", None),  # a post, no biography
        ("该市常住人口超过千万人。", None),
    ],
)
def test_where_a_biography_says_its_person_comes_from(sentence: str, expected: str | None) -> None:
    from rag.answer.kinds import hometown

    assert hometown(sentence) == expected


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("龙澎是哪里人？", True),
        ("龍澎是哪裡人？", True),
        ("龙澎的籍贯是哪里？", True),
        ("Where is Long Peng from?", True),
        ("Where did the goods come from?", False),  # no person
        ("论坛在哪里举行？", False),
    ],
)
def test_which_questions_ask_where_a_person_is_from(question: str, asks: bool) -> None:
    from rag.answer.kinds import ASKS_HOMETOWN

    assert bool(ASKS_HOMETOWN.search(question)) is asks


_BIOGRAPHY = "龙澎简历：龙澎，男，汉族，1972年2月出生，湖北孝感人，大学学历，1993年7月参加工作。\n"


def _report(biography: str) -> str:
    # The biography closes the report, in a passage of its own, and repeats only the name;
    # the report's opening, with all the question's words, says where the case was heard.
    body = "".join(
        f"经查，龙澎违反组织纪律第{i}项，利用职务便利为他人在工程承揽、项目验收等方面谋取利益。"
        for i in range(1, 9)
    )
    return (
        "广东省储备粮管理集团原副总经理龙澎被开除党籍\n"
        "广东省纪委监委对广东省储备粮管理集团原副总经理龙澎严重违纪违法问题进行了立案审查调查。\n"
        f"{body}\n{biography}"
    )


def test_where_an_official_is_from_is_his_biography_at_the_reports_end(make_corpus) -> None:  # type: ignore[no-untyped-def]
    settings = make_corpus({"a.txt": _report(_BIOGRAPHY)})
    rag.ingest(settings=settings)
    engine = rag.Engine.open(settings=settings)
    assert engine.info().chunks >= 2  # the biography is a passage of its own
    for question in ("广东省储备粮管理集团原副总经理龙澎是哪里人？", "龙澎的籍贯是哪里？"):
        ans = engine.ask(question)
        assert ans.text.startswith("湖北孝感。[1]"), ans.text


def test_where_an_official_is_from_is_not_where_his_case_was_heard(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # No biography: no other sentence of the report answers where he comes from.
    ans = ask_fresh(
        make_corpus, {"a.txt": _report("")}, "广东省储备粮管理集团原副总经理龙澎是哪里人？"
    )
    assert ans.abstained, ans.text


def _other_reports(n: int) -> dict[str, str]:
    """Short articles on something else, so that a name in one article is rare."""
    return {
        f"{i}.txt": f"第{i}届城市论坛举行\n第{i}届城市论坛今日在青岛开幕，各地代表参加。\n"
        for i in range(1, n + 1)
    }


def test_a_name_jieba_glued_to_and_is_still_the_articles_name(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # "宇山纺和好友…": jieba reads 宇山纺和 as one name, which no article writes; the
    # article does name 宇山纺, so the question is about it, not about someone absent.
    article = (
        "日本插画师宇山纺在上海\n"
        "7年前，日本插画师宇山纺从东京来到上海。\n"
        "宇山纺喜欢上海的老物件。\n"
        "她和好友格里董从2018年就办起了名为“白相大上海”的活动，分享上海的历史。\n"
    )
    others = _other_reports(3)
    # 宇山纺 is in one passage of four: rare, as among thousands of articles.
    settings = make_corpus({"a.txt": article, **others}, abstain_name_share=0.5)
    rag.ingest(settings=settings)
    ans = rag.Engine.open(settings=settings).ask(
        "日本插画师宇山纺和好友格里董从2018年起办的活动叫什么？"
    )
    assert not ans.abstained and "白相大上海" in ans.text, ans.text


def test_an_english_short_answer_is_the_count_of_what_is_counted() -> None:
    from rag.answer.counted import english_counted
    from rag.answer.short_answer import short_answer

    def translate(text: str) -> list[tuple[str, ...]]:
        table = {"sewage": ("污水",), "outlets": ("排污口",), "rivers": ("河流",)}
        return [table[w] for w in text.lower().split() if w in table]

    question = "How many sewage outlets discharging into rivers does the map cover?"
    counted = english_counted(question, translate)
    assert counted == ["排污口"]
    sentence = "它覆盖了全市13条主要入海河流，以及333个入河排污口和1936个畜禽养殖户。"
    # The rivers are among the question's words too: the outlets are what it counts.
    assert short_answer(question, "number", sentence, ["河流", "排污口"], counted) == "333个"
    assert english_counted("When did the map go online?", translate) == []


def test_visits_and_trips_are_counted_in_one_unit() -> None:
    from rag.answer.short_answer import short_answer

    sentence = "今年上半年，该市游客接待量2772万人次、旅游收入312亿元。"
    assert (
        short_answer("游客接待量是多少？", "number", sentence, ["游客", "接待量"]) == "2772万人次"
    )
    assert short_answer("有多少人死亡？", "number", "已造成至少80人死亡。", ["死亡"]) == "80人"


def test_a_chinese_name_in_pinyin() -> None:
    from rag.retrieve.names import is_pinyin_name

    assert is_pinyin_name(["Quan", "Hongchan"])
    assert is_pinyin_name(["Lin", "Dan"])
    assert not is_pinyin_name(["Mathieu", "Lehanneur"])
    assert not is_pinyin_name(["Maruti", "Suzuki"])  # a surname is one syllable
    assert not is_pinyin_name(["Xi", "Jinping", "Thought"])


def test_a_pinyin_name_no_corpus_word_reads_is_still_a_name_to_require() -> None:
    from rag.answer.english import english_name_runs

    # No rendering: the articles name no one read so, and the question is about her.
    runs = english_name_runs("What score did Quan Hongchan post in the final?", lambda _t: [])
    assert runs == [[("quan hongchan",)]]


def test_an_english_question_s_names_are_half_required(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # Tucson is 土桑 in CC-CEDICT, 图森 in the article; Arizona is found: the article is about
    # the question's subject, though one rendering is a guess that missed.
    article = (
        "美国女子往丈夫咖啡里加漂白剂被控谋杀未遂\n"
        "近日，美国亚利桑那州图森市的一名女子梅洛迪·约翰逊被控一级谋杀未遂罪，她每天往丈夫的咖啡里加漂白剂。\n"
    )
    others = _other_reports(3)
    settings = make_corpus({"a.txt": article, **others}, abstain_name_share=0.5)
    rag.ingest(settings=settings)
    engine = rag.Engine.open(settings=settings)
    ans = engine.ask(
        "Who is the woman in Tucson, Arizona, charged with putting bleach in her husband's coffee?"
    )
    assert not ans.abstained and ans.citations[0].article_id == "a", ans.text
    # A single name the article lacks still declines ("in Denver": 丹佛).
    assert engine.ask("Which woman in Denver put bleach in her husband's coffee?").abstained


def test_an_english_name_is_found_in_other_characters_of_its_sound(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # CC-CEDICT renders Texas 德克萨斯; the article writes 得克萨斯, read the same.
    article = "得克萨斯州高温记录\n据报道，美国得克萨斯州的高温记录持续了27天，创下历史新高。\n"
    settings = make_corpus({"a.txt": article, **_other_reports(3)}, abstain_name_share=0.5)
    rag.ingest(settings=settings)
    engine = rag.Engine.open(settings=settings)
    ans = engine.ask("How many days did the heat record in Texas last?")
    assert not ans.abstained and ans.text.startswith("Answer: 27天"), ans.text
    # A name read otherwise is still missing ("Tennessee": 田纳西).
    assert engine.ask("How many days did the heat record in Tennessee last?").abstained


def test_a_place_written_before_another_says_where_that_one_is() -> None:
    from rag.answer.question import narrowest

    q = "福建省福州市今年新增了多少家企业？"
    assert narrowest(["福建省", "福州市"], q) == ["福州市"]
    assert narrowest(["福州", "厦门"], "福州和厦门各有多少家企业？") == ["福州", "厦门"]


def test_an_index_is_answered_by_its_percentage(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # 景气指数 is stated as a percentage (50.9%), which for a count or a sum is no answer.
    article = (
        "7月份中国物流业景气指数回落\n"
        "中国物流与采购联合会5日发布数据显示，7月份中国物流业景气指数为50.9%，较上月回落0.8个百分点。\n"
        "物流行业今年整体运行平稳，企业信心有所恢复。\n"
    )
    ans = ask_fresh(make_corpus, {"a.txt": article}, "7月份中国物流业景气指数是多少？")
    assert ans.text.startswith("50.9%。[1]"), ans.text


def test_a_total_answers_before_the_sentence_giving_its_parts(seed_engine) -> None:  # type: ignore[no-untyped-def]
    # "其中，…9个案例…13个案例…": the parts of the 34个案例 said just before.
    assert seed_engine.ask("青岛入选了多少个案例？").text.startswith("34个。[1]")
    assert seed_engine.ask("How many cases from Qingdao were selected?").text.startswith(
        "Answer: 34个.[1]"
    )


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        (
            "How much does the Smart Office Book X3 weigh?",
            "讯飞智能办公本 X3 拥有 10.65英寸墨水屏，厚度仅为 5.4mm，重量仅为 415g。",
            "415g",
        ),
        ("这台办公本有多重？", "它拥有10.65英寸屏幕，重量仅为415克。", "415克"),
        (
            "Roughly how far had the driver taken him?",
            "代驾胡某称，他替车主李某代驾了近40公里，对方拒付2次代驾费。",
            "40公里",
        ),
    ],
)
def test_a_measure_asked_is_answered_in_its_units(
    question: str, sentence: str, expected: str
) -> None:
    from rag.answer.kinds import blank_non_counts
    from rag.answer.question import required_pattern
    from rag.answer.short_answer import short_answer

    need = required_pattern(question)
    assert need is not None and need.search(blank_non_counts(sentence))
    # the screen's 10.65英寸 or a figure of another measure is no answer
    assert not need.search(blank_non_counts("屏幕为10.65英寸，售价4999元。"))
    assert short_answer(question, "number", sentence, ["重量", "代驾"]) == expected


@pytest.mark.parametrize(
    "question",
    ["重量级嘉宾有多少位？", "高度重视的项目有多少个？", "What did the in-depth report find?"],
)
def test_words_of_a_measure_in_other_senses_ask_no_measure(question: str) -> None:
    from rag.answer.question import asked_measure

    assert asked_measure(question) is None


def test_an_acronym_the_dictionary_renders_names_the_subject() -> None:
    from rag.answer.english import english_name_runs

    def translate(text: str) -> list[tuple[str, ...]]:
        table = {"DJI": ("大疆", "DJI"), "CICC": ("CICC",)}
        return [table[w] for w in text.split() if w in table]

    # Named as rendered or as written; an acronym of three letters is no lone syllable.
    assert english_name_runs("What drones did DJI release?", translate) == [
        [("大疆", "dji", "dji")]
    ]
    # One the dictionary cannot render may be written in Chinese any way: nothing required.
    assert english_name_runs("What target price did CICC set?", translate) == []


def test_a_company_no_article_names_is_declined_in_english(make_corpus) -> None:  # type: ignore[no-untyped-def]
    drones = (
        "东莞动物园上演无人机表演秀\n"
        "8月12日，东莞一家动物园推出无人机表演秀，上百台无人机起飞。"
        "工作人员说，表演因临时空中管制中断，部分无人机坠落。\n"
    )
    engine = engine_over(
        make_corpus,
        {"show.txt": drones, "other.txt": "本市新开三家图书馆\n图书馆共有藏书10万册。\n"},
    )
    # SMIC and DJI are in the dictionary (中芯国际, 大疆); no article names either.
    assert engine.ask("What new drone models did DJI release in August 2023?").abstained
    assert engine.ask("How much capital expenditure has SMIC budgeted for 2023?").abstained
    assert not engine.ask("How many drones took off at the Dongguan zoo show?").abstained


def test_places_of_one_address_say_where_the_last_is() -> None:
    from rag.answer.question import narrowest, question_places

    q = "山西运城临猗县7月30日查获的醉驾司机张某，血液酒精含量是多少？"  # 运城: untagged
    assert narrowest(question_places(q), q) == ["临猗县"]
    for q in ("北京和上海的人口分别是多少？", "从北京到上海的高铁要多久？"):
        assert narrowest(question_places(q), q) == ["北京", "上海"]


def test_an_address_the_article_gives_only_in_part_still_names_the_subject(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # The article names 兖州区, never 山东 or 济宁, which only say where it is.
    article = (
        "兖州区开展高处坠落专项整治\n"
        "8月17日，兖州区安委会专项行动检查小组在一建设项目施工现场开展检查。\n"
        "兖州区安委会副主任、应急局局长李同伟介绍，检查小组重点督查高处作业人员培训情况。\n"
    )
    ans = ask_fresh(
        make_corpus,
        {"a.txt": article, "b.txt": "本市新开三家图书馆\n图书馆共有藏书10万册。\n"},
        "山东济宁兖州区安委会副主任、应急局局长是谁？",
    )
    assert not ans.abstained and "李同伟" in ans.text, ans.text


def test_a_story_says_its_place_once(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # 贵阳 is named where the story opens; the sum is in a later passage, which names only a
    # court of the county. A passage on the whole country is no figure of the place.
    filler = "".join(
        f"两人第{i}次协商复婚事宜，却始终没有结果，双方矛盾不断加深。" for i in range(1, 9)
    )
    story = (
        "女子欲复婚却再出轨被诉\n"
        "近日，贵州贵阳，张女士因婚内多次出轨，与丈夫易先生离婚。\n"
        f"{filler}\n"
        "易先生将张女士诉至息烽法院，要求其返还同居期间收到的赠与款12000元。\n"
    )
    long_filler = "".join(
        f"第{i}位嘉宾在论坛上发言，介绍数字经济的发展经验和做法。" for i in range(1, 17)
    )
    national = (
        "数字经济论坛开幕\n"
        "论坛在贵阳开幕，多家企业参加。\n"
        f"{long_filler}\n"
        "该计划要投资1000亿元以上资金，在全国布局赠与款返还服务平台。\n"
    )
    engine = engine_over(make_corpus, {"story.txt": story, "national.txt": national})
    ans = engine.ask("贵州贵阳的易先生要求前妻返还的赠与款金额是多少？")
    assert ans.text.startswith("12000元"), ans.text
    assert "1000亿" not in engine.ask("贵阳获得了多少资金投资？").text


@pytest.mark.parametrize(
    ("quote", "text", "named"),
    [
        ("杜苏芮", "台风杜苏芮登陆福建", True),
        ("杜苏芮", "台风卡努登陆", False),
        # a description is worded otherwise than the article's headline
        ("15岁女生拒买水果捞被骂", "“15岁女生拒买47元水果捞被骂小三”一事", True),
        ("15岁女生拒买水果捞被骂", "夜市商家称重后报价47元", False),
    ],
)
def test_a_long_quote_is_a_description_not_a_name(quote: str, text: str, named: bool) -> None:
    from rag.answer.subjects import names_quote

    assert names_quote(text, quote) is named


def test_an_english_count_of_a_one_character_noun_is_of_that_noun() -> None:
    from rag.answer.kinds import blank_non_counts
    from rag.answer.question import required_pattern

    # village: 村 (and 村庄, 农村); news counts "147个受灾行政村", the noun a few words on.
    need = required_pattern("How many flood-hit villages in Mentougou had phone service restored?")
    assert need is not None
    assert need.search(blank_non_counts("门头沟区147个受灾行政村的公众通信服务全面恢复。"))
    # one character is no anchor elsewhere in the sentence
    assert not need.search(blank_non_counts("村里有人说，通信在3天内恢复。"))


def test_a_question_opening_with_a_name_no_article_writes_is_declined(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # jieba tags 安踏 a verb and 喜茶 too: no name rule sees them; no article writes them.
    files = {
        "a.txt": "吉比特发布半年报\n今年上半年，吉比特实现营业收入23.49亿元，同比减少6.44%。\n",
        "b.txt": "鲜辣美食店走红\n杭州、宁波等城市近三年来开设了300余家鲜辣美食门店。\n",
    }
    engine = engine_over(make_corpus, files)
    assert engine.ask("安踏体育2023年上半年实现营业收入多少亿元？").abstained
    assert engine.ask("喜茶目前在全国共开设了多少家门店？").abstained
    # A subject the articles write, and questions that open with no subject, are answered.
    assert engine.ask("吉比特上半年实现营业收入多少？").text.startswith("23.49亿元")
    assert not engine.ask("哪些城市开设了鲜辣美食门店？").abstained
    assert not engine.ask("截至目前，鲜辣美食门店开设了多少家？").abstained


def test_a_word_the_index_holds_only_inside_longer_ones_is_still_written(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # The question's first word is 绍伊 (jieba: 绍伊 古称…); the index holds only 绍伊古.
    files = {
        "a.txt": "俄防长谈波兰扩军\n俄罗斯国防部长绍伊古表示，波兰已开始从美国和韩国大规模采购武器。\n",
        "b.txt": "本市新开三家图书馆\n图书馆共有藏书10万册。\n",
    }
    engine = engine_over(make_corpus, files)
    question = "绍伊古称波兰已开始从哪些国家大规模采购武器？"
    assert not engine.ask(question).abstained
    assert not engine.ask("紹伊古稱波蘭已開始從哪些國家大規模採購武器？").abstained  # either script


def test_a_sentence_pointing_back_is_quoted_after_the_one_it_points_to(make_corpus) -> None:  # type: ignore[no-untyped-def]
    article = (
        "简阳迎来大运会赛事\n"
        "走进简阳市文体中心，场馆建筑仿佛长在了公园里，植被茂盛。"
        "这里是成都大运会跳水和柔道赛事的举办场馆。"
        "场馆内能容纳3000余个座位。\n"
    )
    ans = ask_fresh(
        make_corpus,
        {"a.txt": article, "b.txt": "本市新开三家图书馆\n图书馆共有藏书10万册。\n"},
        "成都大运会跳水和柔道比赛在简阳市的哪个场馆举行？",
    )
    assert "简阳市文体中心" in ans.text, ans.text
    quotes = [c.quote for c in ans.citations]
    assert quotes.index(next(q for q in quotes if "文体中心" in q)) < quotes.index(
        next(q for q in quotes if q.startswith("这里"))
    )


def test_a_region_of_provinces_by_their_short_names_is_a_list() -> None:
    from rag.answer.kinds import type_bonus
    from rag.answer.short_answer import short_answer

    sentence = "当前，国家防总维持对京津冀晋鲁豫防汛应急三级响应，加派3个工作组赴相关地区。"
    assert type_bonus("list", sentence) == type_bonus("list", "福建、广东、浙江等省份")
    question = "国家防总维持了哪些地区的防汛应急三级响应？"
    assert short_answer(question, "list", sentence, ["国家防总", "维持", "防汛"]) == "京津冀晋鲁豫"
    assert type_bonus("list", "苏宁易购发布公告称，公司将继续推进。") == 0.0


def test_an_english_route_between_places_finds_its_chinese_compound(make_corpus) -> None:  # type: ignore[no-untyped-def]
    # The article names the Zaozhuang-Heze expressway only as 枣菏高速: a question naming
    # both places is about it, not declined for want of 枣庄 or 菏泽.
    files = {
        "road.txt": "枣菏高速光伏项目并网\n中新网济宁8月13日电，一排排光伏发电设备顺着枣菏高速"
        "公路旁的边坡绵延数十里。项目技术负责人表示，预计在项目全部建成后，工程总装机容量约"
        "123.99兆瓦。",
        "other.txt": "光伏电站建成\n某地光伏电站总装机容量达50兆瓦，年发电量可观。",
    }
    question = (
        "What total installed capacity is expected for the Zaozhuang-Heze expressway "
        "solar project once it is fully completed?"
    )
    answer = ask_fresh(make_corpus, files, question)
    assert not answer.abstained
    assert "123.99兆瓦" in answer.text


def test_a_place_jieba_reads_as_a_person_within_an_address_is_a_place() -> None:
    from rag.answer.question import question_places

    # jieba tags 闵行 a person; between 上海 and 江川 it is the district of one address.
    question = "上海闵行江川社区卫生服务中心家庭医生吴彪已签约多少位居民？"
    assert "闵行" in question_places(question)


def test_who_asks_of_the_title_in_its_own_clause() -> None:
    from rag.answer.short_answer import short_answer

    # The question names a 部长 as context; it asks which 议员 answered him.
    question = "前卫生部长陈时中称在野党是灾难后，哪位国民党台北市议员发文反驳？"
    sentence = "对此，国民党台北市议员张斯纲痛斥陈时中的说法。"
    assert short_answer(question, "who", sentence, ["国民党", "台北市", "议员"]) == "张斯纲"


def test_the_sentence_going_on_from_the_best_one_may_give_the_answer(make_corpus) -> None:  # type: ignore[no-untyped-def]
    files = {
        "taipei.txt": "台北市议员反驳陈时中\n前卫生部长陈时中6日为赖清德站台时表示，在野党"
        "是台湾的灾难。对此，国民党台北市议员张斯纲痛斥其说法。张斯纲7日发文逐一反驳。",
        "other.txt": "台北天气\n台北市今日多云，午后有雷阵雨，气温30度。",
    }
    question = (
        "前卫生部长陈时中为赖清德站台、称在野党是台湾的灾难后，哪位国民党台北市议员发文反驳？"
    )
    answer = ask_fresh(make_corpus, files, question)
    assert answer.text.startswith("张斯纲。[")
    # The lead cites the sentence it comes from.
    n = int(answer.text.split("[", 1)[1].split("]", 1)[0])
    assert "张斯纲" in answer.citations[n - 1].quote


def test_an_english_count_may_count_by_a_further_sense_of_its_head() -> None:
    from rag.answer.question import required_pattern

    # "initiative": 积极性, 主动权, 能动性 first; a peace initiative is a 倡议.
    need = required_pattern("Roughly how many peace initiatives had Russia received?")
    assert need is not None
    assert need.search("俄方已通过各种渠道收到约30份关于调解乌克兰问题的和平倡议。")
    assert not need.search("俄方已通过各种渠道收到约30份文件。")


def test_an_english_question_may_open_with_a_name() -> None:
    from rag.answer.english import english_name_runs

    # "New York City plans…": the sentence's first word opens the name (纽约市, not 约克).
    runs = english_name_runs("New York City plans to open a relief centre. Where is it?", None)
    assert any("纽约市" in g for run in runs for g in run)
    assert not any("约克" in g for run in runs for g in run)
    # A first word that opens no name the dictionary knows is a sentence start.
    runs = english_name_runs("Which Qingdao companies won awards?", None)
    assert not any("哪个" in g for run in runs for g in run)


def test_a_foreigner_whose_surname_has_no_rendering_is_no_test_of_an_article() -> None:
    from rag.answer.english import english_name_runs

    # News names her 扎哈罗娃; the dictionary renders only "Maria" (玛丽亚), which the
    # article never writes.
    question = "What did foreign ministry spokeswoman Maria Zakharova say on 29 July?"
    assert english_name_runs(question, None) == []


def test_the_mayor_of_a_town_is_its_town_head() -> None:
    from rag.answer.titles import english_title, holds_title

    def translate(text: str) -> list[tuple[str, ...]]:
        table = {"Tanzhesi": [("潭柘寺",)], "mayor": [("市长",)]}
        return table.get(text.strip(), [])

    q = "Who is the mayor of Tanzhesi town in Beijing's Mentougou district?"
    found = english_title(q, translate)
    assert found == (("镇长",), [("潭柘寺",)])
    titles, owner = found
    assert holds_title("潭柘寺镇镇长 叶荣德：道路全部畅通。", titles[0], owner)
    assert english_title("Who is the mayor of Shenzhen?", translate) == (("市长",), [])  # a city


def test_another_article_s_sentence_without_the_kind_of_answer_asked_is_not_quoted(
    make_corpus,
) -> None:  # type: ignore[no-untyped-def]
    files = {
        "day.txt": "首个全国生态日\n2023年8月15日是中国首个全国生态日。各地举行活动。",
        "court.txt": "生态司法保护基地揭牌\n8月15日是中国首个全国生态日，成都举行生态司法座谈会。",
    }
    answer = ask_fresh(make_corpus, files, "中国首个全国生态日是在哪一年设立的？")
    assert answer.text.startswith("2023年。[1]")
    assert {c.article_id for c in answer.citations} == {"day"}


def test_a_company_s_accounts_are_asked_as_sums() -> None:
    from rag.answer.question import required_pattern

    need = required_pattern("邓亚萍曾任法定代表人的那家公司2022年营业收入是多少？")
    assert need is not None
    assert need.search("2022年，公司实现营业收入20.71亿元，同比下降34.49%。")
    assert not need.search("天眼查显示，邓亚萍在4家公司担任法定代表人。")
    # Its growth is a percentage, not a sum.
    growth = required_pattern("该公司2022年营业收入同比增长了多少？")
    assert growth is None or growth.search("营业收入同比增长12.5%。")


def test_the_place_that_holds_another_is_written_just_before_it() -> None:
    from rag.answer.short_answer import short_answer

    # An address runs from the largest place to the smallest: 湖南浏阳, 成都武侯区.
    sentence = "获奖的有江西南昌、湖南浏阳、四川成都武侯区、浙江义乌等地。"
    assert short_answer("获奖的浏阳市位于哪个省？", "place", sentence, ["获奖"]) == "湖南"
    assert short_answer("获奖的武侯区属于哪座城市？", "place", sentence, ["获奖"]) == "成都"


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        (
            "一共准备送出多少瓶冰水？",
            "连续14天、38个爱心驿站、50000瓶冰水，为城市最可爱的人送去清凉。",
            "50000瓶",
        ),
        ("有多少户民房损毁？", "此次灾害造成2户民房损毁，210国道3处严重损毁，1条线路故障。", "2户"),
        ("紧急停运了多少列旅客列车？", "在18个车站，南昌局紧急停运旅客列车388列。", "388列"),
    ],
)
def test_a_count_by_its_classifier(question: str, sentence: str, expected: str) -> None:
    from rag.answer.short_answer import short_answer

    # Things are counted by their classifiers (瓶, 户, 列), not by the sentence's other figures.
    assert short_answer(question, "number", sentence, []) == expected


def test_one_of_a_kind_is_the_article_a_not_a_count() -> None:
    from rag.answer.short_answer import short_answer

    # 一起 and 一份 read "an" (一起客车翻车事故, 在一份报告中), not the count asked.
    sentence = "当地时间9日发生一起客车翻车事故，造成至少9人死亡。"
    assert short_answer("How many died in the bus crash?", "number", sentence, []) == "9人"


def test_an_english_question_s_own_figure_is_no_answer_even_in_words() -> None:
    from rag.answer.short_answer import short_answer

    question = "Five training chains in Shanghai joined. How many stores do they have?"
    sentence = "秦汉胡同、昂立教育等5家培训机构的206家门店参与。"
    assert short_answer(question, "number", sentence, []) == "206家"
    # Stated in digits as well: ranked 377th, it climbed 64 places.
    sentence = "顺丰排名第377名，比2022年上升了64个名次。"
    assert (
        short_answer("SF ranked 377th. How many places did it climb?", "number", sentence, [])
        == "64个"
    )


def test_a_figure_stated_right_after_its_noun() -> None:
    from rag.answer.short_answer import states_value

    assert states_value("财务费用3136.72万元,毛利率44.92%。", "毛利率")
    assert states_value("归母净利润为9.68亿元", "净利润")
    assert not states_value("公司毛利率较去年有所提高,营收2亿元", "毛利率")
    assert not states_value("营收2亿元", "毛利率")


def test_a_who_answer_takes_a_two_character_name_after_a_person_word_not_a_village() -> None:
    from rag.answer.short_answer import short_answer

    q = "女子组冠军是谁？"
    s = "今年50岁的甘河子镇郝家庄子村村民陈英获得了此次长跑女子组冠军。"
    assert short_answer(q, "who", s, ["女子组", "冠军"]) == "陈英"
    # Without the person word, a two-character name alone is too often a longer name's part.
    assert short_answer(q, "who", "郝家庄子村陈英获得了此次长跑女子组冠军。", ["冠军"]) != "陈英"
    # 郝家庄, which jieba tags a person, begins the village's name 郝家庄子村.
    assert short_answer(q, "who", "郝家庄子村的一位村民获得了女子组冠军。", ["冠军"]) is None


def test_editions_and_years_of_a_period_tell_events_apart() -> None:
    from rag.answer.subjects import other_editions, other_years

    assert other_editions("第六届艺术节在哪里举办？", "第七届艺术节在武汉举办")
    assert not other_editions("第6届艺术节在哪里举办？", "第六届艺术节在武汉举办")
    assert not other_editions("第十二届邀请展有多少国家参展？", "第12届邀请展在北京开幕")
    assert not other_editions("第一百零五届广交会何时开幕？", "第105届广交会")
    assert other_editions("第二十届大会何时召开？", "第二十一届大会")
    assert not other_editions("艺术节在哪里举办？", "第七届艺术节在武汉举办")
    # A period's year written without 年: 2022上半年, 2023一季报.
    assert other_years("2022上半年北京平均月薪是多少？", "《2023上半年薪酬报告》显示", None)
    assert not other_years("2023一季报的毛利率是多少？", "2023一季报显示", None)


def test_a_price_or_a_sum_in_wan_yuan_asks_for_money() -> None:
    from rag.answer.question import required_pattern

    for q in ("全新508L上市后的官方指导价是多少万元起？", "门票价格是多少？"):
        need = required_pattern(q)
        assert need is not None and need.search("指导价为17.97万元起")
        assert not need.search("将于8月11日正式上市")


def test_only_a_chinese_name_jieba_guessed_is_recut() -> None:
    from rag.answer.subjects import names_it

    text = "冲柳片区的新50台泵提水补入高水，8l"
    assert names_it("补入冲柳高水片区", ("柳高水",), text)
    assert not names_it("东风标致全新508L的指导价", ("508l",), text)
