"""How the offline answerer reads a question's words."""

from __future__ import annotations

import pytest

import rag
from rag.answer.question import tense_words


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
    settings = make_corpus({"a.txt": article})
    rag.ingest(settings=settings)
    ans = rag.Engine.open(settings=settings).ask("和平会议计划在哪里举行？")
    assert any("吉达" in c.quote for c in ans.citations), ans.text
