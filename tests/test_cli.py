"""The `rag` command, run as a subprocess against a tmp corpus and index."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SMALL_ARTICLES

from rag import Hit
from rag.config import DEFAULT_EMBED_MODEL
from rag.index.manifest import load_manifest
from rag.ingestion.loading import load_article

RAG = Path(sys.executable).parent / "rag"
COMMAND = [str(RAG)] if RAG.exists() else [sys.executable, "-m", "rag.cli"]


class Cli:
    """Runs `rag` with RAG_CORPUS_DIR/RAG_INDEX_DIR under one tmp folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.corpus = root / "corpus"
        self.index = root / "index"

    def run(
        self, *args: str, index: Path | None = None, **env: str
    ) -> subprocess.CompletedProcess[str]:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
        environ.update(
            RAG_CORPUS_DIR=str(self.corpus),
            RAG_INDEX_DIR=str(index or self.index),
            HF_HUB_OFFLINE="1",  # the default model is not cached: fall back without probing
            PYTHONIOENCODING="utf-8",
        )
        environ.update(env)
        return subprocess.run(
            [*COMMAND, *args],
            cwd=self.root,
            env=environ,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
        )


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """A small corpus ingested by `rag ingest` (once for the module)."""
    c = Cli(tmp_path_factory.mktemp("cli"))
    c.corpus.mkdir()
    for name, body in SMALL_ARTICLES.items():
        (c.corpus / name).write_text(body, encoding="utf-8")
    c.first_ingest = c.run("ingest")  # type: ignore[attr-defined]
    return c


def test_ingest_prints_the_summary_line(cli: Cli) -> None:
    result = cli.first_ingest  # type: ignore[attr-defined]
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    manifest = load_manifest(cli.index)
    assert manifest is not None
    assert re.fullmatch(
        rf"3 added, 0 updated, 0 removed \(0 unchanged, {manifest.chunks} chunks in index, [0-9.]+s\)",
        lines[0],
    ), lines
    assert not any("offline fallback" in line for line in lines[1:])  # the bundled model
    assert "Traceback" not in result.stderr

    again = cli.run("ingest")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("0 added, 0 updated, 0 removed (3 unchanged")


def test_info_shows_the_index(cli: Cli) -> None:
    result = cli.run("info")
    assert result.returncode == 0, result.stdout + result.stderr
    fields = dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition(":") for line in result.stdout.splitlines())
    )
    manifest = load_manifest(cli.index)
    assert manifest is not None
    assert fields["index"] == str(cli.index)
    assert fields["articles"] == "3"
    assert fields["chunks"] == str(manifest.chunks)
    assert fields["embedding"].startswith(DEFAULT_EMBED_MODEL)
    assert fields["chunking"] == f"{manifest.chunk_size} tokens, {manifest.chunk_overlap} overlap"
    assert fields["built"] == manifest.built_at
    assert "llm" in fields and "problem" not in fields

    as_json = json.loads(cli.run("info", "--json").stdout)
    assert (as_json["articles"], as_json["chunks"]) == (3, manifest.chunks)
    assert as_json["problems"] == []


def test_info_says_when_an_old_index_has_no_article_ranking(cli: Cli, tmp_path: Path) -> None:
    assert "ranking:" not in cli.run("info").stdout  # a fresh index has the article channel
    old = tmp_path / "index"
    shutil.copytree(cli.index, old)
    manifest = load_manifest(old)
    assert manifest is not None
    (manifest.lexical_dir(old) / "articles.json").unlink()  # as built before the channel
    result = cli.run("info", index=old)
    assert result.returncode == 0, result.stdout + result.stderr  # still usable
    assert "ranking:     passages only" in result.stdout
    assert "run `rag ingest --rebuild`" in result.stdout
    assert json.loads(cli.run("info", "--json", index=old).stdout)["article_ranking"] is False
    found = cli.run("search", "青岛5G基站", "-k", "1", index=old)
    assert found.returncode == 0 and "1." in found.stdout, found.stderr


