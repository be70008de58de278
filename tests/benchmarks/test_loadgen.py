"""benchmarks/loadgen.py: the client loop the load scripts share, run with a fake request."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "loadgen.py"


@pytest.fixture(scope="module")
def loadgen() -> Any:
    spec = importlib.util.spec_from_file_location("loadgen", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_other_request_is_a_follow_up(loadgen: Any) -> None:
    assert loadgen.question(0) == (loadgen.QUESTIONS[0], [])
    text, history = loadgen.question(1)
    assert (text, history[0]["content"]) == loadgen.FOLLOW_UP
    assert loadgen.question(2 + len(loadgen.QUESTIONS))[0] == loadgen.QUESTIONS[2]


def test_clients_stop_at_max_requests_and_count_every_failure(loadgen: Any) -> None:
    seen: list[str] = []

    async def ask(client: Any, question: str, history: list[dict[str, str]]) -> str:
        seen.append(question)
        n = len(seen)
        await asyncio.sleep(0.001)
        if n % 3 == 0:
            raise RuntimeError("boom")  # counted, not raised
        return "bad answer" if n % 3 == 1 else ""

    stats = loadgen.drive(ask, clients=3, seconds=30, max_requests=12)
    assert stats["requests"] == len(seen) == 12
    assert stats["errors"] == 8  # 4 raised, 4 reported
    assert stats["clients"] == 3 and stats["requests_per_s"] > 0
    assert 0 < stats["p50_s"] <= stats["p95_s"] <= stats["max_s"] < 30


def test_summary_without_requests_has_no_latencies(loadgen: Any) -> None:
    stats = loadgen.summarise([], 0, 1.0, 2)
    assert stats["requests"] == 0 and stats["p50_s"] is None and stats["mean_s"] is None
    stats = loadgen.summarise([0.1, 0.2, 0.3, 0.4], 1, 2.0, 2)
    assert stats["p50_s"] == 0.25 and stats["max_s"] == 0.4 and stats["requests_per_s"] == 2.0


def test_only_loopback_is_load_tested(loadgen: Any) -> None:
    for url in ("http://10.0.0.1:7860", "http://example.com", "https://192.168.1.2"):
        with pytest.raises(SystemExit, match="only loopback"):
            loadgen.check_loopback(url)
    assert loadgen.check_loopback("http://127.0.0.1:7860/") == "http://127.0.0.1:7860"
