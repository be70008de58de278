"""rag.answer against a fake retriever: answerers need only the Sources protocol (canned
hits and corpus statistics), no engine, no Chroma, no embedding model."""

from __future__ import annotations

import ast
import math
from collections.abc import Sequence
from pathlib import Path

import rag
from rag.answer.answerer import answer
from rag.config import Settings
from rag.embed.bundled import BundledModel
from rag.retrieve.query import Filters
from rag.retrieve.translate import term_groups
from rag.text import tokenize
from rag.types import Hit

ARTICLE = (
    "青岛市推进5G建设。截至今年6月，青岛已建成5G基站2.6万个，实现主城区全覆盖。"
    "青岛还建设了多个算力中心。"
)
RAG = Path(rag.__file__).parent
OTHER = "深圳举办了高交会。展会吸引了众多企业参展。"


def hit(article_id: str, text: str, title: str) -> Hit:
    return Hit(
        chunk_id=f"{article_id}#0",
        article_id=article_id,
        title=title,
        date="2023-07-01",
        source="",
        url="",
        text=text,
        start=0,
        end=len(text),
        score=1.0,
    )


class FakeSources:
    """Canned passages; corpus statistics from their tokens."""

    def __init__(self, hits: list[Hit], leads: Sequence[Hit] = ()):
        self.settings = Settings()
        self.hits = hits
        self.leads = {h.article_id: h for h in leads}  # first passages search does not find
        self.queries: list[tuple[str, int, Filters | None]] = []
        self.vocab = {t for h in [*hits, *leads] for t in tokenize(h.text)}

    def search(self, query: str, *, k: int, filters: Filters | None = None) -> list[Hit]:
        self.queries.append((query, k, filters))
        return self.hits[:k]

    def article_text(self, article_id: str) -> str:
        return "\n".join(f"{h.title}\n{h.text}" for h in self.hits if h.article_id == article_id)

    def knows(self, token: str) -> bool:
        return token in self.vocab

    def uses(self, word: str) -> bool:
        parts = tokenize(word)
        return word in self.vocab or bool(parts) and all(p in self.vocab for p in parts)

    def idf(self, token: str) -> float:
        df = sum(token in tokenize(h.text) for h in self.hits)
        return math.log(1 + (len(self.hits) - df + 0.5) / (df + 0.5))

    def share(self, token: str) -> float:
        return sum(token in tokenize(h.text) for h in self.hits) / max(len(self.hits), 1)

    def mentions(self, text: str) -> bool:
        return any(text in h.text for h in self.hits)

    def translate(self, text: str) -> list[tuple[str, ...]]:
        return term_groups(text, known=self.uses)

    def lead(self, article_id: str) -> Hit | None:
        starts = [h for h in self.hits if h.article_id == article_id and h.start == 0]
        return self.leads.get(article_id) or next(iter(starts), None)

    def similarities(self, question: str, texts: Sequence[str]) -> list[float] | None:
        return None  # no model: the answerer keeps its word scores


def test_the_extractive_answer_quotes_and_cites_the_canned_sentence() -> None:
    sources = FakeSources([hit("qd", ARTICLE, "青岛5G"), hit("sz", OTHER, "高交会")])
    ans = answer(sources, "青岛建成了多少个5G基站？", k=2)
    assert not ans.abstained
    assert "2.6万个" in ans.text
    first = ans.citations[0]
    assert first.article_id == "qd"
    assert ARTICLE[first.start : first.end] == first.quote
    assert "2.6万个" in first.quote
    assert sources.queries and sources.queries[0][1] == 2  # k passed through


def test_a_when_question_reads_the_lead_of_the_best_article() -> None:
    # Search found the article's later passage (the forum held during the fair); its lead,
    # which says when the fair closed, was not among the hits.
    later = "展会期间举行了智慧城市发展论坛。论坛吸引了众多嘉宾。"
    lead_text = "11月19日，第二十五届高交会智慧城市展圆满落幕。展会吸引了众多企业。"
    found = Hit("sz#3", "sz", "高交会智慧城市展", None, "", "", later, 400, 400 + len(later), 1.0)
    lead = Hit("sz#0", "sz", "高交会智慧城市展", None, "", "", lead_text, 0, len(lead_text), 0.0)
    question = "第二十五届高交会智慧城市展在几月几日举行或闭幕？"
    ans = answer(FakeSources([found], leads=[lead]), question)
    assert ans.text.startswith("11月19日。[1]")
    assert ans.citations[0].chunk_id == "sz#0" and ans.citations[0].quote.startswith("11月19日")
    # Without the lead to read, the later passage's sentence is all there is.
    assert "11月19日" not in answer(FakeSources([found]), question).text


def test_an_answerer_declines_when_the_fake_finds_nothing() -> None:
    ans = answer(FakeSources([]), "青岛建成了多少个5G基站？")
    assert ans.abstained and not ans.citations


