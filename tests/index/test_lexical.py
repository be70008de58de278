"""rag.index.lexical: a saved BM25 generation scores exactly as bm25s does, through its public API."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np

from rag.index.lexical import LexicalIndex
from rag.types import Chunk


def _random_corpus(n: int, seed: int = 0) -> tuple[list[Chunk], list[list[str]]]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(300)] + ["青岛", "基站", "智慧", "城市", "5g"]
    records, tokens = [], []
    for i in range(n):
        toks = [rng.choice(words[: rng.randint(5, len(words))]) for _ in range(rng.randint(1, 60))]
        records.append(Chunk(f"a{i // 3}#{i % 3}", f"a{i // 3}", i % 3, " ".join(toks), 0, 1))
        tokens.append(toks)
    return records, tokens


def test_saved_scores_equal_bm25s(tmp_path: Path) -> None:
    import bm25s

    records, tokens = _random_corpus(400)
    built = LexicalIndex.build(records, tokens)
    built.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    reference = bm25s.BM25.load(str(tmp_path / "lex" / "bm25"), show_progress=False, verbosity=0)
    rng = random.Random(1)
    vocab = sorted({t for doc in tokens for t in doc})
    queries = [rng.sample(vocab, rng.randint(1, 6)) for _ in range(200)]
    queries += [["青岛", "青岛", "基站"], ["unknown", "w1"], ["unknown"], []]
    for q in queries:
        known = [t for t in q if t in reference.vocab_dict]
        expected = (
            np.asarray(reference.get_scores(known), dtype=np.float32)
            if known
            else np.zeros(len(records), dtype=np.float32)
        )
        np.testing.assert_array_equal(loaded.scores(q), expected)  # bit for bit
        np.testing.assert_array_equal(built.scores(q), expected)
    assert loaded.idf("w1") == built.idf("w1")
    assert loaded.idf("never-seen") == built.idf("never-seen")


def test_empty_generation_loads(tmp_path: Path) -> None:
    LexicalIndex.build([], []).save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    assert loaded.records == [] and loaded.scores(["青岛"]).shape == (0,)


def test_bm25s_is_imported_only_when_an_index_loads(tmp_path: Path) -> None:
    # `import rag` (the CLI's --help, the UI's start) stays free of bm25s and scipy.
    records, tokens = _random_corpus(30)
    LexicalIndex.build(records, tokens).save(tmp_path / "lex")
    code = (
        "import sys; from pathlib import Path; from rag.index.lexical import LexicalIndex\n"
        "print('bm25s' in sys.modules, 'scipy' in sys.modules)\n"
        f"lex = LexicalIndex.load(Path({str(tmp_path / 'lex')!r}))\n"
        "assert lex.scores(['w1']).any()\n"
        "print('bm25s' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False", "True"]


def test_uses_knows_words_the_tokeniser_splits() -> None:
    records = [Chunk("a#0", "a", 0, "智慧 城市 建设", 0, 1)]
    lex = LexicalIndex.build(records, [["智慧", "城市", "建设"]])
    assert lex.uses("智慧") and lex.uses("智慧城市")  # a token, and a word cut into tokens
    assert not lex.uses("吉祥物") and not lex.uses("智慧乡村")  # absent, and half absent
    assert lex.uses("智慧城市")  # asked again (remembered): the same answer


def test_articles_rank_by_their_words_as_a_whole(tmp_path: Path) -> None:
    # Article "b" has the question's two words in two chunks, "a" has one in one chunk.
    records = [
        Chunk("a#0", "a", 0, "", 0, 1),
        Chunk("b#0", "b", 0, "", 0, 1),
        Chunk("b#1", "b", 1, "", 0, 1),
        Chunk("c#0", "c", 0, "", 0, 1),
    ]
    tokens = [["青岛", "天气"], ["青岛", "新闻"], ["基站", "建成"], ["天气", "晴朗"]]
    built = LexicalIndex.build(records, tokens)
    assert built.article_ranking(["青岛", "基站"], 10) == ["b", "a"]  # c matches neither
    built.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    assert loaded.article_ranking(["青岛", "基站"], 1) == ["b"]
    assert loaded.article_ranking(["unknown"], 10) == []


def test_a_generation_without_an_article_model_ranks_no_articles(tmp_path: Path) -> None:
    records, tokens = _random_corpus(30)
    LexicalIndex.build(records, tokens).save(tmp_path / "lex")
    for name in ("articles.json",):
        (tmp_path / "lex" / name).unlink()  # as written before articles had a model
    loaded = LexicalIndex.load(tmp_path / "lex")
    assert loaded.article_ranking(["青岛"], 10) == []
    assert loaded.scores(["青岛"]).shape == (30,)
