"""Bad input on every HTTP API route: a 4xx JSON `{error: {message, type}}` naming the field
and the fix, never a traceback, and nothing lost or changed on the server.

Runs against the real `rag serve` of tests/api_server.py (shared with test_http_api.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_server import ApiServer, shared_server

from ui.corpus import ArticleConflict, CorpusEditor, check_name

SEED_ID = "004_33a22f1cef91604b"
ARTICLE = (
    "宁波港口新闻\n2024-01-02 来源：宁波日报\n\n宁波舟山港今年新开航线20条，港口吞吐量再创新高。\n"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> ApiServer:
    return shared_server(tmp_path_factory)


@pytest.fixture(scope="module")
def http(server: ApiServer) -> Any:
    with server.client() as client:
        yield client


def corpus_state(server: ApiServer, http: httpx.Client) -> tuple[Any, ...]:
    files = sorted(
        (p.name, p.stat().st_size)
        for p in server.root.rglob("*")
        if p.is_file() and "index" not in p.parts and p.name != "server.log"
    )
    return files, http.get("/api/articles").json()


def check_error(r: httpx.Response, status: int, *words: str) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    err = r.json()["error"]
    assert err["message"] and err["type"]
    assert "Traceback" not in r.text and 'File "' not in r.text
    for word in words:
        assert word in err["message"], (word, err["message"])
    return dict(err)


LONG = "青岛" * 1001  # 2002 characters, over RAG_MAX_QUESTION_CHARS (2000)

# (route, JSON body or raw bytes, status, words the message must hold, the named field)
JSON_CASES: list[tuple[str, Any, int, tuple[str, ...], str | None]] = [
    ("/api/search", {}, 400, ("query", "missing"), "query"),
    ("/api/search", {"query": ""}, 400, ("empty",), "query"),
    ("/api/search", {"query": "？？！"}, 400, ("no letters",), "query"),
    ("/api/search", {"query": LONG}, 400, ("at most 2000", "2002"), "query"),
    ("/api/search", {"query": 12}, 400, ("query", "string"), "query"),
    ("/api/search", {"query": "青岛", "k": 0}, 400, ("k", "greater than or equal to 1"), "k"),
    ("/api/search", {"query": "青岛", "k": 101}, 400, ("k", "less than or equal to 100"), "k"),
    ("/api/search", {"query": "青岛", "k": "5"}, 400, ("k", "integer"), "k"),
    ("/api/search", {"query": "青岛", "k": True}, 400, ("k",), "k"),
    ("/api/search", {"query": "青岛", "k": 2.5}, 400, ("k",), "k"),
    (
        "/api/search",
        {"query": "青岛", "top_k": 3},
        400,
        ("top_k", "unknown", "valid fields"),
        "top_k",
    ),
    (
        "/api/search",
        {"query": "青岛", "filters": {"city": "青岛"}},
        400,
        ("filters.city", "article_ids, since, until, source"),
        "filters.city",
    ),
    (
        "/api/search",
        {"query": "青岛", "filters": {"since": "2023-02-30"}},
        400,
        ("since", "YYYY-MM-DD"),
        "filters",
    ),
    (
        "/api/search",
        {"query": "青岛", "filters": {"article_ids": "004"}},
        400,
        ("filters.article_ids", "list"),
        "filters.article_ids",
    ),
    ("/api/search", {"query": "青岛", "filters": []}, 400, ("filters",), "filters"),
    ("/api/search", '{"query": "青岛",'.encode(), 400, ("not valid JSON",), None),
    ("/api/search", b"[1, 2]", 400, ("JSON object",), None),
    ("/api/search", b"\xff\xfe\x00binary", 400, ("JSON",), None),
    ("/api/ask", {"question": "   "}, 400, ("empty",), "question"),
    ("/api/ask", {"question": LONG}, 400, ("at most 2000",), "question"),
    ("/api/ask", {"question": None}, 400, ("question",), "question"),
    ("/api/ask", {"question": "青岛", "mode": "fast"}, 400, ("mode", "extractive", "llm"), "mode"),
    ("/api/ask", {"question": "青岛", "mode": "llm"}, 400, ("RAG_LLM_BASE_URL",), "mode"),
    ("/api/ask", {"question": "青岛", "history": "[]"}, 400, ("history", "list"), "history"),
    (
        "/api/ask",
        {"question": "青岛", "history": [{"role": "bot", "content": "x"}]},
        400,
        ("history[0].role", "'user' or 'assistant'"),
        "history[0].role",
    ),
    (
        "/api/ask",
        {"question": "青岛", "history": [{"role": "user"}]},
        400,
        ("history[0].content", "missing"),
        "history[0].content",
    ),
    (
        "/api/ask",
        {"question": "青岛", "history": [{"role": "user", "content": "x"}] * 101},
        400,
        ("history", "at most 100"),
        "history",
    ),
    ("/api/ask", {"question": "青岛", "k": -1}, 400, ("k",), "k"),
    (
        "/api/ask",
        {"question": "青岛", "filters": {"until": "tomorrow"}},
        400,
        ("until",),
        "filters",
    ),
    ("/v1/chat/completions", {"model": "rag"}, 400, ("messages", "missing"), "messages"),
    (
        "/v1/chat/completions",
        {"model": "rag", "messages": []},
        400,
        ("messages", "at least 1"),
        "messages",
    ),
    (
        "/v1/chat/completions",
        {"messages": [{"role": "user", "content": "青岛"}]},
        400,
        ("model", "missing"),
        "model",
    ),
    (
        "/v1/chat/completions",
        {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]},
        404,
        ("gpt-4o", "rag-extractive"),
        "model",
    ),
    (
        "/v1/chat/completions",
        {"model": "rag", "messages": [{"role": "assistant", "content": "x"}]},
        400,
        ("last message", "user"),
        "messages",
    ),
    (
        "/v1/chat/completions",
        {"model": "rag", "messages": [{"role": "user", "content": ""}]},
        400,
        ("empty",),
        "messages",
    ),
    (
        "/v1/chat/completions",
        {
            "model": "rag",
            "messages": [
                {
                    "role": "user",
                    "content": [{"type": "image_url", "image_url": {"url": "http://x/y.png"}}],
                }
            ],
        },
        400,
        ("only text", "image_url"),
        "messages[0].content",
    ),
    (
        "/v1/chat/completions",
        {"model": "rag", "messages": [{"role": "wizard", "content": "x"}]},
        400,
        ("messages[0].role",),
        "messages[0].role",
    ),
    (
        "/v1/chat/completions",
        {"model": "rag", "messages": [{"role": "user", "content": "x"}], "stream": "yes"},
        400,
        ("stream", "boolean"),
        "stream",
    ),
    (
        "/v1/chat/completions",
        {"model": "rag", "messages": [{"role": "user", "content": LONG}], "stream": True},
        400,
        ("at most 2000",),
        "messages",
    ),
    (
        "/v1/chat/completions",
        {"model": "rag", "messages": [{"role": "user", "content": "青岛"}], "k": 1000},
        400,
        ("k",),
        "k",
    ),
]


@pytest.mark.parametrize(("path", "body", "status", "words", "param"), JSON_CASES)
def test_bad_json_input_is_a_4xx_naming_the_field(
    http: httpx.Client,
    path: str,
    body: Any,
    status: int,
    words: tuple[str, ...],
    param: str | None,
) -> None:
    if isinstance(body, bytes):
        r = http.post(path, content=body, headers={"Content-Type": "application/json"})
    else:
        r = http.post(path, json=body)
    err = check_error(r, status, *words)
    if param is not None:
        assert err["param"] == param


def test_routes_and_methods_that_do_not_exist(http: httpx.Client) -> None:
    check_error(http.get("/api/nothing"), 404, "/api/docs")
    check_error(http.get("/v1/engines"), 404, "/api/docs")
    err = check_error(http.get("/api/search"), 405, "POST")
    assert err["type"] == "invalid_request_error"
    check_error(http.put("/api/articles"), 405, "GET", "POST")
    check_error(
        http.get("/api/articles/no_such_article"), 404, "no_such_article", "GET /api/articles"
    )
    check_error(http.delete("/api/articles/no_such_article"), 404, "no_such_article")
    check_error(http.get("/api/articles/..%2F..%2Fetc%2Fpasswd"), 404)


def test_bodies_over_the_limit_are_refused(http: httpx.Client) -> None:
    big = {"question": "青岛", "history": [{"role": "user", "content": "x" * 1000}] * 1100}
    check_error(http.post("/api/ask", json=big), 413, "at most 1,048,576 bytes")

    def chunked() -> Any:  # no Content-Length: counted as it is read
        yield b'{"question": "'
        for _ in range(1200):
            yield b"x" * 1024
        yield b'"}'

    r = http.post("/api/search", content=chunked(), headers={"Content-Type": "application/json"})
    check_error(r, 413, "at most")
    r = http.post("/api/articles", files=[("files", ("big.txt", b"a" * (21 * 1024 * 1024)))])
    check_error(r, 413, "at most 20,971,520 bytes")


BAD_UPLOADS: list[tuple[str, bytes, str]] = [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"   \n\n  ", "empty"),
    ("image.txt", bytes(range(256)) * 40, "binary"),
    ("huge.txt", ("新闻" * 10 + "。\n").encode() * 35_000, "too large"),
    ("../x.txt", ARTICLE.encode(), "path"),
    ("../../etc/cron.d/x.txt", ARTICLE.encode(), "path"),
    ("sub/x.txt", ARTICLE.encode(), "path"),
    ("..\\x.txt", ARTICLE.encode(), "path"),
    (".hidden.txt", ARTICLE.encode(), "dot"),
    ("report.pdf", b"%PDF-1.7 ...", ".pdf"),
    ("noext", ARTICLE.encode(), "(none)"),
    ("page.html", b"<html><head><title>t</title></head><body></body></html>", "no article"),
    (f"{SEED_ID}.md", ARTICLE.encode(), f"{SEED_ID}.txt"),
    (f"{SEED_ID}.txt", ARTICLE.encode(), "overwrite=true"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD_UPLOADS)
def test_bad_uploads_are_skipped_with_their_reason(
    server: ApiServer, http: httpx.Client, name: str, data: bytes, reason: str
) -> None:
    before = corpus_state(server, http)
    r = http.post("/api/articles", files=[("files", (name, data))])
    err = check_error(r, 400, "No file was added")
    assert err["param"] == "files"
    [result] = r.json()["files"]
    assert result["status"] == "skipped" and reason in result["reason"], result
    assert corpus_state(server, http) == before
    assert not (server.root / "x.txt").exists() and not (server.corpus / "sub").exists()


def test_duplicate_names_in_one_upload(server: ApiServer, http: httpx.Client) -> None:
    files = [
        ("files", ("ningbo.txt", ARTICLE.encode())),
        ("files", ("ningbo.md", ARTICLE.encode())),
        ("files", ("ningbo.txt", ARTICLE.replace("20", "30").encode())),
    ]
    r = http.post("/api/articles", files=files)
    assert r.status_code == 200, r.text
    results = r.json()["files"]
    assert [f["status"] for f in results] == ["added", "skipped", "skipped"]
    assert all("twice" in f["reason"] for f in results[1:])
    assert (server.corpus / "ningbo.txt").read_text(encoding="utf-8") == ARTICLE
    assert not (server.corpus / "ningbo.md").exists()


def test_upload_requests_that_are_not_uploads(server: ApiServer, http: httpx.Client) -> None:
    before = corpus_state(server, http)
    check_error(http.post("/api/articles"), 400, "files", "missing")
    check_error(http.post("/api/articles", json={"files": ["a.txt"]}), 400, "files")
    check_error(http.post("/api/articles", data={"files": "a.txt"}), 400, "files")
    r = http.post(
        "/api/articles",
        files=[("files", ("a.txt", ARTICLE.encode()))],
        data={"overwrite": "perhaps"},
    )
    check_error(r, 400, "overwrite")
    r = http.post("/api/articles", files=[("files", (f"n{i}.txt", b"x")) for i in range(101)])
    check_error(r, 400, "at most 100 files")
    assert corpus_state(server, http) == before


def test_check_name_refuses_paths_and_odd_names() -> None:
    assert check_name("新闻.txt") == "" and check_name("a b.HTML") == ""
    for bad in (
        "",
        "..",
        "../a.txt",
        "a/b.txt",
        "a\\b.txt",
        "a\x00.txt",
        ".a.txt",
        "a.exe",
        "x" * 200 + ".txt",
        "a\n.txt",
        ".txt",
        None,
        3,
    ):
        assert check_name(bad), bad


def test_the_last_article_cannot_be_deleted(make_corpus: Any) -> None:
    import rag

    settings = make_corpus({"only.txt": ARTICLE})
    rag.ingest(settings=settings)
    editor = CorpusEditor(rag.Engine.open(settings=settings), settings)
    with pytest.raises(ArticleConflict, match="last article"):
        editor.delete("only")
    assert (Path(settings.corpus_dir) / "only.txt").exists()
    assert [a.article_id for a in editor.engine.articles()] == ["only"]


def test_a_failed_ingest_puts_the_corpus_back(make_corpus: Any, monkeypatch: Any) -> None:
    import rag

    settings = make_corpus()
    rag.ingest(settings=settings)
    editor = CorpusEditor(rag.Engine.open(settings=settings), settings)
    corpus = Path(settings.corpus_dir)
    old = (corpus / "qingdao.txt").read_bytes()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("disk full")

    monkeypatch.setattr(rag, "ingest", broken)
    with pytest.raises(OSError):
        editor.add(
            [("new.txt", ARTICLE.encode()), ("qingdao.txt", ARTICLE.encode())], overwrite=True
        )
    assert not (corpus / "new.txt").exists()
    assert (corpus / "qingdao.txt").read_bytes() == old
    with pytest.raises(OSError):
        editor.delete("guiyang")
    assert (corpus / "guiyang.txt").exists()
    assert sorted(os.listdir(corpus)) == ["guiyang.txt", "qingdao.txt", "shenzhen.txt"]