def imported_modules(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
    return names


def test_answer_and_retrieve_never_import_the_engine_and_answer_never_chroma() -> None:
    answer_imports = imported_modules(RAG / "answer")
    retrieve_imports = imported_modules(RAG / "retrieve")
    assert "rag.answer.extractive" in answer_imports  # the walk sees imports at all
    assert not {m for m in answer_imports | retrieve_imports if m.startswith("rag.engine")}
    assert not {m for m in answer_imports if m.startswith(("chromadb", "rag.index"))}


def test_a_question_about_a_name_no_retrieved_article_mentions_declines() -> None:
    sources = FakeSources([hit("qd", ARTICLE, "青岛5G"), hit("sz", OTHER, "高交会")])
    assert not answer(sources, "青岛建成了多少个5G基站？").abstained
    ans = answer(sources, "全聚德建成了多少个5G基站？")  # 全聚德: named in no article
    assert ans.abstained
    assert "青岛5G" in ans.text  # names the closest articles by title


def test_a_common_name_does_not_make_the_subject() -> None:
    # With the share limit at 0 no name counts as rare: the same question is answered.
    sources = FakeSources([hit("qd", ARTICLE, "青岛5G"), hit("sz", OTHER, "高交会")])
    sources.settings = Settings(abstain_name_share=0)
    assert not answer(sources, "全聚德建成了多少个5G基站？").abstained


def test_a_place_name_matches_without_its_administrative_suffix() -> None:
    text = "截至今年6月，青岛已建成5G基站2.6万个。"  # says 青岛, never 青岛市
    sources = FakeSources([hit("qd", text, "5G建设"), hit("sz", OTHER, "高交会")])
    assert not answer(sources, "青岛市建成了多少个5G基站？").abstained


def test_a_generic_institution_of_common_words_is_no_subject() -> None:
    # 中央银行 (central bank) is made of words every passage here uses (中央, 银行): the
    # articles may say 央行; only a specific, rare name must be named.
    text = "中央决定，银行利率上调。英国央行宣布，将基准利率从5%上调至5.25%。"
    other = "中央部署工作。银行业稳健运行。"
    sources = FakeSources([hit("uk", text, "英国央行加息"), hit("cn", other, "银行业")])
    assert not answer(sources, "英国中央银行将基准利率上调至多少？").abstained


def test_keywords_are_searched_not_questioned_about_their_names() -> None:
    # No question word: a keyword list asks for what matches it; 全聚德 named in no article
    # does not make it decline as the question "全聚德建成了多少个5G基站？" does.
    sources = FakeSources([hit("qd", ARTICLE, "青岛5G"), hit("sz", OTHER, "高交会")])
    assert not answer(sources, "青岛 5G基站 全聚德").abstained
    assert answer(sources, "全聚德建成了多少个5G基站？").abstained


PAPERS = (
    "报告显示，中国被引用次数前10%的“受关注论文”有54405篇，同样连续两年居世界第一。"
    "日本首次被西班牙、韩国超过，顶尖论文数量比去年减少5篇至319篇，位列史上最低的第12名。"
)


class ModelSources(FakeSources):
    """The canned passages, judged by the real bundled multilingual model."""

    def __init__(self, hits: list[Hit], candidates: int):
        super().__init__(hits)
        self.settings = Settings(meaning_candidates=candidates)
        self.model = BundledModel()

    def similarities(self, question: str, texts: Sequence[str]) -> list[float] | None:
        q = self.model.query(question)
        return [float(self.model.query(t) @ q) for t in texts]


def test_an_english_question_takes_the_sentence_the_model_reads_as_its_answer() -> None:
    question = "Where does Japan rank in the world by number of highly cited papers?"
    hits = [
        hit("papers", PAPERS, "论文报告"),
        hit("qd", ARTICLE, "青岛5G"),
        hit("sz", OTHER, "高交会"),
    ]
    by_words = answer(ModelSources(hits, candidates=0), question)
    by_meaning = answer(ModelSources(hits, candidates=12), question)
    # The dictionary's words (世界, 论文) fit the sentence about China best; the model reads
    # "Japan rank" in the other.
    assert "第12名" not in by_words.citations[0].quote
    assert "第12名" in by_meaning.citations[0].quote
    # A Chinese question keeps its own words' choice: the model is not asked.
    asked: list[str] = []

    class Counting(ModelSources):
        def similarities(self, question: str, texts: Sequence[str]) -> list[float] | None:
            asked.append(question)
            return super().similarities(question, texts)

    answer(Counting(hits, candidates=12), "日本的高被引论文数量排名世界第几？")
    assert asked == []


def test_a_refusal_names_the_closest_articles_in_the_askers_script() -> None:
    from rag.answer.refusal import abstain

    hits = [hit("ne", "博覽會開幕。", "第十三屆中國-東北亞博覽會開幕")]
    assert "《第十三届中国-东北亚博览会开幕》" in abstain("q", "zh-Hans", hits).text
    assert "《第十三屆中國-東北亞博覽會開幕》" in abstain("q", "zh-Hant", hits).text
    # An English refusal names them as written, as its quotes are.
    assert "第十三屆中國-東北亞博覽會開幕" in abstain("q", "en", hits).text


def beside_other(article_id: str, text: str, title: str) -> FakeSources:
    """One article's passage, and the unrelated 高交会 passage beside it."""
    return FakeSources([hit(article_id, text, title), hit("sz", OTHER, "高交会")])


ACCOUNT = (
    "股票行情快报：中环环保8月17日主力资金净卖出177.17万元。"
    "中环环保2023一季报显示，公司主营收入2.01亿元，同比下降16.59%；归母净利润4460.39万元，"
    "同比下降1.75%；扣非净利润3230.86万元，同比下降25.48%；负债率62.83%，投资收益24.95万元，"
    "财务费用3136.72万元，毛利率44.92%。"
)


def test_a_rate_asked_of_an_account_is_the_clause_that_gives_its_figure() -> None:
    # The account is listed clause by clause; the first clause repeats most of the question
    # (中环环保, 一季报显示) but gives other figures (16.59% is how much revenue fell).
    sources = beside_other("zh", ACCOUNT, "中环环保行情")
    ans = answer(sources, "中环环保2023年一季报显示的毛利率是多少？")
    assert ans.text.startswith("44.92%。[1]")
    assert "毛利率44.92%" in ans.citations[0].quote
    # Asked what the first clause gives, the first clause answers.
    assert answer(sources, "中环环保2023年一季报显示的主营收入是多少？").text.startswith("2.01亿元")


PUMP = (
    "该机埠修建于今年7月份，从沅江提水补入高水，解决了冲柳片区30多万亩农田抗旱灌溉用水问题。"
    "常德市河道水位持续偏低。"
)


def test_a_city_named_after_its_province_and_a_misread_name_do_not_decline() -> None:
    # The article never writes 湖南 (湖南常德: the province only says where 常德 is), and
    # jieba cuts 冲柳高水片区 as 冲/柳高水/片区: the article writes the words 冲柳 and 高水.
    sources = beside_other("cd", PUMP, "常德抗旱")
    ans = answer(sources, "湖南常德今年7月修建的机埠，是从哪条江提水补入冲柳高水片区的？")
    assert not ans.abstained
    assert "沅江" in ans.citations[0].quote
    # A place the article does not write still declines.
    assert answer(sources, "湖南常德今年7月修建的机埠，是从哪条江提水补入桃源县片区的？").abstained


RACE = (
    "乌苏这场“乡村马拉松”活动 奔跑中领略乡村魅力，8月11日，乌苏市甘河子镇举办了长跑活动，"
    "各族跑步爱好者用脚步丈量乡村之美。"
    "今年50岁的甘河子镇郝家庄子村村民陈英获得了此次长跑女子组冠军，她也是年龄最大的参与者。"
)


def test_who_holds_the_asked_role_is_named_by_the_sentence_with_that_role() -> None:
    # The lead repeats the question's scene (乌苏, 甘河子镇, 长跑活动) and names no winner;
    # the sentence naming the 冠军 does, after the person word 村民 (郝家庄 begins a
    # village's name, though jieba tags it a person).
    sources = beside_other("ws", RACE, "乌苏长跑")
    ans = answer(sources, "乌苏市甘河子镇8月11日举办的长跑活动中，女子组冠军是谁？")
    assert ans.text.startswith("陈英。[1]")
    assert "女子组冠军" in ans.citations[0].quote


FESTIVAL = "8月6日，在PAS·中国第七届国际打击乐艺术节上，来自武汉的12名小鼓手奏响原创曲目。"


def test_an_article_on_another_edition_of_the_event_asked_about_does_not_answer() -> None:
    sources = beside_other("wh", FESTIVAL, "打击乐艺术节")
    assert not answer(sources, "第七届国际打击乐艺术节上小鼓手来自哪个城市？").abstained
    assert answer(sources, "第六届国际打击乐艺术节上小鼓手来自哪个城市？").abstained


def test_a_model_code_is_a_name_the_answering_article_must_write() -> None:
    launch = "近日，东风标致宣布，全新508L将于8月11日正式发布。"
    rival = "目前在售的几何E官方指导价为7.98万-10.38万元。"
    # Other passages, so that 508L is rare (in fewer than a fifth of them).
    filler = [hit(f"o{i}", OTHER, "高交会") for i in range(6)]
    question = "东风标致全新508L的官方指导价是多少万元？"
    sources = FakeSources([hit("bz", launch, "全新508L"), hit("jh", rival, "几何E"), *filler])
    # Another model's price is no answer; the model asked about has none here.
    assert answer(sources, question).abstained
    priced = launch + "全新508L指导价为17.97万元起。"
    sources = FakeSources([hit("bz", priced, "全新508L"), hit("jh", rival, "几何E"), *filler])
    assert answer(sources, question).text.startswith("17.97万元")
