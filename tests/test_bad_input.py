"""Bad input at every entry point: the Python API, the `rag` command and the web app.

Every kind of bad input has one defined outcome, asserted here: either a `RagError` whose
message says what is wrong and how to fix it (CLI: `error: ...` on stderr and exit 1; web
app: a "Sorry, I can't answer that: ..." chat message), or correct handling (the input is
answered as plain text). Cases that touch the seed index then check it is intact: no
problem from `rag.ingestion.health.check_index`, the same chunk count and index generation, and at the
end of the module the same top hits for a known question. Corruption cases work on their
own copy of the index.

The CLI runs twice over: `rag.cli.main(argv)` in this process for the whole matrix (fast:
the embedding model is loaded once), and `python -m rag.cli` as a subprocess for a handful
of cases (exit code, stderr, no Traceback). The subprocesses start in a thread pool by the
first test, so their model loading (~10 s each) overlaps the in-process tests.
A NUL byte cannot be passed in argv (the OS forbids it): subprocess cases use other control
characters there, and NUL travels on `rag chat`'s stdin instead.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from conftest import SEED_CORPUS, SMALL_ARTICLES, settings_for
from markdown_it import MarkdownIt

import rag
from rag.config import DEFAULT_EMBED_MODEL
from rag.index.manifest import load_manifest
from rag.index.store import VectorStore, open_store
from rag.ingestion.health import check_index, index_info

QUESTION = "青岛建成了多少个5G基站？"
PRONOUN_QUESTION = "它建成了多少个5G基站？"
MAX_CHARS = rag.Settings.model_fields["max_question_chars"].default

# ---- the kinds of bad question -------------------------------------------------------------


def live_store(settings: rag.Settings) -> VectorStore:
    """The Chroma collection the live manifest names (a rebuild writes a new one)."""
    manifest = load_manifest(Path(settings.index_dir))
    assert manifest is not None
    return open_store(settings, create=False, collection=manifest.collection)


@dataclass(frozen=True)
class Kind:
    """A bad question and its outcome: `reject` (part of the InvalidQuestion message) or,
    when answered, `expect`: "qingdao" (cites the Qingdao article), "abstain" (the articles
    do not say), or "cited" (answered with citations containing `quote`)."""

    id: str
    text: Any
    reject: str = ""
    expect: str = ""
    quote: str = ""


EMPTY = "The question is empty (or only spaces and control characters): type a question"
NO_LETTERS = "The question has no letters, digits or Chinese characters: type a question"


def too_long(n: int) -> str:
    return f"Expected a question of at most {MAX_CHARS} characters, got {n}: shorten it"


KINDS = [
    Kind("empty", "", reject=EMPTY),
    Kind("whitespace", " \t\n\u3000 \r\n", reject=EMPTY),
    Kind("100k_chars", "青" * 100_000, reject=too_long(100_000)),
    Kind("control_chars", "青岛\x00\x01\x07\x1b\x7f建成了多少个5G基站？", expect="qingdao"),
    Kind("only_control_chars", "\x00\x01\x02\x1f\x7f", reject=EMPTY),
    Kind("lone_surrogate", "\ud800abc", expect="abstain"),
    Kind("lone_surrogates_zh", "\ud800青岛建成了多少个5G基站？\udfff", expect="qingdao"),
    Kind("html_js", "<script>alert(1)</script>青岛5G基站", expect="qingdao"),
    Kind("markdown", "[点我](javascript:alert(1)) ![x](http://x/x.png) # 标题", expect="abstain"),
    Kind("only_emoji", "😀🎉🚀", reject=NO_LETTERS),
    Kind("zero_width_only", "\u200b\u200d\ufeff\u202e", reject=NO_LETTERS),
    Kind("rtl", "\u202eمرحبا بالعالم שלום עולם", expect="abstain"),
    Kind("rtl_override_zh", "\u202e青岛建成了多少个5G基站？", expect="qingdao"),
    Kind("number_only", "2023", expect="cited", quote="2023"),
    Kind("long_token", "a" * 5000, reject=too_long(5000)),
    Kind("mixed_scripts", "青岛 Qingdao 5G基站 Москва 東京 🚀", expect="qingdao"),
    Kind("not_text_none", None, reject="Expected the question as text, got NoneType."),
    Kind("not_text_bytes", "青岛".encode(), reject="Expected the question as text, got bytes."),
]
STR_KINDS = [k for k in KINDS if isinstance(k.text, str)]
SURROGATE_KINDS = {"lone_surrogate", "lone_surrogates_zh"}


def kind_params(kinds: list[Kind], marks: dict[str, pytest.MarkDecorator] | None = None) -> list:
    marks = marks or {}
    return [pytest.param(k, id=k.id, marks=[marks[k.id]] if k.id in marks else []) for k in kinds]


# ---- the seed index (built once for this module) ---------------------------------------------


@dataclass(frozen=True)
class Baseline:
    chunks: int
    generation: int
    top_ids: tuple[str, ...]  # chunk ids of search(QUESTION, k=3)


@dataclass(frozen=True)
class Seed:
    settings: rag.Settings
    baseline: Baseline
    qingdao: str  # the article id that says 5G基站已建成1.7万个

    def copy(self, dest: Path) -> rag.Settings:
        """A private copy of the index (same corpus) for a case that damages it."""
        shutil.copytree(self.settings.index_dir, dest / "index")
        return self.settings.model_copy(update={"index_dir": dest / "index"})


def assert_intact(settings: rag.Settings, baseline: Baseline, *, search: bool = False) -> None:
    """Nothing in the index was lost or corrupted (with `search`: same top hits too)."""
    assert check_index(settings) == []
    manifest = load_manifest(Path(settings.index_dir))
    assert manifest is not None and manifest.chunks == baseline.chunks
    assert len(live_store(settings).all_ids()) == baseline.chunks
    if search:
        engine = rag.Engine.open(settings=settings)
        assert tuple(h.chunk_id for h in engine.search(QUESTION, k=3)) == baseline.top_ids


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Seed:
    root = tmp_path_factory.mktemp("bad-input-seed")
    shutil.copytree(SEED_CORPUS, root / "corpus")
    settings = settings_for(root)
    report = rag.ingest(settings=settings)
    engine = rag.Engine.open(settings=settings)
    manifest = load_manifest(Path(settings.index_dir))
    assert manifest is not None
    baseline = Baseline(
        report.chunks,
        manifest.generation,
        tuple(h.chunk_id for h in engine.search(QUESTION, k=3)),
    )
    qingdao = next(
        p.stem
        for p in sorted(SEED_CORPUS.glob("*.txt"))
        if "1.7万个" in p.read_bytes().decode("utf-8", "ignore")
    )
    return Seed(settings, baseline, qingdao)


@pytest.fixture(scope="module")
def engine(seed: Seed) -> rag.Engine:
    return rag.Engine.open(settings=seed.settings)


SEED_USERS = {"engine", "ui", "api_client", "cli_seed", "cli_jobs"}


@pytest.fixture(autouse=True)
def _seed_untouched(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every test that used the seed index: it is consistent and was not rewritten."""
    yield
    if SEED_USERS & set(request.fixturenames):
        seed: Seed = request.getfixturevalue("seed")
        assert_intact(seed.settings, seed.baseline)
        manifest = load_manifest(Path(seed.settings.index_dir))
        assert manifest is not None and manifest.generation == seed.baseline.generation


