"""The web app in a real browser (Debian chromium via Playwright): streaming answer, sources
panel with the quoted sentence marked, markup from articles shown as text, phone layout.

Screenshots: tmp_path, plus /tmp/rag_ui_screenshot.png and /tmp/rag_ui_phone.png to look at.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_ui import FIRST, FOLLOW_UP, XSS_QUESTION, RunningApp, make_settings

import rag

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian chromium at /usr/bin/chromium "
        "(apt-get install chromium fonts-noto-cjk)",
    ),
]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    settings = make_settings(tmp_path_factory.mktemp("browser"))
    rag.ingest(settings=settings)
    app = RunningApp(settings)
    yield app
    app.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser: Any, url: str, width: int, height: int) -> tuple[Any, list[str]]:
    """A fresh page on the app; the list collects any JS dialog (alert) that fires."""
    page = browser.new_page(viewport={"width": width, "height": height})
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(url)
    page.wait_for_selector("#rag-input textarea", timeout=TIMEOUT_MS)
    return page, dialogs


def ask(page: Any, question: str, expect_in_sources: str) -> None:
    box = page.locator("#rag-input textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "([q, s]) => document.querySelector('#rag-chat').innerText.includes(q)"
        " && document.querySelector('#rag-sources').innerText.includes(s)",
        arg=[question, expect_in_sources],
        timeout=TIMEOUT_MS,
    )
    wait_until_idle(page)


def wait_until_idle(page: Any) -> None:
    """The answer is complete when the input box is unlocked again."""
    page.wait_for_selector("#rag-input textarea:not([disabled])", timeout=TIMEOUT_MS)


def last_answer(page: Any) -> str:
    return str(page.locator("#rag-chat .message.bot").last.inner_text())


def test_chat_in_browser(browser: Any, running: RunningApp, tmp_path: Path) -> None:
    page, dialogs = open_page(browser, running.url, 1366, 900)
    assert "articles" in page.inner_text("#rag-status")

    ask(page, FIRST, "Sources (")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#rag-chat .message.bot')].pop()"
        "?.innerText.includes('[1]')",
        timeout=TIMEOUT_MS,
    )
    marks = page.locator("#rag-sources mark").all_inner_texts()
    assert any("上海" in m for m in marks), marks
    # Long sources scroll inside their box, never over the rows below it (Gradio's block
    # style had overflow: visible over ours).
    overflow = page.evaluate(
        "() => getComputedStyle(document.querySelector('#rag-sources')).overflowY"
    )
    assert overflow in ("auto", "scroll"), f"the sources panel's overflow is {overflow}"
    examples = page.locator("#rag-examples").bounding_box()
    box = page.locator("#rag-sources").bounding_box()
    assert box["y"] + box["height"] <= examples["y"] + 1

    # Thumbs up on the answer lands in the feedback file.
    page.locator("#rag-chat button[aria-label='Like']").last.click()
    feedback = running.settings.feedback_file
    page.wait_for_timeout(200)
    for _ in range(50):
        if feedback.exists() and feedback.read_text(encoding="utf-8").strip():
            break
        page.wait_for_timeout(100)
    votes = [json.loads(x) for x in feedback.read_text(encoding="utf-8").splitlines()]
    assert votes[-1]["vote"] == "up" and votes[-1]["question"] == FIRST

    # A follow-up typed right after the answer uses the conversation.
    ask(page, FOLLOW_UP, "Sources (")
    assert page.locator("#rag-chat .message.bot").count() == 2
    follow_up = last_answer(page)
    assert "宜兴" in follow_up or "宜興" in follow_up, follow_up

    # An article whose body carries markup: shown as text, never run.
    ask(page, XSS_QUESTION, "alert(1)")
    page.wait_for_timeout(500)  # give a would-be onerror/script the chance to fire
    sources = page.inner_text("#rag-sources")
    assert "<script>alert(1)</script>" in sources
    assert "<img src=x onerror=alert(1)>" in sources
    assert "<script>alert(1)</script>" in last_answer(page)
    assert page.locator("#rag-sources script, #rag-sources img, #rag-chat img[src=x]").count() == 0
    assert dialogs == []

    page.screenshot(path=str(tmp_path / "desktop.png"), full_page=True)
    shutil.copy(tmp_path / "desktop.png", "/tmp/rag_ui_screenshot.png")

    # New chat clears the conversation and the sources.
    page.get_by_role("button", name="New chat").click()
    page.wait_for_function(
        "() => document.querySelectorAll('#rag-chat .message').length === 0"
        " && !document.querySelector('#rag-sources').innerText.includes('Sources (')",
        timeout=TIMEOUT_MS,
    )
    page.close()


MARKUP_QUESTION = "[点我](javascript:alert(1)) ![x](http://x/x.png) http://x/y 青岛5G基站"


def test_markup_and_urls_in_the_chat_show_literally(browser: Any, running: RunningApp) -> None:
    page, dialogs = open_page(browser, running.url, 1366, 900)
    box = page.locator("#rag-input textarea")
    box.fill(MARKUP_QUESTION)
    box.press("Enter")
    page.wait_for_selector("#rag-chat .message.user", timeout=TIMEOUT_MS)
    wait_until_idle(page)
    bubble = page.locator("#rag-chat .message.user").last
    assert bubble.locator("a, img").count() == 0, bubble.inner_html()
    shown = bubble.inner_text().strip()
    assert shown == MARKUP_QUESTION  # every character as typed: no link, no image, no "\\"
    assert "http://x/x.png" in shown and "http://x/y" in shown and "\\" not in shown
    answer = page.locator("#rag-chat .message.bot").last
    assert answer.inner_text().strip() and answer.locator("a, img").count() == 0
    assert "\\" not in answer.inner_text()
    assert dialogs == []
    page.close()


def test_phone_layout(browser: Any, running: RunningApp, tmp_path: Path) -> None:
    page, dialogs = open_page(browser, running.url, 375, 812)
    page.get_by_role("button", name=FIRST).click()  # an example question
    page.wait_for_function(
        "() => document.querySelector('#rag-sources').innerText.includes('Sources (')",
        timeout=TIMEOUT_MS,
    )
    wait_until_idle(page)
    chat_box = page.locator("#rag-chat").bounding_box()
    sources_box = page.locator("#rag-sources").bounding_box()
    assert sources_box["y"] >= chat_box["y"] + chat_box["height"] - 1  # stacked, not side by side
    assert sources_box["width"] > 300
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= 375 + 1, f"page is {overflow}px wide at a 375px viewport"
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    shutil.copy(tmp_path / "phone.png", "/tmp/rag_ui_phone.png")
    assert dialogs == []
    page.close()
