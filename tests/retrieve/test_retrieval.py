"""rag.retrieve.query: weighted RRF on hand-built rankings, top_n against brute force, input checks."""

from __future__ import annotations

import numpy as np
import pytest

import rag
from rag.errors import InvalidQuestion
from rag.retrieve.query import (
    Filters,
    chroma_where,
    clean_question,
    naming_first,
    rrf_fuse,
    top_n,
    with_articles,
)

# --- rrf_fuse ----------------------------------------------------------------------------------


def test_rrf_scores_are_weighted_reciprocal_ranks() -> None:
    fused = rrf_fuse([(["a", "b", "c"], 1.0), (["b", "d"], 0.5)], k=60)
    expected = {
        "a": 1 / 61,
        "b": 1 / 62 + 0.5 / 61,
        "c": 1 / 63,
        "d": 0.5 / 62,
    }
    assert [cid for cid, _ in fused] == ["b", "a", "c", "d"]
    assert dict(fused) == pytest.approx(expected)


def test_rrf_k_flattens_rank_differences() -> None:
    steep = dict(rrf_fuse([(["a", "b"], 1.0)], k=1))
    flat = dict(rrf_fuse([(["a", "b"], 1.0)], k=1000))
    assert steep["a"] == pytest.approx(1 / 2) and steep["b"] == pytest.approx(1 / 3)
    assert steep["a"] / steep["b"] > flat["a"] / flat["b"] > 1


def test_rrf_counts_a_repeated_id_once_at_its_best_rank() -> None:
    fused = rrf_fuse([(["a", "b", "a", "a"], 1.0)], k=60)
    assert [cid for cid, _ in fused] == ["a", "b"]
    assert dict(fused)["a"] == pytest.approx(1 / 61)


def test_rrf_weights_scale_channels() -> None:
    only_bm25 = rrf_fuse([(["a"], 1.0), (["b"], 0.0)], k=60)
    assert dict(only_bm25) == pytest.approx({"a": 1 / 61, "b": 0.0})
    doubled = dict(rrf_fuse([(["a"], 2.0), (["b"], 1.0)], k=60))
    assert doubled["a"] == pytest.approx(2 * doubled["b"])
    # Equal weights and mirrored lists: a tie, broken by id for determinism.
    tie = rrf_fuse([(["x", "y"], 1.0), (["y", "x"], 1.0)], k=60)
    assert [cid for cid, _ in tie] == ["x", "y"]
    assert tie[0][1] == pytest.approx(tie[1][1])


def test_the_article_channel_reorders_passages_and_brings_in_none() -> None:
    fused = [("x#0", 1 / 61), ("y#2", 1 / 62), ("z#1", 1 / 63)]
    got = with_articles(fused, ["z", "w"], 1.0, k=60)
    assert [cid for cid, _ in got] == ["z#1", "x#0", "y#2"]  # z's article matches best
    assert dict(got)["z#1"] == pytest.approx(1 / 63 + 1 / 61)
    assert with_articles(fused, ["z"], 0.0) == fused  # weight 0: off
    assert with_articles(fused, [], 1.0) == fused
    # With head, only the first passages are reordered; the rest keep their place.
    got = with_articles(fused, ["z"], 1.0, k=60, head=2)
    assert [cid for cid, _ in got] == ["x#0", "y#2", "z#1"]
    got = with_articles(fused, ["y"], 1.0, k=60, head=2)
    assert [cid for cid, _ in got] == ["y#2", "x#0", "z#1"]


def test_rrf_empty_inputs() -> None:
    assert rrf_fuse([]) == []
    assert rrf_fuse([([], 1.0), ([], 0.5)]) == []


BM25 = [f"b{i}" for i in range(1, 51)]  # the strong channel's ranking, best first


def ranks(fused: list[tuple[str, float]]) -> dict[str, int]:
    return {cid: r for r, (cid, _) in enumerate(fused, start=1)}


def test_weak_channel_finding_other_chunks_cannot_outrank_the_strong_top() -> None:
    dense = [f"d{i}" for i in range(1, 51)]  # disagrees completely: no common ids
    r = ranks(rrf_fuse([(BM25, 1.0), (dense, 0.5)], k=60))
    assert [cid for cid, _ in sorted(r.items(), key=lambda kv: kv[1])][:50] == BM25
    assert r["d1"] == 51  # 0.5/61 < 1/110: below every BM25 hit of a 50-deep list


def test_weak_channel_in_reverse_order_keeps_the_strong_top() -> None:
    for n in (2, 3, 10, 50, 200):
        strong = [f"b{i}" for i in range(1, n + 1)]
        fused = rrf_fuse([(strong, 1.0), (strong[::-1], 0.5)], k=60)
        assert fused[0][0] == "b1", n