def test_subprocess_cli_jobs_start(cli_jobs: dict[str, Future], seed: Seed) -> None:
    """First in the module: starts the subprocess cases (see `cli_jobs`), so their model
    loading overlaps the in-process tests; checks the cheap `rag info --json` meanwhile."""
    run = run_cli(seed.settings, "info", "--json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["chunks"] == seed.baseline.chunks
    assert set(cli_jobs) >= {"manifest", "chat", "ask_empty"}


# ---- outcome checks shared by the entry points -----------------------------------------------


def check_answer(kind: Kind, answer: rag.Answer, qingdao: str) -> None:
    assert isinstance(answer, rag.Answer)
    answer.text.encode("utf-8")  # no lone surrogate leaks into the answer
    cited = [c.article_id for c in answer.citations]
    if kind.expect == "abstain":
        assert answer.abstained and not answer.citations, answer.text
    elif kind.expect == "qingdao":
        assert not answer.abstained and qingdao in cited, answer.text
        assert "1.7万" in answer.text
    else:
        assert not answer.abstained and answer.citations, answer.text
        assert any(kind.quote in c.quote for c in answer.citations), answer.citations
    assert "<script" not in answer.text


def check_hits(kind: Kind, hits: list[rag.Hit], qingdao: str) -> None:
    assert isinstance(hits, list) and all(isinstance(h, rag.Hit) for h in hits)
    assert len(hits) <= 5
    if kind.expect == "qingdao":
        assert qingdao in [h.article_id for h in hits[:3]]
    elif kind.expect == "cited":
        assert hits and any(kind.quote in h.text for h in hits)


# ==== the Python API ==========================================================================


@pytest.mark.parametrize("kind", kind_params(KINDS))
def test_api_search(engine: rag.Engine, seed: Seed, kind: Kind) -> None:
    if kind.reject:
        with pytest.raises(rag.InvalidQuestion) as exc:
            engine.search(kind.text)
        assert kind.reject in str(exc.value)
    else:
        check_hits(kind, engine.search(kind.text), seed.qingdao)


@pytest.mark.parametrize("kind", kind_params(KINDS))
def test_api_ask(engine: rag.Engine, seed: Seed, kind: Kind) -> None:
    if kind.reject:
        with pytest.raises(rag.InvalidQuestion) as exc:
            engine.ask(kind.text)
        assert kind.reject in str(exc.value)
    else:
        check_answer(kind, engine.ask(kind.text), seed.qingdao)


def test_api_control_characters_count_as_spaces(engine: rag.Engine) -> None:
    clean = [h.chunk_id for h in engine.search("青岛 5G基站")]
    assert [h.chunk_id for h in engine.search("青岛\x00\x01\x07 5G基站")] == clean
    assert [h.chunk_id for h in engine.search("\ud800青岛 5G基站\udfff")] == clean


def test_api_long_token_within_a_raised_limit_is_handled(engine: rag.Engine, seed: Seed) -> None:
    roomy = rag.Engine.open(
        settings=seed.settings.model_copy(update={"max_question_chars": 10_000})
    )
    started = time.perf_counter()
    hits = roomy.search("a" * 5000)
    answer = roomy.ask("a" * 5000)
    assert time.perf_counter() - started < 30
    assert isinstance(hits, list) and len(hits) <= 5
    assert answer.abstained and not answer.citations


@pytest.mark.parametrize(
    ("k", "message"),
    [
        (0, "got 0."),
        (-1, "got -1."),
        (101, "got 101."),
        (1000, "got 1000."),
        ("5", "got '5'."),
        (5.0, "got 5.0."),
        (None, "got None."),
    ],
)
def test_api_search_bad_k(engine: rag.Engine, k: Any, message: str) -> None:
    with pytest.raises(rag.InvalidQuestion) as exc:
        engine.search(QUESTION, k=k)
    assert str(exc.value) == f"Expected k between 1 and 100, {message}"


@pytest.mark.parametrize("k", [1, 100])
def test_api_search_k_bounds_are_accepted(engine: rag.Engine, seed: Seed, k: int) -> None:
    hits = engine.search(QUESTION, k=k)
    assert 1 <= len(hits) <= k and hits[0].chunk_id == seed.baseline.top_ids[0]


@pytest.mark.parametrize("k", [pytest.param(k) for k in (0, -1, 1000, "5", 5.0)])
def test_api_ask_bad_k(engine: rag.Engine, k: Any) -> None:
    with pytest.raises(rag.InvalidQuestion) as exc:
        engine.ask(QUESTION, k=k)
    assert "Expected k between 1 and 100" in str(exc.value)


BAD_FILTERS = [
    pytest.param(
        {"since": "2023-13-45"},
        "Expected since as a date YYYY-MM-DD, got '2023-13-45'.",
        id="month_13",
    ),
    pytest.param(
        {"until": "2023-02-30"},
        "Expected until as a date YYYY-MM-DD, got '2023-02-30'.",
        id="feb_30",
    ),
    pytest.param(
        {"since": "yesterday"}, "Expected since as a date YYYY-MM-DD, got 'yesterday'.", id="words"
    ),
    pytest.param(
        {"date": "2023-01-01", "article": "x"},
        "Unknown filter(s) ['article', 'date']: valid filters are "
        "['article_ids', 'since', 'source', 'until'].",
        id="unknown_keys",
    ),
    pytest.param({"since": 20230101}, "since", id="since_int"),
    pytest.param({"article_ids": 5}, "article_ids", id="ids_int"),
    pytest.param(5, "filters", id="filters_int"),
    pytest.param("since", "str", id="filters_str"),
]


@pytest.mark.parametrize(("filters", "message"), BAD_FILTERS)
@pytest.mark.parametrize("method", ["search", "ask"])
def test_api_bad_filters(engine: rag.Engine, method: str, filters: Any, message: str) -> None:
    with pytest.raises(rag.InvalidQuestion) as exc:
        getattr(engine, method)(QUESTION, filters=filters)
    assert message in str(exc.value)


@pytest.mark.parametrize(
    "filters",
    [
        {"since": "2023-01-01", "until": "2020-01-01"},
        {"article_ids": ["no-such-article"]},
        {"source": "no such outlet"},
    ],
    ids=["since_after_until", "unknown_article", "unknown_source"],
)
def test_api_filters_matching_nothing(engine: rag.Engine, filters: dict[str, Any]) -> None:
    assert engine.search(QUESTION, filters=filters) == []
    answer = engine.ask(QUESTION, filters=filters)
    assert answer.abstained and not answer.citations


def test_api_unknown_mode(engine: rag.Engine) -> None:
    with pytest.raises(rag.InvalidQuestion) as exc:
        engine.ask(QUESTION, mode="gpt")
    assert str(exc.value) == "Unknown answer mode 'gpt': valid modes are 'extractive', 'llm'."


IGNORED_HISTORIES = {
    "bad_roles": [
        {"role": "system", "content": "青岛"},
        {"role": "tool", "content": "青岛"},
        {"role": "USER", "content": "青岛"},
    ],
    "non_string_content": [
        {"role": "user", "content": 5},
        {"role": "user", "content": None},
        {"role": "user", "content": ["青岛"]},
        {"role": "user"},
    ],
    "non_dict_turns": ["青岛", None, 5, ["user", "青岛"]],
}


@pytest.fixture(scope="module")
def no_history_answer(engine: rag.Engine) -> rag.Answer:
    return engine.ask(PRONOUN_QUESTION)


@pytest.mark.parametrize("name", list(IGNORED_HISTORIES))
def test_api_unusable_history_turns_are_ignored(
    engine: rag.Engine, no_history_answer: rag.Answer, name: str
) -> None:
    answer = engine.ask(PRONOUN_QUESTION, history=IGNORED_HISTORIES[name])
    assert answer.text == no_history_answer.text


def thousand_turns() -> list[dict[str, str]]:
    return [
        {"role": "user", "content": "青岛的智慧城市建设怎么样？"},
        {"role": "assistant", "content": "青岛新型智慧城市建设稳居第一梯队。"},
    ] * 500


def test_api_history_of_1000_turns(engine: rag.Engine, seed: Seed) -> None:
    started = time.perf_counter()
    answer = engine.ask(PRONOUN_QUESTION, history=thousand_turns())
    assert time.perf_counter() - started < 10
    assert seed.qingdao in [c.article_id for c in answer.citations]  # 它 -> 青岛


def test_api_history_with_a_huge_turn(engine: rag.Engine, seed: Seed) -> None:
    history = [{"role": "user", "content": "青岛" + "的" * 200_000}]
    answer = engine.ask(PRONOUN_QUESTION, history=history)
    assert seed.qingdao in [c.article_id for c in answer.citations]


def test_api_history_not_a_list(engine: rag.Engine) -> None:
    with pytest.raises(rag.InvalidQuestion) as exc:
        engine.ask(QUESTION, history=5)  # type: ignore[arg-type]
    assert "history" in str(exc.value)


# ---- missing and damaged indexes -------------------------------------------------------------


def test_api_missing_index(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    with pytest.raises(rag.IndexNotFound) as exc:
        rag.Engine.open(settings=settings)
    assert str(exc.value) == f"no index at {settings.index_dir}/: run `rag ingest`"
    assert check_index(settings) == [str(exc.value)]
    assert str(exc.value) in index_info(settings).problems


GARBAGE_MANIFESTS = [
    pytest.param("{not json", id="not_json"),
    pytest.param("", id="empty"),
    pytest.param(b"\xff\xfe\x00\x01garbage", id="binary"),
    pytest.param("[1, 2]", id="json_list"),
    pytest.param('{"files": {"a": 1}}', id="files_entry_not_object"),
    pytest.param("TRUNCATED", id="truncated"),
    pytest.param('"a string"', id="json_string"),
    pytest.param("null", id="json_null"),
    pytest.param('{"files": []}', id="files_list"),
]


def write_manifest(index_dir: Path, garbage: str | bytes) -> Path:
    path = index_dir / "manifest.json"
    if garbage == "TRUNCATED":
        garbage = path.read_bytes()[: path.stat().st_size // 2]
    path.write_bytes(garbage if isinstance(garbage, bytes) else garbage.encode())
    return path


@pytest.mark.parametrize("garbage", GARBAGE_MANIFESTS)
def test_api_corrupted_manifest(seed: Seed, tmp_path: Path, garbage: str | bytes) -> None:
    settings = seed.copy(tmp_path)
    path = write_manifest(Path(settings.index_dir), garbage)
    before = path.read_bytes()
    with pytest.raises(rag.IndexCorrupted) as exc:
        rag.Engine.open(settings=settings)
    message = str(exc.value)
    assert message.startswith(f"the manifest {path} is unreadable (")
    assert message.endswith("run `rag ingest --rebuild` to rebuild the index from the corpus")
    assert check_index(settings) == [message]
    assert index_info(settings).problems == [message]
    with pytest.raises(rag.IndexCorrupted):  # an incremental ingest refuses, touching nothing
        rag.ingest(settings=settings)
    assert path.read_bytes() == before


def lexical_dir(settings: rag.Settings) -> Path:
    [folder] = Path(settings.index_dir).glob("lexical-*")
    return folder


def test_api_rebuild_recovers_from_every_damage(seed: Seed, tmp_path: Path) -> None:
    """Garbage manifest, lost BM25 chunks and lost Chroma at once: `ingest(rebuild=True)`,
    the fix every message names, gives back the same index (one rebuild for all: ~5 s each)."""
    settings = seed.copy(tmp_path)
    (lexical_dir(settings) / "chunks.jsonl").unlink()
    shutil.rmtree(Path(settings.index_dir) / "chroma")
    write_manifest(Path(settings.index_dir), "{not json")
    report = rag.ingest(settings=settings, rebuild=True)
    assert report.chunks == seed.baseline.chunks and not report.skipped
    assert_intact(settings, seed.baseline, search=True)


def test_api_lexical_chunks_lost(seed: Seed, tmp_path: Path) -> None:
    settings = seed.copy(tmp_path)
    folder = lexical_dir(settings)
    (folder / "chunks.jsonl").unlink()
    with pytest.raises(rag.IndexCorrupted) as exc:
        rag.Engine.open(settings=settings)
    assert str(exc.value).startswith(f"the lexical index {folder} cannot be read")
    assert str(exc.value).endswith("run `rag ingest --rebuild`")
    assert check_index(settings) == [str(exc.value)]
    assert index_info(settings).problems == []  # the folder is there; only --check looks inside


def test_api_lexical_chunks_lost_then_plain_ingest(seed: Seed, tmp_path: Path) -> None:
    settings = seed.copy(tmp_path)
    (lexical_dir(settings) / "chunks.jsonl").unlink()
    try:
        rag.ingest(settings=settings)
    except rag.IndexCorrupted as exc:  # refusing with the fix is fine too
        assert "rag ingest --rebuild" in str(exc)
        return
    assert_intact(settings, seed.baseline, search=True)


def test_api_lexical_folder_lost_then_plain_ingest_keeps_vectors(
    seed: Seed, tmp_path: Path
) -> None:
    settings = seed.copy(tmp_path)
    shutil.rmtree(lexical_dir(settings))
    try:
        rag.ingest(settings=settings)
    except rag.RagError:
        pass
    assert len(live_store(settings).all_ids()) == seed.baseline.chunks
    manifest = load_manifest(Path(settings.index_dir))
    assert manifest is not None and manifest.chunks in (0, seed.baseline.chunks)
    if manifest.chunks:
        assert_intact(settings, seed.baseline, search=True)


def test_api_chroma_folder_lost(seed: Seed, tmp_path: Path) -> None:
    settings = seed.copy(tmp_path)
    chroma = Path(settings.index_dir) / "chroma"
    shutil.rmtree(chroma)
    expected = f"the vector store {chroma} is missing: run `rag ingest --rebuild`"
    with pytest.raises(rag.IndexCorrupted) as exc:
        rag.Engine.open(settings=settings)
    assert str(exc.value) == expected
    assert check_index(settings) == [expected]
    assert f"{chroma} is missing: run `rag ingest --rebuild`" in index_info(settings).problems


def test_api_chroma_folder_lost_then_plain_ingest(seed: Seed, tmp_path: Path) -> None:
    settings = seed.copy(tmp_path)
    shutil.rmtree(Path(settings.index_dir) / "chroma")
    try:
        rag.ingest(settings=settings)
    except rag.RagError as exc:  # refusing with the fix is fine too
        assert "rag ingest --rebuild" in str(exc)
        return
    assert_intact(settings, seed.baseline, search=True)


# ---- bad corpora -----------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
LOCKED = "locked.txt"  # valid article, chmod 000: unreadable unless we are root
UNREADABLE = "unreadable.txt"  # symlink to /proc/self/mem: reading it fails, even as root


def make_bad_corpus(corpus: Path) -> bool:
    """SMALL_ARTICLES plus unusable files; True when chmod 000 really blocks reading."""
    corpus.mkdir(parents=True)
    for name, body in SMALL_ARTICLES.items():
        (corpus / name).write_text(body, encoding="utf-8")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (corpus / "image.md").write_bytes(PNG)
    (corpus / "empty.txt").write_bytes(b"")
    locked = corpus / LOCKED
    locked.write_text(SMALL_ARTICLES["qingdao.txt"].replace("青岛", "烟台"), encoding="utf-8")
    locked.chmod(0)
    try:
        locked.read_bytes()
        chmod_blocks = False  # root (as in CI): permissions do not stop reading
    except PermissionError:
        chmod_blocks = True
    # A file whose read raises whoever we are: /proc/self/mem stats as a regular file of
    # size 0, but reading it at offset 0 fails with EIO.
    (corpus / UNREADABLE).symlink_to("/proc/self/mem")
    with pytest.raises(OSError):  # Linux: EIO; if not, this platform needs another such file
        (corpus / UNREADABLE).read_bytes()
    (corpus / "folder.txt").mkdir()  # named like an article, but a folder
    (corpus / "dangling.txt").symlink_to(corpus / "no-such-file.txt")
    return chmod_blocks


@dataclass(frozen=True)
class BadCorpus:
    settings: rag.Settings
    report: rag.IngestReport
    chmod_blocks: bool

    @property
    def skipped(self) -> dict[str, str]:
        return {Path(s.path).name: s.reason for s in self.report.skipped}


@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BadCorpus]:
    root = tmp_path_factory.mktemp("bad-corpus")
    chmod_blocks = make_bad_corpus(root / "corpus")
    settings = settings_for(root)
    report = rag.ingest(settings=settings)
    yield BadCorpus(settings, report, chmod_blocks)
    (root / "corpus" / LOCKED).chmod(0o644)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("binary.txt", "binary file"),
        ("image.md", "binary file"),
        ("empty.txt", "empty file"),
        (UNREADABLE, "cannot read: "),
    ],
)
def test_corpus_unusable_file_is_skipped_with_its_reason(
    bad_corpus: BadCorpus, name: str, reason: str
) -> None:
    assert bad_corpus.skipped[name].startswith(reason), bad_corpus.skipped


