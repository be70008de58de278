"""The HTTP API of `rag serve` (ui/api.py, ui/openai_api.py) against the real server.

A `rag serve` subprocess on a free 127.0.0.1 port over a copy of the seed corpus, with two
API keys; driven with plain HTTP (httpx) and the official `openai` SDK.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import httpx
import openai
import pytest
from api_server import API_KEYS, ApiServer, shared_server
from test_ui import FIRST, FOLLOW_UP

import rag

QINGDAO = "青岛建成了多少个5G基站？"
NOT_IN_CORPUS = "2023年北京市的GDP是多少？"
NEW_ARTICLE = (
    "海口智慧港口建设加速\n2024-03-15 来源：海南日报\n\n"
    "海口港已建成自动化集装箱泊位12个，港口作业效率提升三成。"
    "港区部署了无人驾驶集卡和智能理货系统，全年吞吐量突破300万标箱。\n"
)
NEW_QUESTION = "海口港建成了多少个自动化集装箱泊位？"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> ApiServer:
    return shared_server(tmp_path_factory)


@pytest.fixture(scope="module")
def http(server: ApiServer) -> Any:
    with server.client() as client:
        yield client


@pytest.fixture(scope="module")
def oai(server: ApiServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=API_KEYS[0], max_retries=0)


def ask(http: httpx.Client, question: str, **body: Any) -> dict[str, Any]:
    r = http.post("/api/ask", json={"question": question, **body})
    assert r.status_code == 200, r.text
    return dict(r.json())


# ---- REST ---------------------------------------------------------------------------------


def test_health_reports_index_model_and_mode(http: httpx.Client) -> None:
    body = http.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["articles"] >= 5 and body["chunks"] >= body["articles"]
    assert body["embed_model"] and body["index"]["embed_model"] == body["embed_model"]
    assert body["llm"]["mode"] == "extractive"
    assert body["auth"] is True


def test_search_returns_hits_with_the_fields_of_rag_hit(http: httpx.Client) -> None:
    r = http.post("/api/search", json={"query": "青岛 5G基站", "k": 3})
    assert r.status_code == 200, r.text
    hits = r.json()["hits"]
    assert 1 <= len(hits) <= 3
    assert set(hits[0]) == {f.name for f in dataclasses.fields(rag.Hit)}
    assert hits[0]["article_id"].startswith("004_") and "5G" in hits[0]["text"]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_search_filters_restrict_the_articles(http: httpx.Client) -> None:
    only = "000_55233159bab9015b"
    body = {"query": "智慧城市", "k": 10, "filters": {"article_ids": [only]}}
    hits = http.post("/api/search", json=body).json()["hits"]
    assert hits and {h["article_id"] for h in hits} == {only}
    late = {"query": "智慧城市", "filters": {"since": "2099-01-01"}}
    assert http.post("/api/search", json=late).json()["hits"] == []


def test_ask_returns_the_answer_with_citations_and_offsets(http: httpx.Client) -> None:
    body = ask(http, QINGDAO)
    assert set(body) >= {f.name for f in dataclasses.fields(rag.Answer)}
    assert "[1]" in body["text"] and not body["abstained"] and body["mode"] == "extractive"
    assert any("1.7万" in c["quote"] for c in body["citations"])
    c = body["citations"][0]
    assert c["quote"] in c["passage"] and c["title"] and c["date"]
    # The citation's span opens in the article's cleaned text.
    article = http.get(f"/api/articles/{c['article_id']}").json()
    assert article["text"][c["start"] : c["end"]] == c["quote"]
    assert article["title"] == c["title"] and article["file"].endswith(".txt")


def test_ask_follow_up_uses_the_history(http: httpx.Client) -> None:
    first = ask(http, FIRST)
    history = [{"role": "user", "content": FIRST}, {"role": "assistant", "content": first["text"]}]
    follow = ask(http, FOLLOW_UP, history=history)
    assert "宜兴" in follow["text"], follow["text"]


def test_ask_abstains_when_the_articles_do_not_say(http: httpx.Client) -> None:
    body = ask(http, NOT_IN_CORPUS)
    assert body["abstained"] and body["citations"] == [] and body["closest"]


def test_articles_lists_the_index(http: httpx.Client) -> None:
    body = http.get("/api/articles").json()
    ids = [a["article_id"] for a in body["articles"]]
    assert body["count"] == len(ids) >= 5 and "004_33a22f1cef91604b" in ids
    assert {f.name for f in dataclasses.fields(rag.ArticleInfo)} <= set(body["articles"][0])


# ---- OpenAI-compatible ------------------------------------------------------------------------


def test_openai_models_lists_rag(oai: openai.OpenAI) -> None:
    ids = [m.id for m in oai.models.list()]
    assert "rag" in ids and "rag-extractive" in ids and "rag-llm" not in ids


def test_openai_chat_answers_with_sources_and_citations(oai: openai.OpenAI) -> None:
    resp = oai.chat.completions.create(model="rag", messages=[{"role": "user", "content": QINGDAO}])
    content = resp.choices[0].message.content or ""
    assert resp.choices[0].finish_reason == "stop" and resp.object == "chat.completion"
    answer, _, sources = content.partition("\n\nSources:\n")
    assert "[1]" in answer and "1.7万" in answer
    assert sources.startswith("[1] ") and "青岛" in sources
    extra = resp.model_extra or {}
    assert extra["citations"][0]["n"] == 1 and "1.7万" in extra["citations"][0]["quote"]
    assert extra["rag"]["abstained"] is False


def test_openai_chat_follow_up_through_messages(oai: openai.OpenAI) -> None:
    first = oai.chat.completions.create(model="rag", messages=[{"role": "user", "content": FIRST}])
    messages: list[Any] = [
        {"role": "system", "content": "Answer from the news."},
        {"role": "user", "content": FIRST},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": FOLLOW_UP},
    ]
    resp = oai.chat.completions.create(model="rag-extractive", messages=messages)
    assert "宜兴" in (resp.choices[0].message.content or "")


def test_openai_chat_streams_chunks_then_citations(oai: openai.OpenAI) -> None:
    plain = oai.chat.completions.create(
        model="rag", messages=[{"role": "user", "content": QINGDAO}]
    )
    stream = oai.chat.completions.create(
        model="rag", messages=[{"role": "user", "content": QINGDAO}], stream=True
    )
    chunks = list(stream)
    assert len(chunks) >= 4 and all(c.object == "chat.completion.chunk" for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == plain.choices[0].message.content
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert (last.model_extra or {})["citations"] == (plain.model_extra or {})["citations"]


def test_openai_stream_is_server_sent_events_ending_in_done(server: ApiServer) -> None:
    body = {"model": "rag", "stream": True, "messages": [{"role": "user", "content": QINGDAO}]}
    with (
        server.client() as http,
        http.stream("POST", "/v1/chat/completions", json=body) as r,
    ):
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in r.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines)
    assert lines[-1] == "data: [DONE]"
    events = [json.loads(line[6:]) for line in lines[:-1]]
    assert len({e["id"] for e in events}) == 1


def test_openai_wrong_key_is_an_authentication_error(server: ApiServer) -> None:
    bad = openai.OpenAI(base_url=f"{server.url}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as err:
        bad.chat.completions.create(model="rag", messages=[{"role": "user", "content": QINGDAO}])
    assert "RAG_API_KEY" in str(err.value)
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()


def test_openai_second_key_works(server: ApiServer) -> None:
    other = openai.OpenAI(base_url=f"{server.url}/v1", api_key=API_KEYS[1], max_retries=0)
    assert "rag" in [m.id for m in other.models.list()]


ROUTES = [
    ("GET", "/api/health"),
    ("POST", "/api/search"),
    ("POST", "/api/ask"),
    ("GET", "/api/articles"),
    ("GET", "/api/articles/004_33a22f1cef91604b"),
    ("POST", "/api/articles"),
    ("DELETE", "/api/articles/004_33a22f1cef91604b"),
    ("GET", "/v1/models"),
    ("POST", "/v1/chat/completions"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("auth", [None, "Bearer wrong", "Basic dGVzdC1rZXktb25l", API_KEYS[0]])
def test_every_api_route_needs_the_key(
    server: ApiServer, method: str, path: str, auth: str | None
) -> None:
    headers = {"Authorization": auth} if auth else {}
    with server.client(headers=headers) as http:
        r = http.request(method, path, json={"question": "x"} if method == "POST" else None)
    assert r.status_code == 401, r.text
    assert r.json()["error"]["type"] == "authentication_error"
    assert r.headers["www-authenticate"] == "Bearer"
    # Refused before anything ran: the article is still there.
    assert server.client().get("/api/articles/004_33a22f1cef91604b").status_code == 200


def test_docs_describe_the_api(server: ApiServer) -> None:
    with server.client(headers={}) as http:
        spec = http.get("/api/openapi.json").json()
        assert http.get("/api/docs").status_code == 200
    paths = set(spec["paths"])
    assert {"/api/health", "/api/search", "/api/ask", "/api/articles", "/v1/models"} <= paths
    assert {"/api/articles/{article_id}", "/v1/chat/completions"} <= paths
    assert not any(p.startswith("/gradio_api") for p in paths)


def test_web_app_is_served_on_the_same_port(server: ApiServer) -> None:
    r = httpx.get(server.url + "/", timeout=30)
    assert r.status_code == 200 and "gradio" in r.text.lower()


# ---- adding and deleting articles ---------------------------------------------------------------


def upload(http: httpx.Client, files: list[tuple[str, bytes]], **data: str) -> httpx.Response:
    return http.post("/api/articles", files=[("files", f) for f in files], data=data)


def test_upload_then_ask_about_the_new_article_then_delete_it(
    server: ApiServer, http: httpx.Client
) -> None:
    before = http.get("/api/articles").json()["count"]
    r = upload(http, [("haikou_port.txt", NEW_ARTICLE.encode())])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["files"] == [
        {"name": "haikou_port.txt", "status": "added", "article_id": "haikou_port", "reason": ""}
    ]
    assert body["articles"] == before + 1 and "1 added" in body["ingest"]
    assert (server.corpus / "haikou_port.txt").read_text(encoding="utf-8") == NEW_ARTICLE

    answer = ask(http, NEW_QUESTION)
    assert "12个" in answer["text"], answer["text"]
    assert answer["citations"][0]["article_id"] == "haikou_port"
    article = http.get("/api/articles/haikou_port").json()
    assert article["title"] == "海口智慧港口建设加速" and article["date"] == "2024-03-15"

    r = http.delete("/api/articles/haikou_port")
    assert r.status_code == 200, r.text
    assert r.json()["deleted"] == ["haikou_port"] and r.json()["articles"] == before
    assert not (server.corpus / "haikou_port.txt").exists()
    assert http.get("/api/articles/haikou_port").status_code == 404
    assert http.delete("/api/articles/haikou_port").status_code == 404
    after = ask(http, NEW_QUESTION)
    assert all(c["article_id"] != "haikou_port" for c in after["citations"])


def test_upload_several_with_per_file_results(server: ApiServer, http: httpx.Client) -> None:
    good = NEW_ARTICLE.replace("海口", "三亚").encode()
    r = upload(
        http,
        [("sanya_port.md", good), ("notes.pdf", b"%PDF-1.4"), ("empty.txt", b"")],
    )
    assert r.status_code == 200, r.text
    status = {f["name"]: (f["status"], f["reason"]) for f in r.json()["files"]}
    assert status["sanya_port.md"] == ("added", "")
    assert status["notes.pdf"][0] == "skipped" and ".pdf" in status["notes.pdf"][1]
    assert status["empty.txt"][0] == "skipped" and "empty" in status["empty.txt"][1]
    assert not (server.corpus / "notes.pdf").exists()
    assert not (server.corpus / "empty.txt").exists()


def test_upload_never_silently_overwrites(server: ApiServer, http: httpx.Client) -> None:
    first = NEW_ARTICLE.replace("海口", "湛江").encode()
    assert upload(http, [("zhanjiang.txt", first)]).status_code == 200
    same = upload(http, [("zhanjiang.txt", first)]).json()["files"][0]
    assert same["status"] == "unchanged"
    edited = first.replace("12个".encode(), "15个".encode())
    r = upload(http, [("zhanjiang.txt", edited)])
    assert r.status_code == 400
    refused = r.json()["files"][0]
    assert refused["status"] == "skipped" and "overwrite=true" in refused["reason"]
    assert (server.corpus / "zhanjiang.txt").read_bytes() == first
    # Another extension with the same id (the file stem) is refused too, even with overwrite.
    r = upload(http, [("zhanjiang.md", edited)], overwrite="true")
    assert r.status_code == 400 and "zhanjiang.txt" in r.json()["files"][0]["reason"]
    replaced = upload(http, [("zhanjiang.txt", edited)], overwrite="true").json()["files"][0]
    assert replaced["status"] == "updated"
    assert "15个" in ask(http, "湛江港建成了多少个自动化集装箱泊位？")["text"]