def test_info_check_passes_on_a_consistent_index(cli: Cli) -> None:
    result = cli.run("info", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check: index consistent" in result.stdout


def test_info_check_fails_on_a_corpus_change(cli: Cli, tmp_path: Path) -> None:
    other = Cli(tmp_path)
    other.corpus.mkdir()
    for path in cli.corpus.iterdir():
        (other.corpus / path.name).write_bytes(path.read_bytes())
    (other.corpus / "new.txt").write_text("新文章\n\n新的内容。\n", encoding="utf-8")
    result = other.run("info", "--check", index=cli.index)
    assert result.returncode == 1
    assert "not yet indexed (new)" in result.stdout and "run `rag ingest`" in result.stdout


def test_search_json_lines_are_hits(cli: Cli) -> None:
    result = cli.run("search", "青岛5G基站", "--json", "-k", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    hits = [Hit(**json.loads(line)) for line in lines]
    assert {f.name for f in dataclasses.fields(Hit)} == set(json.loads(lines[0]))
    assert hits[0].article_id == "qingdao"
    assert hits[0].date == "2021-11-20" and hits[0].title == "青岛5G建设提速"
    article = load_article(cli.corpus / "qingdao.txt")
    assert hits[0].text == article.text[hits[0].start : hits[0].end]
    assert hits[0].score >= hits[1].score


def test_search_without_index_is_a_plain_error(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "no-index"
    result = cli.run("search", "青岛", index=missing)
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"no index at {missing}" in result.stderr
    assert "run `rag ingest`" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_configuration_is_reported(cli: Cli) -> None:
    result = cli.run("info", RAG_TOP_K="0")
    assert result.returncode == 2
    assert "invalid configuration" in result.stderr and "top_k" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_commands(cli: Cli) -> None:
    result = cli.run("--help")
    assert result.returncode == 0
    for command in ("ingest", "info", "search", "ask", "chat", "eval", "serve"):
        assert re.search(rf"\b{command}\b", result.stdout), command


def test_ask_json_and_sources(cli: Cli) -> None:
    out = cli.run("ask", "青岛建成了多少个5G基站？", "--json")
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert "1.7万" in answer["text"] and answer["abstained"] is False
    assert answer["citations"][0]["article_id"] == "qingdao"
    plain = cli.run("ask", "青岛建成了多少个5G基站？")
    assert plain.returncode == 0 and "[1] " in plain.stdout and "“" in plain.stdout


def test_chat_keeps_history_and_commands(cli: Cli) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    environ.update(
        RAG_CORPUS_DIR=str(cli.corpus),
        RAG_INDEX_DIR=str(cli.index),
        HF_HUB_OFFLINE="1",
        PYTHONIOENCODING="utf-8",
    )
    script = "青岛建成了多少个5G基站？\n/sources\n/reset\n/sources\n\n/quit\n"
    out = subprocess.run(
        [*COMMAND, "chat"],
        input=script,
        env=environ,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "1.7万" in out.stdout
    assert "[1] " in out.stdout  # /sources listed the citation
    assert "(conversation cleared)" in out.stdout
    assert "(no sources yet)" in out.stdout  # after /reset
    assert "Traceback" not in out.stderr


def test_chat_shows_bad_question_message_and_goes_on(cli: Cli) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    environ.update(
        RAG_CORPUS_DIR=str(cli.corpus),
        RAG_INDEX_DIR=str(cli.index),
        HF_HUB_OFFLINE="1",
        PYTHONIOENCODING="utf-8",
    )
    script = "🙂🙂\n青岛建成了多少个5G基站？\n"
    out = subprocess.run(
        [*COMMAND, "chat"],
        input=script,
        env=environ,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert out.returncode == 0
    assert "error:" in out.stdout and "1.7万" in out.stdout


def test_a_reader_that_goes_away_gets_no_traceback(cli: Cli) -> None:
    # `rag ask ... | head -1`: the pipe closes before the answer is written.
    environ = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    environ.update(RAG_CORPUS_DIR=str(cli.corpus), RAG_INDEX_DIR=str(cli.index))
    proc = subprocess.Popen(
        [*COMMAND, "ask", "青岛建成了多少个5G基站？"],
        cwd=cli.root,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    stderr = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=300) == 141
    assert "Traceback" not in stderr, stderr