def test_corpus_chmod_000_file(bad_corpus: BadCorpus) -> None:
    articles = {a.article_id for a in rag.Engine.open(settings=bad_corpus.settings).articles()}
    if bad_corpus.chmod_blocks:
        assert bad_corpus.skipped[LOCKED] == "cannot read: Permission denied"
        assert "locked" not in articles
    else:  # root reads it anyway: then it is an ordinary article
        assert LOCKED not in bad_corpus.skipped and "locked" in articles


def test_corpus_rest_is_ingested(bad_corpus: BadCorpus) -> None:
    engine = rag.Engine.open(settings=bad_corpus.settings)
    ids = {a.article_id for a in engine.articles()}
    assert ids - {"locked"} == {Path(n).stem for n in SMALL_ARTICLES}
    # Not files (a folder named x.txt, a dangling link): not articles, so neither indexed
    # nor reported (find_files lists regular files only).
    assert not {"folder", "dangling"} & ids
    assert not {"folder.txt", "dangling.txt"} & set(bad_corpus.skipped)
    assert engine.search("青岛5G基站", k=1)[0].article_id == "qingdao"
    assert check_index(bad_corpus.settings) == []  # skipped files are not "pending"


def test_corpus_reingest_is_a_no_op(bad_corpus: BadCorpus) -> None:
    report = rag.ingest(settings=bad_corpus.settings)
    assert (report.added, report.updated, report.removed) == (0, 0, 0)
    assert report.chunks == bad_corpus.report.chunks
    assert {Path(s.path).name for s in report.skipped} == set(bad_corpus.skipped)


