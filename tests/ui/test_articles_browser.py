"""The "Add articles" panel in a real browser (Debian chromium via Playwright) on a real
`rag serve` without an API key: upload several files, read the per-file results, ask about
the new article in the chat, then delete it from the article list.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_server import shared_server
from test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, ask, last_answer, open_page

ARTICLE = (
    "温州智慧水务上线\n2024-04-08 来源：温州日报\n\n"
    "温州市智慧水务平台正式上线，全市已安装智能水表8.6万只。"
    "平台可实时监测管网压力，漏损率下降到百分之九。\n"
)
QUESTION = "温州已安装多少只智能水表？"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian chromium at /usr/bin/chromium "
        "(apt-get install chromium fonts-noto-cjk)",
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def select_files(page: Any, paths: list[Path], server_log: Callable[[], str]) -> None:
    """Choose files as a user does: click the upload box and pick them in the file chooser
    it opens. The click goes through the component's own handler, so the choice reaches
    it even right after the accordion opened (setting the hidden input directly was missed
    now and then on a loaded 2-core machine)."""
    for attempt in range(3):
        with page.expect_file_chooser(timeout=TIMEOUT_MS) as chooser:
            page.click("#rag-upload button", timeout=TIMEOUT_MS)
        chooser.value.set_files([str(p) for p in paths])
        try:
            # The box lists a file's stem and extension as separate items ("broken\n.txt"
            # in its innerText on some runs): compare without the line breaks.
            page.wait_for_function(
                "(name) => document.querySelector('#rag-upload').innerText"
                ".replace(/\\s+/g, '').includes(name)",
                arg=paths[-1].name,
                timeout=TIMEOUT_MS // 3,
            )
            return
        except Exception as exc:  # noqa: BLE001 - playwright's TimeoutError
            if attempt == 2:
                shown = page.inner_text("#rag-upload")
                raise AssertionError(
                    f"the upload box never listed {paths[-1].name}: it shows {shown!r}; "
                    f"server log:\n{server_log()[-2000:]}"
                ) from exc


def test_add_articles_panel_uploads_asks_and_deletes(
    browser: Any, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    server = shared_server(tmp_path_factory, keys=())  # no key: the open, loopback-only mode
    assert httpx.get(f"{server.url}/api/health", timeout=30).json()["auth"] is False
    files = {
        "wenzhou_water.txt": ARTICLE.encode(),
        "broken.txt": bytes(range(256)) * 20,
    }
    for name, data in files.items():
        (tmp_path / Path(name).name).write_bytes(data)

    page, dialogs = open_page(browser, server.url, 1366, 1000)
    page.get_by_text("Add articles").first.click()
    page.wait_for_selector("#rag-upload input[type=file]", state="attached", timeout=TIMEOUT_MS)
    select_files(page, [tmp_path / "wenzhou_water.txt", tmp_path / "broken.txt"], server.output)
    page.click("#rag-add")
    page.wait_for_function(
        "() => document.querySelector('#rag-add-results').innerText.includes('Index:')",
        timeout=TIMEOUT_MS,
    )
    results = page.inner_text("#rag-add-results")
    assert "wenzhou_water.txt" in results and "added" in results, results
    assert "broken.txt" in results and "skipped" in results, results
    assert (server.corpus / "wenzhou_water.txt").exists()
    assert not (server.corpus / "broken.txt").exists()
    page.wait_for_function(
        "() => document.querySelector('#rag-article-list').innerText.includes('wenzhou_water')",
        timeout=TIMEOUT_MS,
    )
    assert "articles" in page.inner_text("#rag-status")
    page.screenshot(path=str(tmp_path / "add-articles.png"), full_page=True)
    shutil.copy(tmp_path / "add-articles.png", "/tmp/rag_add_articles.png")

    # The new article answers in the chat, with its source.
    ask(page, QUESTION, "温州智慧水务上线")
    assert "8.6万" in last_answer(page)

    # Delete it from the list: gone from the corpus, the index and the list.
    page.click("#rag-delete-id input")
    page.get_by_role("option", name="温州智慧水务上线 (wenzhou_water)").click()
    page.click("#rag-delete")
    page.wait_for_function(
        "() => document.querySelector('#rag-add-results').innerText.includes('deleted')",
        timeout=TIMEOUT_MS,
    )
    page.wait_for_function(
        "() => !document.querySelector('#rag-article-list').innerText.includes('wenzhou_water')",
        timeout=TIMEOUT_MS,
    )
    assert not (server.corpus / "wenzhou_water.txt").exists()
    ids = [a["article_id"] for a in httpx.get(f"{server.url}/api/articles").json()["articles"]]
    assert "wenzhou_water" not in ids
    assert dialogs == []
    page.close()
