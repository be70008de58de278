"""The offline extractive answerer: quoted sentences with verified citations, no LLM.

1. The question's content terms are weighted by IDF; a passage's *coverage* is the weighted
   share of them in its title and text, a sentence's the share in the sentence. Sentences of
   the kind asked for (numbers for 多少, lists for 哪些, dates for 何时) get a bonus.
2. Sentences that cannot answer are dropped: a count or amount needs its number (with its
   unit, counted noun or money), a question about a place a passage about it; its quoted
   and proper names must be in the sentence's article (rag.answer.subjects).
3. When no passage covers enough of the question (`abstain_threshold`) or no sentence is
   left, the answer says the articles do not say and names the closest articles; otherwise
   the short answer comes first ("1.7万个。[1]"), then the best sentences, each with its [n],
   in the question's script.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from rag.answer.candidates import Candidate, compose, select
from rag.answer.counted import english_counted
from rag.answer.english import english_name_runs
from rag.answer.kinds import (
    ASKS_HOMETOWN,
    TITLES,
    blank_non_counts,
    hometown,
    question_type,
    type_bonus,
)
from rag.answer.passages import LEAD_TYPES, antecedent, follower, with_biography, with_lead
from rag.answer.question import (
    PERCENT,
    asked_attribute,
    asked_deed,
    asked_name_end,
    asked_noun,
    asks_change_or_part,
    asks_part,
    english_amount_asked,
    names_kind,
    narrowest,
    question_places,
    quoted_names,
    required_pattern,
)
from rag.answer.refusal import abstain
from rag.answer.short_answer import has_amount, short_answer, states_value
from rag.answer.sources import Sources
from rag.answer.subjects import (
    another_years_period,
    article_reader,
    named_in_rare_words,
    names_it,
    names_place,
    names_quote,
    other_editions,
    other_years,
    passages_about,
    scene_free_names,
    story_passages,
    subject_missing,
    year_missing,
)
from rag.answer.terms import Terms, question_terms
from rag.answer.titles import (
    OPENING_CHARS,
    OWN_TITLE_REACH,
    english_deed,
    english_title,
    holds_title,
    title_owner,
)
from rag.retrieve.followup import Rewrite, is_elliptical
from rag.retrieve.names import with_stem, written_alike
from rag.retrieve.translate import mostly_latin
from rag.text import Script, char_ngrams, normalize, tokenize
from rag.types import Answer, Hit

# ---- scoring ------------------------------------------------------------------------------


# crud-dev zh answerable: answer recall 0.81 -> 0.82 at 0.15 or 0.3; seeds unchanged.
_ATTRIBUTE_BONUS = 0.15
# "由哪个单位主办" asks who did the deed, and news answers in its words ("本次赛事由浙江省
# 体育局主办"): a sentence repeating the event's full name without it ("…锦标赛总裁判长朱旦标
# 介绍道") names someone else. Only after 由: a deed such as 提出 or 提到 is said in other
# words (发布, 承认), and at this weight crud-dev 040 and 053 lost their answers.
_DEED_BONUS = 0.4
_BY_WHOM = re.compile(r"由(?:谁|誰|哪)")
_OTHER_YEARS_PENALTY = 0.3
_PART_PENALTY = 0.1  # a sentence opening 其中 gives the parts of a total said before
# Nouns whose value news gives as a percentage as often as a figure (景气指数为50.9%, PMI).
_LEVELS = ("指数", "指标")
# "该企业", "该市", "本次赛事": what the article is about, named before.
_ANAPHOR = re.compile(
    r"该(?:企业|公司|集团|机构|单位|银行|项目|平台|品牌|市|县|区|省|国|地|校|院|店|案|男子|女子)"
    r"|(?:本次|本届|此次)(?:赛事|比赛|大赛|活动|会议|论坛|展会|大会|展览|峰会|博览会)"
)


def _candidates(
    hits: list[Hit],
    terms: Terms,
    qtype: str,
    question: str,
    attribute: Sequence[str] = (),
    bonus: float = 0.0,
) -> tuple[list[Candidate], float]:
    from rag.text import sentence_spans

    # Character bigrams reward a sentence that repeats the question's phrases in order
    # ("智慧城市奖" over "智慧县级城市奖"), which word coverage alone cannot tell apart.
    qgrams = char_ngrams(question)
    places = [] if mostly_latin(question) else question_places(question)
    out: list[Candidate] = []
    best_passage = 0.0
    for rank, h in enumerate(hits):
        passage_cov = terms.coverage(normalize(f"{h.title}\n{h.text}"))
        best_passage = max(best_passage, passage_cov)
        spans = sentence_spans(h.text)
        title = normalize(h.title)
        for i, (s, e) in enumerate(spans):
            sent = h.text[s:e]
            if len(sent) < 6:  # headings and fragments answer nothing
                continue
            norm = normalize(sent)
            # "我市共入选34个案例" in an article whose title names 青岛 is about 青岛.
            norm += "".join(
                f"\n{p}"
                for p in places
                if with_stem(p)[-1] not in norm and names_place(norm, p, partial(str, title))
            )
            cov = terms.coverage(norm)
            if i > 0:
                # A sentence often answers about the topic its predecessors named ("“千亿”是要
                # 投资1000亿" after the sentence naming the plan): credit that context, less.
                # A figure's clause in a list that semicolons join ("…主营收入2.01亿元，…；
                # …，毛利率44.92%") is of the subject the list opened with.
                j = max(0, i - 2)
                listed = any(a in norm for a in attribute)
                while listed and j > 0 and h.text[: spans[j - 1][1]].rstrip()[-1:] in "；;":
                    j -= 1
                window = h.text[spans[j][0] : e]
                cov = max(cov, 0.75 * terms.coverage(normalize(window)))
            if _ANAPHOR.search(norm):
                # "本次为该企业发放贷款约600万元": 该企业 is the article's subject, which its
                # title names, though the sentence may open a passage.
                cov = max(cov, 0.75 * terms.coverage(f"{title}\n{norm}"))
            phrase = len(qgrams & char_ngrams(sent)) / len(qgrams) if qgrams else 0.0
            score = (
                cov + 0.5 * passage_cov + 0.6 * phrase + type_bonus(qtype, sent) + 0.02 / (rank + 1)
            )
            if qtype == "number" and norm.startswith("其中") and not asks_part(question):
                # "其中，…9个案例…13个案例": the parts of the total said before (34个案例).
                score -= _PART_PENALTY
            if other_years(question, sent, h.date):
                # "今年上半年…增长率" is not answered by "增长率…2018年6.6%、2019年6.1%".
                score -= _OTHER_YEARS_PENALTY
            if any(a in norm for a in attribute):
                # "永定河的水位如何" is answered by a sentence on the 水位, not by one on the
                # river's floods that repeats more of the question's other words.
                score += bonus
            out.append(Candidate(score, cov, h, s, e))
    out.sort(key=lambda c: -c.score)
    return out, best_passage


# An English question's best sentences by the words gain up to this share of the best score
# by the model's judgement (crud-dev en answerable: answer recall 0.58 -> 0.69 at 0.25 or
# 0.5; the seeds lose less at 0.25).
_MEANING_WEIGHT = 0.25


def _by_meaning(
    sources: Sources, question: str, qtype: str, cands: list[Candidate]
) -> list[Candidate]:
    """The candidates re-weighed by how close the model puts each of the best ones to the
    question (min-max over them). For an English question the words are a dictionary's
    guesses at the Chinese; the multilingual model reads both languages. Only sentences
    of the kind asked for gain (a date for "since which year"), when there are any: the
    model reads topics, not answer types."""
    n = sources.settings.meaning_candidates
    top, rest = cands[:n], cands[n:]
    texts = [c.hit.text[c.start : c.end] for c in top]
    sims = sources.similarities(question, texts)
    if sims is None or len(top) < 2 or max(sims) == min(sims):
        return cands
    fits = [qtype == "what" or type_bonus(qtype, t) > 0 for t in texts]
    fits = fits if any(fits) else [True] * len(top)
    lo, hi = min(sims), max(sims)
    gain = _MEANING_WEIGHT * top[0].score
    rescored = [
        Candidate(c.score + fit * gain * (sim - lo) / (hi - lo), c.coverage, c.hit, c.start, c.end)
        for c, sim, fit in zip(top, sims, fits, strict=True)
    ]
    return sorted(rescored, key=lambda c: -c.score) + rest


def extractive(sources: Sources, rw: Rewrite, script: Script, hits: list[Hit]) -> Answer:
    """The offline answer from retrieved passages (no language model)."""
    if not hits:
        return abstain(rw.standalone, script, hits)
    terms = question_terms(sources, rw)
    qtype = question_type(rw.question)
    if qtype == "what" and rw.context and is_elliptical(rw.question):
        # "净利润呢？" after "收益是多少？" asks how much too: the short answer 1.65亿港元.
        qtype = question_type(rw.context)
    if qtype in LEAD_TYPES:
        hits = with_lead(sources, hits)
    asks_hometown = bool(ASKS_HOMETOWN.search(rw.question))
    if asks_hometown:
        hits = with_biography(sources, rw.question, hits)
    bonus = _ATTRIBUTE_BONUS
    if mostly_latin(rw.question):
        attribute = english_deed(rw.question, sources.translate)
    else:
        asked = asked_attribute(rw.question) or asked_noun(rw.question)
        attribute = (asked,) if asked else ()
        if asked and _BY_WHOM.search(rw.question) and asked == asked_deed(rw.question):
            bonus = _DEED_BONUS
    cands, best_passage = _candidates(hits, terms, qtype, rw.question, attribute, bonus)
    uses = sources.uses
    article = article_reader(sources)
    need = required_pattern(rw.question, sources.translate)
    noun = asked_noun(rw.question)
    if need is not None or noun:
        if need is not None:
            cands = [c for c in cands if need.search(blank_non_counts(c.said))]
        if noun and not (
            uses(noun)
            or noun.isascii()
            and any(uses(t) for g in sources.translate(noun) for t in g)
        ):
            # "常住人口是多少" asks for the 常住人口: articles that never use the word give
            # other figures. (Within the articles a sentence may say it in other words; an
            # acronym also as Chinese writes it: GDP, 国内生产总值.)
            cands = []
        elif noun and qtype == "number" and not noun.isascii() and not asks_part(rw.question):
            # "贵阳的人口是多少" asks the 人口 of 贵阳: a sentence on something else ("排名第
            # 六") is no answer, nor is a percentage of it unless a change is asked ("40%以上
            # 人口住在城市当中"). Not for a rate or a share, which news says by its figure
            # ("增长5.0%", "占投诉总量的63.97%"), not always by its name (增长率, 比例).
            # Its own word or one of its parts: 收盘价 is said "收盘…报收于4.9元".
            spelled = [noun, *(p for p in tokenize(noun) if p != noun and len(p) >= 2)]
            change = asks_change_or_part(rw.question)
            # An index is stated as a figure or a percentage (景气指数为50.9%).
            level = noun.endswith(_LEVELS)
            cands = [
                c
                for c in cands
                if any(w in c.said for w in spelled)
                and (change or has_amount(c.said) or level and PERCENT.search(c.said))
            ]
        elif noun in TITLES and qtype == "who":
            # "贵阳的市长是谁" asks who holds the title: a sentence naming someone else's
            # title (副省长, 副市长; 亚洲数据集团总裁 asked 华为的总裁) says nothing of it.
            owner = title_owner(rw.question, noun)
            of = [with_stem(owner)] if owner else []
            cands = [
                c
                for c in cands
                if holds_title(c.said, noun, of, opening=article(c.hit.article_id)[:OPENING_CHARS])
            ]
        places = narrowest(question_places(rw.question), rw.question) if cands else []
        if places:
            # A number about another place is no answer ("福州获得了多少投资" vs a national sum).
            about = passages_about([c.hit for c in cands], places, article)
            named = [c for c in cands if c.hit.chunk_id in about]
            floor = sources.settings.abstain_sentence_threshold
            if all(c.coverage < floor for c in named):
                # Else the story's passages (a court of 息烽 in a story set in 贵阳).
                about |= story_passages([c.hit for c in cands], places, article)
                named = [c for c in cands if c.hit.chunk_id in about]
            cands = named
    # An English word's terms are its translations: any of them may be the article's word
    # (guests: 客人, 嘉宾); a Chinese question's are its own words. The short answer is the
    # one nearest the new question's words, not the carried context's ("同比增加了多少？"
    # after a question on 预警信息: the 1.02% after 增加, not the 6.88万条 of 预警信息).
    own = question_terms(sources, Rewrite(rw.question)) if rw.context else terms
    primary = [a for alts, _w, _parts in (own.groups or terms.groups) for a in alts]
    counted = english_counted(rw.question, sources.translate) if qtype == "number" else []

    def answers(c: Candidate) -> bool:
        return short_answer(rw.question, qtype, c.said, primary, counted) is not None

    if noun and qtype in ("number", "who") and cands:
        # "毛利率是多少" of an account listed clause by clause: the clause giving 毛利率's
        # figure, though an earlier one repeats more of the question (公司, 一季报显示);
        # "女子组冠军是谁": the sentence naming someone with the 冠军, not the race's lead.
        def gives(c: Candidate) -> bool:
            return (
                states_value(c.said, noun) if qtype == "number" else noun in c.said and answers(c)
            )

        if not gives(cands[0]):
            stating = [c for c in cands if c.score >= 0.8 * cands[0].score and gives(c)]
            cands = stating[:1] + [c for c in cands if c not in stating[:1]]
    if asks_hometown:
        # "龙澎是哪里人": his biography's "湖北孝感人", not where his case was reported. The
        # biography is of the person the article's title names, though it repeats only
        # the name (as for an anaphor).
        cands = [
            replace(
                c,
                coverage=max(
                    c.coverage, 0.75 * terms.coverage(f"{normalize(c.hit.title)}\n{c.said}")
                ),
            )
            for c in cands
            if hometown(c.said)
        ]
    if cands and mostly_latin(rw.question) and english_amount_asked(rw.question):
        # As for a Chinese one: "the population of Guiyang" is no "40%以上人口".
        cands = [c for c in cands if has_amount(c.said)]
    asked_title = english_title(rw.question, sources.translate) if qtype == "who" else None
    if asked_title:
        # "Who is the mayor of Shenzhen?": a sentence naming 深圳市副市长 says nothing of it.
        # Of the owner, the words the articles use ("UCLG Asia-Pacific": 亚太, not UCLG).
        titles, words = asked_title
        of_owner = [g for g in words if any(uses(a) for a in g)]
        cands = [
            c
            for c in cands
            if any(
                holds_title(c.said, t, of_owner, opening=article(c.hit.article_id)[:OPENING_CHARS])
                for t in titles
            )
        ]
        # The owner's own title, when a sentence names it ("国家信息中心主任徐强"): the head
        # of one of its departments (…中心信息化和产业发展部主任) is not who is asked.
        owners_own = [
            c
            for c in cands
            if any(holds_title(c.said, t, of_owner, OWN_TITLE_REACH) for t in titles)
        ]
        cands = owners_own or cands
    subjects = scene_free_names(sources, rw.question)
    if subjects:
        # A sentence from an article naming none of the question's names (特朗普, 重庆) is
        # about something else; one of them suffices, as a two-part question spans articles.
        cands = [
            c
            for c in cands
            if any(names_it(rw.question, alts, article(c.hit.article_id)) for alts in subjects)
        ]
    # An article on another edition of the event asked about (第七届 asked 第六届) is on
    # another event. (Not so for years: a figure is often set beside another year's.)
    ids = {c.hit.article_id for c in cands}
    elsewhere = {a for a in ids if other_editions(rw.question, article(a))}
    # Nor does one on another year's period asked about (2023年上半年 asked 2022年上半年),
    # which never names the year asked.
    elsewhere |= {a for a in ids if another_years_period(rw.question, article(a))}
    cands = [c for c in cands if c.hit.article_id not in elsewhere]
    quoted = quoted_names(rw.question)
    guessed = named_in_rare_words(sources, english_name_runs(rw.question, sources.translate))
    if quoted or guessed:
        # An article that never names what the question asks about cannot answer it: a
        # name quoted as written, all of them; an English question's names, at least half,
        # as their renderings are guesses (Tucson: 土桑, where the article writes 图森), the
        # same sounds in other characters too (得克萨斯 for Texas: 德克萨斯).
        def names_them(text: str) -> bool:
            if not all(names_quote(text, q) for q in quoted):
                return False
            found = sum(
                any(a in text for a in alts) or any(written_alike(text, a) for a in alts)
                for alts in guessed
            )
            return 2 * found >= len(guessed)

        cands = [c for c in cands if names_them(article(c.hit.article_id))]
    s = sources.settings
    if (
        not cands
        or subject_missing(sources, rw.question, hits, article)
        or year_missing(rw.question, hits, article)
        or best_passage < s.abstain_threshold
        or cands[0].coverage < s.abstain_sentence_threshold
        and max(c.coverage for c in cands) < s.abstain_sentence_threshold
    ):
        return abstain(rw.standalone, script, hits)
    if mostly_latin(rw.question):
        # Chinese questions stay with their own words: on crud-dev the model's choice there
        # quoted the answer less often (answer recall 0.81 -> 0.77); English gains.
        cands = _by_meaning(sources, rw.question, qtype, cands)
    chosen = select(cands, qtype)
    end = asked_name_end(rw.question)
    if end and not any(names_kind(c.said, end, rw.question) for c in chosen):
        # "发生在哪条路上" asks a 路's name (吉花路): the story's sentence naming one follows
        # its best, though it repeats less of the question ("驾车沿吉花路由西向东行驶时").
        story = chosen[0].hit.article_id
        naming = [
            c for c in cands if c.hit.article_id == story and names_kind(c.said, end, rw.question)
        ]
        chosen = [chosen[0], *naming[:1], *chosen[1:]]
    before = antecedent(chosen[0].hit, chosen[0].start, chosen[0].said)
    if before and not any(c.hit == chosen[0].hit and c.start == before[0] for c in chosen):
        # "这里是…的举办场馆" after "走进简阳市文体中心…": both, in order
        chosen = [replace(chosen[0], start=before[0], end=before[1]), *chosen]
    best, after, lead = chosen[0], follower(chosen[0].hit, chosen[0].end), 0
    if after and not answers(best):
        # The best sentence restates the question; the one going on from it may answer.
        then = replace(best, start=after[0], end=after[1])
        if answers(then):
            chosen, lead = [best, then, *(c for c in chosen[1:] if c.said != then.said)], 1
    elif answers(best) and len(re.findall("[？?]", rw.question)) < 2:
        # Another article's sentence that gives no answer of the kind asked adds nothing (a
        # second question, "…是谁？…获得了哪个奖项？", may be answered there).
        chosen = [c for c in chosen if c.hit.article_id == best.hit.article_id or answers(c)]
    text, citations = compose(chosen, script, qtype, rw.question, primary, counted, lead)
    return Answer(
        text=text,
        citations=citations,
        abstained=False,
        unsupported=[],
        mode="extractive",
        question=rw.standalone,
    )