def test_corpus_report_counts(bad_corpus: BadCorpus) -> None:
    indexed = len(SMALL_ARTICLES) + (0 if bad_corpus.chmod_blocks else 1)
    assert (bad_corpus.report.added, bad_corpus.report.unchanged) == (indexed, 0)


@pytest.mark.parametrize(
    "extra",
    [{}, {"notes.pdf": b"%PDF-1.4", ".hidden.txt": "青岛".encode()}],
    ids=["no_files", "no_article_files"],
)
def test_corpus_empty_folder(tmp_path: Path, extra: dict[str, bytes]) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, data in extra.items():
        (corpus / name).write_bytes(data)
    with pytest.raises(rag.CorpusError) as exc:
        rag.ingest(settings=settings_for(tmp_path))
    assert str(exc.value) == (
        f"no articles in {corpus} (looked for .txt, .md, .html, .htm): add some and run "
        "`rag ingest` again"
    )
    assert not (tmp_path / "index" / "manifest.json").exists()


def test_corpus_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(rag.CorpusError) as exc:
        rag.ingest(settings=settings_for(tmp_path))
    assert str(exc.value).startswith(f"no corpus at {tmp_path / 'corpus'}: create it")
    assert "RAG_CORPUS_DIR" in str(exc.value)


def test_corpus_of_only_unusable_files(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (corpus / "empty.txt").write_bytes(b"")
    with pytest.raises(rag.CorpusError) as exc:
        rag.ingest(settings=settings_for(tmp_path))
    assert "binary.txt" in str(exc.value)


def test_ingest_paths_given_as_one_string(tmp_path: Path) -> None:
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "qingdao.txt").write_text(SMALL_ARTICLES["qingdao.txt"], encoding="utf-8")
    try:
        report = rag.ingest(str(corpus), settings=settings_for(tmp_path))  # type: ignore[arg-type]
    except rag.RagError as exc:  # a clear refusal is fine too
        assert str(corpus) in str(exc)
        return
    assert report.added == 1