def test_one_weak_vote_moves_the_strong_top_down_at_most_one_place() -> None:
    # The weak channel ranks any one other chunk first and leaves b1 out entirely: that
    # chunk overtakes b1, nothing else does.
    for favourite in BM25[1:]:
        dense = [favourite] + [f"d{i}" for i in range(1, 50)]
        r = ranks(rrf_fuse([(BM25, 1.0), (dense, 0.5)], k=60))
        assert r["b1"] == 2 and r[favourite] == 1, favourite
        # With b1 as its second choice, even the best-placed rival stays behind b1.
        dense = [favourite, "b1"] + [f"d{i}" for i in range(1, 49)]
        assert ranks(rrf_fuse([(BM25, 1.0), (dense, 0.5)], k=60))["b1"] == 1, favourite


# --- top_n -------------------------------------------------------------------------------------


def brute_top_n(scores: np.ndarray, n: int, mask: np.ndarray | None) -> list[int]:
    allowed = [i for i in range(len(scores)) if scores[i] > 0 and (mask is None or mask[i])]
    return sorted(allowed, key=lambda i: (-scores[i], i))[:n]


@pytest.mark.parametrize("seed", range(20))
def test_top_n_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 400))
    scores = rng.normal(size=size).astype(np.float32)  # about half are not positive
    scores[rng.random(size) < 0.2] = 0.0
    mask = rng.random(size) < 0.5
    for n in (1, 5, 50, size, size + 10):
        assert top_n(scores, n) == brute_top_n(scores, n, None)
        assert top_n(scores, n, mask) == brute_top_n(scores, n, mask)
        expected = np.argsort(-scores, kind="stable")
        expected = [int(i) for i in expected if scores[i] > 0][:n]
        assert top_n(scores, n) == expected


@pytest.mark.parametrize("seed", range(5))
def test_top_n_with_ties_returns_the_best_scores(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    scores = rng.integers(0, 4, size=300).astype(np.float32)  # many equal scores
    for n in (1, 7, 60):
        got = top_n(scores, n)
        want = brute_top_n(scores, n, None)
        assert sorted(scores[got].tolist()) == sorted(scores[want].tolist())
        assert len(set(got)) == len(got)
        assert list(scores[got]) == sorted(scores[got], reverse=True)


def test_top_n_edge_cases() -> None:
    assert top_n(np.array([], dtype=np.float32), 5) == []
    assert top_n(np.zeros(10, dtype=np.float32), 5) == []
    assert top_n(np.array([-1.0, 0.0, 2.0]), 5) == [2]
    assert top_n(np.array([1.0, 2.0, 3.0]), 0) == []
    assert top_n(np.array([1.0, 2.0, 3.0]), 2, np.array([True, False, False])) == [0]
    assert top_n(np.array([1.0, 2.0, 3.0]), 2, np.zeros(3, dtype=bool)) == []


# --- clean_question ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\t\n \u3000"])
def test_empty_question_rejected(text: str) -> None:
    with pytest.raises(InvalidQuestion, match="empty"):
        clean_question(text, max_chars=2000)


def test_too_long_question_names_both_numbers() -> None:
    with pytest.raises(InvalidQuestion) as err:
        clean_question("青" * 2001, max_chars=2000)
    assert "2000" in str(err.value) and "2001" in str(err.value)
    assert clean_question("青" * 2000, max_chars=2000) == "青" * 2000


@pytest.mark.parametrize("text", ["\x00\x01\x02", "\x07\x1b\x7f", " \x00 \x9f "])
def test_control_characters_only_rejected(text: str) -> None:
    with pytest.raises(InvalidQuestion, match="empty"):
        clean_question(text, max_chars=2000)


@pytest.mark.parametrize("text", ["😀🎉", "？！。，", "🤔 ??"])
def test_no_letters_rejected(text: str) -> None:
    with pytest.raises(InvalidQuestion, match="no letters"):
        clean_question(text, max_chars=2000)


@pytest.mark.parametrize("value", [None, 42, b"bytes", ["list"]])
def test_non_text_rejected(value: object) -> None:
    with pytest.raises(InvalidQuestion, match=type(value).__name__):
        clean_question(value, max_chars=2000)


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("青岛建成了多少个5G基站？", "青岛建成了多少个5G基站？"),
        ("  青島有哪些應用？ \n", "青島有哪些應用？"),
        ("What is 5G?", "What is 5G?"),
        ("青岛\x00基站", "青岛 基站"),
        ("cafe\u0301", "caf\u00e9"),  # NFC
        ("7", "7"),
        ("基站😀", "基站😀"),
        ("bad\ud800surrogate", "badsurrogate"),
    ],
)
def test_valid_questions_pass_cleaned(text: str, cleaned: str) -> None:
    assert clean_question(text, max_chars=2000) == cleaned


# --- Filters -----------------------------------------------------------------------------------


def test_filters_coerce_from_dict() -> None:
    f = Filters.coerce(
        {"article_ids": ["a", "b"], "since": "2021-01-01", "until": "", "source": None}
    )
    assert f == Filters(article_ids=("a", "b"), since="2021-01-01", until=None, source=None)
    assert Filters.coerce({"article_ids": "a"}) == Filters(article_ids=("a",))
    assert Filters.coerce(None) is None
    same = Filters(source="青岛日报")
    assert Filters.coerce(same) is same
    assert Filters.coerce({}).is_empty()  # type: ignore[union-attr]
    assert not Filters(since="2021-01-01").is_empty()


