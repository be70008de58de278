"""The answer that says the articles do not say, naming the closest articles by title."""

from __future__ import annotations

from rag.text import Script, to_script
from rag.types import Answer, Hit

_ABSTAIN = {
    "zh-Hans": "文章中没有找到这个问题的答案。",
    "zh-Hant": "文章中沒有找到這個問題的答案。",
    "en": "The articles do not say.",
}
_CLOSEST = {"zh-Hans": "最相关的文章：", "zh-Hant": "最相關的文章：", "en": " Closest articles: "}


def abstain(
    question: str, script: Script, hits: list[Hit], mode: str = "extractive", notice: str = ""
) -> Answer:
    """The refusal in the asker's script, naming up to three of the retrieved articles (the
    closest first) by title, so the reader knows where the search looked."""
    seen: list[str] = []
    closest: list[Hit] = []
    for h in hits:
        if h.article_id not in seen:
            seen.append(h.article_id)
            closest.append(h)
    # In the asker's script, as the quoted sentences of an answer are (an article titled
    # 第十三屆中國-東北亞博覽會 is named 第十三届… to a simplified question).
    names = [
        to_script(h.title, script) if h.title and script != "en" else h.title or h.article_id
        for h in closest[:3]
    ]
    text = _ABSTAIN[script]
    if names:
        if script == "en":
            text += _CLOSEST["en"] + "; ".join(names) + "."
        else:
            text += (
                to_script(_CLOSEST["zh-Hans"], script) + "、".join(f"《{n}》" for n in names) + "。"
            )
    return Answer(
        text=text,
        citations=[],
        abstained=True,
        unsupported=[],
        mode=mode,
        question=question,
        notice=notice,
        closest=closest[:3],
    )