# ==== the CLI, in this process: rag.cli.main(argv) ============================================


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[..., Run]]:
    """Run `rag.cli.main(argv)` with RAG_* pointing at an index; returns exit code and output."""
    from rag import cli

    logger = logging.getLogger("rag")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    monkeypatch.chdir(tmp_path)  # no stray .env

    def run(settings: rag.Settings, *argv: str, stdin: io.TextIOBase | None = None) -> Run:
        monkeypatch.setenv("RAG_CORPUS_DIR", str(settings.corpus_dir))
        monkeypatch.setenv("RAG_INDEX_DIR", str(settings.index_dir))
        monkeypatch.setenv("RAG_EMBED_MODEL", DEFAULT_EMBED_MODEL)
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", stdin)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(argv))
        return Run(code, out.getvalue(), err.getvalue())

    yield run
    logger.handlers[:], logger.level, logger.propagate = saved


@pytest.fixture
def cli_seed(cli_env: Callable[..., Run], seed: Seed) -> Callable[..., Run]:
    return lambda *argv, **kw: cli_env(seed.settings, *argv, **kw)


def check_cli(kind: Kind, run: Run, qingdao: str) -> None:
    assert "Traceback" not in run.err
    if kind.reject:
        assert run.code == 1 and run.out == ""
        assert f"error: {kind.reject}" in run.err
    elif kind.expect == "abstain":
        assert run.code == 0
        assert run.out.startswith(("The articles do not say.", "文章中没有找到", "文章中沒有找到"))
    elif kind.expect == "qingdao":
        assert run.code == 0 and "1.7万" in run.out and qingdao in run.out
    else:
        assert run.code == 0 and "[1]" in run.out and kind.quote in run.out


@pytest.mark.parametrize("kind", kind_params(STR_KINDS))
def test_cli_ask(cli_seed: Callable[..., Run], seed: Seed, kind: Kind) -> None:
    check_cli(kind, cli_seed("ask", kind.text), seed.qingdao)


@pytest.mark.parametrize("kind", kind_params([k for k in STR_KINDS if k.reject]))
def test_cli_search_rejects(cli_seed: Callable[..., Run], seed: Seed, kind: Kind) -> None:
    check_cli(kind, cli_seed("search", kind.text), seed.qingdao)


def test_cli_search_invalid_utf8_in_argv(cli_seed: Callable[..., Run], seed: Seed) -> None:
    # Python turns undecodable argv bytes into lone surrogates (surrogateescape).
    run = cli_seed("search", os.fsdecode(b"\xff\xfe") + "青岛5G基站", "-k", "3")
    assert run.code == 0 and "Traceback" not in run.err
    assert seed.qingdao in run.out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", QUESTION, "-k", "0"], "error: Expected k between 1 and 100, got 0."),
        (["search", QUESTION, "-k", "1000"], "error: Expected k between 1 and 100, got 1000."),
        (
            ["search", QUESTION, "--since", "2023-13-45"],
            "error: Expected since as a date YYYY-MM-DD, got '2023-13-45'.",
        ),
        (
            ["search", QUESTION, "--until", "31/12/2023"],
            "error: Expected until as a date YYYY-MM-DD, got '31/12/2023'.",
        ),
        pytest.param(["ask", QUESTION, "-k", "0"], "error: Expected k between 1 and 100"),
        pytest.param(["ask", QUESTION, "-k", "1000"], "error: Expected k between 1 and 100"),
    ],
    ids=["search_k0", "search_k1000", "since_month_13", "until_not_iso", "ask_k0", "ask_k1000"],
)
def test_cli_bad_options(cli_seed: Callable[..., Run], argv: list[str], message: str) -> None:
    run = cli_seed(*argv)
    assert run.code == 1 and run.out == ""
    assert message in run.err and "Traceback" not in run.err


def test_cli_bad_option_type(cli_seed: Callable[..., Run]) -> None:
    with pytest.raises(SystemExit) as exc:  # argparse: usage and exit 2
        cli_seed("search", QUESTION, "-k", "5.5")
    assert exc.value.code == 2


# (line, what the chat prints for it); /reset keeps earlier turns out of the next answer.
CHAT_LINES = [
    ("", None),  # empty and blank lines are skipped silently
    (" \t\u3000", None),
    ("\x01\x02\x07", f"error: {EMPTY}"),
    ("\x00", f"error: {EMPTY}"),
    ("青岛\x00建成了多少个5G基站？", "1.7万"),
    ("😀🎉🚀", f"error: {NO_LETTERS}"),
    ("/reset", "(conversation cleared)"),
    ("\ud800abc", "The articles do not say."),
    ("/reset", "(conversation cleared)"),
    ("[点我](javascript:alert(1)) ![x](http://x/x.png) # 标题", "文章中没有找到"),
    ("青" * 100_000, f"error: {too_long(100_000)}"),
    ("a" * 5000, f"error: {too_long(5000)}"),
    ("/reset", "(conversation cleared)"),
    ("2023", "2023"),
    ("/sources", "[1] "),
]


def in_order(text: str, parts: list[str]) -> bool:
    pos = 0
    for part in parts:
        found = text.find(part, pos)
        if found < 0:
            return False
        pos = found + len(part)
    return True


def test_cli_chat_bad_lines(cli_seed: Callable[..., Run]) -> None:
    stdin = io.StringIO("\n".join(line for line, _ in CHAT_LINES) + "\n/quit\n")
    run = cli_seed("chat", stdin=stdin)
    assert run.code == 0 and "Traceback" not in run.err
    expected = [e for _, e in CHAT_LINES if e]
    assert in_order(run.out, expected), run.out[-2000:]
    assert run.out.count("> ") >= len(CHAT_LINES) + 1  # a prompt per line, up to /quit


def test_cli_chat_stdin_not_utf8(cli_seed: Callable[..., Run]) -> None:
    stdin = io.TextIOWrapper(
        io.BytesIO("青岛有多少5G基站？\n".encode("gbk") + b"/quit\n"), encoding="utf-8"
    )
    run = cli_seed("chat", stdin=stdin)
    assert run.code in (0, 1) and "error:" in run.out + run.err