def test_filters_unknown_key_lists_the_valid_ones() -> None:
    with pytest.raises(InvalidQuestion) as err:
        Filters.coerce({"article_id": ["a"], "from": "2021-01-01"})
    message = str(err.value)
    assert "article_id" in message and "from" in message
    for name in ("article_ids", "since", "until", "source"):
        assert repr(name) in message


def test_filter_date_bounds() -> None:
    assert Filters(since="2021-11-20", until="2023-05-27").date_bounds() == (20211120, 20230527)
    assert Filters(since="20211120").date_bounds() == (20211120, 99999999)
    assert Filters(until="2020-10-13").date_bounds() == (0, 20201013)


@pytest.mark.parametrize("bad", ["2021/11/20", "yesterday", "2021-11", "2021-13-01", "2021-02-30"])
def test_bad_date_says_what_is_expected(bad: str) -> None:
    with pytest.raises(InvalidQuestion) as err:
        Filters(until=bad).date_bounds()
    assert "until" in str(err.value) and "YYYY-MM-DD" in str(err.value) and bad in str(err.value)


def test_chroma_where_clauses() -> None:
    assert chroma_where(None) is None
    assert chroma_where(Filters()) is None
    assert chroma_where(Filters(source="s")) == {"source": {"$eq": "s"}}
    where = chroma_where(Filters(article_ids=("a",), since="2021-11-20"))
    assert where == {
        "$and": [
            {"article_id": {"$in": ["a"]}},
            {"date_int": {"$gte": 20211120}},
            {"date_int": {"$lte": 99999999}},
        ]
    }
    # An until-only range still excludes undated articles (date_int 0).
    until = chroma_where(Filters(until="2020-10-13"))
    assert {"date_int": {"$gte": 1}} in until["$and"]  # type: ignore[index]


@pytest.mark.parametrize(("size", "embedded"), [(4096, 1), (0, 2)])
def test_a_repeated_question_is_embedded_once_unless_the_vector_cache_is_off(
    seed_index, monkeypatch, size: int, embedded: int
) -> None:  # type: ignore[no-untyped-def]
    import rag

    question = "青岛建成了多少个5G基站？"
    engine = rag.Engine.open(settings=seed_index.settings.model_copy(update={"vector_cache": size}))
    model = engine.embedder.model  # the real bundled model, spied on
    real = type(model).query.__get__(model)
    calls: list[str] = []
    monkeypatch.setattr(model, "query", lambda text: calls.append(text) or real(text))
    first = engine.search(question, k=3)
    again = engine.search(question, k=3)
    assert [h.chunk_id for h in first] == [h.chunk_id for h in again]
    assert len(calls) == embedded


def test_search_results_are_a_prefix_of_a_deeper_search(seed_index) -> None:  # type: ignore[no-untyped-def]
    # The article channel reorders the first top_k passages whatever k is asked, so the
    # passages the answerer reads (k = top_k) are the first of any deeper search.
    import rag

    engine = rag.Engine.open(settings=seed_index.settings)
    for question in ("青岛建成了多少个5G基站？", "Which cities won 2023 smart city awards?"):
        short = [h.chunk_id for h in engine.search(question, k=engine.settings.top_k)]
        deep = [h.chunk_id for h in engine.search(question, k=20)]
        assert deep[: len(short)] == short
        assert engine.rankings(question, depth=20).articles  # the channel is on


def test_naming_first_puts_the_naming_articles_passages_first_within_the_head() -> None:
    fused = [("a#0", 0.5), ("b#0", 0.4), ("c#1", 0.3), ("b#2", 0.2), ("c#0", 0.1)]
    assert naming_first(fused, None, head=4) == fused  # the question names no rare name
    assert naming_first(fused, [], head=4) == fused  # no article names it: order kept
    got = naming_first(fused, ["c"], head=4)
    assert [cid for cid, _ in got] == ["c#1", "a#0", "b#0", "b#2", "c#0"]  # c#0 is past head


def test_the_articles_naming_a_rare_name_are_found_and_a_question_without_one_needs_none(
    make_corpus,
) -> None:  # type: ignore[no-untyped-def]
    # Rare: in fewer than 2 % of the passages, so the corpus needs more than 50 of them.
    files = {
        f"f{i:02d}.txt": f"第{i}届读书节开幕\n本届读书节共有{i + 10}家书店参加，活动持续三天。\n"
        for i in range(60)
    }
    files["lifeng.txt"] = "李丰当选研究会会长\n在研究会第三次会员大会上，李丰当选为会长。\n"
    settings = make_corpus(files)
    rag.ingest(settings=settings)
    engine = rag.Engine.open(settings=settings)
    assert engine.rankings("李丰当选了什么职务？", depth=20).naming == ["lifeng"]
    # 书店 and 读书节 are in every passage: no rare word, so no name to require.
    assert engine.rankings("读书节有多少家书店参加？", depth=20).naming is None