def test_cli_ingest_bad_corpus_reports_skips(
    cli_env: Callable[..., Run], bad_corpus: BadCorpus, tmp_path: Path
) -> None:
    settings = bad_corpus.settings.model_copy(update={"index_dir": tmp_path / "index"})
    run = cli_env(settings, "ingest")
    assert run.code == 0 and "Traceback" not in run.err
    corpus = Path(settings.corpus_dir)
    for name in ("binary.txt", "image.md", "empty.txt", UNREADABLE):
        assert f"skipped {corpus / name}: {bad_corpus.skipped[name]}" in run.err
    assert f"{len(SMALL_ARTICLES) + (0 if bad_corpus.chmod_blocks else 1)} added" in run.out


def test_cli_damaged_indexes(cli_env: Callable[..., Run], seed: Seed, tmp_path: Path) -> None:
    missing = settings_for(tmp_path / "missing")
    run = cli_env(missing, "search", QUESTION)
    assert run.code == 1 and run.err.strip().endswith(
        f"error: no index at {missing.index_dir}/: run `rag ingest`"
    )
    run = cli_env(missing, "info")
    assert (
        run.code == 1
        and f"problem:     no index at {missing.index_dir}/: run `rag ingest`" in run.out
    )

    broken = seed.copy(tmp_path / "manifest")
    write_manifest(Path(broken.index_dir), "{not json")
    for argv in (["ask", QUESTION], ["ingest"]):
        run = cli_env(broken, *argv)
        assert run.code == 1 and "Traceback" not in run.err
        assert "error: the manifest" in run.err and "run `rag ingest --rebuild`" in run.err

    lost = seed.copy(tmp_path / "lexical")
    (lexical_dir(lost) / "chunks.jsonl").unlink()
    run = cli_env(lost, "info", "--check")
    assert run.code == 1 and "check: the lexical index" in run.out
    assert "run `rag ingest --rebuild`" in run.out


# ==== the CLI as a subprocess ===================================================================


def run_cli(settings: rag.Settings, *args: str, stdin: bytes | None = None) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update(
        RAG_CORPUS_DIR=str(settings.corpus_dir),
        RAG_INDEX_DIR=str(settings.index_dir),
        RAG_EMBED_MODEL=DEFAULT_EMBED_MODEL,
        HF_HUB_OFFLINE="1",
        PYTHONIOENCODING="utf-8",
    )
    cwd = Path(settings.index_dir).parent  # no .env there
    cwd.mkdir(parents=True, exist_ok=True)
    p = subprocess.run(
        [sys.executable, "-m", "rag.cli", *args],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )
    return Run(
        p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    )


# ~100 000 characters fit in one argv string only as ASCII (Linux caps one at 128 KiB).
LONG_ASCII = "5G " * 33_334


def _manifest_sequence(seed: Seed, root: Path) -> tuple[rag.Settings, list[Run]]:
    """Corrupted manifest: ask, info --check, ingest refuse; ingest --rebuild recovers."""
    settings = seed.copy(root)
    write_manifest(Path(settings.index_dir), "{not json")
    steps = [
        ["ask", QUESTION],
        ["info", "--check"],
        ["ingest"],
        ["ingest", "--rebuild"],
        ["info", "--check"],
    ]
    return settings, [run_cli(settings, *argv) for argv in steps]


def _missing_sequence(root: Path) -> list[Run]:
    settings = settings_for(root)
    runs = [run_cli(settings, "ask", QUESTION), run_cli(settings, "info")]
    (root / "corpus").mkdir()
    runs.append(run_cli(settings, "ingest"))  # empty corpus folder
    return runs


def _lexical_sequence(seed: Seed, root: Path) -> list[Run]:
    settings = seed.copy(root)
    (lexical_dir(settings) / "chunks.jsonl").unlink()
    return [run_cli(settings, "search", QUESTION)]


CHAT_STDIN = (
    "\n".join(["", " \t", "\x01\x02", "青岛\x00建成了多少个5G基站？", "😀", "/quit"]) + "\n"
)


@pytest.fixture(scope="module")
def cli_jobs(seed: Seed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future]]:
    """Every subprocess case, started at once in a small pool (each loads the model)."""
    s = seed.settings
    dirs = {
        name: tmp_path_factory.mktemp(f"cli-{name}") for name in ("manifest", "missing", "lexical")
    }
    jobs: dict[str, Callable[[], Any]] = {
        "manifest": lambda: _manifest_sequence(seed, dirs["manifest"]),
        "chat": lambda: run_cli(s, "chat", stdin=CHAT_STDIN.encode("utf-8")),
        "ask_empty": lambda: run_cli(s, "ask", ""),
        "ask_long": lambda: run_cli(s, "ask", LONG_ASCII),
        "search_control": lambda: run_cli(s, "search", "青岛\x01\x07\x1b 5G基站", "-k", "3"),
        "missing": lambda: _missing_sequence(dirs["missing"]),
        "lexical": lambda: _lexical_sequence(seed, dirs["lexical"]),
        "bad_k": lambda: run_cli(s, "search", QUESTION, "-k", "five"),
    }
    pool = ThreadPoolExecutor(max_workers=3)
    futures = {name: pool.submit(fn) for name, fn in jobs.items()}
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)


def no_traceback(*runs: Run) -> None:
    for run in runs:
        assert "Traceback" not in run.err and "Traceback" not in run.out


def test_subprocess_empty_question(cli_jobs: dict[str, Future]) -> None:
    run = cli_jobs["ask_empty"].result()
    no_traceback(run)
    assert run.code == 1 and run.out == "" and f"error: {EMPTY}" in run.err


def test_subprocess_100k_question(cli_jobs: dict[str, Future]) -> None:
    run = cli_jobs["ask_long"].result()
    no_traceback(run)
    assert run.code == 1 and f"error: {too_long(len(LONG_ASCII))}" in run.err


def test_subprocess_control_characters(cli_jobs: dict[str, Future], seed: Seed) -> None:
    run = cli_jobs["search_control"].result()
    no_traceback(run)
    assert run.code == 0 and seed.qingdao in run.out.splitlines()[0]


def test_subprocess_chat(cli_jobs: dict[str, Future]) -> None:
    run = cli_jobs["chat"].result()
    no_traceback(run)
    assert run.code == 0
    assert in_order(run.out, [f"error: {EMPTY}", "1.7万", f"error: {NO_LETTERS}"]), run.out


def test_subprocess_bad_option_type(cli_jobs: dict[str, Future]) -> None:
    run = cli_jobs["bad_k"].result()
    no_traceback(run)
    assert run.code == 2 and "argument -k: invalid int value: 'five'" in run.err


def test_subprocess_missing_index_and_empty_corpus(cli_jobs: dict[str, Future]) -> None:
    ask, info, ingest = cli_jobs["missing"].result()
    no_traceback(ask, info, ingest)
    assert ask.code == 1 and re.search(r"error: no index at .*/index/: run `rag ingest`", ask.err)
    assert info.code == 1 and "problem:     no index at" in info.out
    assert ingest.code == 1 and re.search(
        r"error: no articles in \S+/corpus \(looked for .txt, .md, .html, .htm\): add some",
        ingest.err,
    )


def test_subprocess_lost_lexical_chunks(cli_jobs: dict[str, Future]) -> None:
    [run] = cli_jobs["lexical"].result()
    no_traceback(run)
    assert run.code == 1 and "error: the lexical index" in run.err
    assert run.err.rstrip().endswith("run `rag ingest --rebuild`")


def test_subprocess_corrupted_manifest_then_rebuild(
    cli_jobs: dict[str, Future], seed: Seed
) -> None:
    settings, (ask, check, ingest, rebuild, check_after) = cli_jobs["manifest"].result()
    no_traceback(ask, check, ingest, rebuild, check_after)
    for run in (ask, ingest):
        assert run.code == 1 and re.search(
            r"error: the manifest \S+manifest.json is unreadable \(.*\): run `rag ingest "
            r"--rebuild` to rebuild the index from the corpus",
            run.err,
        ), run.err
    assert check.code == 1 and "problem:     the manifest" in check.out
    assert rebuild.code == 0, rebuild.err
    assert rebuild.out.startswith("5 added, 0 updated, 0 removed")
    assert check_after.code == 0 and "check: index consistent with the corpus" in check_after.out
    assert_intact(settings, seed.baseline, search=True)


# ==== the web app ================================================================================

_MD = MarkdownIt("commonmark")
FRIENDLY = "Sorry, I can't answer that: "


def assert_renders_as_text(markdown: str) -> None:
    """Nothing in a chat message becomes a link, image, heading or markup."""
    html = _MD.render(markdown)
    for tag in ("<a ", "<img", "<h1", "<h2", "<script", "<iframe", "<strong", "<em>"):
        assert tag not in html, html


@pytest.fixture(scope="module")
def ui(engine: rag.Engine, seed: Seed, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from ui.app import build_app

    feedback = tmp_path_factory.mktemp("feedback") / "feedback.jsonl"
    app = build_app(engine, seed.settings.model_copy(update={"feedback_file": feedback}))
    return app.rag_handlers  # type: ignore[attr-defined,no-any-return]


_responses: dict[str, list[tuple[Any, ...]]] = {}


def respond_kind(ui: dict[str, Any], kind: Kind) -> list[tuple[Any, ...]]:
    """The chat updates for one kind of question (computed once, shared by two tests)."""
    if kind.id not in _responses:
        _responses[kind.id] = respond(ui, kind.text)
    return _responses[kind.id]


def respond(ui: dict[str, Any], message: Any, **options: Any) -> list[tuple[Any, ...]]:
    args = {"k": 5, "mode": "extractive", "article_ids": [], "since": "", "until": ""} | options
    return list(
        ui["respond"](
            message,
            [],
            [],
            args["k"],
            args["mode"],
            args["article_ids"],
            args["since"],
            args["until"],
        )
    )


@pytest.mark.parametrize("kind", kind_params(STR_KINDS))
def test_ui_chat(ui: dict[str, Any], seed: Seed, kind: Kind) -> None:
    chat, sources, turns = respond_kind(ui, kind)[-1]
    assert chat[-1]["role"] == "assistant"
    for message in chat:
        assert_renders_as_text(message["content"])
    if kind.reject:
        assert turns[-1]["error"] and turns[-1]["content"].startswith(FRIENDLY)
        assert kind.reject in turns[-1]["content"]
        assert "Sorry, I can&#x27;t answer that" in sources
    else:
        record = turns[-1]["record"]
        if kind.expect == "abstain":
            assert record["abstained"] and not record["citations"]
        elif kind.expect == "qingdao":
            assert seed.qingdao in [c["article_id"] for c in record["citations"]]
        else:
            assert any(kind.quote in c["quote"] for c in record["citations"])
        assert "<script" not in sources and "javascript:" not in sources


def test_ui_chat_long_question_is_shown_shortened(ui: dict[str, Any]) -> None:
    chat, _, _ = respond(ui, "青" * 100_000)[-1]
    assert chat[0]["role"] == "user" and chat[0]["content"] == "青" * 300 + "…"


def test_ui_chat_message_that_is_not_text(ui: dict[str, Any]) -> None:
    chat, _, turns = respond(ui, None)[-1]
    assert [m["role"] for m in chat] == ["assistant"]
    assert turns[-1]["content"] == FRIENDLY + EMPTY + " about the articles."


def test_ui_chat_rejected_question_is_left_out_of_the_conversation(
    ui: dict[str, Any], no_history_answer: rag.Answer
) -> None:
    chat, _, turns = respond(ui, "青岛😀" * 1000)[-1]
    updates = list(ui["respond"](PRONOUN_QUESTION, chat, turns, 5, "extractive", [], "", ""))
    _, _, turns = updates[-1]
    assert [t.get("error", False) for t in turns] == [True, True, False, False]
    assert turns[-1]["content"] == no_history_answer.text


_UNSHOWABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
ECHO_KINDS = [k for k in STR_KINDS if k.text.strip()]


@pytest.mark.parametrize("kind", kind_params(ECHO_KINDS))
def test_ui_chat_updates_are_sendable_clean_text(ui: dict[str, Any], kind: Kind) -> None:
    """Every update must survive gradio's orjson encoding; the echo shows no control chars."""
    updates = respond_kind(ui, kind)
    for update in updates:
        orjson.dumps(list(update))
    chat, _, _ = updates[-1]
    assert chat[0]["role"] == "user" and not _UNSHOWABLE.search(chat[0]["content"])


def test_ui_chat_bare_url_is_not_autolinked(ui: dict[str, Any]) -> None:
    chat, _, _ = respond(ui, "[点我](javascript:alert(1)) ![x](http://x/x.png) # 标题")[-1]
    # GFM (the chat's Markdown) autolinks a scheme URL even with its dots escaped.
    assert not re.search(r"(?i)\b(?:https?|ftp)://", chat[0]["content"])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"since": "2023-13-45"}, "Expected since as a date YYYY-MM-DD, got '2023-13-45'."),
        ({"until": "tomorrow"}, "Expected until as a date YYYY-MM-DD, got 'tomorrow'."),
        ({"mode": "gpt"}, "Unknown answer mode 'gpt': valid modes are 'extractive', 'llm'."),
    ],
    ids=["since_month_13", "until_words", "unknown_mode"],
)
def test_ui_chat_bad_settings(ui: dict[str, Any], options: dict[str, Any], message: str) -> None:
    chat, sources, turns = respond(ui, QUESTION, **options)[-1]
    assert turns[-1]["content"] == FRIENDLY + message
    assert turns[-2]["error"]  # the rejected question stays out of the history


@pytest.mark.parametrize("kind", kind_params(KINDS))
def test_ui_ask_handler(ui: dict[str, Any], seed: Seed, kind: Kind) -> None:
    r = ui["ask"](kind.text, "[]")
    orjson.dumps(r)
    if kind.reject:
        assert kind.reject in r["error"] and r["answer"] == FRIENDLY + r["error"]
        assert r["mode"] is None and r["citations"] == []
    else:
        assert "error" not in r
        cited = [c["article_id"] for c in r["citations"]]
        if kind.expect == "abstain":
            assert r["abstained"] and not cited
        elif kind.expect == "qingdao":
            assert seed.qingdao in cited
        else:
            assert any(kind.quote in c["quote"] for c in r["citations"])


BAD_HISTORY_JSON = [
    pytest.param(
        "not json",
        "Expected history_json as a JSON list of {role, content} objects: ",
        id="not_json",
    ),
    pytest.param(
        '{"role": "user"}', "Expected history_json as a JSON list, got dict.", id="object"
    ),
    pytest.param("5", "Expected history_json as a JSON list, got int.", id="number"),
    pytest.param('"[]"', "Expected history_json as a JSON list, got str.", id="string"),
    pytest.param(5, "history_json", id="not_a_string"),
]


@pytest.mark.parametrize(("history_json", "message"), BAD_HISTORY_JSON)
def test_ui_ask_bad_history_json(ui: dict[str, Any], history_json: Any, message: str) -> None:
    r = ui["ask"](QUESTION, history_json)
    assert message in r["error"] and r["answer"].startswith(FRIENDLY)


@pytest.mark.parametrize("name", list(IGNORED_HISTORIES))
def test_ui_ask_unusable_history_turns_are_ignored(
    ui: dict[str, Any], no_history_answer: rag.Answer, name: str
) -> None:
    r = ui["ask"](PRONOUN_QUESTION, json.dumps(IGNORED_HISTORIES[name], ensure_ascii=False))
    assert r["answer"] == no_history_answer.text


def test_ui_ask_history_of_1000_turns(ui: dict[str, Any], seed: Seed) -> None:
    r = ui["ask"](PRONOUN_QUESTION, json.dumps(thousand_turns(), ensure_ascii=False))
    assert seed.qingdao in [c["article_id"] for c in r["citations"]]


def test_ui_open_engine_without_index_or_articles(tmp_path: Path) -> None:
    """`rag serve` builds a missing index first; with no articles it stops with the reason."""
    from ui.app import open_engine

    (tmp_path / "corpus").mkdir()
    with pytest.raises(rag.CorpusError) as exc:
        open_engine(settings_for(tmp_path))
    assert str(exc.value).startswith(f"no articles in {tmp_path / 'corpus'} ")


def test_ui_open_engine_with_a_corrupted_manifest(seed: Seed, tmp_path: Path) -> None:
    from ui.app import open_engine

    settings = seed.copy(tmp_path)
    write_manifest(Path(settings.index_dir), "{not json")
    with pytest.raises(rag.IndexCorrupted) as exc:  # not rebuilt behind the user's back
        open_engine(settings)
    assert "run `rag ingest --rebuild`" in str(exc.value)
    assert (Path(settings.index_dir) / "manifest.json").read_bytes() == b"{not json"


# ---- the /ask HTTP API of the running app ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Api:
    url: str
    client: Any


@pytest.fixture(scope="module")
def api_client(engine: rag.Engine, seed: Seed) -> Iterator[Api]:
    from gradio_client import Client

    from ui.app import LAUNCH_OPTIONS, build_app

    app = build_app(engine, seed.settings)
    app.queue(default_concurrency_limit=4)
    _, url, _ = app.launch(
        prevent_thread_lock=True,
        server_name="127.0.0.1",
        server_port=free_port(),
        quiet=True,
        **LAUNCH_OPTIONS,
    )
    try:
        yield Api(url, Client(url, verbose=False))
    finally:
        app.close()


def call_raw(url: str, data: list[Any]) -> dict[str, Any]:
    """POST /gradio_api/call/ask with ASCII JSON (so a lone surrogate travels as \\ud800)."""
    import httpx

    body = json.dumps({"data": data})
    r = httpx.post(
        f"{url}gradio_api/call/ask",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    r.raise_for_status()
    event_id = r.json()["event_id"]
    text = httpx.get(f"{url}gradio_api/call/ask/{event_id}", timeout=120).text
    complete = [
        data for event, data in re.findall(r"event: (\w+)\ndata: (.*)", text) if event == "complete"
    ]
    assert complete, text
    [result] = json.loads(complete[-1])
    return result  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "kind",
    kind_params(
        [
            k
            for k in KINDS
            if k.id in {"empty", "100k_chars", "markdown", "rtl", "html_js", "not_text_none"}
        ]
    ),
)
def test_http_ask(api_client: Api, seed: Seed, kind: Kind) -> None:
    r = api_client.client.predict(kind.text, "[]", api_name="/ask")
    if kind.reject:
        assert kind.reject in r["error"] and r["answer"].startswith(FRIENDLY)
    elif kind.expect == "abstain":
        assert r["abstained"] and "error" not in r
    else:
        assert seed.qingdao in [c["article_id"] for c in r["citations"]]


@pytest.mark.parametrize("kind", kind_params([k for k in KINDS if k.id in SURROGATE_KINDS]))
def test_http_ask_lone_surrogates(api_client: Api, seed: Seed, kind: Kind) -> None:
    r = call_raw(api_client.url, [kind.text, "[]"])
    if kind.expect == "abstain":
        assert r["abstained"] and not r["citations"]
    else:
        assert seed.qingdao in [c["article_id"] for c in r["citations"]]


def test_http_ask_bad_history(api_client: Api, seed: Seed) -> None:
    r = api_client.client.predict(QUESTION, "[{broken", api_name="/ask")
    assert r["error"].startswith("Expected history_json as a JSON list of {role, content} objects")
    turns = json.dumps(thousand_turns() + [{"role": "system", "content": "\ud800"}])
    r = api_client.client.predict(PRONOUN_QUESTION, turns, api_name="/ask")
    assert seed.qingdao in [c["article_id"] for c in r["citations"]]


# ---- last: the seed index survived everything above ----------------------------------------------


def test_seed_index_intact_at_the_end(seed: Seed, cli_jobs: dict[str, Future]) -> None:
    for future in cli_jobs.values():
        future.result()  # every subprocess against the seed index has finished
    assert_intact(seed.settings, seed.baseline, search=True)
    run = run_cli(seed.settings, "info", "--check")
    assert run.code == 0 and "check: index consistent with the corpus" in run.out
